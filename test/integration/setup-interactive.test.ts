// `ec2-workshop setup` in a real terminal (util-linux `script` gives it a pseudo-TTY): the
// first-run questions of a newcomer, typed as a person types them, against the simulator.
import { expect } from "chai";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Simulator } from "../../src/sim/index.js";
import { isolatedEnv } from "../helpers/cli.js";
import { hasScript, PtySession } from "../helpers/pty.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ENTER = "\r";

describe("setup in a terminal (first run)", function () {
  let sim: Simulator;
  let dir: string;
  let home: WorkshopHome;
  let files: { credentials: string; config: string };
  const sessions: PtySession[] = [];

  before(async function () {
    if (!hasScript()) {
      console.log("      (skipped: util-linux `script` is not installed, so no pseudo-terminal can be made)");
      this.skip();
    }
    const { startSimulator } = await import("../../src/sim/index.js");
    sim = await startSimulator({ seed: 5 });
  });
  after(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ec2ws-setup-tty-"));
    mkdirSync(join(dir, "bin"));
    home = makeWorkshopHome();
    files = { credentials: join(dir, "aws", "credentials"), config: join(dir, "aws", "config") };
    sim.clearLog();
    sim.setFaults({ unauthorizedActions: [] });
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.kill();
    rmSync(dir, { recursive: true, force: true });
    home.remove();
  });

  function start(args: string[] = []): PtySession {
    const env = isolatedEnv({
      HOME: dir,
      PATH: `${join(dir, "bin")}:/usr/bin:/bin`, // `script` runs the command through /bin/sh
      TERM: "xterm-256color",
      AWS_CONFIG_FILE: files.config,
      AWS_SHARED_CREDENTIALS_FILE: files.credentials,
      AWS_ENDPOINT_URL_EC2: sim.endpoint,
      AWS_ENDPOINT_URL_STS: sim.endpoint,
      EC2_WORKSHOP_HOME: home.dir,
    });
    const s = new PtySession(["setup", ...args], { env });
    sessions.push(s);
    return s;
  }

  it("asks for the region (searchable), offers to store a key in a named profile (secret not echoed), saves both; a rerun asks nothing", async () => {
    const s = start();
    await s.waitFor("AWS region for your workshops");
    s.keys("frankfurt");
    await s.waitFor("eu-central-1");
    s.keys(ENTER);
    await s.waitFor(/Store an AWS access key in .*credentials\?/);
    s.keys(ENTER); // Yes (the default)
    await s.waitFor("Profile to store it in");
    s.keys("\x7f".repeat("default".length) + "lab" + ENTER);
    await s.waitFor("AWS access key id");
    s.keys("AKIA-not-a-key");
    s.keys(ENTER);
    await s.waitFor("That is not an access key id");
    s.keys("\x7f".repeat(20)); // backspace over the mistake
    s.keys(KEY_ID);
    s.keys(ENTER);
    await s.waitFor("AWS secret access key (not shown)");
    s.keys(SECRET);
    s.keys(ENTER);
    await s.waitFor(/Stored key\s+AKIA…MPLE \(account 123456789012\) in profile "lab"/);
    // A profile set up now gets its region too, without another question.
    await s.waitFor(/Saved region\s+eu-central-1 in profile "lab" of .*config \(created\)/);
    await s.waitFor(/Pulumi CLI \(needed by `workshop` commands\) is not installed\. Download and install it now\?/);
    s.keys(ENTER); // No (the default): nothing is downloaded
    await s.waitFor("Other commands use this profile with --profile lab, or after `export AWS_PROFILE=lab`.");
    await s.waitFor(/Ready: account 123456789012 in eu-central-1, profile "lab"/);
    expect(await s.exit()).to.equal(0);

    expect(s.output).not.to.contain(SECRET);
    expect(s.output).to.match(/Credentials\s+AKIA…MPLE from profile "lab"/);
    expect(s.output).to.match(/EC2 access\s+DescribeInstances allowed \(dry run\)/);
    expect(readFileSync(files.credentials, "utf8")).to.equal(`[lab]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    expect(statSync(files.credentials).mode & 0o777).to.equal(0o600);
    expect(statSync(join(dir, "aws")).mode & 0o777).to.equal(0o700);
    expect(readFileSync(files.config, "utf8")).to.equal("[profile lab]\nregion = eu-central-1\n");

    // Everything in place: a second run only validates (the Pulumi offer is the only question left).
    const again = start(["--profile", "lab"]);
    await again.waitFor(/Download and install it now\?/);
    expect(again.output).not.to.match(/AWS region for your workshops|Store an AWS access key|Save eu-central-1|Stored key|Saved region/);
    again.keys(ENTER);
    await again.waitFor("Ready: account 123456789012 in eu-central-1");
    expect(await again.exit()).to.equal(0);
  });

  it("--yes skips yes/no questions with their default answers, but still asks for what only the user knows", async () => {
    const s = start(["--yes"]);
    await s.waitFor("AWS region for your workshops");
    s.keys("us-west-2");
    await s.waitFor("Oregon");
    s.keys(ENTER);
    // "Store a key?" defaults to yes: no question, straight to the key.
    await s.waitFor("AWS access key id");
    expect(s.output).not.to.contain("Store an AWS access key");
    s.keys(KEY_ID + ENTER);
    await s.waitFor("AWS secret access key");
    s.keys(SECRET + ENTER);
    await s.waitFor(/Saved region\s+us-west-2/);
    await s.waitFor("Ready:");
    expect(await s.exit()).to.equal(0);
    expect(s.output).not.to.match(/Download and install it now\?/); // its default is no
    expect(readFileSync(files.config, "utf8")).to.equal("[default]\nregion = us-west-2\n");
  });

  it("with working credentials but no region: asks for one, then whether to save it (answered no: nothing written)", async () => {
    const s = new PtySession(["setup"], {
      env: isolatedEnv({
        HOME: dir,
        PATH: `${join(dir, "bin")}:/usr/bin:/bin`,
        TERM: "xterm-256color",
        AWS_CONFIG_FILE: files.config,
        AWS_SHARED_CREDENTIALS_FILE: files.credentials,
        AWS_ENDPOINT_URL_EC2: sim.endpoint,
        AWS_ENDPOINT_URL_STS: sim.endpoint,
        AWS_ACCESS_KEY_ID: KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET,
        EC2_WORKSHOP_HOME: home.dir,
      }),
    });
    sessions.push(s);
    await s.waitFor("AWS region for your workshops");
    s.keys("ap-southeast-2");
    await s.waitFor("Sydney");
    s.keys(ENTER);
    await s.waitFor(/Credentials\s+AKIA…MPLE from environment variables/);
    await s.waitFor(/Save ap-southeast-2 as the region of profile "default" of .*config\?/);
    s.keys("n");
    await s.waitFor(/Saved region\s+not saved \(pass --yes to store ap-southeast-2/);
    await s.waitFor(/Download and install it now\?/);
    s.keys(ENTER);
    await s.waitFor("Ready: account 123456789012 in ap-southeast-2");
    expect(await s.exit()).to.equal(0);
    expect(existsSync(join(dir, "aws"))).to.equal(false);
  });

  it("stored keys that AWS no longer accepts: offers to replace exactly that profile, checks the new key first", async () => {
    mkdirSync(join(dir, "aws"));
    const dept = "[dept]\naws_access_key_id = AKIADEPTDEPTDEPTDEPT\naws_secret_access_key = deptsecret\n";
    writeFileSync(files.credentials, `[default]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD1\naws_secret_access_key = old\n\n${dept}`, { mode: 0o600 });
    writeFileSync(files.config, "[default]\nregion = eu-west-1\n");
    sim.setFaults({ unauthorizedActions: ["GetCallerIdentity"] }); // STS: InvalidClientTokenId
    const s = start();
    await s.waitFor(/AWS does not know this access key id\. Replace the access key of profile "default" in .*credentials\? \(only that profile changes\)/);
    sim.setFaults({ unauthorizedActions: [] }); // the new key is a good one
    s.keys("y");
    await s.waitFor("AWS access key id");
    s.keys(KEY_ID + ENTER);
    await s.waitFor("AWS secret access key");
    s.keys(SECRET + ENTER);
    await s.waitFor(/Stored key\s+AKIA…MPLE \(account 123456789012\) in profile "default" of .*\(replaced, mode 0600\)/);
    await s.waitFor(/AWS identity\s+account 123456789012/);
    await s.waitFor(/Download and install it now\?/);
    s.keys(ENTER);
    await s.waitFor("Ready: account 123456789012 in eu-west-1");
    expect(await s.exit()).to.equal(0);
    expect(readFileSync(files.credentials, "utf8")).to.equal(`[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n\n${dept}`);
    expect(readFileSync(files.config, "utf8")).to.equal("[default]\nregion = eu-west-1\n");
    expect(s.output).not.to.contain(SECRET);
  });

  it("a key to store in a credentials file others can read: asks to make it private first; no is nothing written, yes is 0600 before the key", async () => {
    mkdirSync(join(dir, "aws"));
    const dept = "[dept]\naws_access_key_id = AKIADEPTDEPTDEPTDEPT\naws_secret_access_key = deptsecret\n";
    writeFileSync(files.credentials, dept);
    chmodSync(files.credentials, 0o644);
    writeFileSync(files.config, "[default]\nregion = eu-west-1\n");
    const answer = async (consent: "n" | "y"): Promise<PtySession> => {
      const s = start();
      await s.waitFor(/Store an AWS access key in .*credentials\?/);
      s.keys(ENTER);
      await s.waitFor("Profile to store it in");
      s.keys(ENTER); // default
      await s.waitFor(/credentials is readable by other users \(mode 0644\)\. Make it private \(0600\) before the key is stored in it\?/);
      s.keys(consent);
      return s;
    };

    const refused = await answer("n");
    // The checklist wraps long lines under the frame's rail: words may be a line apart.
    await refused.waitFor(/Stored key\s+Refusing to store keys in [\s\S]*?credentials: other users can read it \(mode 0644\)\.[\s\S]*?Nothing\s+(│\s+)?was\s+(│\s+)?written\./);
    await refused.waitFor(/Download and install it now\?/);
    refused.keys(ENTER);
    expect(await refused.exit()).to.equal(1);
    expect(refused.output, "the key was never asked for").not.to.contain("AWS access key id");
    expect(readFileSync(files.credentials, "utf8")).to.equal(dept);
    expect(statSync(files.credentials).mode & 0o777).to.equal(0o644);

    const agreed = await answer("y");
    await agreed.waitFor(/Credentials file\s+.*credentials was 0644, now 0600 \(before the key was stored\)/);
    await agreed.waitFor("AWS access key id");
    agreed.keys(KEY_ID + ENTER);
    await agreed.waitFor("AWS secret access key");
    agreed.keys(SECRET + ENTER);
    await agreed.waitFor(/Stored key\s+AKIA…MPLE \(account 123456789012\) in profile "default" of .*\(added, mode 0600\)/);
    await agreed.waitFor(/Download and install it now\?/);
    agreed.keys(ENTER);
    await agreed.waitFor("Ready: account 123456789012 in eu-west-1");
    expect(await agreed.exit()).to.equal(0);
    expect(statSync(files.credentials).mode & 0o777).to.equal(0o600);
    expect(readFileSync(files.credentials, "utf8")).to.equal(`${dept}\n[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
  });

  it("Ctrl-C at a question: exit 1, one line, nothing written", async () => {
    const s = start();
    await s.waitFor("AWS region for your workshops");
    s.keys("\x03");
    await s.waitFor("Setup cancelled.");
    expect(await s.exit()).to.equal(1);
    expect(existsSync(join(dir, "aws"))).to.equal(false);
    expect(sim.log.length).to.equal(0);
  });
});
