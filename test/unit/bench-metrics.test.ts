import { expect } from "chai";
import type { RequestLogEntry, SimInstanceView } from "../../src/sim/index.js";
import { countByAction, describeInstancesRounds, describeStatusRounds, detectionLags, ec2Calls, percentile, readyAddresses, usableAt, usableLags } from "../helpers/metrics.js";

let seq = 0;
function entry(action: string, params: Record<string, string> = {}, outcome = "ok"): RequestLogEntry {
  return { seq: seq++, action, params, simTime: seq * 10, status: outcome === "ok" ? 200 : 503, outcome, throttled: outcome === "RequestLimitExceeded" };
}
const ids = (...list: string[]): Record<string, string> => Object.fromEntries(list.map((id, i) => [`InstanceId.${i + 1}`, id]));

describe("benchmark figures", () => {
  it("counts calls by action, throttled ones included", () => {
    const log = [entry("RunInstances"), entry("DescribeInstances"), entry("DescribeInstances", {}, "RequestLimitExceeded")];
    expect(countByAction(log)).to.deep.equal({ DescribeInstances: 2, RunInstances: 1 });
  });

  it("DescribeInstances rounds: a first page starts a round, NextToken pages belong to it", () => {
    const log = [
      entry("DescribeInstances"),
      entry("DescribeInstances", { NextToken: "a" }),
      entry("DescribeInstanceStatus", ids("i-1")),
      entry("DescribeInstances"),
      entry("DescribeInstances", {}, "RequestLimitExceeded"), // a retry, not a round
      entry("DescribeInstances", { NextToken: "b" }),
    ];
    expect(describeInstancesRounds(log)).to.deep.equal({ rounds: 2, max: 2, mean: 2 });
  });

  it("DescribeInstanceStatus rounds: a sweep over the watched ids; an id coming up again starts the next", () => {
    const log = [
      entry("DescribeInstanceStatus", ids("i-1", "i-2")),
      entry("DescribeInstanceStatus", ids("i-3")),
      entry("DescribeInstanceStatus", ids("i-1", "i-2")), // round 2
      entry("DescribeInstanceStatus", ids("i-3")),
      entry("DescribeInstanceStatus", ids("i-3")), // round 3: only i-3 left
    ];
    expect(describeStatusRounds(log)).to.deep.equal({ rounds: 3, max: 2, mean: 1.67 });
  });

  it("detection lag: from the simulator's ready time to the first answer that showed it, for the batch only", () => {
    const view = (instanceId: string, readyAt?: number, firstReportedReadyAt?: number): SimInstanceView =>
      ({ instanceId, readyAt, firstReportedReadyAt }) as SimInstanceView;
    const lags = detectionLags([view("i-1", 1000, 2500), view("i-2", 1000, 1000), view("i-3", 1000), view("i-9", 0, 99_000)], new Set(["i-1", "i-2", "i-3"]));
    expect(lags).to.deep.equal([1500, 0]);
  });

  it("percentiles by rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 100)]).to.deep.equal([50, 95, 100]);
    expect(Number.isNaN(percentile([], 50))).to.equal(true);
  });

  it("EC2 calls leave out STS, Service Quotas and Price List, and (when asked) the background Name tags", () => {
    const counts = { CreateTags: 30, DescribeInstances: 9, GetCallerIdentity: 1, GetProducts: 2, GetServiceQuota: 1, RunInstances: 1 };
    expect(ec2Calls(counts)).to.equal(40);
    expect(ec2Calls(counts, { withoutNames: true })).to.equal(10);
  });

  it("usable-to-on-screen lag: from the service up and its port really listening, to the line on screen; none for machines shown before", () => {
    const view = (instanceId: string, serviceUpAt?: number, listeningSince?: number): SimInstanceView => ({ instanceId, serviceUpAt, listeningSince }) as SimInstanceView;
    expect(usableAt(view("i-1", 1000, 1040))).to.equal(1040);
    expect(usableAt(view("i-1", 1000))).to.equal(1000);
    expect(usableAt(view("i-1"))).to.equal(undefined);
    const shown = new Map([["i-1", 1500], ["i-2", 900], ["i-3", 2000]]);
    expect(usableLags([view("i-1", 1000, 1100), view("i-2", 1000), view("i-3"), view("i-4", 10)], shown)).to.deep.equal([400]);
  });

  it("reads the addresses of the tool's \"Seat k ready\" lines", () => {
    const text = "[5s] 3 pending\n✔ Seat 3 ready: 127.1.2.3 (port 2222 answered)\n✔ Seat 12 ready: 10.0.0.4 (private) (status checks ok)\n";
    expect(readyAddresses(text)).to.deep.equal(["127.1.2.3", "10.0.0.4"]);
  });
});
