// `ec2-workshop setup` as a user runs it (the real binary, no TTY), against the simulator's
// STS and EC2, with the AWS files in a temp dir: never real AWS, never the real ~/.aws.
import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../../src/home.js";
import type { Simulator } from "../../src/sim/index.js";
import { isolatedEnv, runBin, type RunResult } from "../helpers/cli.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/** Preload that makes one file unreadable, or one path unwritable (EACCES), whoever runs the tests. */
const DENY_ACCESS = pathToFileURL(join(PACKAGE_ROOT, "test", "fixtures", "deny-access.mjs")).href;
const OTHER_PROFILE = "# keys of the department, keep\n[dept]\naws_access_key_id = AKIADEPTDEPTDEPTDEPT\naws_secret_access_key = deptsecret\n";

describe("setup against the simulator (no TTY)", function () {
  let sim: Simulator;
  let dir: string;
  let home: WorkshopHome;
  let files: { credentials: string; config: string };

  before(async () => {
    const { startSimulator } = await import("../../src/sim/index.js");
    sim = await startSimulator({ seed: 3 });
  });
  after(() => sim.close());

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ec2ws-setup-"));
    mkdirSync(join(dir, "bin"));
    home = makeWorkshopHome();
    files = { credentials: join(dir, "aws", "credentials"), config: join(dir, "aws", "config") };
    sim.setFaults({ unauthorizedActions: [] });
    sim.clearLog();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    home.remove();
  });

  /** The environment of a machine with no AWS setup yet, pointed at the simulator. */
  function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
    return isolatedEnv({
      HOME: dir,
      PATH: join(dir, "bin"),
      AWS_CONFIG_FILE: files.config,
      AWS_SHARED_CREDENTIALS_FILE: files.credentials,
      AWS_ENDPOINT_URL_EC2: sim.endpoint,
      AWS_ENDPOINT_URL_STS: sim.endpoint,
      EC2_WORKSHOP_HOME: home.dir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
      ...extra,
    });
  }
  const withKeys = (extra: Record<string, string | undefined> = {}) =>
    env({ AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, ...extra });

  function setup(args: string[], e: Record<string, string>): Promise<RunResult> {
    return runBin(["setup", ...args], { env: e });
  }

  function standInPulumi(version: string): void {
    const path = join(dir, "bin", "pulumi");
    writeFileSync(path, `#!/bin/sh\necho v${version}\n`);
    chmodSync(path, 0o755);
  }

  function expectNoSecret(r: RunResult): void {
    expect(r.stdout + r.stderr).not.to.contain(SECRET);
    expect(r.stdout + r.stderr).not.to.contain(KEY_ID);
  }

  function dryRuns(): number {
    return sim.log.filter((l) => l.action === "DescribeInstances" && l.params.DryRun === "true").length;
  }

  it("finds environment keys, proves them with STS and an EC2 dry run, writes nothing, exit 0", async () => {
    standInPulumi("3.150.0");
    const r = await setup(["--region", "eu-west-1"], withKeys());
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).to.equal("✔ Region           eu-west-1, Europe (Ireland) (--region)");
    expect(r.stdout).to.contain("✔ Credentials      AKIA…MPLE from environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY");
    expect(r.stdout).to.contain(`✔ AWS identity     account ${sim.accountId}, arn:aws:iam::${sim.accountId}:user/workshop-instructor`);
    expect(r.stdout).to.contain("✔ EC2 access       DescribeInstances allowed (dry run)");
    expect(r.stdout).to.contain(`– Saved region     not saved (pass --yes to store eu-west-1 in profile "default" of ${files.config})`);
    expect(r.stdout).to.contain(`✔ Pulumi CLI       v3.150.0 (${join(dir, "bin", "pulumi")})`);
    expect(r.stdout).to.match(/✔ Node\.js          v\d+\.\d+\.\d+ \(needs >=22\)/);
    expect(r.stdout).to.contain(`✔ Workshop dir     ${home.dir} (writable, 0 workshops, from EC2_WORKSHOP_HOME)`);
    expect(lines.at(-2)).to.equal(`✔ Ready: account ${sim.accountId} in eu-west-1, profile "default". Next: \`npx ec2-workshop workshop create <name>\`.`);
    expectNoSecret(r);
    expect(sim.callsByAction().GetCallerIdentity).to.equal(1);
    expect(dryRuns()).to.equal(1);
    expect(existsSync(join(dir, "aws")), "no AWS file or folder was created").to.equal(false);
  });

  it("a missing Pulumi CLI is a warning with how to install it; the exit code stays 0", async () => {
    const r = await setup([], withKeys({ AWS_REGION: "us-east-1" }));
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain("✔ Region           us-east-1, US East (N. Virginia) (AWS_REGION)");
    expect(r.stdout).to.match(/▲ Pulumi CLI       not found on PATH\. Only `workshop` commands need it; install it with `curl -fsSL https:\/\/get\.pulumi\.com \| sh`/);
    expect(r.stdout).not.to.contain("Saved region");
    expect(r.stdout).to.contain("✔ Ready:");
  });

  it("--store-profile: checks the keys with STS, adds the profile (0600) keeping the file's other bytes, saves the region; a rerun only validates", async () => {
    mkdirSync(join(dir, "aws"));
    writeFileSync(files.credentials, OTHER_PROFILE, { mode: 0o600 });
    const r = await setup(["--store-profile", "workshop", "--region", "eu-central-1"], withKeys());
    expect(r.stderr).to.equal("");
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`✔ Stored key       AKIA…MPLE \\(account ${sim.accountId}\\) in profile "workshop" of .*credentials \\(added, mode 0600\\)`));
    expect(r.stdout).to.contain(`✔ Credentials      AKIA…MPLE from profile "workshop" (${files.credentials})`);
    expect(r.stdout).to.contain(`✔ Saved region     eu-central-1 in profile "workshop" of ${files.config} (created)`);
    expectNoSecret(r);
    const credentials = readFileSync(files.credentials, "utf8");
    expect(credentials).to.equal(`${OTHER_PROFILE}\n[workshop]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    expect(statSync(files.credentials).mode & 0o777).to.equal(0o600);
    expect(readFileSync(files.config, "utf8")).to.equal("[profile workshop]\nregion = eu-central-1\n");
    // STS saw the keys before they were written, then once more through the profile.
    expect(sim.callsByAction().GetCallerIdentity).to.equal(2);

    // Run again with only the profile: nothing asked, nothing written, the same green summary.
    const before = { c: statSync(files.credentials).mtimeMs, f: statSync(files.config).mtimeMs };
    const again = await setup(["--profile", "workshop"], env());
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain(`✔ Region           eu-central-1, Europe (Frankfurt) (profile "workshop" in ${files.config})`);
    expect(again.stdout).to.contain(`✔ Credentials      AKIA…MPLE from profile "workshop" (${files.credentials})`);
    expect(again.stdout).to.contain(`✔ Ready: account ${sim.accountId} in eu-central-1, profile "workshop".`);
    expect(again.stdout).not.to.match(/Stored key|Saved region/);
    expect(readFileSync(files.credentials, "utf8")).to.equal(credentials);
    expect({ c: statSync(files.credentials).mtimeMs, f: statSync(files.config).mtimeMs }).to.deep.equal(before);
  });

  it("never overwrites an existing profile unless told to replace exactly that one", async () => {
    mkdirSync(join(dir, "aws"));
    const original = `${OTHER_PROFILE}\n[workshop]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD1\naws_secret_access_key = old\n`;
    writeFileSync(files.credentials, original, { mode: 0o600 });
    const refused = await setup(["--store-profile", "workshop", "--region", "eu-west-1"], withKeys());
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.equal("");
    expect(refused.stderr).to.match(/^Error: Profile "workshop" already exists in .*credentials; it was left unchanged\. .*--replace-profile/);
    expect(refused.stderr.trim().split("\n")).to.have.length(1);
    expect(readFileSync(files.credentials, "utf8")).to.equal(original);
    expect(sim.log.length, "nothing was sent").to.equal(0);

    const replaced = await setup(["--store-profile", "workshop", "--replace-profile", "--region", "eu-west-1"], withKeys());
    expect(replaced.code).to.equal(0);
    expect(replaced.stdout).to.contain("(replaced, mode 0600)");
    expect(readFileSync(files.credentials, "utf8")).to.equal(`${OTHER_PROFILE}\n[workshop]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
  });

  it("keys that AWS rejects are not stored", async () => {
    sim.setFaults({ unauthorizedActions: ["GetCallerIdentity"] }); // STS answers InvalidClientTokenId
    const r = await setup(["--store-profile", "workshop", "--region", "eu-west-1"], withKeys());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/✖ New access key   AKIA…MPLE was not accepted: AWS does not know this access key id\..* Nothing was written\./);
    expect(r.stdout).to.match(/✖ Setup is not complete: 1 problem above/);
    expectNoSecret(r);
    expect(existsSync(files.credentials)).to.equal(false);
    expect(existsSync(files.config)).to.equal(false);
  });

  it("UnauthorizedOperation on the EC2 dry run names the missing permission; exit 1", async () => {
    sim.setFaults({ unauthorizedActions: ["DescribeInstances"] });
    const r = await setup(["--region", "us-east-1"], withKeys());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain("✔ AWS identity");
    expect(r.stdout).to.match(/✖ EC2 access       Not allowed: your IAM identity may not call ec2:DescribeInstances \(UnauthorizedOperation\)\. Ask your AWS administrator/);
    expect(dryRuns()).to.equal(1);
  });

  it("credentials of one partition with a region of another: a ✖ line naming both", async () => {
    const r = await setup(["--region", "cn-north-1"], withKeys());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain("✔ Region           cn-north-1, China (Beijing) (--region)");
    expect(r.stdout).to.contain(
      `✖ AWS identity     arn:aws:iam::${sim.accountId}:user/workshop-instructor is in the aws partition, but cn-north-1 is in aws-cn: choose a region of aws with --region.`,
    );
    expect(dryRuns()).to.equal(0);
  });

  it("no credentials and no terminal: one ✖ line saying what to do, the AWS checks skipped, exit 1", async () => {
    const r = await setup(["--region", "us-east-1"], env());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/✖ Credentials      none found \(no AWS_ACCESS_KEY_ID, no profile "default" in .*\)\. .*--store-profile NAME/);
    expect(r.stdout).to.contain("– AWS identity     not checked (no credentials)");
    expect(r.stdout).to.contain("– EC2 access       not checked (no credentials)");
    expect(sim.log.length).to.equal(0);
  });

  it("a named profile that does not exist is named in the ✖ line", async () => {
    const r = await setup(["--profile", "ghost", "--region", "us-east-1"], withKeys());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain(`✖ Credentials      profile "ghost" is not in ${files.credentials} or ${files.config}.`);
  });

  it("a credentials file others can read: a warning, fixed to 0600 only when asked", async () => {
    mkdirSync(join(dir, "aws"));
    writeFileSync(files.credentials, `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    chmodSync(files.credentials, 0o644);
    const warned = await setup(["--region", "us-east-1"], env());
    expect(warned.code).to.equal(0);
    expect(warned.stdout).to.contain(`▲ Credentials file ${files.credentials} is readable by other users (mode 0644): run \`chmod 600 ${files.credentials}\` or setup with --fix-permissions.`);
    expect(statSync(files.credentials).mode & 0o777).to.equal(0o644);
    const fixed = await setup(["--region", "us-east-1", "--fix-permissions"], env());
    expect(fixed.stdout).to.contain(`✔ Credentials file ${files.credentials} was 0644, now 0600`);
    expect(statSync(files.credentials).mode & 0o777).to.equal(0o600);
  });

  it("--yes saves a region given by flag into an existing config section, keeping its other keys", async () => {
    mkdirSync(join(dir, "aws"));
    writeFileSync(files.config, "[default]\noutput = json\n\n[profile other]\nregion = ap-south-1\n");
    const r = await setup(["--region", "sa-east-1", "--yes"], withKeys());
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain(`✔ Saved region     sa-east-1 in profile "default" of ${files.config} (updated)`);
    expect(readFileSync(files.config, "utf8")).to.equal("[default]\noutput = json\nregion = sa-east-1\n\n[profile other]\nregion = ap-south-1\n");
  });

  describe("bad input: one clear line, exit 2 (or 1), no file written, nothing sent", () => {
    async function expectOneLine(args: string[], e: Record<string, string>, code: number, message: RegExp): Promise<void> {
      const r = await setup(args, e);
      expect(r.code, r.stderr).to.equal(code);
      expect(r.stdout).to.equal("");
      const lines = r.stderr.trim().split("\n");
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(message);
      expectNoSecret(r);
      expect(existsSync(join(dir, "aws")), "no AWS file was written").to.equal(false);
      expect(sim.log.length, "no request was sent").to.equal(0);
    }

    it("an unknown region", () =>
      expectOneLine(["--region", "eu-wets-1"], withKeys(), 2, /^Error: Unknown AWS region "eu-wets-1" \(--region\): .* Did you mean eu-west-1 \(Europe \(Ireland\)\)\?$/));

    it("an unknown region in AWS_REGION", () =>
      expectOneLine([], withKeys({ AWS_REGION: "moon-1" }), 2, /^Error: Unknown AWS region "moon-1" \(AWS_REGION\)/));

    it("a malformed access key id to store (the value is never echoed)", () =>
      expectOneLine(
        ["--store-profile", "lab", "--region", "us-east-1"],
        withKeys({ AWS_ACCESS_KEY_ID: SECRET }),
        2,
        /^Error: AWS_ACCESS_KEY_ID: That is not an access key id: expected AKIA or ASIA followed by 16 capital letters or digits/,
      ));

    it("a malformed secret to store", () =>
      expectOneLine(["--store-profile", "lab", "--region", "us-east-1"], withKeys({ AWS_SECRET_ACCESS_KEY: "dummy" }), 2, /^Error: AWS_SECRET_ACCESS_KEY: That is not a secret access key: .*\(got 5\)\.$/));

    it("--store-profile without keys and without a terminal", () =>
      expectOneLine(["--store-profile", "lab", "--region", "us-east-1"], env(), 2, /^Error: --store-profile needs an access key: run setup in a terminal/));

    it("an unusable profile name", () =>
      expectOneLine(["--store-profile", "my lab", "--region", "us-east-1"], withKeys(), 2, /^Error: "my lab" is not a usable profile name \(--store-profile\)/));

    it("no region anywhere, and no terminal to ask in", () =>
      expectOneLine([], withKeys(), 2, /^Error: No AWS region is set for profile "default": pass --region/));

    it("a credentials path that cannot be read as a file", () => {
      mkdirSync(files.credentials, { recursive: true });
      return setup(["--region", "us-east-1"], withKeys()).then((r) => {
        expect(r.code).to.equal(1);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.match(/^Error: .*credentials is not a regular file\. Point AWS_CONFIG_FILE \/ AWS_SHARED_CREDENTIALS_FILE at a file\.\n$/);
        expect(sim.log.length).to.equal(0);
      });
    });

    it("an unreadable credentials file", () => {
      mkdirSync(join(dir, "aws"));
      writeFileSync(files.credentials, "[default]\n");
      // The file system answers EACCES for it (root could read a chmod 000 file).
      return runBin(["setup", "--region", "us-east-1"], {
        env: withKeys({ DENY_READ_FILE: files.credentials }),
        nodeArgs: ["--import", DENY_ACCESS],
      }).then((r) => {
        expect(r.code).to.equal(1);
        expect(r.stderr).to.match(/^Error: Cannot read .*credentials: permission denied \(EACCES\)\. Fix that/);
        expect(r.stderr.trim().split("\n")).to.have.length(1);
        expect(sim.log.length).to.equal(0);
      });
    });

    it("a symlinked credentials file to store into", () => {
      mkdirSync(join(dir, "real"));
      writeFileSync(join(dir, "real", "credentials"), OTHER_PROFILE);
      mkdirSync(join(dir, "aws"));
      symlinkSync(join(dir, "real", "credentials"), files.credentials);
      return setup(["--store-profile", "lab", "--region", "us-east-1"], withKeys()).then((r) => {
        expect(r.code).to.equal(1);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.match(/^Error: Refusing to write .*credentials: it is a symbolic link\./);
        expect(readFileSync(join(dir, "real", "credentials"), "utf8")).to.equal(OTHER_PROFILE);
        expect(sim.log.length).to.equal(0);
      });
    });
  });
  describe("storing a key: every file checked before any is written, and never a secret others can read", () => {
    const store = ["--store-profile", "lab", "--region", "us-east-1"];

    /** Refused before anything: one line, no request, no key anywhere. */
    function expectRefusedBeforeAnything(r: RunResult, message: RegExp): void {
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr.trim().split("\n"), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(message);
      expectNoSecret(r);
      expect(sim.log.length, "no request was sent").to.equal(0);
    }

    it("a symlinked config file (where the region goes) refuses the store before the credentials are written", async () => {
      mkdirSync(join(dir, "aws"));
      mkdirSync(join(dir, "real"));
      writeFileSync(join(dir, "real", "config"), "[default]\noutput = json\n");
      symlinkSync(join(dir, "real", "config"), files.config);
      expectRefusedBeforeAnything(await setup(store, withKeys()), /^Error: Refusing to write .*config: it is a symbolic link\./);
      expect(existsSync(files.credentials), "credentials not written").to.equal(false);
      expect(readFileSync(join(dir, "real", "config"), "utf8")).to.equal("[default]\noutput = json\n");
    });

    it("a config directory it may not write: refused before the credentials are written", async () => {
      const configDir = join(dir, "cfg");
      mkdirSync(configDir);
      const r = await runBin(["setup", ...store], {
        env: withKeys({ AWS_CONFIG_FILE: join(configDir, "config"), DENY_WRITE_PATH: configDir }),
        nodeArgs: ["--import", DENY_ACCESS],
      });
      expectRefusedBeforeAnything(r, /^Error: Cannot write .*cfg: permission denied \(EACCES\)\./);
      expect(existsSync(files.credentials), "credentials not written").to.equal(false);
    });

    it("HOME empty: refused, nothing written in the current directory", async () => {
      const cwd = join(dir, "work");
      mkdirSync(cwd);
      const r = await runBin(["setup", ...store], { env: withKeys({ HOME: "", AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined }), cwd });
      expectRefusedBeforeAnything(r, /^Error: Refusing to write \.aws\/credentials: HOME is empty \(or not an absolute path\), so it would land in the current directory\./);
      expect(readdirSync(cwd)).to.deep.equal([]);
    });

    it("a credentials file others can read: the key is stored only after it is made private, with consent", async () => {
      mkdirSync(join(dir, "aws"));
      writeFileSync(files.credentials, OTHER_PROFILE);
      chmodSync(files.credentials, 0o644);
      expectRefusedBeforeAnything(
        await setup(store, withKeys()),
        /^Error: Refusing to store keys in .*credentials: other users can read it \(mode 0644\)\. Run setup with --fix-permissions/,
      );
      expect(readFileSync(files.credentials, "utf8")).to.equal(OTHER_PROFILE);
      expect(statSync(files.credentials).mode & 0o777).to.equal(0o644);

      const fixed = await setup([...store, "--fix-permissions"], withKeys());
      expect(fixed.code, fixed.stderr).to.equal(0);
      const lines = fixed.stdout.split("\n");
      const tightened = lines.findIndex((l) => l.includes(`✔ Credentials file ${files.credentials} was 0644, now 0600 (before the key was stored)`));
      const stored = lines.findIndex((l) => l.includes("✔ Stored key"));
      expect(tightened, fixed.stdout).to.be.within(0, stored - 1);
      expect(statSync(files.credentials).mode & 0o777).to.equal(0o600);
      expect(readFileSync(files.credentials, "utf8")).to.contain("[lab]");
      expectNoSecret(fixed);
    });

    it("a read-only (0400) credentials file is respected: not written, not replaced", async () => {
      mkdirSync(join(dir, "aws"));
      writeFileSync(files.credentials, OTHER_PROFILE);
      chmodSync(files.credentials, 0o400);
      const inode = statSync(files.credentials).ino;
      expectRefusedBeforeAnything(await setup(store, withKeys()), /^Error: Refusing to write .*credentials: it is read-only \(mode 0400\), so it is left as it is\./);
      expect(statSync(files.credentials).ino, "the same file, not a replacement").to.equal(inode);
      expect(statSync(files.credentials).mode & 0o777).to.equal(0o400);
      expect(readFileSync(files.credentials, "utf8")).to.equal(OTHER_PROFILE);
      expect(existsSync(files.config), "config not written").to.equal(false);
    });
  });
});
