// What a batch costs: N instances at the on-demand hourly price, their root volumes (EBS is
// priced per GB-month, charged pro rata) and their public IPv4 addresses, per hour and for the
// workshop's length. Pure: the prices come in (src/preflight/prices.ts looks them up).

/**
 * USD per hour for each public IPv4 address, in use or idle, in every region (AWS charges for
 * public IPv4 since February 2024; see "Public IPv4 Address" on the Amazon VPC pricing page).
 */
export const PUBLIC_IPV4_USD_PER_HOUR = 0.005;

/**
 * Hours in the month that GB-month prices are spread over: 730 (8,760 / 12), as the AWS Pricing
 * Calculator counts. AWS bills EBS by the second of the calendar month (720 to 744 h), so the
 * volume share can differ by a few percent.
 */
export const HOURS_PER_MONTH = 730;

/** The workshop length the estimate assumes when neither --hours nor the `hours` setting says. */
export const DEFAULT_WORKSHOP_HOURS = 8;

export interface CostInputs {
  count: number;
  hours: number;
  instanceType: string;
  /** USD per instance-hour (Linux, on-demand, shared tenancy); undefined = not known. */
  instanceHourly?: number;
  /** Root volume of each instance. */
  volumeGiB: number;
  volumeType: string;
  /** USD per GB-month of that volume type; undefined = not known. */
  ebsGbMonth?: number;
  /** Whether each instance gets a public IPv4 address. */
  publicIpv4: boolean;
}

export interface CostParts {
  /** USD per hour for all `count` instances. */
  instances: number;
  volumes: number;
  publicIpv4: number;
}

export type CostEstimate =
  | { known: true; inputs: CostInputs; perHour: number; total: number; parts: CostParts; note?: string }
  | { known: false; inputs: CostInputs; note: "price unknown"; reason?: string };

/**
 * The estimate. Unknown without the instance price (it is most of the bill); without the EBS
 * price the volumes are left out and the note says so. `reason`: why a price is missing.
 */
export function estimateCost(i: CostInputs, reason?: string): CostEstimate {
  if (i.instanceHourly === undefined) return { known: false, inputs: i, note: "price unknown", ...(reason ? { reason } : {}) };
  const parts: CostParts = {
    instances: i.count * i.instanceHourly,
    volumes: i.ebsGbMonth === undefined ? 0 : (i.count * i.volumeGiB * i.ebsGbMonth) / HOURS_PER_MONTH,
    publicIpv4: i.publicIpv4 ? i.count * PUBLIC_IPV4_USD_PER_HOUR : 0,
  };
  const perHour = parts.instances + parts.volumes + parts.publicIpv4;
  return {
    known: true,
    inputs: i,
    perHour,
    total: perHour * i.hours,
    parts,
    ...(i.ebsGbMonth === undefined ? { note: `${i.volumeType} volumes not included (price unknown)` } : {}),
  };
}

/**
 * Rounded to whole cents, half up. The tiny nudge keeps a value that is a half cent in decimal
 * (but a hair below it in binary floating point) from rounding down.
 */
export function roundCents(usd: number): number {
  return Math.round(usd * 100 + 1e-7) / 100;
}

/** "$4.20", "$1,234.50"; "<$0.01" for a positive amount under a cent. */
export function formatUsd(usd: number): string {
  const cents = roundCents(usd);
  if (usd > 0 && cents === 0) return "<$0.01";
  return `$${cents.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A unit price as the price list gives it, trimmed: 0.0104 -> "$0.0104", 0.08 -> "$0.08". */
export function formatUnitPrice(usd: number): string {
  const text = usd.toFixed(6).replace(/0+$/, "");
  const [whole, frac = ""] = text.split(".");
  return `$${whole}.${frac.padEnd(2, "0")}`;
}

/** "8 h", "1.5 h". */
export function formatHours(hours: number): string {
  return `${Number(hours.toFixed(2))} h`;
}

/** "about $0.52/h, $4.20 for 8 h", or the reason it is unknown ("price unknown"). */
export function costPhrase(e: CostEstimate): string {
  if (!e.known) return e.note;
  return `about ${formatUsd(e.perHour)}/h, ${formatUsd(e.total)} for ${formatHours(e.inputs.hours)}`;
}

/** What the estimate is made of, for `workshop check`. */
export function costBreakdown(e: CostEstimate): string {
  const i = e.inputs;
  const parts = [
    `${i.count} × ${i.instanceType}${i.instanceHourly === undefined ? "" : ` at ${formatUnitPrice(i.instanceHourly)}/h`}`,
    `${i.volumeGiB} GiB ${i.volumeType} root volume${i.count === 1 ? "" : "s"}${i.ebsGbMonth === undefined ? " (price unknown)" : ` at ${formatUnitPrice(i.ebsGbMonth)}/GB-month`}`,
  ];
  if (i.publicIpv4) parts.push(`${i.count} public IPv4 at ${formatUnitPrice(PUBLIC_IPV4_USD_PER_HOUR)}/h`);
  return parts.join(", ");
}

/** The cost as data for --json: exact unit prices, totals in whole cents. */
export function costJson(e: CostEstimate): Record<string, unknown> {
  const i = e.inputs;
  return {
    currency: "USD",
    hours: i.hours,
    perHour: e.known ? roundCents(e.perHour) : null,
    total: e.known ? roundCents(e.total) : null,
    instanceHourly: i.instanceHourly ?? null,
    volumeGiB: i.volumeGiB,
    volumeType: i.volumeType,
    volumeGbMonth: i.ebsGbMonth ?? null,
    publicIpv4Hourly: i.publicIpv4 ? PUBLIC_IPV4_USD_PER_HOUR : 0,
    note: e.known ? (e.note ?? null) : `${e.note}${e.reason ? `: ${e.reason}` : ""}`,
  };
}
