// One retry layer per call path: against an endpoint that answers every request with 503, count
// the HTTP requests each path makes. Either the SDK retries inside `send` (SDK_MAX_ATTEMPTS) or
// the tool does on its clock (backoff.ts), never both: stacked, the two multiplied into up to 36
// requests for one call.
import { expect } from "chai";
import { createEc2Client, SDK_MAX_ATTEMPTS } from "../../src/aws/clients.js";
import type { AwsTarget } from "../../src/aws/target.js";
import { scaledClock } from "../../src/clock.js";
import { backoffDelay, CALL_ATTEMPTS, CALL_BUDGET_MS } from "../../src/instances/backoff.js";
import { launchBatch } from "../../src/instances/launch.js";
import { loadInstances } from "../../src/instances/list.js";
import { terminateWorkshopInstances } from "../../src/instances/terminate.js";
import { BatchWaiter } from "../../src/instances/wait.js";
import { startAlways503, type CountingEndpoint } from "../helpers/bad-endpoints.js";
import { runBin } from "../helpers/cli.js";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

/** Tool ms per real ms: the tool's backoff waits and deadlines pass quickly. */
const SCALE = 100;
const ID = "i-0123456789abcdef0";

/** The most attempts the tool's backoff can fit in `budgetMs` (every wait at its shortest). */
function mostToolAttempts(budgetMs: number): number {
  let waited = 0;
  let attempts = 1;
  for (let retry = 1; waited < budgetMs; retry++, attempts++) waited += backoffDelay(retry, () => 0);
  return attempts;
}

function oneErrorLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).to.have.length(1);
  return lines[0]!;
}

