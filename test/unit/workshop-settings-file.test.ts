// writeSettings rewrites only what is ours in stacks/Pulumi.<name>.yaml.
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { readSettings, settingsFromConfig, settingsToConfig, writeSettings } from "../../src/workshops/settings.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

describe("workshop settings file (writeSettings)", () => {
  let home: WorkshopHome;
  beforeEach(() => (home = makeWorkshopHome()));
  afterEach(() => home.remove());

  it("keeps Pulumi's own keys and config of other namespaces; replaces aws:region and ec2-workshop:*", async () => {
    const file = join(home.dir, "stacks", "Pulumi.keep.yaml");
    writeFileSync(
      file,
      [
        "encryptionsalt: v1:c2FsdA==:v1:AAAA:BBBB",
        "config:",
        "  aws:region: us-east-1",
        "  ec2-workshop:maximum: 25",
        "  ec2-workshop:instructions: old",
        "  ec2-workshop:ami: ami-0123456789abcdef0",
        "  ec2-workshop:instanceType: t3.micro",
        "  team:owner: alice",
        "  team:token:",
        "    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB",
        "",
      ].join("\n"),
    );
    const settings = await readSettings(home.dir, "keep");
    await writeSettings(home.dir, { ...settings, maximum: 40, instructions: "new" });
    const doc = load(readFileSync(file, "utf8")) as { encryptionsalt: string; config: Record<string, unknown> };
    expect(doc.encryptionsalt).to.equal("v1:c2FsdA==:v1:AAAA:BBBB");
    expect(doc.config).to.deep.include({
      "aws:region": "us-east-1",
      "ec2-workshop:maximum": 40,
      "ec2-workshop:instructions": "new",
      "team:owner": "alice",
      "team:token": { secure: "v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB" },
    });
    expect((await readSettings(home.dir, "keep")).maximum).to.equal(40);
  });
});

describe("workshop settings: hours", () => {
  const base = { "aws:region": "eu-west-1", "ec2-workshop:maximum": 25 };

  it("the workshop's length: optional, a positive number of hours (as Pulumi writes it, text too), written only when set", () => {
    expect(settingsFromConfig("w", base).hours).to.equal(undefined);
    expect(settingsFromConfig("w", { ...base, "ec2-workshop:hours": "6.5" }).hours).to.equal(6.5);
    expect(settingsToConfig(settingsFromConfig("w", { ...base, "ec2-workshop:hours": 8 }))).to.include({ "ec2-workshop:hours": 8 });
    expect(settingsToConfig(settingsFromConfig("w", base))).to.not.have.property("ec2-workshop:hours");
    for (const bad of [0, -1, 745, "soon"])
      expect(() => settingsFromConfig("w", { ...base, "ec2-workshop:hours": bad }), String(bad)).to.throw(/hours/);
    expect(() => settingsFromConfig("w", { ...base, "ec2-workshop:hours": 0 }, { flagFor: () => "--hours" })).to.throw(/Invalid --hours/);
  });
});
