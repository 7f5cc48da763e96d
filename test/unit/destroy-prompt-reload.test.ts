import { expect } from "chai";
import { PassThrough, Writable } from "node:stream";
import type { ListedInstance } from "../../src/instances/listing.js";
import { runDestroyPrompt } from "../../src/ui/destroy-prompt.js";
import { styleFor } from "../../src/ui/style.js";
import { timeFormatter } from "../../src/ui/time.js";

describe("destroy prompt after terminating", () => {
  it("a failed reload of the table does not turn a done termination into an error, nor end the session", async () => {
    const stdin = new PassThrough();
    const answers = ["1", "y"];
    let text = "";
    // Answers each question as it is asked (readline drops lines typed before a question).
    const stdout = new Writable({
      write(chunk, _enc, done) {
        const s = String(chunk);
        text += s;
        if (/› $|\[y\/n\/q\] $/.test(s)) setImmediate(() => stdin.write(`${answers.shift() ?? "q"}\n`));
        done();
      },
    });
    const instance: ListedInstance = {
      instanceId: "i-0123456789abcdef0",
      name: "demo-1",
      state: "running",
      launchTime: new Date("2024-01-01T10:00:00Z"),
      tags: {},
    };
    let loads = 0;
    const env = { TZ: "UTC", NO_COLOR: "1" };
    const { result } = await runDestroyPrompt({
      stdin,
      stdout,
      style: styleFor(stdout, env),
      time: timeFormatter(env),
      workshop: "demo",
      load: async () => {
        if (++loads > 1) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        return [instance];
      },
      terminate: async (ids) => ({
        terminated: ids.map((id) => ({ instanceId: id, previousState: "running", currentState: "shutting-down" })),
        skipped: [],
      }),
    });
    expect(result?.terminated.map((t) => t.instanceId)).to.deep.equal(["i-0123456789abcdef0"]);
    expect(text).to.contain("Could not reload the table");
    // Back at the table (then `q`), with the state TerminateInstances answered.
    const afterwards = text.slice(text.indexOf("Could not reload the table"));
    expect(afterwards).to.match(/i-0123456789abcdef0 +demo-1 .*shutting-down/);
    expect(afterwards).to.contain("Quit: 1 instance was terminated.");
  });
});
