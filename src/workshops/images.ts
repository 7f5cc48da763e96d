// AMIs as the workshop commands see them: the ones this account owns (for `workshop create` to
// offer), and one image's facts (does it exist here, its root snapshot, is it deprecated). Every
// AMI lookup of the tool goes through describeImage. Heavy (SDK): import lazily.
import { DescribeImagesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Client } from "../aws/clients.js";
import type { AwsTarget } from "../aws/target.js";

export interface OwnedImage {
  id: string;
  label: string;
  created?: string;
}

/** Available images owned by the account (`Owners: ["self"]`), newest first. */
export async function listOwnedImages(target: AwsTarget): Promise<OwnedImage[]> {
  const ec2 = createEc2Client(target);
  try {
    const res = await ec2.send(new DescribeImagesCommand({ Owners: ["self"], Filters: [{ Name: "state", Values: ["available"] }] }));
    return (res.Images ?? [])
      .filter((i) => i.ImageId)
      .sort((a, b) => (b.CreationDate ?? "").localeCompare(a.CreationDate ?? ""))
      .map((i) => ({
        id: i.ImageId!,
        created: i.CreationDate,
        label: `${i.ImageId}  ${i.Name ?? ""}${i.CreationDate ? `  (${i.CreationDate.slice(0, 10)})` : ""}`.trim(),
      }));
  } finally {
    ec2.destroy();
  }
}

export interface ImageFacts {
  id: string;
  name?: string;
  state?: string;
  architecture?: string;
  rootDeviceName?: string;
  /** Size of the root device's snapshot (the smallest root volume the image boots with). */
  rootSnapshotGiB?: number;
  /** When AWS deprecated (or will deprecate) the image. */
  deprecationTime?: Date;
}

const NOT_FOUND = new Set(["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable", "InvalidAMIID.Malformed"]);

/** One image by id, deprecated ones included; undefined when this region has none by that id (or it is not shared with the account). */
export async function describeImage(ec2: EC2Client, imageId: string, signal?: AbortSignal): Promise<ImageFacts | undefined> {
  let res;
  try {
    res = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId], IncludeDeprecated: true }), { abortSignal: signal });
  } catch (err) {
    if (NOT_FOUND.has((err as { name?: string }).name ?? "")) return undefined;
    throw err;
  }
  const image = res.Images?.find((i) => i.ImageId === imageId);
  if (!image) return undefined;
  const root = image.BlockDeviceMappings?.find((m) => m.DeviceName === image.RootDeviceName);
  return {
    id: imageId,
    name: image.Name,
    state: image.State,
    architecture: image.Architecture,
    rootDeviceName: image.RootDeviceName,
    rootSnapshotGiB: root?.Ebs?.VolumeSize,
    deprecationTime: image.DeprecationTime ? new Date(image.DeprecationTime) : undefined,
  };
}
