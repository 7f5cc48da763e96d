// A small price table in the shape of the AWS Price List (service code AmazonEC2): Linux
// on-demand instance hours and EBS GB-months for a few regions, plus the neighbours a real query
// must filter out (Windows, capacity-reservation rows). Each entry is the product document the
// Price List API returns as a JSON string. The us-east-1 figures are AWS's published on-demand
// prices; the other regions are scaled by their published t3.micro ratio. Illustrative: a
// simulator's prices, never a source of truth.
import { createHash } from "node:crypto";
import { INSTANCE_TYPES, vcpusOf } from "./catalog.js";

/** Linux on-demand USD per hour in us-east-1. */
const US_EAST_1_HOURLY: Record<string, string> = {
  "t2.micro": "0.0116", "t2.small": "0.0230", "t2.medium": "0.0464",
  "t3.nano": "0.0052", "t3.micro": "0.0104", "t3.small": "0.0208", "t3.medium": "0.0416", "t3.large": "0.0832",
  "t3.xlarge": "0.1664", "t3.2xlarge": "0.3328",
  "m5.large": "0.0960", "m5.xlarge": "0.1920", "m5.2xlarge": "0.3840",
  "c5.large": "0.0850", "c5.xlarge": "0.1700", "r5.large": "0.1260",
  "t4g.micro": "0.0084", "t4g.small": "0.0168",
};

/** EBS USD per GB-month in us-east-1, by volume API name. */
const US_EAST_1_EBS: Record<string, string> = {
  gp3: "0.08", gp2: "0.10", io1: "0.125", io2: "0.125", st1: "0.045", sc1: "0.015", standard: "0.05",
};

const EBS_NAMES: Record<string, string> = {
  gp3: "General Purpose", gp2: "General Purpose", io1: "Provisioned IOPS", io2: "Provisioned IOPS",
  st1: "Throughput Optimized HDD", sc1: "Cold HDD", standard: "Magnetic",
};

interface RegionInfo {
  location: string;
  /** The Price List's usage-type prefix for the region ("" in us-east-1). */
  prefix: string;
  factor: number;
}

const REGION_INFO: Record<string, RegionInfo> = {
  "us-east-1": { location: "US East (N. Virginia)", prefix: "", factor: 1 },
  "us-west-2": { location: "US West (Oregon)", prefix: "USW2-", factor: 1 },
  "eu-west-1": { location: "EU (Ireland)", prefix: "EU-", factor: 1.096 },
  "eu-central-1": { location: "EU (Frankfurt)", prefix: "EUC1-", factor: 1.154 },
  "ap-south-1": { location: "Asia Pacific (Mumbai)", prefix: "APS3-", factor: 1.077 },
};

export interface PriceProduct {
  /** productFamily and every attribute, as GetProducts filters see them. */
  fields: Record<string, string>;
  /** The product document, serialised as the API returns it. */
  json: string;
}

function sku(...parts: string[]): string {
  return createHash("sha1").update(parts.join("|")).digest("hex").slice(0, 16).toUpperCase();
}

function scaled(usd: string, factor: number): string {
  return (Math.round(Number(usd) * factor * 10_000) / 10_000).toFixed(10);
}

function product(family: string, attributes: Record<string, string>, usd: string, unit: string, description: string): PriceProduct {
  const id = sku(family, ...Object.values(attributes));
  const term = `${id}.JRTCKXETXF`;
  const doc = {
    product: { productFamily: family, attributes, sku: id },
    serviceCode: "AmazonEC2",
    terms: {
      OnDemand: {
        [term]: {
          priceDimensions: {
            [`${term}.6YS6EN2CT7`]: {
              unit,
              endRange: "Inf",
              description,
              appliesTo: [],
              rateCode: `${term}.6YS6EN2CT7`,
              beginRange: "0",
              pricePerUnit: { USD: usd },
            },
          },
          sku: id,
          effectiveDate: "2025-01-01T00:00:00Z",
          offerTermCode: "JRTCKXETXF",
          termAttributes: {},
        },
      },
    },
    version: "20250101000000",
    publicationDate: "2025-01-01T00:00:00Z",
  };
  return { fields: { productFamily: family, ...attributes }, json: JSON.stringify(doc) };
}

function instanceProducts(region: string, info: RegionInfo, type: string): PriceProduct[] {
  const linux = scaled(US_EAST_1_HOURLY[type]!, info.factor);
  const base = {
    instanceType: type,
    vcpu: String(vcpusOf(type)),
    regionCode: region,
    location: info.location,
    locationType: "AWS Region",
    tenancy: "Shared",
    preInstalledSw: "NA",
    licenseModel: "No License required",
    marketoption: "OnDemand",
    servicecode: "AmazonEC2",
    currentGeneration: type.startsWith("t2.") ? "No" : "Yes",
  };
  const os = (operatingSystem: string, operation: string, capacitystatus: string, usagetype: string, usd: string): PriceProduct =>
    product(
      "Compute Instance",
      { ...base, operatingSystem, operation, capacitystatus, usagetype },
      usd,
      "Hrs",
      `$${Number(usd)} per On Demand ${operatingSystem} ${type} Instance Hour`,
    );
  return [
    os("Linux", "RunInstances", "Used", `${info.prefix}BoxUsage:${type}`, linux),
    // What the filters exist for: the same type under Windows, and unused capacity reservations.
    os("Windows", "RunInstances:0002", "Used", `${info.prefix}BoxUsage:${type}`, scaled(String(Number(linux) + 0.0092 * vcpusOf(type)), 1)),
    os("Linux", "RunInstances", "UnusedCapacityReservation", `${info.prefix}Reservation:${type}`, linux),
  ];
}

function ebsProduct(region: string, info: RegionInfo, volume: string): PriceProduct {
  const usd = scaled(US_EAST_1_EBS[volume]!, info.factor > 1 ? 1.1 : 1);
  return product(
    "Storage",
    {
      volumeApiName: volume,
      volumeType: EBS_NAMES[volume]!,
      storageMedia: volume.startsWith("st") || volume.startsWith("sc") || volume === "standard" ? "HDD-backed" : "SSD-backed",
      regionCode: region,
      location: info.location,
      locationType: "AWS Region",
      usagetype: `${info.prefix}EBS:VolumeUsage${volume === "standard" ? "" : `.${volume === "gp2" ? "gp2" : volume}`}`,
      servicecode: "AmazonEC2",
      operation: "",
    },
    usd,
    "GB-Mo",
    `$${Number(usd)} per GB-month of ${EBS_NAMES[volume]} (${volume}) provisioned storage - ${info.location}`,
  );
}

let table: PriceProduct[] | undefined;

/** Every product of the table (built once). */
export function priceTable(): readonly PriceProduct[] {
  if (!table) {
    table = [];
    for (const [region, info] of Object.entries(REGION_INFO)) {
      for (const type of INSTANCE_TYPES) table.push(...instanceProducts(region, info, type));
      for (const volume of Object.keys(US_EAST_1_EBS)) table.push(ebsProduct(region, info, volume));
    }
  }
  return table;
}
