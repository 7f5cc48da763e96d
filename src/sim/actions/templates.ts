// Launch templates: CreateLaunchTemplate, CreateLaunchTemplateVersion, DescribeLaunchTemplates,
// DescribeLaunchTemplateVersions, and the lookup RunInstances uses.
import { compileFilters, isTagFilter, matches, tagFilterValues } from "../filters.js";
import { bool, filters, indices, int, list, type Params, sub, tagSpecs } from "../params.js";
import { SimError } from "../sim-error.js";
import type { LaunchTemplate, LaunchTemplateData, LaunchTemplateVersion, World } from "../world.js";
import { el, isoTime, node, set, tagSet, valueSet } from "../xml.js";
import { type ActionContext, dryRunGate } from "./context.js";

const LT_ID = /^lt-[0-9a-f]{17}$/;
const LT_NAME = /^[a-zA-Z0-9()./_-]{3,128}$/;

export function parseLaunchTemplateData(p: Params): LaunchTemplateData {
  return {
    imageId: p.ImageId,
    instanceType: p.InstanceType,
    keyName: p.KeyName,
    userData: p.UserData,
    securityGroupIds: list(p, "SecurityGroupId"),
    networkInterfaces: indices(p, "NetworkInterface").map((n) => {
      const q = sub(p, `NetworkInterface.${n}`);
      return {
        deviceIndex: int(q, "DeviceIndex"),
        associatePublicIpAddress: bool(q, "AssociatePublicIpAddress"),
        deleteOnTermination: bool(q, "DeleteOnTermination"),
        subnetId: q.SubnetId,
        groups: list(q, "SecurityGroupId"),
      };
    }),
    tagSpecifications: tagSpecs(p),
    blockDeviceMappings: indices(p, "BlockDeviceMapping").map((n) => {
      const q = sub(p, `BlockDeviceMapping.${n}`);
      return {
        deviceName: q.DeviceName ?? "/dev/xvda",
        volumeSize: int(q, "Ebs.VolumeSize"),
        volumeType: q["Ebs.VolumeType"],
        deleteOnTermination: bool(q, "Ebs.DeleteOnTermination"),
        encrypted: bool(q, "Ebs.Encrypted"),
      };
    }),
    httpTokens: p["MetadataOptions.HttpTokens"],
    httpEndpoint: p["MetadataOptions.HttpEndpoint"],
    httpPutResponseHopLimit: int(p, "MetadataOptions.HttpPutResponseHopLimit"),
  };
}

export function renderLaunchTemplateData(d: LaunchTemplateData): string {
  return (
    el("imageId", d.imageId) +
    el("instanceType", d.instanceType) +
    el("keyName", d.keyName) +
    el("userData", d.userData) +
    (d.securityGroupIds.length ? valueSet("securityGroupIdSet", d.securityGroupIds) : "") +
    (d.networkInterfaces.length
      ? set(
          "networkInterfaceSet",
          d.networkInterfaces.map(
            (n) =>
              el("associatePublicIpAddress", n.associatePublicIpAddress) +
              el("deleteOnTermination", n.deleteOnTermination) +
              el("deviceIndex", n.deviceIndex) +
              el("subnetId", n.subnetId) +
              (n.groups.length ? `<groupSet>${n.groups.map((g) => el("groupId", g)).join("")}</groupSet>` : ""),
          ),
        )
      : "") +
    (d.tagSpecifications.length
      ? set(
          "tagSpecificationSet",
          d.tagSpecifications.map((t) => el("resourceType", t.resourceType) + tagSet(t.tags)),
        )
      : "") +
    (d.blockDeviceMappings.length
      ? set(
          "blockDeviceMappingSet",
          d.blockDeviceMappings.map(
            (b) =>
              el("deviceName", b.deviceName) +
              node(
                "ebs",
                el("encrypted", b.encrypted),
                el("deleteOnTermination", b.deleteOnTermination),
                el("volumeSize", b.volumeSize),
                el("volumeType", b.volumeType),
              ),
          ),
        )
      : "") +
    (d.httpTokens || d.httpEndpoint || d.httpPutResponseHopLimit !== undefined
      ? node(
          "metadataOptions",
          el("httpTokens", d.httpTokens),
          el("httpPutResponseHopLimit", d.httpPutResponseHopLimit),
          el("httpEndpoint", d.httpEndpoint),
        )
      : "")
  );
}

