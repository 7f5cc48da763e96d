// CIDRs as AWS and its Pulumi provider want them: network addresses, canonical form.
import { expect } from "chai";
import { cidrProblem, formatCidr, parseCidr, subnetOf } from "../../src/workshops/cidr.js";
import { ipv6SubnetCidr } from "../../src/workshops/program.js";

describe("CIDRs", () => {
  it("a host address with a prefix is not a network address: refused with the network to use", () => {
    expect(cidrProblem("10.42.1.0/16")).to.equal('"10.42.1.0/16" is not a network address (its network is 10.42.0.0/16): use 10.42.0.0/16');
    expect(cidrProblem("203.0.113.7/24")).to.contain("use 203.0.113.0/24");
    expect(cidrProblem("2001:db8::1/32")).to.contain("use 2001:db8::/32");
    for (const ok of ["10.42.0.0/16", "0.0.0.0/0", "198.51.100.7/32", "::/0", "2001:db8::/32", "2600:1f18:0:ff00::/56"]) expect(cidrProblem(ok), ok).to.equal(undefined);
  });

  it("IPv6 must be written canonically (as AWS reports it), or the provider refuses it", () => {
    expect(cidrProblem("2001:DB8::/32")).to.equal('"2001:DB8::/32" is not written in canonical form: use 2001:db8::/32');
    expect(cidrProblem("2001:0db8:0000::/48")).to.contain("use 2001:db8::/48");
    expect(cidrProblem("10.0.0.0/33")).to.contain("is not an IPv4 or IPv6 CIDR");
    expect(cidrProblem("banana")).to.contain("is not an IPv4 or IPv6 CIDR");
  });

  it("formats IPv6 like RFC 5952: the longest run of zero groups (two or more) compressed", () => {
    const f = (t: string): string => formatCidr(parseCidr(t)!);
    expect(f("2001:db8:0:0:1:0:0:1/128")).to.equal("2001:db8::1:0:0:1/128");
    expect(f("2001:db8:0:1:0:0:0:0/64")).to.equal("2001:db8:0:1::/64");
    expect(f("0:0:0:0:0:0:0:0/0")).to.equal("::/0");
    expect(f("2001:db8:1:2:3:4:5:6/128")).to.equal("2001:db8:1:2:3:4:5:6/128");
  });

  it("subnets of a VPC block, and canonical /64s of the VPC's IPv6 /56", () => {
    expect([0, 1, 2].map((i) => subnetOf("10.42.0.0/16", 2, i))).to.deep.equal(["10.42.0.0/18", "10.42.64.0/18", "10.42.128.0/18"]);
    expect(ipv6SubnetCidr("2600:1f18:abc:de00::/56", 1)).to.equal("2600:1f18:abc:de01::/64");
    // Before: "2600:1f18:0:0::/64", which AWS reports as 2600:1f18::/64: a change on every update.
    expect(ipv6SubnetCidr("2600:1f18::/56", 0)).to.equal("2600:1f18::/64");
    expect(ipv6SubnetCidr("2600:1f18::/56", 2)).to.equal("2600:1f18:0:2::/64");
  });
});
