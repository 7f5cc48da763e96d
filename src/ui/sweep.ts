// What `ec2-workshop sweep` found and did, for people (tables, and the AWS CLI lines that remove
// what is left behind) and as JSON.
import { expiryOf, formatSpan } from "../instances/expiry.js";
import type { SweepScan, SweptInstance } from "../instances/sweep.js";
import type { TerminateResult } from "../instances/terminate.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";
import { wrapWords } from "./wrap.js";
import type { TimeFormatter } from "./time.js";
import { visible } from "./visible.js";

export interface RegionScan {
  region: string;
  scan: SweepScan;
}

function expiredAgo(i: SweptInstance, now: Date): string {
  const e = expiryOf(i);
  return e instanceof Date ? `${formatSpan(now.getTime() - e.getTime())} ago` : "";
}

function instanceTable(list: readonly SweptInstance[], now: Date, s: Style, withExpiry: boolean, width?: number): string {
  return renderTable(
    list,
    [
      { header: "Region", value: (i) => i.region },
      { header: "Workshop", value: (i) => i.workshop ?? s.dim("(none)"), minWidth: 8 },
      { header: "Seat", value: (i) => (i.seat === undefined ? "-" : String(i.seat)), align: "right" },
      { header: "Instance", value: (i) => i.instanceId },
      { header: "Type", value: (i) => i.instanceType ?? "", dropOrder: 1 },
      { header: "State", value: (i) => i.state },
      withExpiry ? { header: "Expired", value: (i) => expiredAgo(i, now) } : { header: "Launched", value: (i) => (i.launchTime ? `${formatSpan(now.getTime() - i.launchTime.getTime())} ago` : "") },
    ],
    { style: s, indent: "  ", width },
  );
}

/** `width`: the terminal's, to fit tables and sentences to (the AWS CLI lines stay whole). */
export function renderSweep(o: { scans: readonly RegionScan[]; regions: readonly string[]; home: string; now: Date; time: TimeFormatter; style: Style; width?: number }): string {
  const { style: s, now, width } = o;
  const fit = (text: string, indent = ""): string => (width === undefined ? indent + text : wrapWords(text, width - indent.length).map((l) => indent + l).join("\n"));
  const all = (k: "expired" | "orphaned") => o.scans.flatMap((x) => x.scan[k]);
  const expired = all("expired");
  const orphaned = all("orphaned");
  const volumes = o.scans.flatMap((x) => x.scan.volumes);
  const addresses = o.scans.flatMap((x) => x.scan.addresses);
  const lines = [
    fit(`${s.bold("Sweep")} of ${o.regions.length === 1 ? `region ${visible(o.regions[0]!)}` : `${o.regions.length} regions (${visible(o.regions.join(", "))})`}, now ${o.time.format(now, now)} (${o.time.zoneLabel(now)}):`),
    "",
  ];
  if (expired.length) lines.push(s.bold(`Past their expiry (${expired.length}):`), instanceTable(expired, now, s, true, width));
  else lines.push(`${s.green("✔")} No workshop machine is past its expiry.`);

  const behind = orphaned.length + volumes.length + addresses.length;
  lines.push("");
  if (behind === 0) {
    lines.push(fit(`${s.green("✔")} Nothing left behind: no machines of unknown workshops, no detached volumes or Elastic IPs tagged with a workshop.`));
    return lines.join("\n");
  }
  lines.push(s.bold(fit(`Left behind, still costing money (${behind}), not changed by sweep:`)));
  if (orphaned.length)
    lines.push(
      fit(`Machines of workshops with no settings in ${o.home} (stacks/Pulumi.<name>.yaml: the stack was destroyed, or belongs to another workshop directory) (${orphaned.length}):`, "  "),
      instanceTable(orphaned, now, s, false, width),
    );
  if (volumes.length)
    lines.push(
      fit(`Detached volumes tagged with a workshop (${volumes.length}):`, "  "),
      renderTable(
        volumes,
        [
          { header: "Region", value: (v) => v.region },
          { header: "Workshop", value: (v) => v.workshop ?? s.dim("(none)") },
          { header: "Volume", value: (v) => v.volumeId },
          { header: "Size", value: (v) => (v.sizeGiB === undefined ? "" : `${v.sizeGiB} GiB`), align: "right" },
          { header: "Type", value: (v) => v.volumeType ?? "" },
          { header: "AZ", value: (v) => v.availabilityZone ?? "", dropOrder: 1 },
        ],
        { style: s, indent: "    ", width },
      ),
    );
  if (addresses.length)
    lines.push(
      fit(`Elastic IPs tagged with a workshop (${addresses.length}; each costs $0.005 an hour):`, "  "),
      renderTable(
        addresses,
        [
          { header: "Region", value: (a) => a.region },
          { header: "Workshop", value: (a) => a.workshop ?? s.dim("(none)") },
          { header: "Allocation", value: (a) => a.allocationId ?? "" },
          { header: "Address", value: (a) => a.publicIp ?? "" },
          { header: "Attached to", value: (a) => a.instanceId ?? s.dim("nothing") },
        ],
        { style: s, indent: "    ", width },
      ),
    );
  lines.push("", fit("To remove them (check first: sweep only knows they are tagged as a workshop's):", "  "));
  const byRegion = <T extends { region: string }>(list: readonly T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(x.region, [...(m.get(x.region) ?? []), x]);
    return m;
  };
  for (const [region, list] of byRegion(orphaned)) lines.push(`    aws ec2 terminate-instances --region ${visible(region)} --instance-ids ${visible(list.map((i) => i.instanceId).join(" "))}`);
  for (const v of volumes) lines.push(`    aws ec2 delete-volume --region ${visible(v.region)} --volume-id ${visible(v.volumeId)}`);
  for (const a of addresses) if (a.allocationId) lines.push(`    aws ec2 release-address --region ${visible(a.region)} --allocation-id ${visible(a.allocationId)}${a.instanceId ? "   # attached: disassociate it first" : ""}`);
  return lines.join("\n");
}

