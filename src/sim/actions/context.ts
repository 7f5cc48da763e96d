// What every action handler gets, and the helpers they share.
import { type Params } from "../params.js";
import { SimError } from "../sim-error.js";
import type { World } from "../world.js";

export interface ActionContext {
  world: World;
  params: Params;
  /** Sim time of the request. */
  now: number;
}

/** An action returns the XML inside its `<XxxResponse>` element (after requestId). */
export type ActionHandler = (ctx: ActionContext) => string;

/** Mutating actions call this once their parameters are valid: DryRun stops here. */
export function dryRunGate(ctx: ActionContext): void {
  if (ctx.params.DryRun === "true") throw SimError.dryRun();
}

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function checkInstanceIds(ids: readonly string[]): void {
  const bad = ids.find((id) => !INSTANCE_ID.test(id));
  if (bad !== undefined) throw new SimError("InvalidInstanceID.Malformed", `Invalid id: "${bad}"`);
}

export function instanceNotFound(missing: readonly string[]): SimError {
  return missing.length === 1
    ? new SimError("InvalidInstanceID.NotFound", `The instance ID '${missing[0]}' does not exist`)
    : new SimError("InvalidInstanceID.NotFound", `The instance IDs '${missing.join(", ")}' do not exist`);
}

/** Page size rules shared by DescribeInstances and DescribeInstanceStatus. */
export function pageSize(params: Params, hasIds: boolean, idsParam: string): number | undefined {
  const raw = params.MaxResults;
  if (raw === undefined) return undefined;
  if (hasIds)
    throw SimError.combination(`The parameter ${idsParam} cannot be used with the parameter maxResults`);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 5 || n > 1000)
    throw SimError.invalidParameterValue(
      `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value greater than 5 and less than 1000.`,
    );
  return n;
}

/** Opaque NextToken: the launch sequence number to continue after. */
export function encodeToken(afterSeq: number, kind: string): string {
  return Buffer.from(JSON.stringify({ k: kind, s: afterSeq })).toString("base64");
}

export function decodeToken(token: string | undefined, kind: string): number {
  if (token === undefined || token === "") return 0;
  try {
    const v = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { k?: string; s?: number };
    if (v.k === kind && typeof v.s === "number") return v.s;
  } catch {
    // fall through
  }
  throw new SimError("InvalidPaginationToken", "The specified pagination token is not valid or is expired.");
}
