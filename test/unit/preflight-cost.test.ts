// The cost of a batch for a known price table, to the cent.
import { expect } from "chai";
import {
  costBreakdown,
  costJson,
  costPhrase,
  estimateCost,
  formatUnitPrice,
  formatUsd,
  roundCents,
  type CostInputs,
} from "../../src/preflight/cost.js";
import { launchSummary } from "../../src/ui/preflight.js";

/** us-east-1 list prices: t3.micro $0.0104/h, gp3 $0.08/GB-month; public IPv4 $0.005/h. */
const TABLE: CostInputs = {
  count: 40,
  hours: 8,
  instanceType: "t3.micro",
  instanceHourly: 0.0104,
  volumeGiB: 16,
  volumeType: "gp3",
  ebsGbMonth: 0.08,
  publicIpv4: true,
};

describe("preflight cost", () => {
  it("40 × t3.micro, 16 GiB gp3, public IPv4, 8 h: $0.69/h and $5.49", () => {
    // Per instance-hour: 0.0104 + 16 × 0.08 / 730 (= 0.00175342) + 0.005 = 0.01715342.
    const e = estimateCost(TABLE);
    expect(e.known).to.equal(true);
    if (!e.known) return;
    expect(roundCents(e.parts.instances)).to.equal(0.42); // 40 × 0.0104 = 0.416
    expect(roundCents(e.parts.volumes)).to.equal(0.07); // 40 × 16 × 0.08 / 730 = 0.0701370
    expect(roundCents(e.parts.publicIpv4)).to.equal(0.2); // 40 × 0.005
    expect(roundCents(e.perHour)).to.equal(0.69); // 0.6861370
    expect(roundCents(e.total)).to.equal(5.49); // 5.4890959
    expect(costPhrase(e)).to.equal("about $0.69/h, $5.49 for 8 h");
    expect(costJson(e)).to.deep.include({ perHour: 0.69, total: 5.49, instanceHourly: 0.0104, volumeGbMonth: 0.08, publicIpv4Hourly: 0.005, note: null });
  });

  it("300 instances without public addresses for 6.5 h, and the confirmation's wording", () => {
    const e = estimateCost({ ...TABLE, count: 300, publicIpv4: false, volumeGiB: 8, hours: 6.5 });
    // 300 × 0.0104 = 3.12; 300 × 8 × 0.08 / 730 = 0.26301370; per hour 3.38301370; × 6.5 = 21.98958904
    expect(e.known && roundCents(e.perHour)).to.equal(3.38);
    expect(e.known && roundCents(e.total)).to.equal(21.99);
    expect(costPhrase(e)).to.equal("about $3.38/h, $21.99 for 6.5 h");
    expect(launchSummary({ count: 300, instanceType: "t3.micro", imageId: "ami-0abc1234", region: "eu-west-1", cost: e })).to.equal(
      "300 × t3.micro (ami-0abc1234) in eu-west-1: about $3.38/h, $21.99 for 6.5 h",
    );
  });

  it("without the instance price the cost is unknown, never a guess", () => {
    const e = estimateCost({ ...TABLE, instanceHourly: undefined }, "the Price List denied the request (pricing:GetProducts)");
    expect(e.known).to.equal(false);
    expect(costPhrase(e)).to.equal("price unknown");
    expect(costJson(e)).to.deep.include({ perHour: null, total: null, note: "price unknown: the Price List denied the request (pricing:GetProducts)" });
    expect(launchSummary({ count: 2, instanceType: "t3.micro", region: "us-east-1", cost: e })).to.equal("2 × t3.micro in us-east-1 (price unknown)");
  });

  it("without the EBS price the volumes are left out, and the note says so", () => {
    const e = estimateCost({ ...TABLE, ebsGbMonth: undefined });
    expect(e.known && roundCents(e.perHour)).to.equal(0.62); // 0.416 + 0.2
    expect(e.known && e.note).to.equal("gp3 volumes not included (price unknown)");
    expect(costBreakdown(e)).to.contain("16 GiB gp3 root volumes (price unknown)");
  });

  it("money reads as people write it", () => {
    expect(formatUsd(4.2)).to.equal("$4.20");
    expect(formatUsd(1234.5)).to.equal("$1,234.50");
    expect(formatUsd(0.004)).to.equal("<$0.01");
    expect(formatUsd(0)).to.equal("$0.00");
    expect(roundCents(0.125)).to.equal(0.13, "half a cent rounds up");
    expect(roundCents(1.005)).to.equal(1.01, "even when binary floating point holds it as 1.00499…");
    expect(formatUnitPrice(0.0104)).to.equal("$0.0104");
    expect(formatUnitPrice(0.08)).to.equal("$0.08");
    expect(formatUnitPrice(0.005)).to.equal("$0.005");
    expect(costBreakdown(estimateCost(TABLE))).to.equal(
      "40 × t3.micro at $0.0104/h, 16 GiB gp3 root volumes at $0.08/GB-month, 40 public IPv4 at $0.005/h",
    );
  });
});
