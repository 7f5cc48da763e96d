// Odd input through the real binary: each is one line, exit 2, before any AWS call (no endpoint
// answers here, so a call would end otherwise) and before any file is written.
import { expect } from "chai";
import { readdirSync } from "node:fs";
import { MAX_SEATS } from "../../src/instances/seats.js";
import { isolatedEnv, runBin, type RunResult } from "../helpers/cli.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

describe("hostile input: one line, exit 2, nothing sent or written", function () {
  this.timeout(30_000);
  let home: WorkshopHome;
  before(() => (home = makeWorkshopHome([{ name: "hb" }])));
  after(() => home.remove());

  async function refused(args: string[], message: RegExp): Promise<RunResult> {
    const env = isolatedEnv({ EC2_WORKSHOP_HOME: home.dir, AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_EC2: "http://127.0.0.1:9", AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "dummy" });
    const r = await runBin(args, { env });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    // A mistake on the command line may add one line saying which --help to read.
    const lines = r.stderr.trim().split("\n").filter((l) => !/--help` for (its|the) options\.$/.test(l));
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(message);
    expect(readdirSync(`${home.dir}/stacks`)).to.deep.equal(["Pulumi.hb.yaml"]);
    return r;
  }

  it("a workshop name with spaces around it is refused, not trimmed", async () => {
    for (const args of [["instances", "list", "--workshop", "hb "], ["instances", "destroy", "-w", " hb", "--all", "--yes"], ["workshop", "show", "hb "]])
      await refused(args, /^Error: "\s?hb\s?" is not a valid workshop name: it has spaces around it \(did you mean "hb"\?\)/);
  });

  it("--rows past any table says it is out of range; a billion-row range costs nothing before the table is read", async () => {
    await refused(["instances", "destroy", "--workshop", "hb", "--rows", "99999999999999999999", "--yes"], /^Error: --rows: row 99999999999999999999 is out of range\.$/);
    await refused(["instances", "destroy", "--workshop", "hb", "--seats", "1-99999999", "--yes"], new RegExp(`^Error: --seats: there is no seat 99999999: a workshop has at most ${MAX_SEATS} seats\\.$`));
    await refused(["instances", "create", "--workshop", "hb", "--seats", "3000", "--yes"], new RegExp(`a workshop has at most ${MAX_SEATS} seats\\.$`));
  });

  it("a maximum of a billion seats is refused, naming the bound", async () => {
    const create = ["workshop", "create", "big", "--region", "us-east-1", "--ami", "ami-0123456789abcdef0", "--instance-type", "t3.micro"];
    await refused([...create, "--maximum", "1000000000"], new RegExp(`^Error: Invalid --maximum: 1000000000 seats is more than a workshop may have \\(at most ${MAX_SEATS};`));
    await refused(["workshop", "update", "hb", "--maximum", String(MAX_SEATS + 1)], new RegExp(`at most ${MAX_SEATS}`));
  });
});
