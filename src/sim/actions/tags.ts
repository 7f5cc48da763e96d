// CreateTags, DeleteTags, DescribeTags across every taggable resource of the simulator.
import { compileFilters, matches } from "../filters.js";
import { filters, indices, list, tagList } from "../params.js";
import { SimError } from "../sim-error.js";
import type { Tags, World } from "../world.js";
import { el, set } from "../xml.js";
import { type ActionContext, checkInstanceIds, dryRunGate } from "./context.js";

interface Taggable {
  id: string;
  type: string;
  tags: Tags;
  /** Called after the tags changed (instances re-render). */
  touch?: () => void;
}

function allTaggables(world: World, now: number): Taggable[] {
  const out: Taggable[] = [];
  for (const i of world.liveInstances(now)) {
    out.push({ id: i.id, type: "instance", tags: i.tags, touch: () => i.tagsVersion++ });
    out.push({ id: i.volume.id, type: "volume", tags: i.volume.tags });
  }
  for (const v of world.vpcs.values()) out.push({ id: v.id, type: "vpc", tags: v.tags });
  for (const s of world.subnets.values()) out.push({ id: s.id, type: "subnet", tags: s.tags });
  for (const g of world.securityGroups.values()) out.push({ id: g.id, type: "security-group", tags: g.tags });
  for (const lt of world.launchTemplates.values()) out.push({ id: lt.id, type: "launch-template", tags: lt.tags });
  for (const im of world.images.values()) out.push({ id: im.id, type: "image", tags: im.tags });
  return out;
}

function findTaggable(world: World, id: string, now: number): Taggable {
  if (id.startsWith("i-")) {
    checkInstanceIds([id]);
    const inst = world.getInstance(id, now);
    if (!inst) throw new SimError("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
    return { id, type: "instance", tags: inst.tags, touch: () => inst.tagsVersion++ };
  }
  const hit = allTaggables(world, now).find((t) => t.id === id);
  if (hit) return hit;
  const kind = id.split("-")[0];
  const code: Record<string, string> = {
    vpc: "InvalidVpcID.NotFound",
    subnet: "InvalidSubnetID.NotFound",
    sg: "InvalidGroup.NotFound",
    lt: "InvalidLaunchTemplateId.NotFound",
    vol: "InvalidVolume.NotFound",
    ami: "InvalidAMIID.NotFound",
  };
  if (kind && code[kind]) throw new SimError(code[kind]!, `The ID '${id}' does not exist`);
  throw new SimError("InvalidID", `The ID '${id}' is not valid`);
}

export function createTags(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const ids = list(params, "ResourceId");
  if (!ids.length) throw new SimError("MissingParameter", "The request must contain the parameter ResourceId");
  const tags = tagList(params, "Tag");
  if (!tags.size) throw new SimError("MissingParameter", "The request must contain the parameter Tag");
  for (const k of tags.keys())
    if (k.toLowerCase().startsWith("aws:")) throw SimError.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
  const targets = ids.map((id) => findTaggable(world, id, now));
  dryRunGate(ctx);
  for (const t of targets) {
    for (const [k, v] of tags) t.tags.set(k, v);
    t.touch?.();
  }
  return el("return", true);
}

export function deleteTags(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const ids = list(params, "ResourceId");
  if (!ids.length) throw new SimError("MissingParameter", "The request must contain the parameter ResourceId");
  const targets = ids.map((id) => findTaggable(world, id, now));
  dryRunGate(ctx);
  // Tag.N.Key alone removes the key; with Tag.N.Value it removes it only when the value matches.
  const wanted = indices(params, "Tag").map((n) => ({ key: params[`Tag.${n}.Key`] ?? "", value: params[`Tag.${n}.Value`] }));
  for (const t of targets) {
    if (!wanted.length) t.tags.clear();
    for (const w of wanted) if (w.value === undefined || t.tags.get(w.key) === w.value) t.tags.delete(w.key);
    t.touch?.();
  }
  return el("return", true);
}

export function describeTags(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const compiled = compileFilters(filters(params), (n) => ["resource-id", "resource-type", "key", "value"].includes(n) || n.startsWith("tag:"));
  const max = params.MaxResults !== undefined ? Number(params.MaxResults) : Infinity;
  const start = params.NextToken ? Number(Buffer.from(params.NextToken, "base64").toString("utf8")) : 0;
  if (!Number.isInteger(start) || start < 0) throw new SimError("InvalidPaginationToken", "The specified pagination token is not valid or is expired.");
  const rows: string[] = [];
  for (const t of allTaggables(world, now)) {
    for (const [k, v] of t.tags) {
      const ok = matches(compiled, (n) => {
        if (n === "resource-id") return [t.id];
        if (n === "resource-type") return [t.type];
        if (n === "key") return [k];
        if (n === "value") return [v];
        const want = t.tags.get(n.slice(4));
        return want === undefined ? [] : [want];
      });
      if (ok) rows.push(el("resourceId", t.id) + el("resourceType", t.type) + el("key", k) + el("value", v));
    }
  }
  const page = rows.slice(start, start + max);
  const next = start + page.length < rows.length ? Buffer.from(String(start + page.length)).toString("base64") : undefined;
  return set("tagSet", page) + el("nextToken", next);
}