export function renderSweepOutcome(terminated: TerminateResult["terminated"], skipped: TerminateResult["skipped"], s: Style): string {
  const lines = [""];
  for (const t of terminated) lines.push(`  ${s.green("✓")} ${t.seat !== undefined ? `seat ${t.seat} ` : ""}${visible(t.instanceId)}: ${visible(t.previousState ?? "?")} → ${visible(t.currentState ?? "?")}`);
  for (const k of skipped) lines.push(`  ${s.yellow("-")} ${visible(k.instanceId)}: skipped, ${visible(k.reason)}`);
  lines.push(terminated.length ? `Terminating ${terminated.length} expired machine${terminated.length === 1 ? "" : "s"}.` : "Nothing was terminated.");
  return lines.join("\n");
}

const brief = (i: SweptInstance) => ({
  region: i.region,
  workshop: i.workshop ?? null,
  seat: i.seat ?? null,
  instanceId: i.instanceId,
  state: i.state,
  instanceType: i.instanceType ?? null,
  expiresAt: i.tags["ec2-workshop:expires-at"] ?? null,
});

export function sweepJson(o: {
  scans: readonly RegionScan[];
  regions: readonly string[];
  now: Date;
  dryRun: boolean;
  terminated?: TerminateResult["terminated"];
  skipped?: TerminateResult["skipped"];
}): unknown {
  return {
    now: o.now.toISOString(),
    regions: o.regions,
    dryRun: o.dryRun,
    expired: o.scans.flatMap((x) => x.scan.expired).map(brief),
    leftBehind: {
      instances: o.scans.flatMap((x) => x.scan.orphaned).map(brief),
      volumes: o.scans.flatMap((x) => x.scan.volumes),
      addresses: o.scans.flatMap((x) => x.scan.addresses),
    },
    terminated: (o.terminated ?? []).map((t) => ({ instanceId: t.instanceId, seat: t.seat ?? null, previousState: t.previousState ?? null, currentState: t.currentState ?? null })),
    skipped: o.skipped ?? [],
  };
}
