// One AMI, as a launch needs to know it: does it exist, is it available, which architecture, how
// big is its root snapshot, is it deprecated. One DescribeImages call; the one place the tool looks
// an AMI up before using it (workshop check, instances create, workshop create). Heavy (SDK):
// import lazily.
import { DescribeImagesCommand, type EC2Client } from "@aws-sdk/client-ec2";

export interface ImageFacts {
  imageId: string;
  name?: string;
  ownerId?: string;
  /** available, pending, failed, deregistered, disabled, ... */
  state: string;
  architecture?: string;
  rootDeviceName?: string;
  /** Size of the root device's snapshot (GiB): a root volume may not be smaller. */
  rootSnapshotGiB?: number;
  rootVolumeType?: string;
  /** When AWS deprecates (or deprecated) the image, ISO 8601. */
  deprecationTime?: string;
}

const NOT_FOUND = new Set(["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable", "InvalidAMIID.Malformed"]);

/**
 * The AMI in the client's region, or undefined when EC2 does not know it (never there, or
 * deregistered long enough ago to be gone). Other errors (permissions, network) are thrown.
 */
export async function lookupImage(ec2: EC2Client, imageId: string, signal?: AbortSignal): Promise<ImageFacts | undefined> {
  let out;
  try {
    // Deprecated images still launch (a warning, not a failure): they must be found too.
    out = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId], IncludeDeprecated: true }), { abortSignal: signal });
  } catch (err) {
    if (NOT_FOUND.has((err as { name?: string }).name ?? "")) return undefined;
    throw err;
  }
  const image = out.Images?.find((i) => i.ImageId === imageId);
  if (!image) return undefined;
  const root = image.BlockDeviceMappings?.find((b) => b.DeviceName === image.RootDeviceName);
  return {
    imageId,
    name: image.Name,
    ownerId: image.OwnerId,
    state: image.State ?? "unknown",
    architecture: image.Architecture,
    rootDeviceName: image.RootDeviceName,
    rootSnapshotGiB: root?.Ebs?.VolumeSize,
    rootVolumeType: root?.Ebs?.VolumeType,
    deprecationTime: image.DeprecationTime,
  };
}
