// DescribeKeyPairs: the key pairs of the account (names a workshop's launch template may use).
import { filters, list } from "../params.js";
import { compileFilters, isTagFilter, matches } from "../filters.js";
import { SimError } from "../sim-error.js";
import type { KeyPair, World } from "../world.js";
import { el, isoTime, set } from "../xml.js";
import type { ActionContext } from "./context.js";

export function addKeyPair(world: World, name: string, now: number): KeyPair {
  const pair: KeyPair = { name, id: world.newId("key"), createdAt: now };
  world.keyPairs.set(name, pair);
  return pair;
}

export function describeKeyPairs(ctx: ActionContext): string {
  const { world, params } = ctx;
  const names = list(params, "KeyName");
  const ids = list(params, "KeyPairId");
  const missing = names.find((n) => !world.keyPairs.has(n));
  if (missing !== undefined) throw new SimError("InvalidKeyPair.NotFound", `The key pair '${missing}' does not exist`);
  const all = [...world.keyPairs.values()];
  const missingId = ids.find((id) => !all.some((k) => k.id === id));
  if (missingId !== undefined) throw new SimError("InvalidKeyPair.NotFound", `The key pair '${missingId}' does not exist`);
  const compiled = compileFilters(filters(params), (n) => isTagFilter(n) || ["key-name", "key-pair-id"].includes(n));
  const out = all
    .filter((k) => (!names.length || names.includes(k.name)) && (!ids.length || ids.includes(k.id)))
    .filter((k) => matches(compiled, (n) => (n === "key-name" ? [k.name] : n === "key-pair-id" ? [k.id] : [])));
  return set(
    "keySet",
    out.map((k) => el("keyPairId", k.id) + el("keyName", k.name) + el("keyType", "ed25519") + el("keyFingerprint", "SHA256:sim") + el("createTime", isoTime(k.createdAt)) + set("tagSet", [])),
  );
}
