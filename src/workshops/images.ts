// The AMIs this account owns, for `workshop create` to offer. Heavy (SDK): import lazily.
import { DescribeImagesCommand } from "@aws-sdk/client-ec2";
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
