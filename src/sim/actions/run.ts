// RunInstances: launch template (by id or name + version) merged with the request's
// overrides, network-interface rules as EC2 enforces them, ClientToken idempotency, DryRun,
// capacity and quota faults with partial launches.
import { architectureOf, INSTANCE_TYPE_PATTERN, INSTANCE_TYPES } from "../catalog.js";
import { bool, indices, int, list, type Params, sub, tagSpecs } from "../params.js";
import { renderReservationBody } from "../render.js";
import { SimError } from "../sim-error.js";
import type { LaunchRequest, LaunchTemplateData, LtNic, SecurityGroup, Subnet, Tags, World } from "../world.js";
import { type ActionContext, dryRunGate } from "./context.js";
import { resolveLaunchTemplateVersion } from "./templates.js";

/** Resource types RunInstances may tag (EC2 refuses others). */
const TAGGABLE_AT_LAUNCH = new Set(["instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu"]);

export const DEFAULT_INSTANCE_TYPE = "t2.micro";

export function runInstances(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const minCount = countParam(params, "MinCount");
  const maxCount = countParam(params, "MaxCount");
  if (minCount > maxCount)
    throw SimError.invalidParameterValue(`MinCount (${minCount}) must be less than or equal to MaxCount (${maxCount}).`);

  const clientToken = params.ClientToken;
  if (clientToken !== undefined && (clientToken.length > 64 || !/^[\x20-\x7e]*$/.test(clientToken)))
    throw SimError.invalidParameterValue(
      `Value (${clientToken}) for parameter clientToken is invalid. Parameter must be 64 ASCII characters or less.`,
    );
  const fingerprint = fingerprintOf(params);
  if (clientToken) {
    const prior = world.clientTokens.get(clientToken);
    if (prior) {
      if (prior.fingerprint !== fingerprint)
        throw new SimError(
          "IdempotentParameterMismatch",
          "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).",
        );
      dryRunGate(ctx);
      const r = world.reservations.get(prior.reservationId)!;
      return renderReservationBody(world, r, r.instances, now);
    }
  }

  const req = resolveLaunch(world, params, minCount, maxCount);
  dryRunGate(ctx);
  const az = req.subnet?.az.name ?? req.az ?? world.azs[0]!.name;
  const count = world.placeable(req, az, now);
  const reservation = world.launch(req, count, now);
  if (clientToken) world.clientTokens.set(clientToken, { fingerprint, reservationId: reservation.id });
  return renderReservationBody(world, reservation, reservation.instances, now);
}

function countParam(params: Params, key: "MinCount" | "MaxCount"): number {
  if (params[key] === undefined) throw new SimError("MissingParameter", `The request must contain the parameter ${key}`);
  const n = int(params, key)!;
  if (n < 1) throw SimError.invalidParameterValue(`Value (${n}) for parameter ${key.charAt(0).toLowerCase() + key.slice(1)} is invalid. Expected a positive integer.`);
  return n;
}

