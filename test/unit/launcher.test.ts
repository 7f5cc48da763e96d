// The launcher gives V8 --optimize-for-size from the start, through its shebang (see the
// comment in bin/ec2-workshop.js for why there), and nothing sets V8 flags after start-up.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { PACKAGE_ROOT } from "../../src/home.js";
import { BIN, LAUNCHER_NODE_ARGS, shebangNodeArgs } from "../helpers/cli.js";

describe("the launcher's start-up flags", () => {
  it("reads the Node.js flags of a launcher's first line", () => {
    expect(shebangNodeArgs("#!/usr/bin/env node\nrest")).to.deep.equal([]);
    expect(shebangNodeArgs("#!/usr/bin/env -S node --a --b=1\n")).to.deep.equal(["--a", "--b=1"]);
    expect(() => shebangNodeArgs("#!/bin/sh\n")).to.throw(/not a node launcher/);
  });

  it("bin/ec2-workshop.js passes --optimize-for-size on its shebang line", () => {
    expect(LAUNCHER_NODE_ARGS).to.deep.equal(["--optimize-for-size"]);
  });

  it("run as an installed command (the kernel reads the shebang), V8 has the flag from the start", function () {
    const env = spawnSync("/usr/bin/env", ["-S", "true"]);
    if (env.status !== 0) {
      console.log("      (skipped: this machine's /usr/bin/env has no -S, e.g. BusyBox; README says what to do there)");
      this.skip();
    }
    // A preload reports the process's own flags; --version needs nothing else.
    const report = "data:text/javascript,process.on('exit',()=>process.stderr.write(JSON.stringify(process.execArgv)))";
    const r = spawnSync(BIN, ["--version"], {
      encoding: "utf8",
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, NODE_OPTIONS: `--import=${report}` },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stderr) as string[]).to.include("--optimize-for-size");
  });

  it("nothing in src/ sets V8 flags after start-up (v8.setFlagsFromString)", () => {
    const files = readdirSync(join(PACKAGE_ROOT, "src"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".ts"));
    const setting = files.filter((e) => readFileSync(join(e.parentPath, e.name), "utf8").includes("setFlagsFromString"));
    expect(setting.map((e) => e.name)).to.deep.equal([]);
  });
});
