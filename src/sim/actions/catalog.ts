// DescribeImages, DescribeAvailabilityZones, DescribeRegions, DescribeInstanceTypeOfferings.
import { INSTANCE_TYPES, OPT_IN_REGIONS, REGIONS } from "../catalog.js";
import { compileFilters, isTagFilter, matches, tagFilterValues } from "../filters.js";
import { filters, list } from "../params.js";
import { SimError } from "../sim-error.js";
import type { Image, World } from "../world.js";
import { el, isoTime, node, set, tagSet } from "../xml.js";
import type { ActionContext } from "./context.js";
import { renderImageDeprecation } from "./image-deprecation.js";

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

export interface ImageOptions {
  architecture?: Image["architecture"];
  /** Size of the root snapshot in GiB (default 8, like Amazon Linux). */
  rootSnapshotGiB?: number;
  deprecationTime?: number;
}

export function addImage(world: World, id: string, name: string, ownerId: string, now: number, o: ImageOptions = {}): Image {
  if (!AMI_ID.test(id)) throw new RangeError(`not an AMI id: ${id}`);
  const rootSnapshotGiB = o.rootSnapshotGiB ?? 8;
  if (!(Number.isInteger(rootSnapshotGiB) && rootSnapshotGiB >= 1)) throw new RangeError(`rootSnapshotGiB must be a whole number >= 1, got ${rootSnapshotGiB}`);
  const image: Image = {
    id,
    name,
    ownerId,
    creationDate: now,
    tags: new Map(),
    architecture: o.architecture ?? "x86_64",
    rootDeviceName: "/dev/xvda",
    // Derived from the image id, not drawn from the PRNG: seeding an image shifts no other id.
    rootSnapshotId: `snap-${id.slice(4)}`,
    rootSnapshotGiB,
    ...(o.deprecationTime !== undefined ? { deprecationTime: o.deprecationTime } : {}),
  };
  world.images.set(id, image);
  return image;
}

function renderImage(world: World, img: Image): string {
  return (
    el("imageId", img.id) +
    el("imageLocation", `${img.ownerId}/${img.name}`) +
    el("imageState", world.imageState(img)) +
    el("imageOwnerId", img.ownerId) +
    el("creationDate", isoTime(img.creationDate)) +
    el("isPublic", img.ownerId !== "self") +
    el("architecture", img.architecture) +
    el("imageType", "machine") +
    el("name", img.name) +
    el("description", img.name) +
    el("rootDeviceType", "ebs") +
    el("rootDeviceName", img.rootDeviceName) +
    set("blockDeviceMapping", [
      el("deviceName", img.rootDeviceName) +
        node(
          "ebs",
          el("snapshotId", img.rootSnapshotId),
          el("volumeSize", img.rootSnapshotGiB),
          el("deleteOnTermination", true),
          el("volumeType", "gp3"),
          el("encrypted", false),
        ),
    ]) +
    el("virtualizationType", "hvm") +
    el("hypervisor", "xen") +
    el("platformDetails", "Linux/UNIX") +
    el("enaSupport", true) +
    renderImageDeprecation(img) +
    (img.tags.size ? tagSet(img.tags) : "")
  );
}

export function describeImages(ctx: ActionContext): string {
  const { world, params } = ctx;
  const ids = list(params, "ImageId");
  const owners = list(params, "Owner");
  const bad = ids.find((id) => !AMI_ID.test(id));
  if (bad) throw new SimError("InvalidAMIID.Malformed", `Invalid id: "${bad}" (expecting "ami-...")`);
  const missing = ids.filter((id) => !world.images.has(id));
  if (missing.length) throw new SimError("InvalidAMIID.NotFound", `The image id '[${missing.join(", ")}]' does not exist`);
  const compiled = compileFilters(filters(params), (n) => isTagFilter(n) || ["image-id", "name", "owner-id", "state", "architecture"].includes(n));
  let pool = ids.length ? ids.map((id) => world.images.get(id)!) : [...world.images.values()];
  if (owners.length)
    pool = pool.filter((img) => owners.some((o) => (o === "self" ? img.ownerId === world.accountId : o === img.ownerId || (o === "amazon" && img.ownerId === "137112412989"))));
  const out = pool.filter((img) =>
    matches(compiled, (n) =>
      n === "image-id" ? [img.id] : n === "name" ? [img.name] : n === "owner-id" ? [img.ownerId] : n === "state" ? [world.imageState(img)] : n === "architecture" ? [img.architecture] : tagFilterValues(img.tags, n),
    ),
  );
  return set("imagesSet", out.map((img) => renderImage(world, img)));
}

