// Service Quotas GetServiceQuota (a JSON-protocol service): the account's On-Demand vCPU quotas.
// The Standard quota is the one RunInstances enforces here (the `vcpu` fault); the accelerator
// families have the default of a new account, 0 vCPUs.
import { SimError } from "../sim-error.js";
import { stringField, type JsonContext } from "./json.js";

/** Reported when no `vcpu` fault is set: roomy, as the simulator then enforces no vCPU quota. */
export const UNLIMITED_STANDARD_VCPUS = 5000;

const EC2_QUOTAS: Record<string, string> = {
  "L-1216C47A": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
  "L-DB2E81BA": "Running On-Demand G and VT instances",
  "L-417A185B": "Running On-Demand P instances",
  "L-7295265B": "Running On-Demand X instances",
  "L-74FC7D96": "Running On-Demand F instances",
  "L-1945791B": "Running On-Demand Inf instances",
  "L-2C3B7624": "Running On-Demand Trn instances",
  "L-6E869C2A": "Running On-Demand DL instances",
  "L-F7808C92": "Running On-Demand HPC instances",
  "L-43DA4232": "Running On-Demand High Memory instances",
};

export function getServiceQuota(ctx: JsonContext): unknown {
  const { world } = ctx;
  const serviceCode = stringField(ctx.input, "ServiceCode");
  const quotaCode = stringField(ctx.input, "QuotaCode");
  const name = serviceCode === "ec2" ? EC2_QUOTAS[quotaCode] : undefined;
  if (!name) throw new SimError("NoSuchResourceException", `The request failed because the specified quota ${serviceCode}/${quotaCode} doesn't exist.`);
  const standard = quotaCode === "L-1216C47A";
  const value = standard ? (world.faults.vcpuLimit ?? UNLIMITED_STANDARD_VCPUS) : 0;
  return {
    Quota: {
      ServiceCode: "ec2",
      ServiceName: "Amazon Elastic Compute Cloud (Amazon EC2)",
      QuotaArn: `arn:aws:servicequotas:${world.region}:${world.accountId}:ec2/${quotaCode}`,
      QuotaCode: quotaCode,
      QuotaName: name,
      Value: value,
      Unit: "None",
      Adjustable: true,
      GlobalQuota: false,
      UsageMetric: {
        MetricNamespace: "AWS/Usage",
        MetricName: "ResourceCount",
        MetricDimensions: { Class: standard ? "Standard/OnDemand" : `${name.replace(/^Running On-Demand | instances$/g, "")}/OnDemand`, Resource: "vCPU", Service: "EC2", Type: "Resource" },
        MetricStatisticRecommendation: "Maximum",
      },
      QuotaAppliedAtLevel: "ACCOUNT",
    },
  };
}
