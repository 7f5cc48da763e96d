// The Availability Zones a workshop keeps, and which updates would replace its network.
import { expect } from "chai";
import { adoptsOnBuilt, replacingChanges } from "../../src/workshops/changes.js";
import { settingsFromConfig } from "../../src/workshops/settings.js";
import { chooseAzs } from "../../src/workshops/value-checks.js";

const s = { azCount: 3, instanceType: "t3.micro", region: "us-east-1" };

describe("Availability Zones, chosen once", () => {
  it("a new workshop takes the first offering ones, in order", () => {
    expect(chooseAzs(undefined, ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], s)).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(chooseAzs(undefined, ["us-east-1f"], s)).to.deep.equal(["us-east-1f"]);
  });

  it("kept ones never move, whatever AWS offers first now (subnet i stays in AZ i)", () => {
    expect(chooseAzs(["us-east-1c", "us-east-1d"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], s)).to.deep.equal([
      "us-east-1c",
      "us-east-1d",
      "us-east-1a",
    ]);
    expect(chooseAzs(["us-east-1b", "us-east-1c", "us-east-1d"], ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], { ...s, azCount: 2 })).to.deep.equal([
      "us-east-1b",
      "us-east-1c",
    ]);
  });

  it("a kept AZ that no longer offers the type, or none offering it: one line", () => {
    expect(() => chooseAzs(["us-east-1a", "us-east-1d"], ["us-east-1a", "us-east-1b"], s)).to.throw(
      "t3.micro is not offered in us-east-1d, where this workshop has its subnets: choose an instance type all of us-east-1a, us-east-1d offer.",
    );
    expect(() => chooseAzs(undefined, [], s)).to.throw("No Availability Zone in us-east-1 offers t3.micro");
  });
});

describe("changes that replace a built network", () => {
  const base = { "aws:region": "us-east-1", "ec2-workshop:maximum": 5, "ec2-workshop:ami": "ami-0123456789abcdef0", "ec2-workshop:instanceType": "t3.micro" };
  const settings = (extra: Record<string, unknown> = {}) => settingsFromConfig("w", { ...base, "ec2-workshop:azs": ["us-east-1a", "us-east-1b"], ...extra });

  it("a new VPC CIDR, or an AZ dropped; not ports, CIDRs, image, type or more AZs", () => {
    const current = settings();
    expect(replacingChanges(current, settings({ "ec2-workshop:vpcCidr": "10.9.0.0/16" }))).to.have.length(1);
    expect(replacingChanges(current, settings({ "ec2-workshop:azs": ["us-east-1a"] }))).to.deep.equal(["--azs 1 removes the subnet in us-east-1b"]);
    for (const extra of [
      { "ec2-workshop:ports": [22, 80] },
      { "ec2-workshop:cidrs": ["203.0.113.0/24"] },
      { "ec2-workshop:ami": "ami-0fedcba9876543210", "ec2-workshop:instanceType": "t3.small" },
      { "ec2-workshop:azs": ["us-east-1a", "us-east-1b", "us-east-1c"] },
    ])
      expect(replacingChanges(current, settings(extra)), JSON.stringify(extra)).to.deep.equal([]);
  });

  it("adopting a template on a built workshop", () => {
    expect(adoptsOnBuilt(settings(), settingsFromConfig("w", { ...base, "ec2-workshop:launchTemplate": "lt-0abc12345678def90" }))).to.equal(true);
  });
});
