// Fault suite: the wrong region. A workshop lives in one region; instances tagged with its name
// in another are a colleague's namesake. Every command that opens the workshop refuses an explicit
// --region naming another region before any AWS call (exit 2, one line), while an ambient
// AWS_REGION simply gives way to the workshop's. And a region that AWS does not have is refused
// at once, naming where it came from, instead of tens of seconds of retries against a host that
// does not exist.
import { expect } from "chai";
import { isolatedEnv, runBin, type RunResult } from "../helpers/cli.js";
import { makeWorkshopHome } from "../helpers/workshop-home.js";
import { WORKSHOP } from "./harness.js";
import { expectNothingForeignTouched, fromJson } from "./invariants.js";
import { scenarioPerTest, verifyAndCleanUp } from "./flow.js";

function expectRefused(r: RunResult, pattern: RegExp): void {
  expect(r.code, r.stderr).to.equal(2);
  expect(r.stdout).to.equal("");
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
}

describe("fault suite: a region other than the workshop's", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("--region us-west-2 on a us-east-1 workshop: destroy, create, replace, list and handout refuse before any call; AWS_REGION gives way", async () => {
    const sc = await start({ seed: 331 });
    const c = await sc.create(["--count", "3", "--json"]);
    const createdUntil = sc.mark();
    expect(c.code, c.stderr).to.equal(0);
    const run = fromJson("create", 3, c.stdout);

    const refusal = new RegExp(`^Error: Workshop "${WORKSHOP}" is in us-east-1, not us-west-2 \\(--region\\): .* Leave out --region; nothing was changed\\.$`);
    const w = ["--workshop", WORKSHOP, "--region", "us-west-2"];
    for (const argv of [
      ["instances", "destroy", ...w, "--all", "--yes"],
      ["instances", "create", ...w, "--count", "1", "--yes"],
      ["instances", "replace", ...w, "--seats", "1", "--yes"],
      ["instances", "list", ...w],
      ["instances", "handout", ...w],
    ]) {
      const from = sc.mark();
      expectRefused(await sc.cli(argv), refusal);
      expect(sc.sim.log.filter((e) => e.seq >= from).map((e) => e.action), `${argv[1]}: calls`).to.deep.equal([]);
    }
    expect(sc.launched().map((i) => i.state)).to.deep.equal(["running", "running", "running"]);

    // The shell's AWS_REGION is someone else's default: the workshop's own region is used.
    const listed = await runBin(["instances", "list", "--workshop", WORKSHOP, "--json"], { env: sc.env({ AWS_REGION: "us-west-2" }) });
    expect(listed.code, listed.stderr).to.equal(0);
    expect((JSON.parse(listed.stdout) as unknown[]).length).to.equal(3);
    expectNothingForeignTouched(sc);
    await verifyAndCleanUp(sc, { scenario: "region mismatch", runs: [run], createdUntil, outcome: "--region us-west-2 refused by 5 commands (exit 2, no call)" });
  });

  it("an unknown region is refused at once, before any request, naming where it came from", async () => {
    // No endpoint URL: these would go to AWS. The workshop's settings name a region AWS does not have.
    const home = makeWorkshopHome([{ name: "far", region: "us-east-9" }, { name: "near" }]);
    try {
      const env = (extra: Record<string, string> = {}) =>
        isolatedEnv({ EC2_WORKSHOP_HOME: home.dir, AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "dummy", ...extra });
      expectRefused(
        await runBin(["instances", "list", "--workshop", "far"], { env: env() }),
        /^Error: Unknown AWS region "us-east-9" \(aws:region of workshop "far"\): .* Did you mean us-east-1 \(US East \(N\. Virginia\)\)\?$/,
      );
      expectRefused(
        await runBin(["workshop", "create", "new", "--region", "eu-wets-1", "--ami", "ami-0123456789abcdef0", "--instance-type", "t3.micro"], { env: env() }),
        /^Error: Unknown AWS region "eu-wets-1" \(--region\): .* Did you mean eu-west-1 \(Europe \(Ireland\)\)\?$/,
      );
      // An unknown AWS_REGION that nothing uses (each workshop has its own region) stops nothing.
      const all = await runBin(["workshop", "list", "--json"], { env: env({ AWS_REGION: "moon-1" }) });
      expect(all.code, all.stderr).to.equal(0);
      expect((JSON.parse(all.stdout) as { name: string; region: string }[]).map((w) => [w.name, w.region])).to.deep.equal([["far", "us-east-9"], ["near", "us-east-1"]]);
    } finally {
      home.remove();
    }
  });
});