function renderTemplate(lt: LaunchTemplate): string {
  return (
    el("launchTemplateId", lt.id) +
    el("launchTemplateName", lt.name) +
    el("createTime", isoTime(lt.createdAt)) +
    el("createdBy", lt.createdBy) +
    el("defaultVersionNumber", lt.defaultVersion) +
    el("latestVersionNumber", lt.versions[lt.versions.length - 1]!.number) +
    (lt.tags.size ? tagSet(lt.tags) : "")
  );
}

function renderVersion(lt: LaunchTemplate, v: LaunchTemplateVersion): string {
  return (
    el("launchTemplateId", lt.id) +
    el("launchTemplateName", lt.name) +
    el("versionNumber", v.number) +
    el("versionDescription", v.description) +
    el("createTime", isoTime(v.createdAt)) +
    el("createdBy", lt.createdBy) +
    el("defaultVersion", v.number === lt.defaultVersion) +
    node("launchTemplateData", renderLaunchTemplateData(v.data))
  );
}

function templateNotFoundById(id: string): SimError {
  return new SimError("InvalidLaunchTemplateId.NotFound", `The specified launch template, with template ID ${id}, does not exist.`);
}

function templateNotFoundByName(name: string): SimError {
  return new SimError(
    "InvalidLaunchTemplateName.NotFoundException",
    `The specified launch template, with template name ${name}, does not exist.`,
  );
}

export function findTemplate(world: World, id: string | undefined, name: string | undefined): LaunchTemplate {
  if (id !== undefined && name !== undefined)
    throw SimError.combination("Both a launch template ID and a launch template name were specified; specify only one.");
  if (id !== undefined) {
    if (!LT_ID.test(id))
      throw new SimError("InvalidLaunchTemplateId.Malformed", `The specified ID for the launch template, ${id}, is not valid. The ID must be in the form lt-xxxxxxxxxxxxxxxxx.`);
    const lt = world.launchTemplates.get(id);
    if (!lt) throw templateNotFoundById(id);
    return lt;
  }
  if (name !== undefined) {
    const lt = world.findLaunchTemplateByName(name);
    if (!lt) throw templateNotFoundByName(name);
    return lt;
  }
  throw new SimError("MissingParameter", "The request must contain the parameter LaunchTemplateId or LaunchTemplateName");
}

function findVersion(lt: LaunchTemplate, version: string | undefined): LaunchTemplateVersion {
  const wanted =
    version === undefined || version === "$Default"
      ? lt.defaultVersion
      : version === "$Latest"
        ? lt.versions[lt.versions.length - 1]!.number
        : Number(version);
  const v = Number.isInteger(wanted) ? lt.versions.find((x) => x.number === wanted) : undefined;
  if (!v)
    throw new SimError(
      "InvalidLaunchTemplateId.VersionNotFound",
      `Could not find launch template version ${version} for launch template with ID ${lt.id}.`,
    );
  return v;
}

export function resolveLaunchTemplateVersion(world: World, id: string | undefined, name: string | undefined, version: string | undefined): LaunchTemplateVersion {
  return findVersion(findTemplate(world, id, name), version);
}

/** Creates a template (used by CreateLaunchTemplate and by the seeding helpers). */
export function addLaunchTemplate(world: World, name: string, data: LaunchTemplateData, tags: Map<string, string>, now: number, description?: string): LaunchTemplate {
  if (!LT_NAME.test(name))
    throw new SimError(
      "InvalidLaunchTemplateName.MalformedException",
      "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'",
    );
  if (world.findLaunchTemplateByName(name))
    throw new SimError("InvalidLaunchTemplateName.AlreadyExistsException", `Launch template name already in use.`);
  const lt: LaunchTemplate = {
    id: world.newId("lt"),
    name,
    createdAt: now,
    createdBy: `arn:aws:iam::${world.accountId}:user/workshop`,
    defaultVersion: 1,
    versions: [{ number: 1, description, createdAt: now, data }],
    tags,
  };
  world.launchTemplates.set(lt.id, lt);
  return lt;
}

function launchTemplateTags(params: Params): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of tagSpecs(params)) {
    if (spec.resourceType !== "launch-template")
      throw SimError.invalidParameterValue(`'${spec.resourceType}' is not a valid taggable resource type for this operation.`);
    for (const [k, v] of spec.tags) tags.set(k, v);
  }
  return tags;
}

