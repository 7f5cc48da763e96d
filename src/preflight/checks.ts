// The preflight's verdicts: each check turns facts read from AWS into one line, ok / warn / fail
// (or skip, when an earlier failure leaves nothing to check), and for warn and fail what to do.
// A check fails only on a definite finding; when a fact could not be read it warns and says why.
// Pure: no SDK, no I/O (facts.ts reads, run.ts wires).
import { describeError } from "../errors.js";
import type { ImageFacts } from "./image.js";
import { quotaIncreaseCommand, type VcpuQuota } from "./quota-codes.js";
import { commandToType } from "../invocation.js";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export type CheckId = "template" | "quota" | "offerings" | "ami" | "addresses" | "dryrun";

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  message: string;
  /** For warn and fail: what to do. */
  fix?: string;
}

export const CHECK_TITLES: Record<CheckId, string> = {
  template: "Launch template",
  quota: "vCPU quota",
  offerings: "Instance type",
  ami: "AMI",
  addresses: "Free addresses",
  dryrun: "DryRun launch",
};

/** A fact as read: its value, or why it could not be read. */
export type Got<T> = { ok: true; value: T } | { ok: false; error: unknown };

export function worst(results: readonly CheckResult[]): CheckStatus {
  for (const s of ["fail", "warn", "ok"] as const) if (results.some((r) => r.status === s)) return s;
  return "skip";
}

const errName = (err: unknown): string => (err as { name?: string })?.name ?? "";
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export interface QuotaFacts {
  instanceType: string;
  count: number;
  region: string;
  /** undefined: the family has no On-Demand vCPU quota this tool knows. */
  quota?: VcpuQuota;
  vcpusPerInstance: Got<number>;
  inUse: Got<number>;
  quotaValue: Got<number>;
}

function whyQuotaUnknown(err: unknown, quota: VcpuQuota): string {
  const name = errName(err);
  if (name === "AccessDeniedException" || name === "AccessDenied") return "Service Quotas denied the request";
  if (name === "NoSuchResourceException") return `Service Quotas does not know ${quota.code} here`;
  return `Service Quotas: ${describeError(err)}`;
}

export function judgeQuota(f: QuotaFacts): CheckResult {
  const id = "quota";
  if (!f.quota)
    return { id, status: "warn", message: `quota unknown: no On-Demand vCPU quota is known for ${f.instanceType}'s family`, fix: "Check the account's EC2 quotas in the Service Quotas console." };
  const q = f.quota;
  if (!f.vcpusPerInstance.ok) {
    if (errName(f.vcpusPerInstance.error) === "InvalidInstanceType")
      return { id, status: "fail", message: `${f.instanceType} is not an instance type in ${f.region}`, fix: `Choose another type: \`${commandToType("workshop update <name> --instance-type ...")}\`.` };
    return { id, status: "warn", message: `quota not checked: the vCPUs of ${f.instanceType} are unknown (${describeError(f.vcpusPerInstance.error)})` };
  }
  const need = f.count * f.vcpusPerInstance.value;
  const needText = `${f.count} × ${f.instanceType} need ${plural(need, "vCPU")}`;
  const used = f.inUse.ok ? f.inUse.value : undefined;
  if (!f.quotaValue.ok)
    return {
      id,
      status: "warn",
      message: `quota unknown (${whyQuotaUnknown(f.quotaValue.error, q)}); ${needText}${used === undefined ? "" : `, ${used} in use`}`,
      fix: `See quota ${q.code} (${q.group}) in the Service Quotas console, or allow servicequotas:GetServiceQuota.`,
    };
  const quota = f.quotaValue.value;
  // The command goes last on the line, so it can be copied as it is.
  const ask = (desired: number, most?: number): string =>
    `${most === undefined ? "Launch fewer, or" : `Launch at most ${most}, or`} ask AWS for ${desired} (approval can take hours): \`${quotaIncreaseCommand(q, desired, f.region)}\`.`;
  if (used === undefined) {
    if (need > quota)
      return { id, status: "fail", message: `${needText}, more than the whole ${q.code} quota of ${quota}`, fix: ask(Math.ceil(need)) };
    return { id, status: "warn", message: `${needText} of a ${quota} quota (${q.code}); vCPUs in use unknown (${describeError(f.inUse.ok ? undefined : f.inUse.error)})` };
  }
  const free = Math.max(0, quota - used);
  if (need <= free)
    return { id, status: "ok", message: `${needText}; ${free} of ${quota} free (${q.code} ${q.group}, ${used} in use)` };
  const most = Math.floor(free / f.vcpusPerInstance.value);
  return {
    id,
    status: "fail",
    message: `${needText}, only ${free} of ${quota} free (${q.code} ${q.group}, ${used} in use): short by ${need - free}`,
    fix: ask(Math.ceil(used + need), most),
  };
}

