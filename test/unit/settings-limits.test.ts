// Settings files are read with limits: size, depth, aliases. Anything odd is one line.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_SEATS } from "../../src/instances/seats.js";
import { parseSettings, readSettings, settingsFromConfig } from "../../src/workshops/settings.js";

const BASE = "config:\n  aws:region: us-east-1\n  ec2-workshop:maximum: 5\n";

/** A "billion laughs": nine levels of nine aliases, 9^9 values once expanded, under an unknown key. */
function aliasBomb(): string {
  const lines = ['  ec2-workshop:junk:', '    a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 8; i++) lines.push(`    a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`);
  return `${BASE}${lines.join("\n")}\n`;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return "";
}

describe("settings file limits", () => {
  it("an alias bomb under an unknown key is one line, not an out-of-memory crash", () => {
    const message = messageOf(() => parseSettings("bomb", aliasBomb(), "stacks/Pulumi.bomb.yaml"));
    expect(message).to.match(/^stacks\/Pulumi\.bomb\.yaml expands to more than 20000 values through YAML aliases/);
    expect(message.split("\n")).to.have.length(1);
  });

  it("a few harmless aliases are fine", () => {
    const s = parseSettings("ok", `${BASE}  ec2-workshop:notes: &n hello\n  ec2-workshop:again: *n\n`);
    expect(s.extra).to.deep.equal({ notes: "hello", again: "hello" });
  });

  it("too large, too deep, not a map, not YAML: one line each", () => {
    expect(messageOf(() => parseSettings("big", `${BASE}  ec2-workshop:x: "${"x".repeat(300 * 1024)}"\n`, "f.yaml"))).to.match(/^f\.yaml is larger than 256 KiB/);
    expect(messageOf(() => parseSettings("deep", `${BASE}  ec2-workshop:x: ${"[".repeat(60)}${"]".repeat(60)}\n`, "f.yaml"))).to.match(/^f\.yaml is not valid YAML \(nesting/);
    expect(messageOf(() => parseSettings("list", "- a\n- b\n", "f.yaml"))).to.equal("f.yaml is not a stack settings file (its top level is not a map). Fix or recreate it.");
    expect(messageOf(() => parseSettings("bad", "config: [\n", "f.yaml"))).to.match(/^f\.yaml is not valid YAML \(/);
  });

  it("readSettings refuses an oversized file before reading it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ec2ws-limits-"));
    try {
      const { mkdirSync } = await import("node:fs");
      mkdirSync(join(dir, "stacks"));
      writeFileSync(join(dir, "stacks", "Pulumi.huge.yaml"), `${BASE}#${"x".repeat(400 * 1024)}\n`);
      let message = "";
      try {
        await readSettings(dir, "huge");
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.match(/Pulumi\.huge\.yaml is larger than 256 KiB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("maximum: 1 to MAX_SEATS seats; 1e9 is a typo, refused with the bound", () => {
    const check = (maximum: unknown): string => messageOf(() => settingsFromConfig("m", { "aws:region": "us-east-1", "ec2-workshop:maximum": maximum }, { flagFor: () => "--maximum" }));
    expect(check(MAX_SEATS)).to.equal("");
    expect(check(String(MAX_SEATS))).to.equal("");
    expect(check(MAX_SEATS + 1)).to.equal(`Invalid --maximum: ${MAX_SEATS + 1} seats is more than a workshop may have (at most ${MAX_SEATS}; run several workshops for a bigger event).`);
    expect(check("1000000000")).to.contain(`at most ${MAX_SEATS}`);
    expect(check(1e9)).to.contain(`at most ${MAX_SEATS}`);
    expect(check(0)).to.equal("Invalid --maximum: Expected to be at least 1 (got 0).");
    // The same rule for a settings file written by hand.
    expect(messageOf(() => parseSettings("m", "config:\n  aws:region: us-east-1\n  ec2-workshop:maximum: 1000000000\n", "f.yaml"))).to.match(/^f\.yaml has an invalid maximum: 1000000000 seats is more than a workshop may have/);
  });

  it("bootable volume types, IOPS where they apply, and the security group's rule count", () => {
    const base = { "aws:region": "us-east-1", "ec2-workshop:maximum": 5 };
    const check = (extra: Record<string, unknown>): string => messageOf(() => settingsFromConfig("v", { ...base, ...extra }, { flagFor: (k) => `--${k}` }));
    expect(check({ "ec2-workshop:volumeType": "st1" })).to.contain("cannot be a root volume an instance boots from");
    expect(check({ "ec2-workshop:volumeType": "io2" })).to.equal("Invalid --volumeIops: io2 root volumes need provisioned IOPS (100-256000): add --volume-iops.");
    expect(check({ "ec2-workshop:volumeType": "io1", "ec2-workshop:volumeIops": "64001" })).to.contain("outside 100-64000");
    expect(check({ "ec2-workshop:volumeType": "gp2", "ec2-workshop:volumeIops": "3000" })).to.contain("gp2 volumes take no IOPS setting");
    expect(check({ "ec2-workshop:volumeType": "io2", "ec2-workshop:volumeIops": "5000" })).to.equal("");
    const ports = Array.from({ length: 21 }, (_, i) => String(8000 + i));
    expect(check({ "ec2-workshop:ports": ports, "ec2-workshop:cidrs": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] })).to.contain(
      "21 port range(s) x 3 IPv4 CIDR(s) make 63 rules, more than the 60",
    );
    expect(check({ "ec2-workshop:ports": ports.slice(0, 20), "ec2-workshop:cidrs": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::/0"] })).to.equal("");
    expect(check({ "ec2-workshop:vpcCidr": "10.42.1.0/16" })).to.contain('"10.42.1.0/16" is not a network address (its network is 10.42.0.0/16)');
  });
});