export function createLaunchTemplate(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const name = params.LaunchTemplateName;
  if (!name) throw new SimError("MissingParameter", "The request must contain the parameter LaunchTemplateName");
  const data = parseLaunchTemplateData(sub(params, "LaunchTemplateData"));
  const tags = launchTemplateTags(params);
  if (!LT_NAME.test(name) || world.findLaunchTemplateByName(name)) addLaunchTemplate(world, name, data, tags, now); // throws the right error
  dryRunGate(ctx);
  const lt = addLaunchTemplate(world, name, data, tags, now, params.VersionDescription);
  return node("launchTemplate", renderTemplate(lt));
}

export function createLaunchTemplateVersion(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const lt = findTemplate(world, params.LaunchTemplateId, params.LaunchTemplateName);
  const base = params.SourceVersion !== undefined ? findVersion(lt, params.SourceVersion).data : undefined;
  const data = parseLaunchTemplateData(sub(params, "LaunchTemplateData"));
  dryRunGate(ctx);
  const merged: LaunchTemplateData = base ? mergeData(base, data) : data;
  const v: LaunchTemplateVersion = {
    number: lt.versions[lt.versions.length - 1]!.number + 1,
    description: params.VersionDescription,
    createdAt: now,
    data: merged,
  };
  lt.versions.push(v);
  return node("launchTemplateVersion", renderVersion(lt, v));
}

function mergeData(base: LaunchTemplateData, over: LaunchTemplateData): LaunchTemplateData {
  const pick = <T>(a: T[], b: T[]): T[] => (b.length ? b : a);
  return {
    imageId: over.imageId ?? base.imageId,
    instanceType: over.instanceType ?? base.instanceType,
    keyName: over.keyName ?? base.keyName,
    userData: over.userData ?? base.userData,
    securityGroupIds: pick(base.securityGroupIds, over.securityGroupIds),
    networkInterfaces: pick(base.networkInterfaces, over.networkInterfaces),
    tagSpecifications: pick(base.tagSpecifications, over.tagSpecifications),
    blockDeviceMappings: pick(base.blockDeviceMappings, over.blockDeviceMappings),
    httpTokens: over.httpTokens ?? base.httpTokens,
    httpEndpoint: over.httpEndpoint ?? base.httpEndpoint,
    httpPutResponseHopLimit: over.httpPutResponseHopLimit ?? base.httpPutResponseHopLimit,
  };
}

const knownTemplateFilter = (n: string): boolean =>
  isTagFilter(n) || n === "launch-template-name" || n === "create-time";

export function describeLaunchTemplates(ctx: ActionContext): string {
  const { world, params } = ctx;
  const ids = list(params, "LaunchTemplateId");
  const names = list(params, "LaunchTemplateName");
  const compiled = compileFilters(filters(params), knownTemplateFilter);
  let pool = [...world.launchTemplates.values()];
  if (ids.length) {
    for (const id of ids) if (!LT_ID.test(id)) throw new SimError("InvalidLaunchTemplateId.Malformed", `The specified ID for the launch template, ${id}, is not valid.`);
    const missing = ids.filter((id) => !world.launchTemplates.has(id));
    if (missing.length) throw templateNotFoundById(missing.join(", "));
    pool = pool.filter((lt) => ids.includes(lt.id));
  }
  if (names.length) {
    const missing = names.filter((n) => !world.findLaunchTemplateByName(n));
    if (missing.length)
      throw new SimError(
        "InvalidLaunchTemplateName.NotFoundException",
        "At least one of the launch templates specified in the request does not exist.",
      );
    pool = pool.filter((lt) => names.includes(lt.name));
  }
  const out = pool.filter((lt) =>
    matches(compiled, (n) =>
      n === "launch-template-name" ? [lt.name] : n === "create-time" ? [isoTime(lt.createdAt)] : tagFilterValues(lt.tags, n),
    ),
  );
  return set("launchTemplates", out.map((lt) => renderTemplate(lt)));
}

export function describeLaunchTemplateVersions(ctx: ActionContext): string {
  const { world, params } = ctx;
  const lt = findTemplate(world, params.LaunchTemplateId, params.LaunchTemplateName);
  const wanted = list(params, "LaunchTemplateVersion");
  const versions = wanted.length ? wanted.map((v) => findVersion(lt, v)) : lt.versions;
  const min = params.MinVersion !== undefined ? Number(params.MinVersion) : -Infinity;
  const max = params.MaxVersion !== undefined ? Number(params.MaxVersion) : Infinity;
  const out = versions.filter((v) => v.number >= min && v.number <= max);
  return set("launchTemplateVersionSet", out.map((v) => renderVersion(lt, v)));
}
