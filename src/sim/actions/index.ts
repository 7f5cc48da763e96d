// The action tables: EC2 Query action name -> handler, and X-Amz-Target -> JSON operation.
import { describeAvailabilityZones, describeImages, describeInstanceTypeOfferings, describeRegions } from "./catalog.js";
import type { ActionHandler } from "./context.js";
import { describeInstanceTypes } from "./instance-types.js";
import type { JsonOperation } from "./json.js";
import { getProducts } from "./pricing.js";
import { getServiceQuota } from "./quotas.js";
import { describeInstances, startInstances, stopInstances, terminateInstances } from "./instances.js";
import { createSecurityGroup, createSubnet, createVpc, describeSecurityGroups, describeSubnets, describeVpcs } from "./network.js";
import { runInstances } from "./run.js";
import { describeInstanceStatus } from "./status.js";
import { describeKeyPairs } from "./keypairs.js";
import { describeAddresses, describeVolumes } from "./volumes.js";
import { createTags, deleteTags, describeTags } from "./tags.js";
import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  describeLaunchTemplates,
  describeLaunchTemplateVersions,
} from "./templates.js";

export const EC2_ACTIONS: Record<string, ActionHandler> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  DescribeInstanceStatus: describeInstanceStatus,
  TerminateInstances: terminateInstances,
  StopInstances: stopInstances,
  StartInstances: startInstances,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
  CreateLaunchTemplate: createLaunchTemplate,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  DescribeVpcs: describeVpcs,
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
  CreateVpc: createVpc,
  CreateSubnet: createSubnet,
  CreateSecurityGroup: createSecurityGroup,
  DescribeImages: describeImages,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeRegions: describeRegions,
  DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeKeyPairs: describeKeyPairs,
  DescribeVolumes: describeVolumes,
  DescribeAddresses: describeAddresses,
};

/** The JSON-protocol operations, by X-Amz-Target. */
export const JSON_OPERATIONS: Record<string, JsonOperation> = {
  "ServiceQuotasV20190624.GetServiceQuota": { action: "GetServiceQuota", iamAction: "servicequotas:GetServiceQuota", handler: getServiceQuota },
  "AWSPriceListService.GetProducts": { action: "GetProducts", iamAction: "pricing:GetProducts", handler: getProducts },
};

/** Read-only actions: DryRun is answered generically (no parameters change anything). */
export function isReadOnly(action: string): boolean {
  return action.startsWith("Describe");
}
