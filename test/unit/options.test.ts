import { expect } from "chai";
import { Cli, Option, UsageError } from "clipanion";
import { PassThrough, Readable, Writable } from "node:stream";
import { buildCli } from "../../src/cli.js";
import { main } from "../../src/entry.js";
import { BaseCommand, type AppContext } from "../../src/commands/base.js";
import { commands } from "../../src/commands/index.js";
import { SetupCommand } from "../../src/commands/setup.js";
import { resolveTarget, workshopTarget } from "../../src/aws/target.js";
import { InputError, UserError } from "../../src/errors.js";
import { colorEnabled } from "../../src/ui/style.js";

/** A writable that remembers what was written. */
function capture(): Writable & { text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

function context(env: Record<string, string | undefined> = { NO_COLOR: "1" }): AppContext & { stdout: ReturnType<typeof capture>; stderr: ReturnType<typeof capture> } {
  return { stdin: Readable.from([]), stdout: capture(), stderr: capture(), env, colorDepth: 1 };
}

async function run(argv: string[], env: Record<string, string | undefined> = { NO_COLOR: "1" }): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("options: the CLI frame's parsing", () => {
  const cli = buildCli();

  it("parses setup's own flags and the global ones", () => {
    const cmd = cli.process(
      [
        "setup",
        "--profile", "lab",
        "--region", "eu-west-1",
        "--endpoint-url", "http://127.0.0.1:9",
        "--store-profile", "new",
        "--replace-profile",
        "--fix-permissions",
        "--install-pulumi",
        "--yes",
        "--debug",
      ],
      context(),
    ) as SetupCommand;
    expect(cmd).to.be.instanceOf(SetupCommand);
    expect(cmd.profile).to.equal("lab");
    expect(cmd.region).to.equal("eu-west-1");
    expect(cmd.endpointUrl).to.equal("http://127.0.0.1:9");
    expect(cmd.storeProfile).to.equal("new");
    expect([cmd.replaceProfile, cmd.fixPermissions, cmd.installPulumi, cmd.yes, cmd.debug]).to.deep.equal([true, true, true, true, true]);
  });

  it("defaults: no flags means undefined strings and false booleans; -y is --yes; --opt=value works", () => {
    const plain = cli.process(["setup"], context()) as SetupCommand;
    expect([plain.profile, plain.region, plain.endpointUrl, plain.storeProfile]).to.deep.equal([undefined, undefined, undefined, undefined]);
    expect([plain.yes, plain.replaceProfile, plain.debug]).to.deep.equal([false, false, false]);
    const short = cli.process(["setup", "-y", "--region=ap-south-1"], context()) as SetupCommand;
    expect(short.yes).to.equal(true);
    expect(short.region).to.equal("ap-south-1");
  });

  it("every registered command extends BaseCommand, so --profile/--region/--endpoint-url/--debug exist everywhere", () => {
    for (const command of commands) {
      expect(command.prototype, command.name).to.be.instanceOf(BaseCommand);
      expect(command.paths?.length, `${command.name} has a path`).to.be.greaterThan(0);
    }
    const paths = commands.flatMap((c) => c.paths!.map((p) => p.join(" ")));
    expect(new Set(paths).size, "no path is registered twice").to.equal(paths.length);
  });

  it("keeps the original tool's names as aliases", () => {
    const a = cli.process(["create-instances", "--profile", "x"], context()) as BaseCommand;
    const b = cli.process(["instances", "create", "--profile", "x"], context()) as BaseCommand;
    expect(a.constructor).to.equal(b.constructor);
    expect(a.profile).to.equal("x");
    expect(cli.process(["destroy-instances"], context()).constructor).to.equal(cli.process(["instances", "destroy"], context()).constructor);
  });

  it("an unknown command or flag, or a flag without its value: exit 2, one line, then one line pointing at --help", async () => {
    const cases: [string[], string, string][] = [
      [["frobnicate"], 'Error: Unknown command "frobnicate".', "Run `ec2-workshop --help` for the commands."],
      [["setup", "--bogus"], "Error: setup has no option --bogus.", "Run `ec2-workshop setup --help` for its options."],
      [["setup", "--regoin", "x"], "Error: setup has no option --regoin; did you mean --region?", "Run `ec2-workshop setup --help` for its options."],
      [["setup", "--region"], "Error: --region needs a value: --region <region>.", "Run `ec2-workshop setup --help` for its options."],
      [["setup", "--store-profile"], "Error: --store-profile needs a value: --store-profile <profile>.", "Run `ec2-workshop setup --help` for its options."],
      [["instances", "create", "--count", "-1"], "Error: --count must be at least 1 (got -1).", "Run `ec2-workshop instances create --help` for its options."],
      [["instances", "create", "-n", "-3"], "Error: --count must be at least 1 (got -3).", "Run `ec2-workshop instances create --help` for its options."],
      [["instances", "create", "--count", "2.5"], "Error: --count must be a whole number (got 2.5).", "Run `ec2-workshop instances create --help` for its options."],
      [["instances", "list", "surplus"], 'Error: instances list takes no argument "surplus".', "Run `ec2-workshop instances list --help` for its options."],
      [["workshop", "show"], "Error: workshop show needs <name>.", "Run `ec2-workshop workshop show --help` for its options."],
      [["instances", "extend", "--all"], "Error: instances extend needs --hours <hours>.", "Run `ec2-workshop instances extend --help` for its options."],
      [["instances", "replace", "--workshop", "w"], "Error: instances replace needs --seats <seats>.", "Run `ec2-workshop instances replace --help` for its options."],
      [["instances", "stop", "--lifetime", "3"], "Error: instances stop has no option --lifetime.", "Run `ec2-workshop instances stop --help` for its options."],
      [["instances", "stop", "--timeout"], "Error: --timeout needs a value: --timeout <duration>.", "Run `ec2-workshop instances stop --help` for its options."],
    ];
    for (const [argv, first, second] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).to.equal(2);
      expect(r.stderr, argv.join(" ")).to.equal(`${first}\n${second}\n`);
      expect(r.stdout).to.equal("");
    }
  });

  it("a typo in a command suggests the nearest one, in one line", async () => {
    const cases: [string[], string][] = [
      [["instance", "list"], 'Error: Unknown command "instance list"; did you mean "instances list"?'],
      [["instances", "lst", "--workshop", "x"], 'Error: Unknown command "instances lst"; did you mean "instances list"?'],
      [["workshp", "create"], 'Error: Unknown command "workshp create"; did you mean "workshop create"?'],
      [["list"], 'Error: Unknown command "list"; did you mean "workshop list" or "instances list"?'],
      [["setpu"], 'Error: Unknown command "setpu"; did you mean "setup"?'],
      [["create-instance"], 'Error: Unknown command "create-instance"; did you mean "create-instances"?'],
    ];
    for (const [argv, line] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).to.equal(2);
      expect(r.stderr.split("\n"), argv.join(" ")).to.deep.equal([line, "Run `ec2-workshop --help` for the commands.", ""]);
    }
  });

  it("no error output anywhere shows clipanion's usage line, its #0 value names or another prefix", async () => {
    for (const argv of [["frobnicate"], ["instances", "create", "--count"], ["instances", "create", "--count", "x"], ["instances", "list", "--sort", "size"], ["help", "nope"]]) {
      const r = await run(argv);
      expect(r.stderr, argv.join(" ")).not.to.match(/#0|\$ ec2-workshop|Unknown Syntax Error|Usage Error|Usage error|While running/);
      expect(r.stderr, argv.join(" ")).to.match(/^Error: /);
    }
  });

  it("--version prints the package version", async () => {
    const r = await run(["--version"]);
    expect(r.code).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
  });
});

