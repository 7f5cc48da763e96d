// What a workshop's live machines have cost so far: their usage (src/instances/usage.ts) at the
// prices the preflight looks up (the Price List, through the day-long cache): on-demand hours by
// instance type, public IPv4 hours and disk GiB-hours. Offline or denied, the cost is unknown and
// the usage is still shown. Heavy (SDK): import lazily.
import { createPricingClient } from "../aws/clients.js";
import type { AwsTarget } from "../aws/target.js";
import type { Env } from "../home.js";
import type { Usage } from "../instances/usage.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { formatUsd, HOURS_PER_MONTH, PUBLIC_IPV4_USD_PER_HOUR } from "./cost.js";
import { PriceCache, priceCacheFile } from "./price-cache.js";
import { lookupPrices } from "./prices.js";

/** The Price List gets this long (real ms) before the cost is "unknown": `instances list` must stay quick. */
const SPENT_PRICE_TIMEOUT_MS = 2_500;

export interface SpentPrices {
  /** USD per hour by instance type; a missing type makes the cost unknown. */
  hourlyByType: Map<string, number | undefined>;
  /** USD per GB-month of the workshop's volume type. */
  ebsGbMonth?: number;
  volumeGiB: number;
  problem?: string;
}

export type Spent =
  | { known: true; usd: number; parts: { instances: number; publicIpv4: number; volumes: number }; note?: string }
  | { known: false; reason: string };

/** The cost of `usage` at `prices` (pure). Without the EBS price, the disks are left out and the note says so. */
export function costOfUsage(usage: Usage, prices: SpentPrices): Spent {
  let instances = 0;
  for (const [type, hours] of usage.hoursByType) {
    if (hours === 0) continue;
    const hourly = prices.hourlyByType.get(type);
    if (hourly === undefined) return { known: false, reason: prices.problem ?? `no price for ${type}` };
    instances += hours * hourly;
  }
  const publicIpv4 = usage.publicIpv4Hours * PUBLIC_IPV4_USD_PER_HOUR;
  const volumes = prices.ebsGbMonth === undefined ? 0 : (usage.volumeHours * prices.volumeGiB * prices.ebsGbMonth) / HOURS_PER_MONTH;
  return {
    known: true,
    usd: instances + publicIpv4 + volumes,
    parts: { instances, publicIpv4, volumes },
    ...(prices.ebsGbMonth === undefined ? { note: "disks not included (price unknown)" } : {}),
  };
}

/** "about $1.23 so far", or why it is unknown. */
export function spentPhrase(s: Spent): string {
  if (!s.known) return `cost so far unknown (${s.reason})`;
  const amount = formatUsd(s.usd);
  return `${amount.startsWith("<") ? `under ${amount.slice(1)}` : `about ${amount}`} so far${s.note ? ` (${s.note})` : ""}`;
}

/** Looks the prices up (cache first) and prices the usage. Never throws: a missing price is a reason. */
export async function spentSoFar(usage: Usage, o: { settings: WorkshopSettings; target: AwsTarget; env: Env }): Promise<Spent> {
  const types = [...usage.hoursByType.keys()].filter((t) => t !== "unknown");
  if (usage.instances === 0) return { known: true, usd: 0, parts: { instances: 0, publicIpv4: 0, volumes: 0 } };
  const cache = await PriceCache.open(priceCacheFile(o.env));
  const timeout = AbortSignal.timeout(SPENT_PRICE_TIMEOUT_MS);
  let pricing;
  try {
    pricing = await createPricingClient(o.target, o.env);
  } catch {
    pricing = undefined;
  }
  try {
    const region = o.target.region ?? o.settings.region;
    const looked = await Promise.all(
      (types.length ? types : [o.settings.instanceType ?? ""]).map((instanceType) =>
        lookupPrices(pricing, { region, instanceType, volumeType: o.settings.volumeType, ...(o.target.endpointUrl ? { endpoint: o.target.endpointUrl } : {}) }, cache, timeout),
      ),
    );
    const hourlyByType = new Map(types.map((t, n) => [t, looked[n]?.instanceHourly]));
    const problem = [...new Set(looked.map((p) => p.problem).filter(Boolean))].join("; ");
    return costOfUsage(usage, { hourlyByType, ebsGbMonth: looked[0]?.ebsGbMonth, volumeGiB: o.settings.volumeSize, ...(problem ? { problem } : {}) });
  } finally {
    pricing?.destroy();
  }
}
