// VPCs, subnets and security groups: Describe* and Create* (so a person can build a workshop's
// network through the API), plus the helpers the seeding code uses.
import { compileFilters, isTagFilter, matches, tagFilterValues } from "../filters.js";
import { filters, list, type Params, tagSpecs } from "../params.js";
import { SimError } from "../sim-error.js";
import { parseCidr, type SecurityGroup, type Subnet, type Tags, type Vpc, type World } from "../world.js";
import { el, node, set, tagSet } from "../xml.js";
import { type ActionContext, dryRunGate } from "./context.js";

/** Tags for a resource being created: only TagSpecifications of its own resource type. */
export function tagsFor(params: Params, resourceType: string): Tags {
  const tags: Tags = new Map();
  for (const spec of tagSpecs(params)) {
    if (spec.resourceType !== resourceType)
      throw SimError.invalidParameterValue(`'${spec.resourceType}' is not a valid taggable resource type for this operation.`);
    for (const [k, v] of spec.tags) tags.set(k, v);
  }
  return tags;
}

// ----- creation (shared with seeding) -----

export function addVpc(world: World, cidr: string, tags: Tags, isDefault = false): Vpc {
  const { prefix } = parseCidr(cidr);
  if (prefix < 16 || prefix > 28) throw new SimError("InvalidVpc.Range", `The CIDR '${cidr}' is invalid.`);
  const vpc: Vpc = { id: world.newId("vpc"), cidr, isDefault, tags };
  world.vpcs.set(vpc.id, vpc);
  addSecurityGroup(world, vpc.id, "default", "default VPC security group", new Map());
  return vpc;
}

