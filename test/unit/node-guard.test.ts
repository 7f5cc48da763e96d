import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/home.js";

const BIN = join(PACKAGE_ROOT, "bin", "ec2-workshop.js");

/** A Node.js older than the minimum, when this machine has one (Debian's /usr/bin/node is 20 here). */
function olderNode(): string | undefined {
  for (const candidate of [process.env.EC2_WORKSHOP_OLD_NODE, "/usr/bin/node", "/usr/local/bin/node"]) {
    if (!candidate || !existsSync(candidate)) continue;
    const r = spawnSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" });
    if (r.status === 0 && Number(r.stdout.split(".")[0]) < 22) return candidate;
  }
  return undefined;
}

describe("the Node.js version guard", () => {
  it("names the same minimum as package.json's engines", () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    const engines = /^>=\s*(\d+)$/.exec(pkg.engines.node)?.[1];
    const guard = /MINIMUM_NODE_MAJOR = (\d+)/.exec(readFileSync(BIN, "utf8"))?.[1];
    expect(engines, "engines.node is a plain >=N").to.be.a("string");
    expect(guard).to.equal(engines);
  });

  it("on an older Node.js: one line saying which Node it needs, exit 1", function () {
    const node = olderNode();
    if (!node) {
      console.log("      (skipped: no Node.js older than 22 on this machine; set EC2_WORKSHOP_OLD_NODE to one)");
      this.skip();
    }
    const r = spawnSync(node!, [BIN, "instances", "list"], { encoding: "utf8" });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.equal("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^ec2-workshop needs Node\.js 22 or later; this is Node\.js 2\d\.\d+\.\d+\. Install/);
  });
});
