// "The command to type": every command the tool prints starts the way the user can start it
// where they are: `ec2-workshop` on PATH, `npx ec2-workshop` in a project, else as invoked.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/home.js";
import { invocationPrefix, type InvocationFacts } from "../../src/invocation.js";
import { BIN, isolatedEnv, runBin } from "../helpers/cli.js";

const OUR_BIN = "/opt/tool/lib/node_modules/ec2-workshop-manager/bin/ec2-workshop.js";

/** A small file system: path -> real path. */
function facts(files: Record<string, string>, o: Partial<InvocationFacts> = {}): InvocationFacts {
  return {
    script: OUR_BIN,
    cwd: "/home/ann/workshops",
    env: { PATH: "/usr/bin:/bin" },
    execPath: "/usr/bin/node",
    ourBin: OUR_BIN,
    realpath: (p) => files[p],
    packageName: () => undefined,
    ...o,
  };
}

describe("invocation: the command to type", () => {
  it("`ec2-workshop` when PATH has this very tool (a global install)", () => {
    const f = facts({ [OUR_BIN]: OUR_BIN, "/usr/local/bin/ec2-workshop": OUR_BIN }, { env: { PATH: "/usr/local/bin:/usr/bin" }, script: "/usr/local/bin/ec2-workshop" });
    expect(invocationPrefix(f)).to.equal("ec2-workshop");
  });

  it("`npx ec2-workshop` in a project that has it in node_modules/.bin, also from a sub-folder, and under npx itself", () => {
    const link = "/home/ann/workshops/node_modules/.bin/ec2-workshop";
    const files = { [OUR_BIN]: OUR_BIN, [link]: OUR_BIN };
    expect(invocationPrefix(facts(files, { script: link }))).to.equal("npx ec2-workshop");
    expect(invocationPrefix(facts(files, { script: link, cwd: "/home/ann/workshops/day1" }))).to.equal("npx ec2-workshop");
    // npx puts node_modules/.bin on PATH for the run; the user's shell does not have it.
    const underNpx = facts(files, { script: link, env: { PATH: "/home/ann/workshops/node_modules/.bin:/usr/bin", npm_command: "exec" } });
    expect(invocationPrefix(underNpx)).to.equal("npx ec2-workshop");
  });

  it("`npx ec2-workshop` in a checkout of the tool (npx runs a project's own bin)", () => {
    const root = "/src/ec2-workshop";
    const bin = `${root}/bin/ec2-workshop.js`;
    const f = facts({ [bin]: bin }, { script: bin, ourBin: bin, cwd: root, packageName: (d) => (d === root ? "ec2-workshop-manager" : undefined) });
    expect(invocationPrefix(f)).to.equal("npx ec2-workshop");
  });

  it("as invoked elsewhere: node and the script (relative when below here); the full node path when `node` is another one", () => {
    const f = facts({ [OUR_BIN]: OUR_BIN, "/usr/bin/node": "/usr/bin/node" }, { cwd: "/tmp" });
    expect(invocationPrefix(f)).to.equal(`node ${OUR_BIN}`);
    const below = facts({ [OUR_BIN]: OUR_BIN, "/usr/bin/node": "/usr/bin/node" }, { cwd: "/opt/tool" });
    expect(invocationPrefix(below)).to.equal("node lib/node_modules/ec2-workshop-manager/bin/ec2-workshop.js");
    const otherNode = facts({ [OUR_BIN]: OUR_BIN, "/opt/node 22/bin/node": "/opt/node 22/bin/node" }, { cwd: "/tmp", execPath: "/opt/node 22/bin/node" });
    expect(invocationPrefix(otherNode)).to.equal(`'/opt/node 22/bin/node' ${OUR_BIN}`);
  });

  it("another program using the modules (a test runner): the plain name", () => {
    expect(invocationPrefix(facts({ [OUR_BIN]: OUR_BIN, "/x/mocha": "/x/mocha" }, { script: "/x/mocha" }))).to.equal("ec2-workshop");
  });

  describe("the real binary", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "ec2ws-invocation-"));
      mkdirSync(join(dir, "bin"));
      mkdirSync(join(dir, "elsewhere"));
      symlinkSync(BIN, join(dir, "bin", "ec2-workshop"));
      writeFileSync(join(dir, "elsewhere", "README"), "not a project\n");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const hint = async (o: { cwd: string; path: string }): Promise<string> => {
      const r = await runBin(["frobnicate"], { cwd: o.cwd, env: isolatedEnv({ PATH: o.path }) });
      return r.stderr.split("\n")[1]!;
    };

    it("prints its commands as they can be typed where it runs", async () => {
      const path = process.env.PATH ?? "";
      expect(await hint({ cwd: PACKAGE_ROOT, path })).to.equal("Run `npx ec2-workshop --help` for the commands.");
      expect(await hint({ cwd: join(dir, "elsewhere"), path: `${join(dir, "bin")}:${path}` })).to.equal("Run `ec2-workshop --help` for the commands.");
      expect(await hint({ cwd: join(dir, "elsewhere"), path })).to.match(/^Run `(node|\/\S+) \/\S+\/bin\/ec2-workshop\.js --help` for the commands\.$/);
    });
  });
});
