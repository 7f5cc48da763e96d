// `instances extend`: moves machines' expiry (the `ec2-workshop:expires-at` tag) later. Only this
// workshop's machines, read again just before; one CreateTags per new value and 100 machines (a
// batch shares one expiry, so a whole workshop usually costs a call or two).
import { CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { callRetry, withClientRetry } from "./backoff.js";
import { expiryOf, expiryTag, extendedExpiry, NEVER, type Expiry } from "./expiry.js";
import { withoutMissingIds } from "./instance-id.js";
import { TAG } from "./tags.js";
import { chunks, readWorkshopNow } from "./workshop-action.js";

/** CreateTags takes up to 1,000 resources, and recommends smaller batches (API reference, CreateTags). */
const TAG_CHUNK = 100;

export interface Extended {
  instanceId: string;
  seat?: number;
  batch?: string;
  from?: Expiry;
  to: Expiry;
}

export interface ExtendResult {
  extended: Extended[];
  skipped: { instanceId: string; reason: string }[];
}

export async function extendExpiry(
  ec2: EC2Client,
  workshop: string,
  instanceIds: readonly string[],
  hours: number,
  o: { clock: Clock; now: Date; signal?: AbortSignal },
): Promise<ExtendResult> {
  const current = await readWorkshopNow(ec2, workshop, o.clock, o.signal);
  const result: ExtendResult = { extended: [], skipped: [] };
  const byValue = new Map<string, Extended[]>();
  for (const id of new Set(instanceIds)) {
    const i = current.get(id);
    if (!i) {
      result.skipped.push({ instanceId: id, reason: `no longer a machine of workshop "${workshop}"` });
      continue;
    }
    if (i.state === "terminated" || i.state === "shutting-down") {
      result.skipped.push({ instanceId: id, reason: i.state });
      continue;
    }
    const from = expiryOf(i);
    if (from === NEVER) {
      result.skipped.push({ instanceId: id, reason: "never expires" });
      continue;
    }
    const to = extendedExpiry(from, hours, o.now);
    const e: Extended = { instanceId: id, ...(i.seat !== undefined ? { seat: i.seat } : {}), ...(i.batch ? { batch: i.batch } : {}), ...(from ? { from } : {}), to };
    const value = expiryTag(to);
    byValue.set(value, [...(byValue.get(value) ?? []), e]);
  }
  for (const [value, list] of byValue) {
    for (const chunk of chunks(list, TAG_CHUNK)) {
      const { missing } = await withoutMissingIds(
        chunk.map((e) => e.instanceId),
        (ids) =>
          withClientRetry(ec2, () => ec2.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: TAG.expiresAt, Value: value }] }), { abortSignal: o.signal }), callRetry(o.clock, o.signal)),
      );
      const gone = new Set(missing);
      for (const e of chunk) {
        if (gone.has(e.instanceId)) result.skipped.push({ instanceId: e.instanceId, reason: "no longer exists in EC2" });
        else result.extended.push(e);
      }
    }
  }
  result.extended.sort((a, b) => (a.seat ?? Infinity) - (b.seat ?? Infinity));
  return result;
}
