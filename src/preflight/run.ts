// The preflight as a service: reads every fact at once (in parallel), judges each check, and
// prices the batch. `workshop check` runs all of it; `instances create` runs the cheap checks
// (quota, offerings, AMI, free addresses) before it asks to confirm. No terminal here.
// Heavy (SDK): import lazily.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { PricingClient } from "@aws-sdk/client-pricing";
import type { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import type { Clock } from "../clock.js";
import { withClientRetry } from "../instances/backoff.js";
import type { WorkshopSubnet } from "../instances/launch.js";
import type { LaunchTemplateInfo } from "../instances/template.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { judgeAddresses, judgeDryRun, judgeImage, judgeOfferings, judgeQuota, type CheckResult, type Got } from "./checks.js";
import { estimateCost, type CostEstimate } from "./cost.js";
import { azsOffering, describeSubnets, describeTypes, dryRunLaunch, quotaValue, vcpusInUse, type SubnetFacts } from "./facts.js";
import { lookupImage, type ImageFacts } from "./image.js";
import type { PriceCache } from "./price-cache.js";
import { lookupPrices } from "./prices.js";
import { onDemandQuotaFor } from "./quota-codes.js";

/** What is about to be launched. */
export interface PreflightSubject {
  settings: WorkshopSettings;
  count: number;
  /** The workshop's length, for the cost. */
  hours: number;
  /** The template as read; undefined when it could not be (then the settings' type and AMI are checked). */
  template?: LaunchTemplateInfo;
  subnets: readonly WorkshopSubnet[];
}

export interface PreflightServices {
  /** An EC2 client in the workshop's region (retry "caller": its reads are retried here, on the tool's clock). */
  ec2: EC2Client;
  /** Undefined: the quota is reported unknown. */
  quotas?: ServiceQuotasClient;
  /** Undefined: only cached prices are used. */
  pricing?: PricingClient;
  priceCache: PriceCache;
  /** The endpoint prices come from, when not AWS (keys the cache). */
  endpoint?: string;
}

export interface PreflightOptions {
  clock: Clock;
  /** false: no checks, only the cost (`instances create --skip-checks`). Default true. */
  checks?: boolean;
  /** Also a DryRun RunInstances (workshop check). */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Real ms that Service Quotas and the Price List may take before they count as unknown. */
  serviceTimeoutMs: number;
  /** Tool ms within which throttled / failed EC2 reads are retried. */
  retryWithinMs?: number;
  now?: Date;
}

export interface PreflightReport {
  region: string;
  instanceType?: string;
  imageId?: string;
  count: number;
  checks: CheckResult[];
  cost: CostEstimate;
}

async function settle<T>(p: Promise<T>): Promise<Got<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The template's mapping for the image's root device (or its only mapping when the image is unknown). */
function rootMapping(template: LaunchTemplateInfo | undefined, image: ImageFacts | undefined): { volumeSize?: number; volumeType?: string } | undefined {
  const maps = template?.blockDevices ?? [];
  if (image?.rootDeviceName) return maps.find((m) => m.deviceName === image.rootDeviceName);
  return maps.length === 1 ? maps[0] : undefined;
}

export async function runPreflight(services: PreflightServices, subject: PreflightSubject, o: PreflightOptions): Promise<PreflightReport> {
  const { ec2 } = services;
  const { settings, count, template } = subject;
  const region = settings.region;
  const instanceType = template?.instanceType ?? settings.instanceType;
  const imageId = template?.imageId ?? settings.ami;
  const quota = instanceType ? onDemandQuotaFor(instanceType) : undefined;
  const retryOptions = { clock: o.clock, signal: o.signal, deadline: o.clock.now() + (o.retryWithinMs ?? 30_000) };
  const checking = o.checks ?? true;
  const ec2Read = <T>(fn: () => Promise<T>): Promise<Got<T>> =>
    checking ? settle(withClientRetry(ec2, fn, retryOptions)) : Promise.resolve({ ok: false, error: new Error("not checked") });
  const serviceSignal = o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(o.serviceTimeoutMs)]) : AbortSignal.timeout(o.serviceTimeoutMs);
  const missing = (what: string): Promise<Got<never>> => Promise.resolve({ ok: false, error: new Error(what) });

  const typeP = instanceType ? ec2Read(() => describeTypes(ec2, [instanceType], o.signal)) : missing("the workshop names no instance type");
  const inUseP = quota ? ec2Read(() => vcpusInUse(ec2, quota, o.signal)) : missing("no quota");
  const quotaP: Promise<Got<number>> =
    checking && quota && services.quotas ? settle(quotaValue(services.quotas, quota, serviceSignal)) : missing("Service Quotas is not available here");
  const azs = subject.subnets.map((s) => s.availabilityZone);
  const offeredP = instanceType && azs.length ? ec2Read(() => azsOffering(ec2, instanceType, azs, o.signal)) : missing("nothing to ask");
  const imageP = imageId ? ec2Read(() => lookupImage(ec2, imageId, o.signal)) : missing("no AMI");
  const subnetsP: Promise<Got<SubnetFacts[]>> = subject.subnets.length || !checking ? ec2Read(() => describeSubnets(ec2, subject.subnets, o.signal)) : Promise.resolve({ ok: true, value: [] });
  const dryRunP =
    o.dryRun && template
      ? offeredP.then((offered) => {
          const subnet = subject.subnets.find((s) => !offered.ok || offered.value.has(s.availabilityZone)) ?? subject.subnets[0];
          return ec2Read(() => dryRunLaunch(ec2, { workshop: settings.name, template, subnet }, o.signal));
        })
      : undefined;
  // The volume type decides the EBS price: the template's, else the image's root volume's.
  const volumeTypeP = rootMapping(template, undefined)?.volumeType
    ? Promise.resolve(rootMapping(template, undefined)!.volumeType!)
    : imageP.then((img) => rootMapping(template, img.ok ? img.value : undefined)?.volumeType ?? (img.ok ? img.value?.rootVolumeType : undefined) ?? settings.volumeType);
  const pricesP = volumeTypeP.then((volumeType) =>
    lookupPrices(services.pricing, { region, instanceType: instanceType ?? "", volumeType, endpoint: services.endpoint }, services.priceCache, serviceSignal),
  );

  const [typeFacts, inUse, quotaGot, offered, image, subnets] = await Promise.all([typeP, inUseP, quotaP, offeredP, imageP, subnetsP]);
  const typeInfo: Got<{ vcpus: number; architectures: string[] }> = !typeFacts.ok
    ? typeFacts
    : typeFacts.value.has(instanceType!)
      ? { ok: true, value: typeFacts.value.get(instanceType!)! }
      : { ok: false, error: Object.assign(new Error(`${instanceType} is unknown`), { name: "InvalidInstanceType" }) };
  const imageFacts = image.ok ? image.value : undefined;
  const root = rootMapping(template, imageFacts);

  const checks: CheckResult[] = !checking ? [] : [
    judgeQuota({
      instanceType: instanceType ?? "?",
      count,
      region,
      quota,
      vcpusPerInstance: typeInfo.ok ? { ok: true, value: typeInfo.value.vcpus } : typeInfo,
      inUse: inUse.ok ? { ok: true, value: inUse.value.vcpus } : inUse,
      quotaValue: quotaGot,
    }),
    judgeOfferings({ instanceType: instanceType ?? "?", workshop: settings.name, subnets: subject.subnets, offered }),
    judgeImage({
      workshop: settings.name,
      region,
      instanceType: instanceType ?? "?",
      imageId,
      image,
      architectures: typeInfo.ok ? typeInfo.value.architectures : undefined,
      rootVolumeGiB: root?.volumeSize,
      now: o.now ?? new Date(),
    }),
    judgeAddresses({ count, subnets, offered: offered.ok ? offered.value : undefined, workshopHasSubnets: subject.subnets.length > 0 }),
  ];
  if (checking && dryRunP) {
    const dry = await dryRunP;
    checks.push(judgeDryRun(settings.name, dry.ok ? { launched: dry.value } : { error: dry.error }));
  }

  const prices = await pricesP;
  const publicIpv4 = template?.primaryInterface?.associatePublicIpAddress ?? (subnets.ok && subnets.value.some((s) => s.mapPublicIpOnLaunch));
  const cost = estimateCost(
    {
      count,
      hours: subject.hours,
      instanceType: instanceType ?? "?",
      instanceHourly: prices.instanceHourly,
      volumeGiB: root?.volumeSize ?? imageFacts?.rootSnapshotGiB ?? settings.volumeSize,
      volumeType: await volumeTypeP,
      ebsGbMonth: prices.ebsGbMonth,
      publicIpv4,
    },
    prices.problem,
  );
  return { region, instanceType, imageId, count, checks, cost };
}
