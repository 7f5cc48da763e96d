import { expect } from "chai";
import { DescribeInstanceStatusCommand, DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { scaledClock } from "../../src/clock.js";
import { BatchWaiter } from "../../src/instances/wait.js";

/** The error @smithy/node-http-handler rejects with when a request's abortSignal fires. */
function sdkAbortError(): Error {
  return Object.assign(new Error("Request aborted"), { name: "AbortError" });
}

describe("BatchWaiter and Ctrl-C", () => {
  it("treats a status call cut short by the signal as a stop, not an error", async () => {
    const ac = new AbortController();
    const send = (command: unknown, opts?: { abortSignal?: AbortSignal }): Promise<unknown> => {
      if (command instanceof DescribeInstancesCommand)
        return Promise.resolve({
          Reservations: [
            {
              Instances: [
                {
                  InstanceId: "i-0123456789abcdef0",
                  State: { Name: "running" },
                  Tags: [
                    { Key: "Workshop", Value: "demo" },
                    { Key: "ec2-workshop:batch", Value: "b1" },
                  ],
                },
              ],
            },
          ],
        });
      if (command instanceof DescribeInstanceStatusCommand)
        return new Promise((_, reject) => {
          // In flight when the user presses Ctrl-C: the SDK rejects with its AbortError.
          opts?.abortSignal?.addEventListener("abort", () => reject(sdkAbortError()), { once: true });
          ac.abort();
        });
      return Promise.reject(new Error(`unexpected command ${String(command)}`));
    };
    const ec2 = Object.assign(Object.create(EC2Client.prototype) as EC2Client, { send });
    const waiter = new BatchWaiter(ec2, {
      workshop: "demo",
      batch: "b1",
      clock: scaledClock(1000),
      launchTimeoutMs: 60_000,
      checkTimeoutMs: 60_000,
      signal: ac.signal,
      random: () => 0,
    });
    waiter.add([{ instanceId: "i-0123456789abcdef0", seat: 1, launchedAt: 0 }]);
    await waiter.run();
    expect(waiter.tracked.get("i-0123456789abcdef0")?.phase).to.equal("checking");
  });
});
