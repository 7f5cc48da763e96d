import { expect } from "chai";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/errors.js";
import { checkAccessKeys, credentialsValues, keyIdProblem, maskKeyId, secretProblem } from "../../src/setup/keys.js";
import { checkNode, checkWorkshopDir, satisfiesMinimum } from "../../src/setup/environment.js";
import { checkPulumiCli, describePulumiCli, minimumPulumiVersion, parseVersion, versionAtLeast } from "../../src/workshops/pulumi-cli.js";

const ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SOURCES = { id: "AWS_ACCESS_KEY_ID", secret: "AWS_SECRET_ACCESS_KEY", token: "AWS_SESSION_TOKEN" };

describe("setup checks: access keys", () => {
  it("masks a key id to its first and last four characters", () => {
    expect(maskKeyId(ID)).to.equal("AKIA…MPLE");
    expect(maskKeyId("short")).to.equal("…");
  });

  it("accepts AKIA/ASIA ids and 40-character secrets; explains anything else without echoing it", () => {
    expect(keyIdProblem(ID)).to.equal(undefined);
    expect(keyIdProblem("ASIAIOSFODNN7EXAMPLE")).to.equal(undefined);
    for (const bad of ["AKIA123", "akiaiosfodnn7example", "ABIAIOSFODNN7EXAMPLE", `${ID}X`, SECRET]) {
      const problem = keyIdProblem(bad);
      expect(problem, bad).to.match(/^That is not an access key id/);
      expect(problem).not.to.contain(bad);
    }
    expect(keyIdProblem("")).to.match(/Enter the access key id/);
    expect(secretProblem(SECRET)).to.equal(undefined);
    expect(secretProblem("dummy")).to.equal("That is not a secret access key: expected 40 characters of letters, digits, / and + (got 5).");
  });

  it("checkAccessKeys: one input error naming the source, never the value; ASIA needs a session token", () => {
    expect(checkAccessKeys({ accessKeyId: ` ${ID} `, secretAccessKey: SECRET }, SOURCES)).to.deep.equal({ accessKeyId: ID, secretAccessKey: SECRET });
    expect(() => checkAccessKeys({ accessKeyId: "AKIA-nope", secretAccessKey: SECRET }, SOURCES)).to.throw(InputError, /^AWS_ACCESS_KEY_ID: That is not an access key id/);
    expect(() => checkAccessKeys({ accessKeyId: ID, secretAccessKey: "short-secret" }, SOURCES))
      .to.throw(InputError, /^AWS_SECRET_ACCESS_KEY: /)
      .with.property("message")
      .that.does.not.contain("short-secret");
    expect(() => checkAccessKeys({ accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET }, SOURCES)).to.throw(InputError, /AWS_SESSION_TOKEN is required/);
    expect(credentialsValues({ accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET, sessionToken: "tok" })).to.deep.equal({
      aws_access_key_id: "ASIAIOSFODNN7EXAMPLE",
      aws_secret_access_key: SECRET,
      aws_session_token: "tok",
    });
  });
});

describe("setup checks: Node.js and the workshop directory", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-env-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("compares a Node version with package.json's engines range", () => {
    expect(satisfiesMinimum("22.0.0", ">=22")).to.equal(true);
    expect(satisfiesMinimum("20.18.3", ">=22")).to.equal(false);
    expect(satisfiesMinimum("22.1.0", ">=22")).to.equal(true);
    expect(satisfiesMinimum("18.20.0", ">= 20")).to.equal(false);
    expect(satisfiesMinimum("21.0.0", "^20 || ^22")).to.equal(false);
    expect(satisfiesMinimum("20.0.0", "not a range")).to.equal(true); // not judged
    const node = checkNode();
    expect(node.required).to.equal(">=22");
    expect(node.ok).to.equal(true);
    expect(checkNode("20.10.0").ok).to.equal(false);
  });

  it("the workshop directory: writable, counted, or what is wrong with it", async () => {
    mkdirSync(join(dir, "stacks"));
    writeFileSync(join(dir, "stacks", "Pulumi.one.yaml"), "config: {}\n");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: ec2-workshop\n");
    const ok = await checkWorkshopDir({ EC2_WORKSHOP_HOME: dir });
    expect(ok).to.deep.include({ dir, fromEnv: true, source: "EC2_WORKSHOP_HOME", exists: true, ok: true, hasProject: true, workshops: 1 });
    // A new directory is fine: `workshop create` sets it up.
    const missing = await checkWorkshopDir({ EC2_WORKSHOP_HOME: join(dir, "nope", "deeper") });
    expect(missing).to.deep.include({ ok: true, exists: false });
    // Without EC2_WORKSHOP_HOME, away from any checkout: the per-user folder.
    const away = mkdtempSync(join(tmpdir(), "ec2ws-away-"));
    try {
      expect(await checkWorkshopDir({ HOME: join(away, "user") }, away)).to.deep.include({ dir: join(away, "user", ".ec2-workshop"), source: "per-user", exists: false, ok: true });
    } finally {
      rmSync(away, { recursive: true, force: true });
    }
    writeFileSync(join(dir, "file"), "");
    expect((await checkWorkshopDir({ EC2_WORKSHOP_HOME: join(dir, "file") })).problem).to.equal("is not a directory");
  });
});

