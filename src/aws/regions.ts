// The AWS regions this tool offers, with their human descriptions, grouped by partition
// (aws, aws-cn, aws-us-gov, ...). The data is the AWS SDK's own, generated into regions-data.ts
// by scripts/generate-regions.mjs and checked against the installed SDK by the unit tests; plain
// data, so importing this module costs nothing and --help stays fast.
import { InputError } from "../errors.js";
import { commandToType } from "../invocation.js";
import { SDK_PARTITIONS } from "./regions-data.js";

export interface RegionInfo {
  /** e.g. "eu-west-1" */
  name: string;
  /** e.g. "Europe (Ireland)" */
  description: string;
  /** e.g. "aws", "aws-cn", "aws-us-gov" */
  partition: string;
}

export interface PartitionInfo {
  id: string;
  regionRegex: string;
  regions: RegionInfo[];
}

let cache: PartitionInfo[] | undefined;

/** Every partition and its regions. */
export function partitions(): PartitionInfo[] {
  cache ??= SDK_PARTITIONS.map((p) => ({
    id: p.id,
    regionRegex: p.regionRegex,
    regions: p.regions.map(([name, description]) => ({ name, description, partition: p.id })),
  }));
  return cache;
}

export function allRegions(): RegionInfo[] {
  return partitions().flatMap((p) => p.regions);
}

export function findRegion(name: string): RegionInfo | undefined {
  return allRegions().find((r) => r.name === name);
}

/** The partition a region belongs to: listed regions first, then each partition's name pattern. */
export function partitionOfRegion(name: string): string | undefined {
  const listed = findRegion(name);
  if (listed) return listed.partition;
  // The "aws" pattern also matches us-gov-*/us-iso-*: try the more specific patterns first.
  const byPattern = [...partitions()].sort((a, b) => (a.id === "aws" ? 1 : b.id === "aws" ? -1 : 0));
  return byPattern.find((p) => new RegExp(p.regionRegex).test(name))?.id;
}

/** The partition in an ARN: arn:<partition>:service:... */
export function partitionOfArn(arn: string): string | undefined {
  return /^arn:([a-z-]+):/.exec(arn)?.[1];
}

/**
 * Regions in the order to offer them: the partition of `preferred` (a region name or a
 * partition id) first, then the others, each alphabetical.
 */
export function regionChoices(preferred?: string): RegionInfo[] {
  const first = preferred ? (partitions().some((p) => p.id === preferred) ? preferred : partitionOfRegion(preferred)) : "aws";
  const ordered = [...partitions()].sort((a, b) => Number(b.id === first) - Number(a.id === first));
  return ordered.flatMap((p) => p.regions);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known region closest to a mistyped name, if one is close enough to be a likely typo. */
export function suggestRegion(name: string): RegionInfo | undefined {
  let best: { region: RegionInfo; distance: number } | undefined;
  for (const region of allRegions()) {
    const distance = editDistance(name.toLowerCase(), region.name);
    if (!best || distance < best.distance) best = { region, distance };
  }
  return best && best.distance <= 3 ? best.region : undefined;
}

/**
 * Validates a region name the user gave; returns it with its description. Unknown names are an
 * input error (exit 2) with a "did you mean" when one is close, before anything is written. A
 * name shaped like a partition's regions may be a region newer than this release's SDK data: the
 * error says so (an update of the tool brings it).
 */
export function checkRegion(name: string, source = "--region"): RegionInfo {
  const trimmed = name.trim();
  const known = findRegion(trimmed);
  if (known) return known;
  const near = suggestRegion(trimmed);
  const hint = near ? `Did you mean ${near.name} (${near.description})?` : `Run \`${commandToType("setup")}\` without it to choose from the list.`;
  const newer = partitions().some((p) => new RegExp(p.regionRegex).test(trimmed)) ? " (a region newer than this release needs an update of ec2-workshop)" : "";
  throw new InputError(`Unknown AWS region "${trimmed}" (${source}): it is not a region the AWS SDK knows${newer}. ${hint}`);
}

/** A region name as an EC2-compatible endpoint may use it (e.g. RegionOne): it only signs the requests there. */
const PLAIN_REGION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The region a command's AWS calls are about to use, checked where it enters (--region,
 * AWS_REGION, a workshop's settings; setup checks the profile's). Against AWS it must be one the
 * SDK's data knows: an unknown name sends the SDK to a host that does not exist
 * (ec2.<name>.amazonaws.com) and fails only after its retries, tens of seconds later, sometimes as
 * a parse error of whatever answered. With an endpoint URL (the simulator, an EC2-compatible
 * cloud) the region only signs the requests: any plain name goes there.
 */
export function checkUsableRegion(name: string, source: string, endpointUrl?: string): string {
  if (!endpointUrl) return checkRegion(name, source).name;
  if (!PLAIN_REGION_NAME.test(name))
    throw new InputError(`"${name}" (${source}) is not a region name: use letters, digits and hyphens, e.g. us-east-1.`);
  return name;
}
