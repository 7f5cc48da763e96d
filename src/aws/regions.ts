// The AWS regions this tool offers, with their human descriptions, grouped by partition
// (aws, aws-cn, aws-us-gov, ...). The data is the SDK's own partitions.json, which ships inside
// @aws-sdk/core (util-endpoints) but is not exported; it is read as data (never executed) on
// first use, so importing this module costs nothing and --help stays fast.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { InputError } from "../errors.js";

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

interface RawPartitions {
  partitions: { id: string; regionRegex: string; regions: Record<string, { description?: string }> }[];
}

/** Where @aws-sdk/core keeps partitions.json (ESM build first; the CommonJS bundle inlines the same data). */
const DATA_FILES = [
  { file: "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js", marker: "export const partitionsInfo = " },
  { file: "dist-cjs/submodules/client/index.js", marker: "const partitionsInfo = " },
];

/** A region shape for when the SDK's data cannot be found (a future SDK may move it). */
const REGION_SHAPE = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;

let cache: PartitionInfo[] | undefined;

/** Cuts the object literal that follows `marker` out of a JS source file (it is plain JSON). */
export function extractObjectLiteral(source: string, marker: string): string | undefined {
  const at = source.indexOf(marker);
  if (at < 0) return undefined;
  const start = source.indexOf("{", at + marker.length);
  let depth = 0;
  let inString = false;
  for (let i = start; i >= 0 && i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return source.slice(start, i + 1);
  }
  return undefined;
}

/** Turns partitions.json into our shape, dropping the "*-global" pseudo regions (not places you launch in). */
export function toPartitions(raw: RawPartitions): PartitionInfo[] {
  return raw.partitions.map((p) => ({
    id: p.id,
    regionRegex: p.regionRegex,
    regions: Object.entries(p.regions)
      .filter(([name]) => !name.endsWith("-global"))
      .map(([name, r]) => ({ name, description: r.description ?? name, partition: p.id }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

function readSdkPartitions(): PartitionInfo[] {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve("@aws-sdk/core/package.json"));
  } catch {
    return [];
  }
  for (const { file, marker } of DATA_FILES) {
    try {
      const literal = extractObjectLiteral(readFileSync(join(root, file), "utf8"), marker);
      if (!literal) continue;
      const partitions = toPartitions(JSON.parse(literal) as RawPartitions);
      if (partitions.some((p) => p.regions.length > 0)) return partitions;
    } catch {
      // Try the next place; an SDK upgrade may have moved or reshaped the file.
    }
  }
  return [];
}

/** Every partition and its regions, read once. Empty when the SDK's data is not installed. */
export function partitions(): PartitionInfo[] {
  cache ??= readSdkPartitions();
  return cache;
}

/** True when the region list came from the SDK (false: only the shape of a name can be checked). */
export function regionDataAvailable(): boolean {
  return partitions().length > 0;
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
 * input error (exit 2) with a "did you mean" when one is close, before anything is written.
 */
export function checkRegion(name: string, source = "--region"): RegionInfo {
  const trimmed = name.trim();
  const known = findRegion(trimmed);
  if (known) return known;
  if (!regionDataAvailable() && REGION_SHAPE.test(trimmed)) {
    return { name: trimmed, description: trimmed, partition: partitionOfRegion(trimmed) ?? "aws" };
  }
  const near = suggestRegion(trimmed);
  const hint = near ? `Did you mean ${near.name} (${near.description})?` : "Run `ec2-workshop setup` without it to choose from the list.";
  throw new InputError(`Unknown AWS region "${trimmed}" (${source}): it is not a region the AWS SDK knows. ${hint}`);
}