describe("options: the error boundary of BaseCommand", () => {
  class Boom extends BaseCommand {
    static override paths = [["boom"]];
    kind = Option.String();
    protected run(): Promise<number> {
      if (this.kind === "usage") throw new UsageError("--count must be between 1 and 25\nmore detail");
      if (this.kind === "user") throw new UserError("No workshop \"x\". Create one with `ec2-workshop workshop create x`.");
      if (this.kind === "exit3") throw new UserError("Only 2 of 3 ready.", 3);
      if (this.kind === "ok") return Promise.resolve(0);
      throw new Error("something internal\nsecond line");
    }
  }

  async function runBoom(args: string[], env: Record<string, string | undefined> = { NO_COLOR: "1" }) {
    const c = new Cli<AppContext>({ binaryName: "ec2-workshop" });
    c.register(Boom);
    const ctx = context(env);
    const code = await c.run(["boom", ...args], ctx);
    return { code, stderr: ctx.stderr.text(), stdout: ctx.stdout.text() };
  }

  it("usage errors: exit 2, first line only, and where to find the options", async () => {
    const r = await runBoom(["usage"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal("Error: --count must be between 1 and 25\nRun `ec2-workshop boom --help` for its options.\n");
  });

  it("a user's mistake: one line, exit 1 (or the error's own code)", async () => {
    expect(await runBoom(["user"])).to.deep.equal({
      code: 1,
      stderr: 'Error: No workshop "x". Create one with `ec2-workshop workshop create x`.\n',
      stdout: "",
    });
    expect((await runBoom(["exit3"])).code).to.equal(3);
    expect((await runBoom(["ok"])).code).to.equal(0);
  });

  it("an unexpected error: one line, the stack only with --debug or DEBUG=ec2-workshop", async () => {
    const quiet = await runBoom(["internal"]);
    expect(quiet.code).to.equal(1);
    expect(quiet.stderr).to.equal("Error: something internal\n");
    const loud = await runBoom(["internal", "--debug"]);
    expect(loud.stderr).to.match(/^Error: something internal\nError: something internal\nsecond line\n\s+at /);
    const viaEnv = await runBoom(["internal"], { NO_COLOR: "1", DEBUG: "ec2-workshop" });
    expect(viaEnv.stderr).to.match(/\n\s+at /);
  });
});

describe("options: where AWS calls go (resolveTarget) and colours", () => {
  it("flags beat the environment; the region the calls are about (a workshop's) beats both, and its source is kept", () => {
    const env = { AWS_PROFILE: "envp", AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_EC2: "http://ec2", AWS_ENDPOINT_URL: "http://all" };
    expect(resolveTarget({}, env)).to.deep.equal({ profile: "envp", region: "us-east-1", regionSource: "AWS_REGION", endpointUrl: "http://ec2" });
    expect(resolveTarget({ profile: "p", region: "eu-west-1", endpointUrl: "http://x" }, env)).to.deep.equal({
      profile: "p",
      region: "eu-west-1",
      regionSource: "--region",
      endpointUrl: "http://x",
    });
    expect(resolveTarget({ region: "eu-west-1" }, env, "ap-south-1")).to.include({ region: "ap-south-1", regionSource: "the workshop's settings" });
    expect(resolveTarget({}, env, "ap-south-1", "the region prompt").regionSource).to.equal("the region prompt");
    expect(resolveTarget({}, { AWS_DEFAULT_REGION: "sa-east-1", AWS_ENDPOINT_URL: "http://all" })).to.deep.equal({
      profile: undefined,
      region: "sa-east-1",
      regionSource: "AWS_DEFAULT_REGION",
      endpointUrl: "http://all",
    });
    expect(resolveTarget({ profile: "  ", region: "" }, { AWS_PROFILE: " " })).to.deep.equal({ profile: undefined, region: undefined, endpointUrl: undefined });
  });

  it("a workshop's calls go to its own region: an ambient AWS_REGION gives way, another --region is refused (exit 2)", () => {
    const hb = { name: "hb", region: "us-east-1" };
    expect(workshopTarget({}, { AWS_REGION: "us-west-2" }, hb)).to.include({ region: "us-east-1", regionSource: 'aws:region of workshop "hb"' });
    expect(workshopTarget({ region: "us-east-1" }, { AWS_REGION: "us-west-2" }, hb).region).to.equal("us-east-1");
    expect(workshopTarget({ region: " us-east-1 " }, {}, hb).region).to.equal("us-east-1");
    let error: unknown;
    try {
      workshopTarget({ region: "us-west-2" }, {}, hb);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(InputError);
    expect((error as Error).message).to.equal(
      'Workshop "hb" is in us-east-1, not us-west-2 (--region): its instances exist only there, and any tagged "hb" in us-west-2 belong to someone else. Leave out --region; nothing was changed.',
    );
  });

  it("colour: NO_COLOR turns it off, FORCE_COLOR on (FORCE_COLOR=0 or false off), otherwise only on a TTY", () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    expect(colorEnabled(tty, {})).to.equal(true);
    expect(colorEnabled(tty, { NO_COLOR: "1" })).to.equal(false);
    expect(colorEnabled(tty, { TERM: "dumb" })).to.equal(false);
    expect(colorEnabled(pipe, {})).to.equal(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: "1" })).to.equal(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: "0" })).to.equal(false);
    expect(colorEnabled(tty, { FORCE_COLOR: "0" })).to.equal(false);
    expect(colorEnabled(tty, { FORCE_COLOR: "false" })).to.equal(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: "" })).to.equal(true);
  });
});