export interface OfferingFacts {
  instanceType: string;
  workshop: string;
  subnets: readonly { subnetId: string; availabilityZone: string }[];
  offered: Got<Set<string>>;
}

export function judgeOfferings(f: OfferingFacts): CheckResult {
  const id = "offerings";
  if (f.subnets.length === 0) return { id, status: "skip", message: "the workshop has no subnets of its own: launches go where the template says" };
  if (!f.offered.ok) return { id, status: "warn", message: `offerings not checked (${describeError(f.offered.error)})` };
  const offered = f.offered.value;
  const missing = f.subnets.filter((s) => !offered.has(s.availabilityZone));
  const azs = [...new Set(f.subnets.map((s) => s.availabilityZone))];
  if (missing.length === 0) return { id, status: "ok", message: `${f.instanceType} is offered in ${azs.join(", ")}` };
  const where = missing.map((s) => `${s.availabilityZone} (${s.subnetId})`).join(", ");
  return {
    id,
    status: "fail",
    message: `${f.instanceType} is not offered in ${where}: launches there fail`,
    fix: `Rebuild the subnets in AZs that offer it (\`${commandToType(`workshop update ${f.workshop}`)}\`), or choose another type (--instance-type).`,
  };
}

export interface ImageCheckFacts {
  workshop: string;
  region: string;
  instanceType: string;
  imageId?: string;
  image: Got<ImageFacts | undefined>;
  /** The type's architectures; undefined when unknown. */
  architectures?: readonly string[];
  /** The root volume the template asks for (GiB), when it sets one for the image's root device. */
  rootVolumeGiB?: number;
  now: Date;
}

