// The JSON-protocol services the simulator answers besides EC2 (awsJson1_1: a POST of a JSON
// body, the operation named by the X-Amz-Target header): Service Quotas and the Price List.
// Their handlers fail with SimError too: its code is the answer's `__type`.
import { SimError } from "../sim-error.js";
import type { World } from "../world.js";

export interface JsonContext {
  world: World;
  input: Record<string, unknown>;
  now: number;
}

export type JsonHandler = (ctx: JsonContext) => unknown;

export interface JsonOperation {
  /** The operation's name, as the request log and the `unauthorized` fault call it. */
  action: string;
  /** The IAM action a denial names. */
  iamAction: string;
  handler: JsonHandler;
}

/** A required string member of the input, or the ValidationException the service gives. */
export function stringField(input: Record<string, unknown>, key: string): string {
  const v = input[key];
  if (typeof v !== "string" || v === "") throw new SimError("ValidationException", `1 validation error detected: Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v;
}
