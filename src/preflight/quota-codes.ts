// Which Service Quotas quota (service code `ec2`) limits the On-Demand vCPUs of an instance type.
// The quotas and their codes are those of the Amazon EC2 User Guide, "On-Demand Instance quotas"
// (docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-on-demand-instances.html), where each code
// links to its Service Quotas page; a family is the letters of the type before its generation
// digit (t3.micro -> t, inf2.xlarge -> inf, u-6tb1.metal -> u). Light: no SDK.

export interface VcpuQuota {
  /** Service Quotas code, e.g. L-1216C47A. */
  code: string;
  /** Its name in Service Quotas. */
  name: string;
  /** A short name for one line of output. */
  group: string;
}

const STANDARD: VcpuQuota = { code: "L-1216C47A", name: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", group: "Standard" };
const G_VT: VcpuQuota = { code: "L-DB2E81BA", name: "Running On-Demand G and VT instances", group: "G and VT" };
const P: VcpuQuota = { code: "L-417A185B", name: "Running On-Demand P instances", group: "P" };
const X: VcpuQuota = { code: "L-7295265B", name: "Running On-Demand X instances", group: "X" };
const F: VcpuQuota = { code: "L-74FC7D96", name: "Running On-Demand F instances", group: "F" };
const INF: VcpuQuota = { code: "L-1945791B", name: "Running On-Demand Inf instances", group: "Inf" };
const TRN: VcpuQuota = { code: "L-2C3B7624", name: "Running On-Demand Trn instances", group: "Trn" };
const DL: VcpuQuota = { code: "L-6E869C2A", name: "Running On-Demand DL instances", group: "DL" };
const HPC: VcpuQuota = { code: "L-F7808C92", name: "Running On-Demand HPC instances", group: "HPC" };
const HIGH_MEMORY: VcpuQuota = { code: "L-43DA4232", name: "Running On-Demand High Memory instances", group: "High Memory" };

/** Family -> quota. The storage-optimised im/is families count as I (Standard); G includes gr. */
const BY_FAMILY: Record<string, VcpuQuota> = {
  a: STANDARD, c: STANDARD, d: STANDARD, h: STANDARD, i: STANDARD, im: STANDARD, is: STANDARD,
  m: STANDARD, r: STANDARD, t: STANDARD, z: STANDARD,
  g: G_VT, gr: G_VT, vt: G_VT,
  p: P,
  x: X,
  f: F,
  inf: INF,
  trn: TRN,
  dl: DL,
  hpc: HPC,
  u: HIGH_MEMORY,
};

/** The family of an instance type: its letters before the first digit or hyphen. */
export function familyOf(instanceType: string): string {
  return /^[a-z]+/.exec(instanceType.toLowerCase())?.[0] ?? "";
}

/** The On-Demand vCPU quota of the type's family; undefined for families without one (e.g. mac: Dedicated Hosts). */
export function onDemandQuotaFor(instanceType: string): VcpuQuota | undefined {
  return BY_FAMILY[familyOf(instanceType)];
}

/** The exact AWS CLI command that asks for a higher quota. */
export function quotaIncreaseCommand(quota: VcpuQuota, desiredValue: number, region: string): string {
  return `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${quota.code} --desired-value ${desiredValue} --region ${region}`;
}
