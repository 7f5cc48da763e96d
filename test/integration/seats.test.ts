// Seats end to end, the way an instructor and a script use them: the real binary, the real SDK,
// the simulator over HTTP (or any EC2-compatible endpoint through EC2_WORKSHOP_TEST_ENDPOINT:
// the workshop's network and template are made with plain SDK calls, test/helpers/provision.ts).
// Hand-out #k, the list row with seat k, `destroy --seats k`, `replace --seats k` and the card for
// seat k must all mean the same attendee's machine.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { StopInstancesCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { scaledClock } from "../../src/clock.js";
import { createBatch, prepareBatch } from "../../src/instances/create-batch.js";
import { describeWorkshopInstances } from "../../src/instances/describe.js";
import { HOLDING_STATES } from "../../src/instances/seat-assignment.js";
import { TAG } from "../../src/instances/tags.js";
import { parseSettings } from "../../src/workshops/settings.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { provisionWorkshop } from "../helpers/provision.js";
import { ec2For, requireSim, simEnv, startTestTarget, stsFor, type TestTarget } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

/** Fast lifecycle (sim time): pending 10-20 s, checks 20-40 s more; at scale 40 a batch takes ~1.5 s. */
const FAST = { pendingMs: [10_000, 20_000] as [number, number], checksMs: [20_000, 40_000] as [number, number] };
const INSTRUCTIONS = "ssh student@{address}\nYou are seat {seat} ({name}). Braces {like these} stay.";

interface Ready {
  seat: number | null;
  instanceId: string;
  name: string;
  publicIp: string | null;
  privateIp: string | null;
  instructions: string;
}
interface Report {
  batch: string;
  ready: Ready[];
  failed: { seat: number | null; instanceId: string | null; reason: string }[];
}
interface Row {
  seat: number | null;
  instanceId: string;
  state: string;
}

