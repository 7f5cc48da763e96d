// DescribeVolumes (instances' root volumes, and loose ones left behind) and DescribeAddresses
// (Elastic IPs): what `sweep` reads to list what still costs money.
import { compileFilters, isTagFilter, matches, tagFilterValues } from "../filters.js";
import { filters, list } from "../params.js";
import { SimError } from "../sim-error.js";
import { el, isoTime, set, tagSet } from "../xml.js";
import { type ActionContext, decodeToken, encodeToken } from "./context.js";

interface VolumeView {
  id: string;
  size: number;
  volumeType: string;
  az: string;
  createdAt: number;
  status: "in-use" | "available";
  instanceId?: string;
  device?: string;
  tags: ReadonlyMap<string, string>;
}

const VOLUME_FILTERS = new Set(["status", "volume-id", "volume-type", "availability-zone", "attachment.instance-id", "size"]);

function volumes(ctx: ActionContext): VolumeView[] {
  const { world, now } = ctx;
  const out: VolumeView[] = [];
  for (const inst of world.liveInstances(now)) {
    // Root volumes go with their instance (DeleteOnTermination).
    if (world.state(inst, now).state === "terminated") continue;
    out.push({ id: inst.volume.id, size: inst.volume.size, volumeType: "gp3", az: inst.az, createdAt: inst.createdAt, status: "in-use", instanceId: inst.id, device: inst.volume.deviceName, tags: inst.volume.tags });
  }
  for (const v of world.looseVolumes.values()) out.push({ ...v, status: "available" });
  return out;
}

export function describeVolumes(ctx: ActionContext): string {
  const ids = list(ctx.params, "VolumeId");
  const compiled = compileFilters(filters(ctx.params), (n) => isTagFilter(n) || VOLUME_FILTERS.has(n));
  const all = volumes(ctx);
  const missing = ids.filter((id) => !all.some((v) => v.id === id));
  if (missing.length) throw new SimError("InvalidVolume.NotFound", `The volume '${missing[0]}' does not exist.`);
  const valuesOf = (v: VolumeView) => (name: string): readonly string[] | undefined => {
    if (isTagFilter(name)) return tagFilterValues(v.tags, name);
    switch (name) {
      case "status":
        return [v.status];
      case "volume-id":
        return [v.id];
      case "volume-type":
        return [v.volumeType];
      case "availability-zone":
        return [v.az];
      case "attachment.instance-id":
        return v.instanceId ? [v.instanceId] : [];
      case "size":
        return [String(v.size)];
    }
    return undefined;
  };
  const matching = all.filter((v) => (ids.length === 0 || ids.includes(v.id)) && matches(compiled, valuesOf(v)));
  const max = ctx.params.MaxResults === undefined ? undefined : Number(ctx.params.MaxResults);
  if (max !== undefined && (!Number.isInteger(max) || max < 5 || max > 500))
    throw SimError.invalidParameterValue(`Value ( ${ctx.params.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 500.`);
  const after = decodeToken(ctx.params.NextToken, "dv");
  const page = matching.slice(after, max === undefined ? undefined : after + max);
  const next = max !== undefined && after + page.length < matching.length ? encodeToken(after + page.length, "dv") : undefined;
  return (
    set(
      "volumeSet",
      page.map(
        (v) =>
          el("volumeId", v.id) +
          el("size", v.size) +
          el("snapshotId", "") +
          el("availabilityZone", v.az) +
          el("status", v.status) +
          el("createTime", isoTime(v.createdAt)) +
          set(
            "attachmentSet",
            v.instanceId
              ? [el("volumeId", v.id) + el("instanceId", v.instanceId) + el("device", v.device) + el("status", "attached") + el("attachTime", isoTime(v.createdAt)) + el("deleteOnTermination", true)]
              : [],
          ) +
          (v.tags.size ? tagSet(v.tags) : "") +
          el("volumeType", v.volumeType) +
          el("encrypted", true),
      ),
    ) + (next ? el("nextToken", next) : "")
  );
}

const ADDRESS_FILTERS = new Set(["allocation-id", "public-ip", "domain"]);

export function describeAddresses(ctx: ActionContext): string {
  const compiled = compileFilters(filters(ctx.params), (n) => isTagFilter(n) || ADDRESS_FILTERS.has(n));
  const ids = list(ctx.params, "AllocationId");
  const out = [...ctx.world.addresses.values()].filter(
    (a) =>
      (ids.length === 0 || ids.includes(a.allocationId)) &&
      matches(compiled, (name) => {
        if (isTagFilter(name)) return tagFilterValues(a.tags, name);
        if (name === "allocation-id") return [a.allocationId];
        if (name === "public-ip") return [a.publicIp];
        if (name === "domain") return ["vpc"];
        return undefined;
      }),
  );
  return set(
    "addressesSet",
    out.map((a) => el("publicIp", a.publicIp) + el("allocationId", a.allocationId) + el("domain", "vpc") + el("publicIpv4Pool", "amazon") + el("networkBorderGroup", ctx.world.region) + (a.tags.size ? tagSet(a.tags) : "")),
  );
}
