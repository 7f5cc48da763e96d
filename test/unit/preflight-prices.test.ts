// Reading prices out of the Price List's documents, and the day-long disk cache.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pricingRegionFor } from "../../src/aws/clients.js";
import { PRICE_TTL_MS, PriceCache, priceCacheFile } from "../../src/preflight/price-cache.js";
import { lookupPrices, onDemandPrice } from "../../src/preflight/prices.js";

/** A GetProducts entry as AWS returns it (abridged attributes), for one operation and price. */
function entry(operation: string, usd: string, unit = "Hrs"): string {
  return JSON.stringify({
    product: {
      productFamily: "Compute Instance",
      attributes: { instanceType: "t3.micro", operatingSystem: "Linux", operation, regionCode: "eu-west-1", tenancy: "Shared", capacitystatus: "Used", preInstalledSw: "NA" },
      sku: "X5NPE8XF5UAHXM6U",
    },
    serviceCode: "AmazonEC2",
    terms: {
      OnDemand: {
        "X5NPE8XF5UAHXM6U.JRTCKXETXF": {
          priceDimensions: {
            "X5NPE8XF5UAHXM6U.JRTCKXETXF.6YS6EN2CT7": { unit, endRange: "Inf", description: "$0.0114 per On Demand Linux t3.micro Instance Hour", appliesTo: [], rateCode: "X5NPE8XF5UAHXM6U.JRTCKXETXF.6YS6EN2CT7", beginRange: "0", pricePerUnit: { USD: usd } },
          },
          sku: "X5NPE8XF5UAHXM6U",
          effectiveDate: "2025-06-01T00:00:00Z",
          offerTermCode: "JRTCKXETXF",
          termAttributes: {},
        },
      },
      Reserved: {
        "X5NPE8XF5UAHXM6U.4NA7Y494T4": {
          priceDimensions: { "X5NPE8XF5UAHXM6U.4NA7Y494T4.6YS6EN2CT7": { unit: "Hrs", pricePerUnit: { USD: "0.0071000000" } } },
        },
      },
    },
    version: "20250601000000",
    publicationDate: "2025-06-01T00:00:00Z",
  });
}

describe("preflight prices", () => {
  it("the on-demand price of the plain Linux product, whatever else the filters let through", () => {
    // The SDK hands PriceList entries over as String objects holding JSON (LazyJsonString).
    const list = [new String(entry("RunInstances:0010", "0.0714000000")), new String(entry("RunInstances", "0.0114000000"))];
    expect(onDemandPrice(list, "Hrs")).to.equal(0.0114);
    expect(onDemandPrice([entry("", "0.0880000000", "GB-Mo")], "GB-Mo")).to.equal(0.088);
    expect(onDemandPrice([entry("RunInstances", "0.0000000000")], "Hrs"), "a zero price is no price").to.equal(undefined);
    expect(onDemandPrice(["not json"], "Hrs")).to.equal(undefined);
  });

  it("the Price List is asked in us-east-1, eu-central-1 or ap-south-1, the nearest", () => {
    expect(pricingRegionFor("eu-west-1")).to.equal("eu-central-1");
    expect(pricingRegionFor("il-central-1")).to.equal("eu-central-1");
    expect(pricingRegionFor("ap-southeast-2")).to.equal("ap-south-1");
    expect(pricingRegionFor("sa-east-1")).to.equal("us-east-1");
    expect(pricingRegionFor("us-west-2")).to.equal("us-east-1");
  });

  describe("cache", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-prices-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("lives in the user's cache directory: XDG_CACHE_HOME, else ~/.cache; none without a home", () => {
      expect(priceCacheFile({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/a" })).to.equal("/x/cache/ec2-workshop/prices.json");
      expect(priceCacheFile({ XDG_CACHE_HOME: "relative", HOME: "/home/a" }), "a relative XDG_CACHE_HOME is ignored").to.equal("/home/a/.cache/ec2-workshop/prices.json");
      expect(priceCacheFile({ HOME: "/home/a" })).to.equal("/home/a/.cache/ec2-workshop/prices.json");
      expect(priceCacheFile({})).to.equal(undefined);
    });

    it("keeps a price for a day, across runs", async () => {
      const file = join(dir, "ec2-workshop", "prices.json");
      let now = 1_000_000;
      const first = await PriceCache.open(file, () => now);
      first.set("aws eu-west-1 instance t3.micro", 0.0114);
      await first.save();
      now += PRICE_TTL_MS - 1;
      expect((await PriceCache.open(file, () => now)).get("aws eu-west-1 instance t3.micro")).to.equal(0.0114);
      now += 1;
      expect((await PriceCache.open(file, () => now)).get("aws eu-west-1 instance t3.micro"), "a day old: fetched again").to.equal(undefined);
    });

    it("a damaged file is an empty cache, and a cached price needs no Price List at all", async () => {
      const file = join(dir, "prices.json");
      writeFileSync(file, "{ not json");
      const cache = await PriceCache.open(file);
      expect(cache.get("anything")).to.equal(undefined);
      cache.set("aws eu-west-1 instance t3.micro", 0.0114);
      cache.set("aws eu-west-1 ebs gp3", 0.088);
      // No client: only the cache can answer.
      const prices = await lookupPrices(undefined, { region: "eu-west-1", instanceType: "t3.micro", volumeType: "gp3" }, cache);
      expect(prices).to.deep.equal({ instanceHourly: 0.0114, ebsGbMonth: 0.088 });
      expect(JSON.parse(readFileSync(file, "utf8")).entries["aws eu-west-1 ebs gp3"].usd).to.equal(0.088);
      const elsewhere = await lookupPrices(undefined, { region: "eu-west-1", instanceType: "t3.micro", volumeType: "gp3", endpoint: "http://127.0.0.1:4566" }, cache);
      expect(elsewhere.instanceHourly, "another endpoint's prices are not AWS's").to.equal(undefined);
    });
  });
});