export function judgeImage(f: ImageCheckFacts): CheckResult {
  const id = "ami";
  const setAmi = `Point the workshop at an available AMI: \`${commandToType(`workshop update ${f.workshop} --ami ami-...`)}\`.`;
  if (!f.imageId) return { id, status: "fail", message: "the launch template names no AMI", fix: setAmi };
  if (!f.image.ok) return { id, status: "warn", message: `${f.imageId} not checked (${describeError(f.image.error)})` };
  const img = f.image.value;
  if (!img) return { id, status: "fail", message: `${f.imageId} does not exist in ${f.region} (deregistered, or never copied here)`, fix: setAmi };
  const label = `${img.imageId}${img.name ? ` (${img.name})` : ""}`;
  if (img.state !== "available") return { id, status: "fail", message: `${label} is ${img.state}, not available`, fix: setAmi };
  const fails: { message: string; fix: string }[] = [];
  if (img.architecture && f.architectures?.length && !f.architectures.includes(img.architecture))
    fails.push({
      message: `${label} is ${img.architecture}, but ${f.instanceType} runs ${f.architectures.join("/")}`,
      fix: `Use an AMI built for ${f.architectures.join("/")}, or an instance type for ${img.architecture} (--instance-type).`,
    });
  if (img.rootSnapshotGiB !== undefined && f.rootVolumeGiB !== undefined && img.rootSnapshotGiB > f.rootVolumeGiB)
    fails.push({
      message: `${label}'s root snapshot is ${img.rootSnapshotGiB} GiB, larger than the template's ${f.rootVolumeGiB} GiB root volume`,
      fix: `Grow the volume: \`${commandToType(`workshop update ${f.workshop} --volume-size ${img.rootSnapshotGiB}`)}\`.`,
    });
  if (fails.length) return { id, status: "fail", message: fails.map((x) => x.message).join("; "), fix: fails.map((x) => x.fix).join(" ") };
  const facts = [
    "available",
    img.architecture,
    img.rootSnapshotGiB === undefined ? undefined : `root snapshot ${img.rootSnapshotGiB} GiB${f.rootVolumeGiB === undefined ? "" : ` fits the ${f.rootVolumeGiB} GiB volume`}`,
  ].filter(Boolean);
  const deprecated = img.deprecationTime && Date.parse(img.deprecationTime) <= f.now.getTime() ? img.deprecationTime.slice(0, 10) : undefined;
  if (deprecated)
    return { id, status: "warn", message: `${label}: ${facts.join(", ")}; deprecated since ${deprecated}`, fix: "It still launches; build a current image before the next workshop." };
  return { id, status: "ok", message: `${label}: ${facts.join(", ")}` };
}

export interface AddressFacts {
  count: number;
  subnets: Got<readonly { subnetId: string; availabilityZone: string; freeAddresses: number }[]>;
  /** AZs that offer the type, when known: subnets elsewhere take no instances. */
  offered?: ReadonlySet<string>;
  workshopHasSubnets: boolean;
}

export function judgeAddresses(f: AddressFacts): CheckResult {
  const id = "addresses";
  if (!f.workshopHasSubnets) return { id, status: "skip", message: "the workshop has no subnets of its own" };
  if (!f.subnets.ok) return { id, status: "warn", message: `free addresses not checked (${describeError(f.subnets.error)})` };
  const usable = f.subnets.value.filter((s) => !f.offered || f.offered.has(s.availabilityZone));
  const free = usable.reduce((sum, s) => sum + s.freeAddresses, 0);
  const inSubnets = plural(usable.length, "usable subnet");
  if (f.count <= free) return { id, status: "ok", message: `${f.count} needed, ${free} free in ${inSubnets}` };
  return {
    id,
    status: "fail",
    message: `${f.count} needed, only ${free} free in ${inSubnets} (${usable.map((s) => `${s.subnetId} ${s.freeAddresses}`).join(", ") || "none"})`,
    fix: `Terminate what no longer needs to run in them, or launch at most ${free}.`,
  };
}

export function judgeDryRun(workshop: string, outcome: { error?: unknown; launched?: string[] }): CheckResult {
  const id = "dryrun";
  const name = errName(outcome.error);
  if (outcome.error !== undefined && name === "DryRunOperation")
    return { id, status: "ok", message: "RunInstances from the template would succeed (permissions and parameters)" };
  if (outcome.error === undefined) {
    const ids = outcome.launched ?? [];
    return {
      id,
      status: "fail",
      message: `the endpoint ignored DryRun and launched ${ids.join(", ") || "an instance"}`,
      fix: `Terminate it: \`${commandToType(`instances destroy --workshop ${workshop} --ids ${ids.join(",")} --yes`)}\`.`,
    };
  }
  if (name === "UnauthorizedOperation")
    return {
      id,
      status: "fail",
      message: "RunInstances is not allowed for these credentials",
      fix: "Ask your AWS administrator for ec2:RunInstances and ec2:CreateTags (tags at launch) on the workshop's template, subnets and AMI.",
    };
  return { id, status: "fail", message: `RunInstances would fail: ${describeError(outcome.error)}`, fix: "Fix the template or the settings it names, then run the check again." };
}
