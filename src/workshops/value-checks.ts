// Every value of a workshop checked against AWS before anything is written or created (before
// `stack init`, before the settings file): the AMI exists in the region (a deprecated one is a
// warning), the root volume holds its snapshot, the key pair and an adopted template exist, and
// the Availability Zones: chosen once (the first that offer the instance type), then kept.
// Heavy (SDK): import lazily.
import {
  DescribeInstanceTypeOfferingsCommand,
  DescribeKeyPairsCommand,
  DescribeLaunchTemplatesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { InputError, UserError } from "../errors.js";
import { lookupImage } from "../preflight/image.js";
import { MAX_AZS_PER_WORKSHOP, type WorkshopSettings } from "./settings.js";
import { commandToType } from "../invocation.js";

export interface CheckOptions {
  /** The flag that set a setting on this command line, if one did (errors then name it and exit 2). */
  givenAs: (key: string) => string | undefined;
  /** Where the other values come from, for error lines (the settings file). */
  file: string;
  now: Date;
  signal?: AbortSignal;
}

export interface CheckResult {
  /** What the user should know but may go on with (a deprecated AMI). */
  warnings: string[];
  /** The Availability Zones the network uses from now on (built workshops only). */
  azs?: string[];
}

function invalid(o: CheckOptions, key: string, message: string): UserError {
  const flag = o.givenAs(key);
  return flag ? new InputError(`Invalid ${flag}: ${message}.`) : new UserError(`${o.file}: ec2-workshop:${key} ${message}. Fix it with \`${commandToType("workshop update")}\`.`);
}

const errorName = (err: unknown): string => (err as { name?: string })?.name ?? "";

async function checkImage(ec2: EC2Client, s: WorkshopSettings, o: CheckOptions, warnings: string[]): Promise<void> {
  const image = await lookupImage(ec2, s.ami!, o.signal);
  if (!image) throw invalid(o, "ami", `${s.ami} does not exist in ${s.region} (or is not shared with this account): AMIs are regional, copy it here or pick one of this region`);
  if (image.state && image.state !== "available") throw invalid(o, "ami", `${s.ami} is ${image.state}, not available`);
  if (image.rootSnapshotGiB !== undefined && s.volumeSize < image.rootSnapshotGiB)
    throw invalid(
      o,
      "volumeSize",
      `${s.volumeSize} GiB is smaller than the root snapshot of ${s.ami} (${image.rootSnapshotGiB} GiB): use --volume-size ${image.rootSnapshotGiB} or more`,
    );
  const deprecated = image.deprecationTime ? new Date(image.deprecationTime) : undefined;
  if (deprecated && deprecated.getTime() <= o.now.getTime())
    warnings.push(
      `The AMI ${s.ami}${image.name ? ` (${image.name})` : ""} is deprecated since ${deprecated.toISOString().slice(0, 10)}: it still launches, but AWS no longer lists it; consider a newer image.`,
    );
}

async function checkKeyPair(ec2: EC2Client, s: WorkshopSettings, o: CheckOptions): Promise<void> {
  try {
    const res = await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [s.keyPair!] }), { abortSignal: o.signal });
    if (res.KeyPairs?.some((k) => k.KeyName === s.keyPair)) return;
  } catch (err) {
    if (errorName(err) !== "InvalidKeyPair.NotFound") throw err;
  }
  throw invalid(o, "keyPair", `there is no key pair "${s.keyPair}" in ${s.region}: create or import it there first (EC2 console, Key Pairs), or leave --key-pair out`);
}

async function checkTemplate(ec2: EC2Client, s: WorkshopSettings, o: CheckOptions): Promise<void> {
  try {
    const res = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [s.launchTemplate!] }), { abortSignal: o.signal });
    if (res.LaunchTemplates?.some((t) => t.LaunchTemplateId === s.launchTemplate)) return;
  } catch (err) {
    if (!/^InvalidLaunchTemplate(Id|Name)\./.test(errorName(err))) throw err;
  }
  throw invalid(o, "launchTemplate", `${s.launchTemplate} does not exist in ${s.region}`);
}

/** The AZs of the region that offer the instance type, sorted. */
async function offeringAzs(ec2: EC2Client, s: WorkshopSettings, o: CheckOptions): Promise<string[]> {
  const res = await ec2.send(
    new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: [s.instanceType!] }] }),
    { abortSignal: o.signal },
  );
  return [...new Set((res.InstanceTypeOfferings ?? []).map((x) => x.Location).filter((l): l is string => Boolean(l)))].sort();
}

/**
 * The AZs from now on: the kept ones (never renumbered: subnet i stays in AZ i), cut to
 * azCount, or grown with the next offering ones. Every kept AZ must still offer the type.
 */
export function chooseAzs(kept: readonly string[] | undefined, offered: readonly string[], s: Pick<WorkshopSettings, "azCount" | "instanceType" | "region">): string[] {
  const want = Math.min(s.azCount, MAX_AZS_PER_WORKSHOP);
  const current = [...(kept ?? [])];
  const lost = current.filter((az) => !offered.includes(az));
  if (lost.length)
    throw new UserError(
      `${s.instanceType} is not offered in ${lost.join(", ")}, where this workshop has its subnets: choose an instance type all of ${current.join(", ")} offer.`,
    );
  if (current.length >= want) return current.slice(0, want);
  const azs = [...current, ...offered.filter((az) => !current.includes(az))].slice(0, want);
  if (azs.length === 0) throw new UserError(`No Availability Zone in ${s.region} offers ${s.instanceType}: choose another instance type or region.`);
  return azs;
}

export async function checkAgainstAws(ec2: EC2Client, s: WorkshopSettings, o: CheckOptions): Promise<CheckResult> {
  const warnings: string[] = [];
  if (s.launchTemplate) {
    await checkTemplate(ec2, s, o);
    return { warnings };
  }
  const [, , offered] = await Promise.all([
    checkImage(ec2, s, o, warnings),
    s.keyPair ? checkKeyPair(ec2, s, o) : Promise.resolve(),
    offeringAzs(ec2, s, o),
  ]);
  let azs: string[];
  try {
    azs = chooseAzs(s.azs, offered, s);
  } catch (err) {
    if (o.givenAs("instanceType") && err instanceof UserError) throw new InputError(`Invalid --instance-type: ${err.message.replace(/\.$/, "")}.`);
    throw err;
  }
  return { warnings, azs };
}