export function addSubnet(world: World, vpcId: string, cidr: string, azName: string, tags: Tags, o: { mapPublicIp?: boolean; defaultForAz?: boolean } = {}): Subnet {
  const vpc = world.vpcs.get(vpcId);
  if (!vpc) throw new SimError("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
  const az = world.azByName(azName);
  if (!az) throw SimError.invalidParameterValue(`Value (${azName}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${world.azs.map((a) => a.name).join(", ")}.`);
  const net = parseCidr(cidr);
  const outer = parseCidr(vpc.cidr);
  if (net.prefix < outer.prefix || net.prefix > 28 || net.base < outer.base || net.base + net.size > outer.base + outer.size)
    throw new SimError("InvalidSubnet.Range", `The CIDR '${cidr}' is invalid.`);
  for (const s of world.subnets.values()) {
    if (s.vpcId !== vpcId) continue;
    const o2 = parseCidr(s.cidr);
    if (net.base < o2.base + o2.size && o2.base < net.base + net.size)
      throw new SimError("InvalidSubnet.Conflict", `The CIDR '${cidr}' conflicts with another subnet`);
  }
  const subnet: Subnet = {
    id: world.newId("subnet"),
    vpcId,
    cidr,
    az,
    mapPublicIpOnLaunch: o.mapPublicIp ?? false,
    defaultForAz: o.defaultForAz ?? false,
    tags,
    nextHost: 0,
    used: new Set(),
  };
  world.subnets.set(subnet.id, subnet);
  return subnet;
}

export function addSecurityGroup(world: World, vpcId: string, name: string, description: string, tags: Tags): SecurityGroup {
  if (!world.vpcs.has(vpcId)) throw new SimError("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
  for (const g of world.securityGroups.values())
    if (g.vpcId === vpcId && g.name === name)
      throw new SimError("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpcId}'`);
  const sg: SecurityGroup = { id: world.newId("sg"), name, description, vpcId, tags };
  world.securityGroups.set(sg.id, sg);
  return sg;
}

// ----- rendering -----

function renderVpc(world: World, v: Vpc): string {
  return (
    el("vpcId", v.id) +
    el("ownerId", world.accountId) +
    el("state", "available") +
    el("cidrBlock", v.cidr) +
    set("cidrBlockAssociationSet", [
      el("cidrBlock", v.cidr) + el("associationId", `vpc-cidr-assoc-${v.id.slice(4)}`) + node("cidrBlockState", el("state", "associated")),
    ]) +
    el("dhcpOptionsId", "dopt-0123456789abcdef0") +
    (v.tags.size ? tagSet(v.tags) : "") +
    el("instanceTenancy", "default") +
    el("isDefault", v.isDefault)
  );
}

function renderSubnet(world: World, s: Subnet): string {
  return (
    el("subnetId", s.id) +
    el("subnetArn", `arn:aws:ec2:${world.region}:${world.accountId}:subnet/${s.id}`) +
    el("state", "available") +
    el("ownerId", world.accountId) +
    el("vpcId", s.vpcId) +
    el("cidrBlock", s.cidr) +
    set("ipv6CidrBlockAssociationSet", []) +
    el("availableIpAddressCount", world.freeAddressCount(s)) +
    el("availabilityZone", s.az.name) +
    el("availabilityZoneId", s.az.id) +
    el("defaultForAz", s.defaultForAz) +
    el("mapPublicIpOnLaunch", s.mapPublicIpOnLaunch) +
    (s.tags.size ? tagSet(s.tags) : "") +
    el("assignIpv6AddressOnCreation", false)
  );
}

function renderSecurityGroup(world: World, g: SecurityGroup): string {
  return (
    el("ownerId", world.accountId) +
    el("groupId", g.id) +
    el("groupName", g.name) +
    el("groupDescription", g.description) +
    el("vpcId", g.vpcId) +
    el("securityGroupArn", `arn:aws:ec2:${world.region}:${world.accountId}:security-group/${g.id}`) +
    set("ipPermissions", []) +
    set("ipPermissionsEgress", [
      el("ipProtocol", "-1") + set("groups", []) + set("ipRanges", [el("cidrIp", "0.0.0.0/0")]) + set("ipv6Ranges", []) + set("prefixListIds", []),
    ]) +
    (g.tags.size ? tagSet(g.tags) : "")
  );
}

// ----- Describe* -----

function byIds<T extends { id: string }>(all: Iterable<T>, ids: string[], notFound: (id: string) => SimError): T[] {
  const map = new Map([...all].map((x) => [x.id, x]));
  if (!ids.length) return [...map.values()];
  return ids.map((id) => {
    const x = map.get(id);
    if (!x) throw notFound(id);
    return x;
  });
}

export function describeVpcs(ctx: ActionContext): string {
  const { world, params } = ctx;
  const compiled = compileFilters(filters(params), (n) => isTagFilter(n) || ["vpc-id", "cidr", "cidr-block-association.cidr-block", "is-default", "state", "owner-id"].includes(n));
  const pool = byIds(world.vpcs.values(), list(params, "VpcId"), (id) => new SimError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`));
  const out = pool.filter((v) =>
    matches(compiled, (n) => {
      switch (n) {
        case "vpc-id":
          return [v.id];
        case "cidr":
        case "cidr-block-association.cidr-block":
          return [v.cidr];
        case "is-default":
          return [String(v.isDefault)];
        case "state":
          return ["available"];
        case "owner-id":
          return [world.accountId];
      }
      return tagFilterValues(v.tags, n);
    }),
  );
  return set("vpcSet", out.map((v) => renderVpc(world, v)));
}

export function describeSubnets(ctx: ActionContext): string {
  const { world, params } = ctx;
  const names = ["subnet-id", "vpc-id", "availability-zone", "availability-zone-id", "cidr-block", "cidr", "default-for-az", "map-public-ip-on-launch", "state", "owner-id"];
  const compiled = compileFilters(filters(params), (n) => isTagFilter(n) || names.includes(n));
  const pool = byIds(world.subnets.values(), list(params, "SubnetId"), (id) => new SimError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`));
  const out = pool.filter((s) =>
    matches(compiled, (n) => {
      switch (n) {
        case "subnet-id":
          return [s.id];
        case "vpc-id":
          return [s.vpcId];
        case "availability-zone":
          return [s.az.name];
        case "availability-zone-id":
          return [s.az.id];
        case "cidr-block":
        case "cidr":
          return [s.cidr];
        case "default-for-az":
          return [String(s.defaultForAz)];
        case "map-public-ip-on-launch":
          return [String(s.mapPublicIpOnLaunch)];
        case "state":
          return ["available"];
        case "owner-id":
          return [world.accountId];
      }
      return tagFilterValues(s.tags, n);
    }),
  );
  return set("subnetSet", out.map((s) => renderSubnet(world, s)));
}

export function describeSecurityGroups(ctx: ActionContext): string {
  const { world, params } = ctx;
  const names = ["group-id", "group-name", "vpc-id", "description", "owner-id"];
  const compiled = compileFilters(filters(params), (n) => isTagFilter(n) || names.includes(n));
  let pool = byIds(world.securityGroups.values(), list(params, "GroupId"), (id) => new SimError("InvalidGroup.NotFound", `The security group '${id}' does not exist`));
  const groupNames = list(params, "GroupName");
  if (groupNames.length) {
    for (const n of groupNames)
      if (!pool.some((g) => g.name === n))
        throw new SimError("InvalidGroup.NotFound", `The security group '${n}' does not exist in default VPC`);
    pool = pool.filter((g) => groupNames.includes(g.name));
  }
  const out = pool.filter((g) =>
    matches(compiled, (n) => {
      switch (n) {
        case "group-id":
          return [g.id];
        case "group-name":
          return [g.name];
        case "vpc-id":
          return [g.vpcId];
        case "description":
          return [g.description];
        case "owner-id":
          return [world.accountId];
      }
      return tagFilterValues(g.tags, n);
    }),
  );
  return set("securityGroupInfo", out.map((g) => renderSecurityGroup(world, g)));
}

// ----- Create* -----

export function createVpc(ctx: ActionContext): string {
  const { world, params } = ctx;
  const cidr = params.CidrBlock;
  if (!cidr) throw new SimError("MissingParameter", "The request must contain the parameter CidrBlock");
  parseCidr(cidr);
  const tags = tagsFor(params, "vpc");
  dryRunGate(ctx);
  const vpc = addVpc(world, cidr, tags);
  return node("vpc", renderVpc(world, vpc));
}

export function createSubnet(ctx: ActionContext): string {
  const { world, params } = ctx;
  const vpcId = params.VpcId;
  const cidr = params.CidrBlock;
  if (!vpcId) throw new SimError("MissingParameter", "The request must contain the parameter VpcId");
  if (!cidr) throw new SimError("MissingParameter", "The request must contain the parameter CidrBlock");
  const azName =
    params.AvailabilityZone ??
    (params.AvailabilityZoneId ? world.azs.find((a) => a.id === params.AvailabilityZoneId)?.name : undefined) ??
    world.azs[0]!.name;
  const tags = tagsFor(params, "subnet");
  if (params.DryRun === "true") {
    if (!world.vpcs.has(vpcId)) throw new SimError("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
    dryRunGate(ctx);
  }
  const subnet = addSubnet(world, vpcId, cidr, azName, tags);
  return node("subnet", renderSubnet(world, subnet));
}

export function createSecurityGroup(ctx: ActionContext): string {
  const { world, params } = ctx;
  const name = params.GroupName;
  const description = params.GroupDescription;
  if (!name) throw new SimError("MissingParameter", "The request must contain the parameter GroupName");
  if (!description) throw new SimError("MissingParameter", "The request must contain the parameter GroupDescription");
  const vpcId = params.VpcId ?? [...world.vpcs.values()].find((v) => v.isDefault)?.id;
  if (!vpcId) throw new SimError("VPCIdNotSpecified", "No default VPC for this user");
  const tags = tagsFor(params, "security-group");
  if (params.DryRun === "true") {
    if (!world.vpcs.has(vpcId)) throw new SimError("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
    dryRunGate(ctx);
  }
  const sg = addSecurityGroup(world, vpcId, name, description, tags);
  return el("return", true) + el("groupId", sg.id) + (tags.size ? tagSet(tags) : "") +
    el("securityGroupArn", `arn:aws:ec2:${world.region}:${world.accountId}:security-group/${sg.id}`);
}

