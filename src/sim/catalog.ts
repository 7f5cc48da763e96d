// Static facts the simulator answers with: regions, AZs, instance types and their vCPUs.

export const REGIONS = [
  "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
  "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-south-1",
  "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1", "sa-east-1", "us-east-1", "us-east-2",
  "us-west-1", "us-west-2",
];

/** Regions that are opt-in in a fresh account. */
export const OPT_IN_REGIONS = new Set(["af-south-1", "ap-east-1", "eu-south-1", "me-south-1"]);

export interface Az {
  name: string;
  id: string;
}

/** <region>a..d; zone ids like use1-az1 (the real ids differ per account, as on AWS). */
export function azsFor(region: string): Az[] {
  const parts = region.split("-");
  const short = parts[0]! + (parts[1]?.[0] ?? "") + (parts[2] ?? "");
  return ["a", "b", "c", "d"].map((letter, i) => ({ name: `${region}${letter}`, id: `${short}-az${i + 1}` }));
}

/**
 * Instance types the simulator offers; AZ "d" offers no t3.* (so "AZs that offer the type" matters).
 * The t4g types are Graviton (arm64), so an AMI of the wrong architecture can be tried.
 */
export const INSTANCE_TYPES = [
  "t2.micro", "t2.small", "t2.medium", "t3.nano", "t3.micro", "t3.small", "t3.medium", "t3.large",
  "t3.xlarge", "t3.2xlarge", "m5.large", "m5.xlarge", "m5.2xlarge", "c5.large", "c5.xlarge", "r5.large",
  "t4g.micro", "t4g.small",
];

export function offersType(azName: string, instanceType: string): boolean {
  if (!INSTANCE_TYPES.includes(instanceType)) return false;
  return !(azName.endsWith("d") && instanceType.startsWith("t3."));
}

/** vCPUs per instance type (as the On-Demand vCPU quota counts them). */
export function vcpusOf(instanceType: string): number {
  if (instanceType === "t2.micro" || instanceType === "t2.small" || instanceType === "t2.nano") return 1;
  const size = instanceType.split(".")[1] ?? "";
  if (size === "xlarge") return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  if (m) return 4 * Number(m[1]);
  return 2;
}

/** The processor architecture of an instance type: Graviton families (a "g" after the generation) are arm64. */
export function architectureOf(instanceType: string): "x86_64" | "arm64" {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? "arm64" : "x86_64";
}

export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