describe("seats, end to end", function () {
  this.timeout(180_000);
  let t: TestTarget;
  let home: WorkshopHome;
  let name: string;
  let maximum: number;

  async function workshop(o: { maximum: number; seed: number; azs?: number }): Promise<void> {
    t = await startTestTarget({ scale: 40, seed: o.seed, timings: FAST });
    name = `seats-${randomBytes(3).toString("hex")}`;
    maximum = o.maximum;
    const ec2 = ec2For(t.target);
    try {
      await provisionWorkshop(ec2, name, { azs: o.azs ?? 1 });
    } finally {
      ec2.destroy();
    }
    home = makeWorkshopHome([{ name, region: t.target.region, maximum, instructions: INSTRUCTIONS }]);
  }
  afterEach(async () => {
    if (home) await cli(["instances", "destroy", "--workshop", name, "--all", "--yes"]);
    home?.remove();
    await t?.close();
  });

  const cli = (args: string[]): Promise<RunResult> => runBin(args, { env: simEnv(t.target, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }) });
  const json = async <T>(args: string[], code = 0): Promise<T> => {
    const r = await cli([...args, ...(args.includes("--format") ? [] : ["--json"])]);
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(code);
    return JSON.parse(r.stdout) as T;
  };
  const create = (args: string[], code = 0) => json<Report>(["instances", "create", "--workshop", name, "--yes", ...args], code);
  const list = async (): Promise<Row[]> => (await json<Row[]>(["instances", "list", "--workshop", name])).filter((r) => !["shutting-down", "terminated"].includes(r.state));
  const handout = () => json<{ seats: (Ready & { seat: number; address: string })[] }>(["instances", "handout", "--workshop", name, "--format", "json"]);
  const holderOf = (rows: Row[], seat: number): string[] => rows.filter((r) => r.seat === seat).map((r) => r.instanceId);

  it("hand-out #k, list row k, destroy --seats k, replace --seats k and card k are the same machine", async () => {
    await workshop({ maximum: 8, seed: 41 });
    const first = await create(["--count", "6"]);
    expect(first.ready.map((x) => x.seat)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    const byId = new Map(first.ready.map((x) => [x.instanceId, x]));
    for (const x of first.ready) {
      expect(x.instructions).to.equal(`ssh student@${x.publicIp ?? x.privateIp}\nYou are seat ${x.seat} (${name}-${x.seat}). Braces {like these} stay.`);
    }

    // The list and the hand-out, read again from EC2 alone, put each machine in the same seat.
    let rows = await list();
    for (const x of first.ready) expect(holderOf(rows, x.seat!), `list seat ${x.seat}`).to.deep.equal([x.instanceId]);
    const again = await handout();
    expect(again.seats.map((e) => [e.seat, e.instanceId])).to.deep.equal(first.ready.map((x) => [x.seat, x.instanceId]));

    // The card of seat k shows seat k's address.
    const file = join(home.dir, "cards.html");
    const written = await cli(["instances", "handout", "--workshop", name, "--format", "html", "--output", file]);
    expect(written.code, written.stderr).to.equal(0);
    const html = readFileSync(file, "utf8");
    for (const x of first.ready) {
      const card = new RegExp(`<article class="card" data-seat="${x.seat}">.*?</article>`, "s").exec(html)?.[0] ?? "";
      expect(card, `card ${x.seat}`).to.contain(`<span class="number">${x.seat}</span>`);
      expect(card).to.contain(x.publicIp ?? x.privateIp!);
      expect(card).to.contain("<svg", "a QR code of the address");
    }

    // destroy --seats 2 terminates hand-out #2's machine, and only it.
    const seat2 = first.ready[1]!.instanceId;
    const destroyed = await json<{ terminated: { instanceId: string }[] }>(["instances", "destroy", "--workshop", name, "--seats", "2", "--yes"]);
    expect(destroyed.terminated.map((x) => x.instanceId)).to.deep.equal([seat2]);
    rows = await list();
    expect(holderOf(rows, 2)).to.deep.equal([]);
    for (const seat of [1, 3, 4, 5, 6]) expect(holderOf(rows, seat)).to.deep.equal([first.ready[seat - 1]!.instanceId]);

    // The freed seat is the lowest free one: the next single launch takes it.
    const refill = await create(["--count", "1"]);
    expect(refill.ready.map((x) => x.seat)).to.deep.equal([2]);

    // Without a terminal, replace needs --yes; a bad seat list is a usage error. Nothing changes.
    const unconfirmed = await cli(["instances", "replace", "--workshop", name, "--seats", "3"]);
    expect(unconfirmed.code).to.equal(1);
    expect(unconfirmed.stderr).to.contain("Refusing to replace without confirmation");
    const bad = await cli(["instances", "replace", "--workshop", name, "--seats", "0", "--yes"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("there is no seat 0");
    expect(holderOf(await list(), 3)).to.deep.equal([first.ready[2]!.instanceId]);

    // replace --seats 3: seat 3's machine goes, a new one comes into seat 3, the hand-out line says so.
    const old3 = first.ready[2]!.instanceId;
    const replaced = await json<Report>(["instances", "replace", "--workshop", name, "--seats", "3", "--yes"]);
    expect(replaced.ready.map((x) => x.seat)).to.deep.equal([3]);
    const new3 = replaced.ready[0]!.instanceId;
    expect(new3).to.not.equal(old3);
    expect(byId.has(new3)).to.equal(false);
    rows = await list();
    expect(holderOf(rows, 3)).to.deep.equal([new3]);
    expect((await handout()).seats.find((e) => e.seat === 3)?.instanceId).to.equal(new3);
    const text = await cli(["instances", "replace", "--workshop", name, "--seats", "3", "--yes"]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/^ +3 +\S+ +seats-[0-9a-f]+-3 /m);

    // Taken seats are refused, naming the holder; the maximum holds; nothing is launched.
    rows = await list();
    const taken = await cli(["instances", "create", "--workshop", name, "--seats", "4", "--yes"]);
    expect(taken.code).to.equal(1);
    expect(taken.stderr).to.contain(`seat 4 by ${holderOf(rows, 4)[0]}`);
    const over = await cli(["instances", "create", "--workshop", name, "--count", "3", "--yes"]);
    expect(over.code).to.equal(1);
    expect(over.stderr).to.contain("2 free seats of 8 (free: seats 7-8)");
    const none = await cli(["instances", "destroy", "--workshop", name, "--seats", "7", "--yes"]);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain("no machine in seat 7");
    expect(await list()).to.have.length(6);
  });

  it("a partial launch and a spread --seats list keep each instance's seat (one call per AZ, as before)", async function () {
    await workshop({ maximum: 12, seed: 42, azs: 2 });
    const sim = requireSim(this, t, "a capacity fault");
    sim.setFaults({ azCapacity: { "us-east-1a": 2 } });
    sim.clearLog();
    const doc = await create(["--seats", "3,7-9,12"]);
    expect(doc.ready.map((x) => x.seat)).to.deep.equal([3, 7, 8, 9, 12]);
    const runs = sim.log.filter((e) => e.action === "RunInstances");
    const seatTag = (params: Record<string, string>): string | undefined => {
      const key = Object.keys(params).find((k) => /^TagSpecification\.1\.Tag\.\d+\.Key$/.test(k) && params[k] === TAG.seats);
      return key ? params[key.replace(/Key$/, "Value")] : undefined;
    };
    // The first call asks for all five and gets two; the next carries the seats still wanted.
    expect(runs.map((e) => seatTag(e.params))).to.deep.equal(["3,7-9,12", "8-9,12"]);
    const truth = sim.instances().filter((i) => i.tags[TAG.batch] === doc.batch);
    expect(truth.filter((i) => i.availabilityZone === "us-east-1a")).to.have.length(2);
    const rows = await list();
    for (const x of doc.ready) expect(holderOf(rows, x.seat!)).to.deep.equal([x.instanceId]);
  });

  it("two runs at once never hand out the same seat (CLI)", async () => {
    await workshop({ maximum: 10, seed: 43 });
    const [a, b] = await Promise.all([create(["--count", "5"]), create(["--count", "5"])]);
    const seats = [...a.ready, ...b.ready].map((x) => x.seat!);
    expect(seats).to.have.length(10);
    expect(new Set(seats).size, `seats ${seats.join(",")}`).to.equal(10);
    for (const s of seats) expect(s).to.be.within(1, 10);
    const rows = await list();
    for (const x of [...a.ready, ...b.ready]) expect(holderOf(rows, x.seat!)).to.deep.equal([x.instanceId]);
  });

  it("two runs that picked the same seats: the later launch moves to free seats (or is terminated past the maximum)", async () => {
    await workshop({ maximum: 7, seed: 44 });
    const ec2 = ec2For(t.target, { maxAttempts: 1 });
    const sts = stsFor(t.target);
    try {
      const settings = parseSettings(name, `config:\n  aws:region: ${t.target.region}\n  ec2-workshop:maximum: 7\n`);
      const clock = scaledClock(t.target.scale);
      // Both read the seats before either launches: both take 1-4.
      const [prepA, prepB] = await Promise.all([prepareBatch(ec2, sts, settings, clock), prepareBatch(ec2, sts, settings, clock)]);
      const notes: string[] = [];
      const a = await createBatch(ec2, { settings, seats: [1, 2, 3, 4], prep: prepA, clock, nameSeats: false });
      const b = await createBatch(ec2, { settings, seats: [1, 2, 3, 4], prep: prepB, clock, nameSeats: false, events: { note: (m) => notes.push(m) } });
      expect(a.report.ready.map((x) => x.seat)).to.deep.equal([1, 2, 3, 4], "the earlier launch keeps its seats");
      expect(a.report.seatMoves).to.deep.equal([]);
      expect(b.report.seatMoves.map((m) => [m.from, m.to])).to.deep.equal([
        [1, 5],
        [2, 6],
        [3, 7],
      ]);
      expect(b.report.ready.map((x) => x.seat)).to.deep.equal([5, 6, 7]);
      expect(b.report.failed.map((f) => [f.seat, f.replaced])).to.deep.equal([[4, true]], "no seat left for the fourth: terminated");
      expect(notes.join("\n")).to.match(/Seat 1 was taken first by another run \(i-[0-9a-f]+\): i-[0-9a-f]+ moves to seat 5\./);
      // EC2 alone now says the same: seven machines, seats 1..7, once each.
      const live = await describeWorkshopInstances(ec2, { workshop: name, states: HOLDING_STATES });
      expect(live.map((i) => i.seat).sort((x, y) => x! - y!)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
      const moved = live.find((i) => i.seat === 5)!;
      expect(moved.tags).to.include({ [TAG.seat]: "5", [TAG.name]: `${name}-5` });
    } finally {
      ec2.destroy();
      sts.destroy();
    }
  });

  it("handout: text with per-seat instructions, CSV, and the seats not ready named on stderr", async () => {
    await workshop({ maximum: 5, seed: 45 });
    const doc = await create(["--count", "3"]);
    const text = await cli(["instances", "handout", "--workshop", name]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.contain(`Workshop "${name}": 3 seats ready`);
    for (const x of doc.ready) {
      expect(text.stdout).to.match(new RegExp(`^ +${x.seat} +${(x.publicIp ?? x.privateIp)!.replace(/\./g, "\\.")} +${name}-${x.seat}`, "m"));
      expect(text.stdout).to.contain(`Seat ${x.seat} (${name}-${x.seat})\n    ssh student@${x.publicIp ?? x.privateIp}\n    You are seat ${x.seat}`);
    }
    const csv = await cli(["instances", "handout", "--workshop", name, "--format", "csv", "--batch", doc.batch]);
    const lines = csv.stdout.trimEnd().split("\n");
    expect(lines[0]).to.equal("seat,name,address,public_ip,private_ip,instance_id,availability_zone,instructions");
    expect(csv.stdout.match(/^\d+,/gm)).to.have.length(3);
    expect(csv.stdout).to.contain(`1,${name}-1,${doc.ready[0]!.publicIp ?? doc.ready[0]!.privateIp}`);
    // Seat 2's machine stops: it keeps its seat, but is no longer handed out; stderr says why.
    const ec2 = ec2For(t.target);
    try {
      await ec2.send(new StopInstancesCommand({ InstanceIds: [doc.ready[1]!.instanceId] }));
    } finally {
      ec2.destroy();
    }
    const later = await cli(["instances", "handout", "--workshop", name, "--format", "json"]);
    expect(later.code, later.stderr).to.equal(0);
    expect((JSON.parse(later.stdout) as { seats: { seat: number }[] }).seats.map((e) => e.seat)).to.deep.equal([1, 3]);
    expect(later.stderr).to.match(new RegExp(`Not ready \\(left out\\): seat 2 \\(${doc.ready[1]!.instanceId}, stopp(ing|ed)`));
  });
});