describe("one retry layer per call path: HTTP requests against an endpoint that always answers 503", function () {
  this.timeout(60_000);
  let server: CountingEndpoint;
  let home: WorkshopHome;
  const env = (): Record<string, string> =>
    simEnv({ endpoint: server.endpoint, region: "us-east-1", scale: SCALE }, { EC2_WORKSHOP_HOME: home.dir });
  const target = (): AwsTarget => ({ region: "us-east-1", endpointUrl: server.endpoint, timeScale: SCALE });
  const credentials = { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY };

  before(async () => {
    server = await startAlways503();
    home = makeWorkshopHome([{ name: "demo" }]);
  });
  beforeEach(() => server.reset());
  after(async () => {
    await server?.close();
    home?.remove();
  });

  it(`instances list: ${CALL_ATTEMPTS} requests (the tool's retries; the SDK makes one per call), then one error line`, async () => {
    const r = await runBin(["instances", "list", "--workshop", "demo"], { env: env() });
    expect(r.code, r.stderr).to.equal(1);
    expect(oneErrorLine(r.stderr)).to.match(/^Error: /);
    expect(server.actions).to.deep.equal(Array(CALL_ATTEMPTS).fill("DescribeInstances"));
  });

  it(`instances destroy: ${CALL_ATTEMPTS} requests for the listing it starts with, nothing terminated`, async () => {
    const r = await runBin(["instances", "destroy", "--workshop", "demo", "--ids", ID, "--yes"], { env: env() });
    expect(r.code, r.stderr).to.equal(1);
    oneErrorLine(r.stderr);
    expect(server.actions).to.deep.equal(Array(CALL_ATTEMPTS).fill("DescribeInstances"));
  });

  it(`destroy's termination (as instances destroy and a replacement call it): ${CALL_ATTEMPTS} requests for its re-read`, async () => {
    const ec2 = createEc2Client(target(), { retry: "caller", credentials });
    try {
      const err = await terminateWorkshopInstances(ec2, "demo", [ID], { clock: scaledClock(SCALE) }).catch((e: unknown) => e);
      expect((err as Error).name).to.equal("Unavailable");
    } finally {
      ec2.destroy();
    }
    expect(server.actions).to.deep.equal(Array(CALL_ATTEMPTS).fill("DescribeInstances"));
  });

  it(`a client that retries inside the SDK (workshop commands) gets no tool retries on top: ${SDK_MAX_ATTEMPTS} requests`, async () => {
    const ec2 = createEc2Client(target(), { credentials });
    try {
      await loadInstances(ec2, "demo", { clock: scaledClock(SCALE) }).catch(() => undefined);
      await terminateWorkshopInstances(ec2, "demo", [ID], { clock: scaledClock(SCALE) }).catch(() => undefined);
    } finally {
      ec2.destroy();
    }
    expect(server.actions).to.deep.equal(Array(2 * SDK_MAX_ATTEMPTS).fill("DescribeInstances"));
  });

  it(`setup: ${SDK_MAX_ATTEMPTS} GetCallerIdentity requests (the SDK's retries), EC2 not asked, one failed check`, async () => {
    const r = await runBin(["setup", "--region", "us-east-1"], { env: env() });
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/AWS identity.*(503|Unavailable|overloaded)/i);
    expect(server.actions).to.deep.equal(Array(SDK_MAX_ATTEMPTS).fill("GetCallerIdentity"));
  });

  it("instances create: each read before launching is retried by the tool alone, within its 1-minute deadline", async () => {
    const r = await runBin(["instances", "create", "--workshop", "demo", "--count", "1", "--yes"], { env: env() });
    expect(r.code, r.stderr).to.equal(1);
    oneErrorLine(r.stderr);
    const most = mostToolAttempts(60_000);
    for (const action of ["DescribeLaunchTemplateVersions", "DescribeSubnets", "GetCallerIdentity"]) {
      expect(server.count(action), action).to.be.within(2, most);
    }
    expect(server.count("RunInstances")).to.equal(0);
  });

  it("create's launch: one request per tool attempt of RunInstances, until the launch deadline", async () => {
    const clock = scaledClock(SCALE);
    const ec2 = createEc2Client(target(), { retry: "caller", credentials });
    let retries = 0;
    try {
      const err = await launchBatch(ec2, {
        workshop: "demo",
        seats: [1, 2],
        maximum: 25,
        batch: "b1",
        launchedBy: "test",
        launchedAt: new Date(),
        template: { id: "lt-0123456789abcdef0", name: "ec2-workshop-demo", version: "1" },
        subnets: [],
        clock,
        deadline: clock.now() + 30_000,
        random: () => 0.5,
        events: { note: (m) => void (/^RunInstances/.test(m) && retries++) },
      }).catch((e: unknown) => e);
      expect((err as Error).name).to.equal("Unavailable");
    } finally {
      ec2.destroy();
    }
    expect(retries).to.be.at.least(2);
    expect(server.actions).to.deep.equal(Array(retries + 1).fill("RunInstances"));
    expect(retries + 1).to.be.at.most(mostToolAttempts(30_000));
  });

  it("create's polling: one request per tool attempt of DescribeInstances, until the launch timeout fails the instance", async () => {
    const clock = scaledClock(SCALE);
    const ec2 = createEc2Client(target(), { retry: "caller", credentials });
    const waiter = new BatchWaiter(ec2, {
      workshop: "demo",
      batch: "b1",
      clock,
      launchTimeoutMs: 30_000,
      checkTimeoutMs: 30_000,
      random: () => 0.5,
    });
    try {
      waiter.add([{ instanceId: ID, seat: 1, launchedAt: clock.now() }]);
      await waiter.run();
    } finally {
      ec2.destroy();
    }
    expect(waiter.tracked.get(ID)?.failure).to.match(/timed out in the launch phase.*could not be checked/);
    expect(waiter.stats.describeCalls).to.be.at.least(2);
    expect(server.actions).to.deep.equal(Array(waiter.stats.describeCalls).fill("DescribeInstances"));
  });

  it(`a fast-failing endpoint meets the attempt cap (${CALL_ATTEMPTS}) long before the ${CALL_BUDGET_MS / 1000} s budget: the counts above are exact`, () => {
    let longest = 0;
    for (let retry = 1; retry < CALL_ATTEMPTS; retry++) longest += backoffDelay(retry, () => 1);
    expect(longest).to.be.lessThan(CALL_BUDGET_MS);
  });
});