describe("setup checks: the Pulumi CLI", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-pulumi-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in `pulumi` that answers `pulumi version` (a shell script: no node needed on PATH). */
  function standIn(folder: string, script: string): void {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "pulumi"), `#!/bin/sh\n${script}\n`);
    chmodSync(join(folder, "pulumi"), 0o755);
  }

  it("knows the Automation API's minimum CLI version", () => {
    expect(minimumPulumiVersion()).to.equal("3.2.0-alpha");
  });

  it("compares versions by semver precedence", () => {
    expect(parseVersion("v3.150.0")?.version).to.equal("3.150.0");
    expect(parseVersion("v3.150.0-alpha.1+dirty")?.version).to.equal("3.150.0-alpha.1");
    expect(parseVersion("pulumi: command not found")).to.equal(undefined);
    expect(versionAtLeast("3.150.0", "3.2.0-alpha")).to.equal(true);
    expect(versionAtLeast("3.2.0", "3.2.0-alpha")).to.equal(true);
    expect(versionAtLeast("3.2.0-alpha", "3.2.0")).to.equal(false);
    expect(versionAtLeast("3.1.99", "3.2.0-alpha")).to.equal(false);
    expect(versionAtLeast("10.0.0", "9.9.9")).to.equal(true);
    expect(versionAtLeast("garbage", "3.2.0")).to.equal(false);
  });

  it("finds a pulumi on PATH and reads its version", async () => {
    standIn(join(dir, "bin"), 'if [ "$1" = version ]; then echo v3.150.0; else exit 9; fi');
    const p = await checkPulumiCli({ PATH: `${join(dir, "empty")}:${join(dir, "bin")}`, HOME: dir });
    expect(p).to.deep.include({ ok: true, version: "3.150.0", path: join(dir, "bin", "pulumi") });
    expect(describePulumiCli(p)).to.equal(`v3.150.0 (${join(dir, "bin", "pulumi")})`);
  });

  it("a CLI older than the minimum is a warning with how to upgrade", async () => {
    standIn(join(dir, "bin"), "echo v3.1.0");
    const p = await checkPulumiCli({ PATH: join(dir, "bin"), HOME: dir });
    expect(p.ok).to.equal(false);
    expect(describePulumiCli(p)).to.match(/^v3\.1\.0 at .* is older than v3\.2\.0-alpha.*pulumi self-update/);
  });

  it("a CLI that fails or prints nonsense is reported with its message", async () => {
    standIn(join(dir, "bin"), "echo 'error: broken install' >&2; exit 3");
    const failing = await checkPulumiCli({ PATH: join(dir, "bin"), HOME: dir });
    expect(failing.ok).to.equal(false);
    expect(describePulumiCli(failing)).to.match(/version` failed: error: broken install\. Reinstall it/);
    standIn(join(dir, "bin2"), "echo hello");
    expect(describePulumiCli(await checkPulumiCli({ PATH: join(dir, "bin2"), HOME: dir }))).to.match(/printed "hello", not a version/);
  });

  it("missing: how to install; installed but off PATH: which folder to add", async () => {
    const missing = await checkPulumiCli({ PATH: join(dir, "empty"), HOME: dir });
    expect(missing).to.deep.equal({ minimum: "3.2.0-alpha", ok: false });
    expect(describePulumiCli(missing)).to.match(/^not found on PATH\. Only `workshop` commands need it; install it with `curl -fsSL https:\/\/get\.pulumi\.com \| sh`/);
    standIn(join(dir, ".pulumi", "bin"), "echo v3.150.0");
    const offPath = await checkPulumiCli({ PATH: join(dir, "empty"), HOME: dir });
    expect(offPath.offPath).to.equal(join(dir, ".pulumi", "bin", "pulumi"));
    expect(describePulumiCli(offPath)).to.match(/^not on PATH, but installed at .*\.pulumi\/bin\/pulumi: add its folder to PATH/);
  });
});