export function describeAvailabilityZones(ctx: ActionContext): string {
  const { world, params } = ctx;
  const names = list(params, "ZoneName");
  const zoneIds = list(params, "ZoneId");
  for (const n of names)
    if (!world.azByName(n)) throw SimError.invalidParameterValue(`The zone '${n}' does not exist.`);
  const compiled = compileFilters(filters(params), (n) => ["zone-name", "zone-id", "state", "region-name", "zone-type", "opt-in-status", "group-name"].includes(n));
  const out = world.azs
    .filter((a) => (!names.length || names.includes(a.name)) && (!zoneIds.length || zoneIds.includes(a.id)))
    .filter((a) =>
      matches(compiled, (n) =>
        n === "zone-name" ? [a.name] : n === "zone-id" ? [a.id] : n === "state" ? ["available"] : n === "region-name" ? [world.region] : n === "zone-type" ? ["availability-zone"] : n === "opt-in-status" ? ["opt-in-not-required"] : [world.region],
      ),
    );
  return set(
    "availabilityZoneInfo",
    out.map(
      (a) =>
        el("zoneName", a.name) +
        el("zoneState", "available") +
        el("regionName", world.region) +
        el("zoneId", a.id) +
        el("zoneType", "availability-zone") +
        el("optInStatus", "opt-in-not-required") +
        el("groupName", world.region) +
        el("networkBorderGroup", world.region) +
        set("messageSet", []),
    ),
  );
}

export function describeRegions(ctx: ActionContext): string {
  const { params } = ctx;
  const names = list(params, "RegionName");
  const all = params.AllRegions === "true";
  for (const n of names) if (!REGIONS.includes(n)) throw SimError.invalidParameterValue(`Invalid region: ${n}`);
  const compiled = compileFilters(filters(params), (n) => ["region-name", "endpoint", "opt-in-status"].includes(n));
  const out = REGIONS.filter((r) => (names.length ? names.includes(r) : all || !OPT_IN_REGIONS.has(r)))
    .map((r) => ({ r, optIn: OPT_IN_REGIONS.has(r) ? "not-opted-in" : "opt-in-not-required", endpoint: `ec2.${r}.amazonaws.com` }))
    .filter((x) => matches(compiled, (n) => (n === "region-name" ? [x.r] : n === "endpoint" ? [x.endpoint] : [x.optIn])));
  return set(
    "regionInfo",
    out.map((x) => el("regionName", x.r) + el("regionEndpoint", x.endpoint) + el("optInStatus", x.optIn)),
  );
}

export function describeInstanceTypeOfferings(ctx: ActionContext): string {
  const { world, params } = ctx;
  const locationType = params.LocationType ?? "region";
  if (!["region", "availability-zone", "availability-zone-id"].includes(locationType))
    throw SimError.invalidParameterValue(`Value (${locationType}) for parameter locationType is invalid.`);
  const compiled = compileFilters(filters(params), (n) => ["instance-type", "location"].includes(n));
  const rows: { type: string; location: string }[] = [];
  for (const type of INSTANCE_TYPES) {
    if (locationType === "region") rows.push({ type, location: world.region });
    else
      for (const az of world.azs)
        if (world.offers(az.name, type)) rows.push({ type, location: locationType === "availability-zone" ? az.name : az.id });
  }
  const out = rows.filter((r) => matches(compiled, (n) => (n === "instance-type" ? [r.type] : [r.location])));
  return set(
    "instanceTypeOfferingSet",
    out.map((r) => el("instanceType", r.type) + el("locationType", locationType) + el("location", r.location)),
  );
}
