// Tag keys every launched instance and volume carries (README.md, "Create workshop instances").
// `Workshop` is the original tool's key, kept so its instances are found too.
export const TAG = {
  workshop: "Workshop",
  name: "Name",
  batch: "ec2-workshop:batch",
  launchedBy: "ec2-workshop:launched-by",
  launchedAt: "ec2-workshop:launched-at",
  /** The seats of one RunInstances call, in launch-index order ("3,7-9"): see seats.ts. */
  seats: "ec2-workshop:seats",
  /** A seat set later by CreateTags (a collision moved the instance): beats `seats`. */
  seat: "ec2-workshop:seat",
  /** When `seat` was set (ISO time): the claim's time when seats collide. */
  seatMovedAt: "ec2-workshop:seat-moved-at",
  /** When the machine ends (ISO time), or `never` (expiry.ts); moved by `instances extend`. */
  expiresAt: "ec2-workshop:expires-at",
  /** Running hours of earlier periods, written by `instances stop` (usage.ts): a stop/start resets LaunchTime. */
  runHours: "ec2-workshop:run-hours",
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
