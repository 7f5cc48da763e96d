// DescribeInstanceTypes: vCPUs, architecture and memory of the types the simulator offers, as EC2
// answers them (what a preflight needs to count a quota and match an AMI).
import { architectureOf, INSTANCE_TYPES, vcpusOf } from "../catalog.js";
import { compileFilters, matches } from "../filters.js";
import { filters, int, list } from "../params.js";
import { SimError } from "../sim-error.js";
import { el, node, set, valueSet } from "../xml.js";
import { decodeToken, encodeToken, type ActionContext } from "./context.js";

/** Memory per type (MiB), as AWS lists it. */
const MEMORY_MIB: Record<string, number> = {
  "t2.micro": 1024, "t2.small": 2048, "t2.medium": 4096,
  "t3.nano": 512, "t3.micro": 1024, "t3.small": 2048, "t3.medium": 4096, "t3.large": 8192, "t3.xlarge": 16384, "t3.2xlarge": 32768,
  "m5.large": 8192, "m5.xlarge": 16384, "m5.2xlarge": 32768,
  "c5.large": 4096, "c5.xlarge": 8192,
  "r5.large": 16384,
  "t4g.micro": 1024, "t4g.small": 2048,
};

const KNOWN_FILTERS = ["instance-type", "processor-info.supported-architecture", "vcpu-info.default-vcpus", "current-generation", "burstable-performance-supported"];

function filterValues(type: string, name: string): string[] {
  switch (name) {
    case "instance-type":
      return [type];
    case "processor-info.supported-architecture":
      return [architectureOf(type)];
    case "vcpu-info.default-vcpus":
      return [String(vcpusOf(type))];
    case "current-generation":
      return [String(!type.startsWith("t2."))];
    default:
      return [String(type.startsWith("t"))];
  }
}

function renderType(type: string): string {
  const vcpus = vcpusOf(type);
  const threads = vcpus > 1 ? 2 : 1;
  return (
    el("instanceType", type) +
    el("currentGeneration", !type.startsWith("t2.")) +
    el("freeTierEligible", type === "t2.micro" || type === "t3.micro") +
    valueSet("supportedUsageClasses", ["on-demand", "spot"]) +
    valueSet("supportedRootDeviceTypes", ["ebs"]) +
    valueSet("supportedVirtualizationTypes", ["hvm"]) +
    el("bareMetal", false) +
    el("hypervisor", type.startsWith("t2.") ? "xen" : "nitro") +
    node("processorInfo", valueSet("supportedArchitectures", [architectureOf(type)]), el("sustainedClockSpeedInGhz", 2.5)) +
    node("vCpuInfo", el("defaultVCpus", vcpus), el("defaultCores", vcpus / threads), el("defaultThreadsPerCore", threads)) +
    node("memoryInfo", el("sizeInMiB", MEMORY_MIB[type] ?? 1024)) +
    el("instanceStorageSupported", false) +
    node("ebsInfo", el("ebsOptimizedSupport", type.startsWith("t2.") ? "unsupported" : "default"), el("encryptionSupport", "supported"), el("nvmeSupport", type.startsWith("t2.") ? "unsupported" : "required")) +
    node("networkInfo", el("networkPerformance", "Up to 5 Gigabit"), el("maximumNetworkInterfaces", 3), el("ipv4AddressesPerInterface", 6), el("ipv6Supported", true), el("enaSupport", type.startsWith("t2.") ? "unsupported" : "required")) +
    el("burstablePerformanceSupported", type.startsWith("t")) +
    set("supportedBootModes", [type.startsWith("t4g.") ? "uefi" : "legacy-bios"])
  );
}

export function describeInstanceTypes(ctx: ActionContext): string {
  const { params } = ctx;
  const asked = list(params, "InstanceType");
  const unknown = asked.filter((t) => !INSTANCE_TYPES.includes(t));
  if (unknown.length) throw new SimError("InvalidInstanceType", `The following supplied instance types do not exist: [${unknown.join(", ")}]`);
  const maxResults = int(params, "MaxResults");
  if (maxResults !== undefined && (maxResults < 5 || maxResults > 100))
    throw SimError.invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5 and less than 100.`);
  const compiled = compileFilters(filters(params), (n) => KNOWN_FILTERS.includes(n));
  const pool = (asked.length ? INSTANCE_TYPES.filter((t) => asked.includes(t)) : INSTANCE_TYPES).filter((t) => matches(compiled, (n) => filterValues(t, n)));
  // The cursor is a position in the (fixed) catalog order.
  const start = decodeToken(params.NextToken, "instance-types");
  const end = maxResults === undefined ? pool.length : Math.min(pool.length, start + maxResults);
  const page = pool.slice(start, end);
  return set("instanceTypeSet", page.map(renderType)) + (end < pool.length ? el("nextToken", encodeToken(end, "instance-types")) : "");
}
