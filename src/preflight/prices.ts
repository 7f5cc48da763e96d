// On-demand prices from the AWS Price List query API (GetProducts, service code AmazonEC2): the
// Linux hourly price of an instance type and the GB-month price of an EBS volume type in a
// region, through the day-long disk cache. Offline, denied or not listed: the price is unknown
// and the reason says why; never an error. Heavy (SDK): import lazily.
import { GetProductsCommand, type Filter, type PricingClient } from "@aws-sdk/client-pricing";
import { describeError } from "../errors.js";
import type { PriceCache } from "./price-cache.js";

export interface PriceQuery {
  region: string;
  instanceType: string;
  volumeType: string;
  /** The endpoint the prices come from (a simulator's are not AWS's): part of the cache key. */
  endpoint?: string;
}

export interface Prices {
  instanceHourly?: number;
  ebsGbMonth?: number;
  /** Why a price is missing. */
  problem?: string;
}

const term = (Field: string, Value: string): Filter => ({ Type: "TERM_MATCH", Field, Value });

/** The filters that narrow AmazonEC2 to one Linux on-demand instance price (AWS-FACTS.md, "Prices"). */
export function instanceFilters(region: string, instanceType: string): Filter[] {
  return [
    term("instanceType", instanceType),
    term("regionCode", region),
    term("operatingSystem", "Linux"),
    term("tenancy", "Shared"),
    term("preInstalledSw", "NA"),
    term("capacitystatus", "Used"),
  ];
}

export function volumeFilters(region: string, volumeType: string): Filter[] {
  return [term("productFamily", "Storage"), term("volumeApiName", volumeType), term("regionCode", region)];
}

interface PriceDocument {
  product?: { attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }> };
}

/**
 * The on-demand USD price per `unit` in GetProducts' PriceList (each entry a JSON document as
 * text). Linux with the plain RunInstances operation wins over other operations (licensed
 * software); undefined when no entry has a price in that unit.
 */
export function onDemandPrice(priceList: readonly unknown[], unit: "Hrs" | "GB-Mo"): number | undefined {
  const found: { usd: number; operation?: string }[] = [];
  for (const item of priceList) {
    let doc: PriceDocument;
    try {
      doc = (typeof item === "object" && item !== null && !(item instanceof String) ? item : JSON.parse(String(item))) as PriceDocument;
    } catch {
      continue;
    }
    for (const t of Object.values(doc.terms?.OnDemand ?? {}))
      for (const d of Object.values(t.priceDimensions ?? {})) {
        const usd = Number(d.pricePerUnit?.USD);
        if (d.unit === unit && Number.isFinite(usd) && usd > 0) found.push({ usd, operation: doc.product?.attributes?.operation });
      }
  }
  return (found.find((f) => f.operation === "RunInstances") ?? found[0])?.usd;
}

async function fetchPrice(pricing: PricingClient, filters: Filter[], unit: "Hrs" | "GB-Mo", signal?: AbortSignal): Promise<number | undefined> {
  const out = await pricing.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: filters, FormatVersion: "aws_v1", MaxResults: 100 }), {
    abortSignal: signal,
  });
  return onDemandPrice(out.PriceList ?? [], unit);
}

function whyNoPrice(err: unknown): string {
  const name = (err as { name?: string })?.name ?? "";
  if (name === "AccessDeniedException" || name === "AccessDenied") return "the Price List denied the request (pricing:GetProducts)";
  return `Price List: ${describeError(err)}`;
}

/** Both prices, from the cache when it has them (then the API is not called at all). */
export async function lookupPrices(pricing: PricingClient | undefined, q: PriceQuery, cache: PriceCache, signal?: AbortSignal): Promise<Prices> {
  const source = q.endpoint ?? "aws";
  const wanted = [
    { key: `${source} ${q.region} instance ${q.instanceType}`, filters: instanceFilters(q.region, q.instanceType), unit: "Hrs" as const, what: `${q.instanceType}` },
    { key: `${source} ${q.region} ebs ${q.volumeType}`, filters: volumeFilters(q.region, q.volumeType), unit: "GB-Mo" as const, what: `${q.volumeType} volumes` },
  ];
  const problems: string[] = [];
  const [instanceHourly, ebsGbMonth] = await Promise.all(
    wanted.map(async (w) => {
      const cached = cache.get(w.key);
      if (cached !== undefined) return cached;
      if (!pricing) return undefined;
      try {
        const usd = await fetchPrice(pricing, w.filters, w.unit, signal);
        if (usd === undefined) problems.push(`the Price List has no on-demand price for ${w.what} in ${q.region}`);
        else cache.set(w.key, usd);
        return usd;
      } catch (err) {
        problems.push(signal?.aborted ? "the Price List did not answer in time" : whyNoPrice(err));
        return undefined;
      }
    }),
  );
  await cache.save();
  const problem = [...new Set(problems)].join("; ");
  return { instanceHourly, ebsGbMonth, ...(problem ? { problem } : {}) };
}
