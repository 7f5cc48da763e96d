// Tag keys every launched instance and volume carries (README.md, "Create workshop instances").
// `Workshop` is the original tool's key, kept so its instances are found too.
export const TAG = {
  workshop: "Workshop",
  name: "Name",
  batch: "ec2-workshop:batch",
  launchedBy: "ec2-workshop:launched-by",
  launchedAt: "ec2-workshop:launched-at",
  managedBy: "ManagedBy",
} as const;

export const MANAGED_BY = "ec2-workshop";

export interface TagLike {
  Key?: string;
  Value?: string;
}

export function tagValue(tags: readonly TagLike[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