/** Same ClientToken must mean the same request: everything but the token and DryRun. */
function fingerprintOf(params: Params): string {
  return JSON.stringify(
    Object.entries(params)
      .filter(([k]) => k !== "ClientToken" && k !== "DryRun" && k !== "Action" && k !== "Version")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

function requestNics(params: Params): LtNic[] {
  return indices(params, "NetworkInterface").map((n) => {
    const p = sub(params, `NetworkInterface.${n}`);
    return {
      deviceIndex: int(p, "DeviceIndex"),
      associatePublicIpAddress: bool(p, "AssociatePublicIpAddress"),
      deleteOnTermination: bool(p, "DeleteOnTermination"),
      subnetId: p.SubnetId,
      groups: list(p, "SecurityGroupId"),
    };
  });
}

function resolveLaunch(world: World, params: Params, minCount: number, maxCount: number): LaunchRequest {
  const ltp = sub(params, "LaunchTemplate");
  let data: LaunchTemplateData | undefined;
  if (ltp.LaunchTemplateId !== undefined || ltp.LaunchTemplateName !== undefined) {
    data = resolveLaunchTemplateVersion(world, ltp.LaunchTemplateId, ltp.LaunchTemplateName, ltp.Version).data;
  }

  const imageId = params.ImageId ?? data?.imageId;
  if (!imageId) throw new SimError("MissingParameter", "The request must contain the parameter ImageId");
  if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(imageId)) throw new SimError("InvalidAMIID.Malformed", `Invalid id: "${imageId}" (expecting "ami-...")`);
  const image = world.images.get(imageId);
  if (!image) throw new SimError("InvalidAMIID.NotFound", `The image id '[${imageId}]' does not exist`);
  if (world.imageState(image) !== "available")
    throw new SimError("InvalidAMIID.Unavailable", `The image id '[${imageId}]' is no longer available`);

  const instanceType = params.InstanceType ?? data?.instanceType ?? DEFAULT_INSTANCE_TYPE;
  if (!INSTANCE_TYPE_PATTERN.test(instanceType) || !INSTANCE_TYPES.includes(instanceType))
    throw SimError.invalidParameterValue(`Invalid value '${instanceType}' for InstanceType.`);
  if (architectureOf(instanceType) !== image.architecture)
    throw SimError.invalidParameterValue(
      `The architecture '${architectureOf(instanceType)}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`,
    );

  // Network interfaces and instance-level subnet / security groups exclude each other,
  // whether the interfaces come from the request or from the launch template.
  const reqNics = requestNics(params);
  const ltNics = data?.networkInterfaces ?? [];
  const reqGroups = list(params, "SecurityGroupId");
  const anyNics = reqNics.length > 0 || ltNics.length > 0;
  if (anyNics && params.SubnetId !== undefined)
    throw SimError.combination("Network interfaces and an instance-level subnet ID may not be specified on the same request");
  if (anyNics && reqGroups.length > 0)
    throw SimError.combination("Network interfaces and an instance-level security groups may not be specified on the same request");
  const ltNic0 = ltNics.find((n) => (n.deviceIndex ?? 0) === 0);
  const reqNic0 = reqNics.find((n) => (n.deviceIndex ?? 0) === 0);
  const nic0: LtNic | undefined =
    ltNic0 || reqNic0
      ? {
          deviceIndex: 0,
          associatePublicIpAddress: reqNic0?.associatePublicIpAddress ?? ltNic0?.associatePublicIpAddress,
          subnetId: reqNic0?.subnetId ?? ltNic0?.subnetId,
          groups: reqNic0?.groups.length ? reqNic0.groups : (ltNic0?.groups ?? []),
        }
      : undefined;

  const placementAz = params["Placement.AvailabilityZone"];
  if (placementAz !== undefined && !world.azByName(placementAz))
    throw SimError.invalidParameterValue(`Invalid availability zone: [${placementAz}]`);
  const subnetId = nic0?.subnetId ?? params.SubnetId;
  let subnet: Subnet | undefined;
  if (subnetId !== undefined) {
    subnet = world.subnets.get(subnetId);
    if (!subnet) throw new SimError("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
    if (placementAz !== undefined && placementAz !== subnet.az.name)
      throw SimError.invalidParameterValue(
        `Subnet '${subnet.id}' is in Availability Zone '${subnet.az.name}', not '${placementAz}'.`,
      );
  } else {
    subnet = world.defaultSubnetFor(placementAz);
    if (!subnet)
      throw new SimError("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.");
  }

  const groupIds = nic0?.groups.length ? nic0.groups : reqGroups.length ? reqGroups : (data?.securityGroupIds ?? []);
  const securityGroups: SecurityGroup[] = groupIds.map((id) => {
    const sg = world.securityGroups.get(id);
    if (!sg || sg.vpcId !== subnet!.vpcId)
      throw new SimError("InvalidGroup.NotFound", `The security group '${id}' does not exist in VPC '${subnet!.vpcId}'`);
    return sg;
  });
  if (securityGroups.length === 0) {
    const dflt = [...world.securityGroups.values()].find((g) => g.vpcId === subnet!.vpcId && g.name === "default");
    if (dflt) securityGroups.push(dflt);
  }

  if (!world.offers(subnet.az.name, instanceType)) {
    const others = world.azs.filter((a) => world.offers(a.name, instanceType)).map((a) => a.name);
    throw new SimError(
      "Unsupported",
      `Your requested instance type (${instanceType}) is not supported in your requested Availability Zone (${subnet.az.name}). ` +
        `Please retry your request by not specifying an Availability Zone or choosing ${others.join(", ")}.`,
    );
  }

  const instanceTags: Tags = new Map();
  const volumeTags: Tags = new Map();
  const addTags = (specs: { resourceType: string; tags: Tags }[]): void => {
    for (const spec of specs) {
      if (!TAGGABLE_AT_LAUNCH.has(spec.resourceType))
        throw SimError.invalidParameterValue(`'${spec.resourceType}' is not a valid taggable resource type for this operation.`);
      const target = spec.resourceType === "instance" ? instanceTags : spec.resourceType === "volume" ? volumeTags : undefined;
      for (const [k, v] of spec.tags) {
        if (k.toLowerCase().startsWith("aws:"))
          throw SimError.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
        target?.set(k, v);
      }
      if (spec.tags.size > 50) throw new SimError("TagLimitExceeded", "The maximum number of tags per resource is 50.");
    }
  };
  addTags(data?.tagSpecifications ?? []);
  addTags(tagSpecs(params));

  // The root volume is the image's snapshot unless a mapping for the root device resizes it; EC2
  // refuses a root volume smaller than the snapshot.
  const volumeSize =
    int(params, "BlockDeviceMapping.1.Ebs.VolumeSize") ?? data?.blockDeviceMappings[0]?.volumeSize ?? image.rootSnapshotGiB;
  if (volumeSize < image.rootSnapshotGiB)
    throw new SimError(
      "InvalidBlockDeviceMapping",
      `Volume of size ${volumeSize}GB is smaller than snapshot '${image.rootSnapshotId}', expect size >= ${image.rootSnapshotGiB}GB`,
    );

  return {
    imageId,
    instanceType,
    keyName: params.KeyName ?? data?.keyName,
    subnet,
    az: subnet.az.name,
    securityGroups,
    associatePublicIp: nic0?.associatePublicIpAddress,
    minCount,
    maxCount,
    instanceTags,
    volumeTags,
    volumeSize,
    httpTokens: params["MetadataOptions.HttpTokens"] ?? data?.httpTokens ?? "optional",
    clientToken: params.ClientToken,
  };
}
