// The two ways in: `workshop check` (every check, the DryRun, the cost) and the pre-launch
// checks of `instances create` (the cheap ones, from the template and subnets it already read).
// Both open the Service Quotas and Price List clients and the price cache here. Heavy (SDK):
// import lazily.
import type { EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Client, createPricingClient, createServiceQuotasClient } from "../aws/clients.js";
import type { AwsTarget } from "../aws/target.js";
import type { Clock } from "../clock.js";
import { UserError } from "../errors.js";
import type { Env } from "../home.js";
import type { Preparation } from "../instances/create-batch.js";
import { withClientRetry } from "../instances/backoff.js";
import { findWorkshopSubnets } from "../instances/subnets.js";
import { readLaunchTemplate, type LaunchTemplateInfo } from "../instances/template.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import type { CheckResult } from "./checks.js";
import { DEFAULT_WORKSHOP_HOURS } from "./cost.js";
import { PriceCache, priceCacheFile } from "./price-cache.js";
import { runPreflight, type PreflightReport, type PreflightServices } from "./run.js";

/** `workshop check` waits this long (real ms) for Service Quotas and the Price List. */
const CHECK_SERVICE_TIMEOUT_MS = 10_000;
/** Before a launch the room is waiting: a slow quota or price is reported unknown sooner. */
const LAUNCH_SERVICE_TIMEOUT_MS = 2_500;

/** The workshop's length for the cost: --hours, else the `hours` setting, else 8. */
export function workshopHours(settings: WorkshopSettings, flag?: number): number {
  return flag ?? settings.hours ?? DEFAULT_WORKSHOP_HOURS;
}

async function openServices(ec2: EC2Client, target: AwsTarget, env: Env): Promise<PreflightServices & { close(): void }> {
  // One call each, retried by the SDK (its standard strategy) within the caller's time limit.
  const [quotas, pricing, priceCache] = await Promise.all([
    createServiceQuotasClient(target, env),
    createPricingClient(target, env),
    PriceCache.open(priceCacheFile(env)),
  ]);
  return {
    ec2,
    quotas,
    pricing,
    priceCache,
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
    close: () => {
      quotas.destroy();
      pricing.destroy();
    },
  };
}

export interface WorkshopCheckReport extends PreflightReport {
  workshop: string;
  hours: number;
}

/**
 * Every check for launching `count` instances of the workshop, the template first. A missing
 * template is a failed check, not an error: the settings' type and AMI are checked all the same.
 */
export async function checkWorkshop(o: {
  settings: WorkshopSettings;
  target: AwsTarget;
  env: Env;
  count: number;
  hours: number;
  clock: Clock;
}): Promise<WorkshopCheckReport> {
  const { settings } = o;
  // One request per call: the reads retry on the tool's clock (backoff.ts), as a launch's do.
  const ec2 = createEc2Client(o.target, { retry: "caller" });
  const services = await openServices(ec2, o.target, o.env);
  try {
    const retry = { clock: o.clock, deadline: o.clock.now() + 60_000 };
    const reading = withClientRetry(ec2, () => readLaunchTemplate(ec2, settings), retry).then(
      (t): LaunchTemplateInfo | UserError => t,
      (err: unknown) => {
        if (err instanceof UserError) return err;
        throw err;
      },
    );
    const templateGroups = async (): Promise<string[]> => {
      const t = await reading;
      return t instanceof UserError ? [] : (t.securityGroupIds ?? []);
    };
    const [template, subnets] = await Promise.all([
      reading,
      withClientRetry(ec2, () => findWorkshopSubnets(ec2, settings, templateGroups), retry),
    ]);
    const templateCheck: CheckResult =
      template instanceof UserError
        ? { id: "template", status: "fail", message: template.message }
        : { id: "template", status: "ok", message: `${template.name} (${template.id}), version ${template.version}` };
    const report = await runPreflight(
      services,
      { settings, count: o.count, hours: o.hours, template: template instanceof UserError ? undefined : template, subnets },
      { clock: o.clock, dryRun: true, serviceTimeoutMs: CHECK_SERVICE_TIMEOUT_MS },
    );
    return { ...report, checks: [templateCheck, ...report.checks], workshop: settings.name, hours: o.hours };
  } finally {
    services.close();
    ec2.destroy();
  }
}

/** What `instances create` has in hand when it checks: its EC2 client and what prepareBatch read. */
export interface LaunchCheckInput {
  ec2: EC2Client;
  target: AwsTarget;
  env: Env;
  settings: WorkshopSettings;
  prep: Preparation;
  count: number;
  clock: Clock;
  skipChecks?: boolean;
}

/**
 * The cheap checks before a launch (quota, offerings, AMI, free addresses) and the cost, all at
 * once, from what prepareBatch already read. `skipChecks`: only the cost.
 */
export async function checkBeforeLaunch(o: LaunchCheckInput): Promise<PreflightReport> {
  const services = await openServices(o.ec2, o.target, o.env);
  try {
    return await runPreflight(
      services,
      { settings: o.settings, count: o.count, hours: workshopHours(o.settings), template: o.prep.template, subnets: o.prep.subnets },
      { clock: o.clock, checks: !o.skipChecks, serviceTimeoutMs: LAUNCH_SERVICE_TIMEOUT_MS, retryWithinMs: 20_000 },
    );
  } finally {
    services.close();
  }
}
