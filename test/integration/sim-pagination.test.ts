// Pagination over 2,500 instances through the SDK's own paginators, EC2's page-size limits,
// and DescribeInstanceStatus (ids, IncludeAllInstances, status filters, pages).
import {
  DescribeInstanceStatusCommand,
  type EC2Client,
  paginateDescribeInstances,
  paginateDescribeInstanceStatus,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import type { Simulator } from "../../src/sim/index.js";
import { ec2For, requireSim, startTestTarget, type TestTarget } from "../helpers/sim.js";

describe("simulator: pagination over 2,500 instances (real SDK)", function () {
  this.timeout(60_000);
  let t: TestTarget;
  let sim: Simulator;
  let ec2: EC2Client;
  let big: string[];
  let foreign: string[];

  before(async function () {
    t = await startTestTarget({ seed: 5, throttling: "off" });
    sim = requireSim(this, t, "seeding 2,500 instances");
    ec2 = ec2For(sim, { maxAttempts: 1 });
    big = sim.seedInstances(2500, { tags: { Workshop: "big" } });
    foreign = sim.seedInstances(30, { tags: { Workshop: "other" }, state: "stopped" });
  });
  after(async () => {
    ec2?.destroy();
    await t?.close();
  });

  it("DescribeInstances by tag, 1000 a page: 3 pages, every instance once, none of the others", async () => {
    sim.clearLog();
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: "tag:Workshop", Values: ["big"] }] })) {
      pages++;
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) seen.push(i.InstanceId!);
    }
    expect(pages).to.equal(3);
    expect(seen).to.have.length(2500);
    expect(new Set(seen).size).to.equal(2500);
    expect(seen).to.deep.equal(big);
    expect(sim.log.map((e) => e.params.MaxResults)).to.deep.equal(["1000", "1000", "1000"]);
    expect(sim.log.filter((e) => e.params.NextToken !== undefined)).to.have.length(2);
  });

  it("small pages stay consistent while instances come and go between pages", async () => {
    const seen: string[] = [];
    let n = 0;
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 400 }, { Filters: [{ Name: "tag:Workshop", Values: ["other", "big"] }] })) {
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) seen.push(i.InstanceId!);
      if (n++ === 0) sim.seedInstances(5, { tags: { Workshop: "big" } }); // appear after the cursor: listed once
    }
    expect(seen).to.have.length(2535);
    expect(new Set(seen).size).to.equal(2535);
    expect(seen.slice(0, 2530)).to.deep.equal([...big, ...foreign]);
  });

  it("without MaxResults DescribeInstances answers everything in one page", async () => {
    sim.clearLog();
    const pages = [];
    for await (const page of paginateDescribeInstances({ client: ec2 }, { Filters: [{ Name: "tag:Workshop", Values: ["other"] }] })) pages.push(page);
    expect(pages).to.have.length(1);
    expect(pages[0]!.Reservations!.flatMap((r) => r.Instances!)).to.have.length(30);
    expect(pages[0]!.NextToken).to.equal(undefined);
  });

  it("DescribeInstanceStatus: only running ones by default, all with IncludeAllInstances, in pages", async () => {
    const statuses: string[] = [];
    for await (const page of paginateDescribeInstanceStatus({ client: ec2, pageSize: 1000 }, {})) {
      for (const s of page.InstanceStatuses ?? []) statuses.push(s.InstanceState!.Name!);
    }
    expect(statuses).to.have.length(2505);
    expect(new Set(statuses)).to.deep.equal(new Set(["running"]));
    let all = 0;
    for await (const page of paginateDescribeInstanceStatus({ client: ec2, pageSize: 1000 }, { IncludeAllInstances: true })) all += page.InstanceStatuses!.length;
    expect(all).to.equal(2535);
    const filtered = await ec2.send(
      new DescribeInstanceStatusCommand({ IncludeAllInstances: true, Filters: [{ Name: "instance-state-name", Values: ["stopped"] }], MaxResults: 1000 }),
    );
    expect(filtered.InstanceStatuses!.map((s) => s.InstanceId)).to.deep.equal(foreign);
    expect(filtered.InstanceStatuses![0]!.InstanceStatus!.Status).to.equal("not-applicable");
  });

  it("DescribeInstanceStatus: at most 100 ids a call, and no MaxResults with ids", async () => {
    const ok = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: big.slice(0, 100) }));
    expect(ok.InstanceStatuses!.map((s) => s.InstanceId)).to.deep.equal(big.slice(0, 100));
    expect(ok.InstanceStatuses![0]!.InstanceStatus).to.deep.equal({ Status: "ok", Details: [{ Name: "reachability", Status: "passed" }] });
    let err = "";
    await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: big.slice(0, 101) })).catch((e: Error) => (err = e.name));
    expect(err).to.equal("InvalidParameterValue");
    await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: big.slice(0, 5), MaxResults: 5 })).catch((e: Error) => (err = e.name));
    expect(err).to.equal("InvalidParameterCombination");
    await ec2.send(new DescribeInstanceStatusCommand({ NextToken: "garbage" })).catch((e: Error) => (err = e.name));
    expect(err).to.equal("InvalidPaginationToken");
  });
});
