import { expect } from "chai";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addProfile,
  awsFilePaths,
  inspectAwsFile,
  isReadableByOthers,
  listProfiles,
  parseIni,
  ProfileExistsError,
  readAwsFile,
  readProfile,
  setProfileValues,
  tightenMode,
  writeProblem,
} from "../../src/aws/credentials-file.js";
import { InputError, UserError } from "../../src/errors.js";

const KEYS = { aws_access_key_id: "AKIAABCDEFGHIJKLMNOP", aws_secret_access_key: "abcdEFGHijklMNOPqrstUVWXyz0123456789/+ab" };

/** A hand-written file with everything people put in one: comments, odd spacing, CRLF-free, a non-UTF-8 byte. */
const HAND_WRITTEN = Buffer.concat([
  Buffer.from("# my keys, do not share\n[default]\naws_access_key_id=AKIAOLDOLDOLDOLDOLD1\naws_secret_access_key = s3cr3t\n\n; work\n[ work ]\n"),
  Buffer.from([0x23, 0x20, 0xe9, 0x0a]), // "# é" in latin1: not valid UTF-8, must survive
  Buffer.from("aws_access_key_id = AKIAWORKWORKWORKWORK\naws_secret_access_key = w0rk\n"),
]);

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

describe("credentials-file: the AWS shared files writer", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-creds-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function noTempFilesLeft(folder = dir): void {
    expect(readdirSync(folder).filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
  }

  it("creates a missing file with mode 0600, and a missing ~/.aws with mode 0700", async () => {
    const file = join(dir, "home", ".aws", "credentials");
    const r = await addProfile(file, "credentials", "workshop", KEYS);
    expect(r.outcome).to.equal("created");
    expect(modeOf(file)).to.equal(0o600);
    expect(modeOf(join(dir, "home", ".aws"))).to.equal(0o700);
    expect(readFileSync(file, "utf8")).to.equal(
      `[workshop]\naws_access_key_id = ${KEYS.aws_access_key_id}\naws_secret_access_key = ${KEYS.aws_secret_access_key}\n`,
    );
    noTempFilesLeft(join(dir, "home", ".aws"));
  });

  it("creates 0600 even with a permissive umask", async () => {
    const old = process.umask(0o000);
    try {
      const file = join(dir, "credentials");
      await addProfile(file, "credentials", "a", KEYS);
      expect(modeOf(file)).to.equal(0o600);
    } finally {
      process.umask(old);
    }
  });

  it("adds a profile at the end and keeps every other byte (comments, spacing, non-UTF-8) unchanged", async () => {
    const file = join(dir, "credentials");
    writeFileSync(file, HAND_WRITTEN, { mode: 0o600 });
    const r = await addProfile(file, "credentials", "workshop", KEYS);
    expect(r.outcome).to.equal("added");
    const after = readFileSync(file);
    expect(after.subarray(0, HAND_WRITTEN.length).equals(HAND_WRITTEN)).to.equal(true);
    expect(after.subarray(HAND_WRITTEN.length).toString("latin1")).to.equal(
      `\n[workshop]\naws_access_key_id = ${KEYS.aws_access_key_id}\naws_secret_access_key = ${KEYS.aws_secret_access_key}\n`,
    );
    expect(await listProfiles(file, "credentials")).to.deep.equal(["default", "work", "workshop"]);
    expect((await readProfile(file, "credentials", "default"))?.aws_access_key_id).to.equal("AKIAOLDOLDOLDOLDOLD1");
    noTempFilesLeft();
  });

  it("adds the missing newline of a last line, and keeps CRLF files CRLF", async () => {
    const noNewline = join(dir, "a");
    writeFileSync(noNewline, "[default]\nregion = x");
    await addProfile(noNewline, "config", "b", { region: "eu-west-1" });
    expect(readFileSync(noNewline, "utf8")).to.equal("[default]\nregion = x\n\n[profile b]\nregion = eu-west-1\n");

    const crlf = join(dir, "b");
    writeFileSync(crlf, "[default]\r\nregion = x\r\n");
    await addProfile(crlf, "config", "c", { region: "eu-west-1" });
    expect(readFileSync(crlf, "utf8")).to.equal("[default]\r\nregion = x\r\n\r\n[profile c]\r\nregion = eu-west-1\r\n");
  });

  it("refuses to overwrite an existing profile and leaves the file untouched", async () => {
    const file = join(dir, "credentials");
    writeFileSync(file, HAND_WRITTEN, { mode: 0o600 });
    let error: unknown;
    try {
      await addProfile(file, "credentials", "work", KEYS);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ProfileExistsError);
    expect((error as Error).message).to.match(/Profile "work" already exists in .*credentials; it was left unchanged/);
    expect(readFileSync(file).equals(HAND_WRITTEN)).to.equal(true);
    noTempFilesLeft();
  });

  it("with replace, rewrites only that profile's lines (comments before the next section stay)", async () => {
    const file = join(dir, "credentials");
    writeFileSync(file, HAND_WRITTEN, { mode: 0o600 });
    const r = await addProfile(file, "credentials", "default", KEYS, { replace: true });
    expect(r.outcome).to.equal("replaced");
    const text = readFileSync(file).toString("latin1");
    const original = HAND_WRITTEN.toString("latin1");
    const oldSection = "[default]\naws_access_key_id=AKIAOLDOLDOLDOLDOLD1\naws_secret_access_key = s3cr3t\n";
    const newSection = `[default]\naws_access_key_id = ${KEYS.aws_access_key_id}\naws_secret_access_key = ${KEYS.aws_secret_access_key}\n`;
    expect(text).to.equal(original.replace(oldSection, newSection));
    expect(text).to.contain("; work\n[ work ]\n");
  });

  it("refuses a symlinked target, writing neither the link nor the file it points to", async () => {
    const real = join(dir, "real-credentials");
    writeFileSync(real, "[default]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD1\n", { mode: 0o600 });
    const link = join(dir, "credentials");
    symlinkSync(real, link);
    let error: unknown;
    try {
      await addProfile(link, "credentials", "new", KEYS);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(UserError);
    expect((error as Error).message).to.match(/^Refusing to write .*credentials: it is a symbolic link/);
    expect(lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(readFileSync(real, "utf8")).to.equal("[default]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD1\n");
    noTempFilesLeft();
  });

  it("keeps the existing file's mode when it rewrites it", async () => {
    const file = join(dir, "config");
    writeFileSync(file, "[default]\noutput = json\n");
    chmodSync(file, 0o644);
    await setProfileValues(file, "config", "default", { region: "eu-central-1" });
    expect(modeOf(file)).to.equal(0o644);
  });

  it("sets the region in a profile's config section, keeping its other keys and the rest of the file", async () => {
    const file = join(dir, "config");
    const before =
      "[default]\nregion = us-east-1\n\n[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\n# trailing comment\n\n[sso-session corp]\nsso_region = us-east-1\n";
    writeFileSync(file, before);
    const r = await setProfileValues(file, "config", "sso", { region: "eu-west-1" });
    expect(r.outcome).to.equal("updated");
    expect(readFileSync(file, "utf8")).to.equal(before.replace("sso_account_id = 111122223333\n", "sso_account_id = 111122223333\nregion = eu-west-1\n"));

    // Changing an existing value edits that one line only; the same value writes nothing.
    await setProfileValues(file, "config", "default", { region: "ap-south-1" });
    expect(readFileSync(file, "utf8")).to.match(/^\[default\]\nregion = ap-south-1\n\n\[profile sso\]/);
    const unchanged = await setProfileValues(file, "config", "default", { region: "ap-south-1" });
    expect(unchanged.outcome).to.equal("unchanged");
  });

  it("names config sections the way the SDK reads them: [default] and [profile NAME]", async () => {
    const file = join(dir, "config");
    await setProfileValues(file, "config", "default", { region: "eu-west-1" });
    await setProfileValues(file, "config", "lab", { region: "eu-west-2" });
    expect(readFileSync(file, "utf8")).to.equal("[default]\nregion = eu-west-1\n\n[profile lab]\nregion = eu-west-2\n");
    expect(await readProfile(file, "config", "lab")).to.deep.equal({ region: "eu-west-2" });
    expect(await listProfiles(file, "config")).to.deep.equal(["default", "lab"]);
    // `[profile default]` counts as the default profile, as in the SDK.
    const other = join(dir, "config2");
    writeFileSync(other, "[profile default]\noutput = text\n");
    await setProfileValues(other, "config", "default", { region: "sa-east-1" });
    expect(readFileSync(other, "utf8")).to.equal("[profile default]\noutput = text\nregion = sa-east-1\n");
  });

  it("refuses a profile that appears twice, values with line breaks, and unusable profile names", async () => {
    const file = join(dir, "credentials");
    writeFileSync(file, "[a]\nx = 1\n[a]\ny = 2\n", { mode: 0o600 });
    await expectRejection(addProfile(file, "credentials", "a", KEYS, { replace: true }), /appears more than once/);
    await expectRejection(addProfile(file, "credentials", "b", { aws_access_key_id: "AKIA\n[evil]" }), /multi-line/, InputError);
    await expectRejection(addProfile(file, "credentials", "bad name", KEYS), /not a usable profile name/, InputError);
    expect(readFileSync(file, "utf8")).to.equal("[a]\nx = 1\n[a]\ny = 2\n");
  });

  it("tightens a group/world-readable file only when asked (tightenMode)", async () => {
    const file = join(dir, "credentials");
    writeFileSync(file, "[default]\n");
    chmodSync(file, 0o644);
    const state = await inspectAwsFile(file);
    expect(state.mode).to.equal(0o644);
    expect(isReadableByOthers(state.mode!)).to.equal(true);
    expect(await tightenMode(file)).to.equal(0o644);
    expect(modeOf(file)).to.equal(0o600);
    expect(isReadableByOthers(0o600)).to.equal(false);
  });

  it("writeProblem finds every reason not to write, before anything is written", async () => {
    const file = join(dir, "credentials");
    expect(await writeProblem(file, { secret: true }), "a new file in a writable place").to.equal(undefined);
    expect((await writeProblem(".aws/credentials", { secret: true }))?.kind, "relative: HOME was empty").to.equal("no-home");
    writeFileSync(file, "[default]\n");
    chmodSync(file, 0o644);
    expect((await writeProblem(file, { secret: true }))?.kind).to.equal("readable-by-others");
    expect(await writeProblem(file, { secret: false }), "a config file may stay 0644").to.equal(undefined);
    chmodSync(file, 0o400);
    const readOnly = await writeProblem(file, { secret: true });
    expect(readOnly?.kind).to.equal("read-only");
    expect(readOnly?.message).to.match(/it is read-only \(mode 0400\), so it is left as it is\. Make it writable \(chmod 600 /);
    chmodSync(file, 0o600);
    // The file system refuses (as it would a user without the permission; root is never refused by modes).
    const denied = (path: string): Promise<void> => Promise.reject(Object.assign(new Error(`EACCES: permission denied, access '${path}'`), { code: "EACCES" }));
    const unwritable = await writeProblem(file, { secret: true }, denied);
    expect(unwritable?.kind).to.equal("unwritable");
    expect(unwritable?.message).to.match(/^Cannot write .*credentials: permission denied \(EACCES\)/);
    // A missing ~/.aws: the nearest existing folder above it is the one that must be writable.
    const asked: string[] = [];
    await writeProblem(join(dir, "home", ".aws", "credentials"), { secret: true }, (p) => (asked.push(p), Promise.resolve()));
    expect(asked).to.deep.equal([dir]);
    const link = join(dir, "link");
    symlinkSync(file, link);
    expect((await writeProblem(link, { secret: false }))?.kind).to.equal("symlink");
  });

  it("never writes a secret into a file others can read, nor into a read-only file (not even by replacing it)", async () => {
    const file = join(dir, "credentials");
    writeFileSync(file, HAND_WRITTEN);
    chmodSync(file, 0o644);
    await expectRejection(addProfile(file, "credentials", "lab", KEYS), /^Refusing to store keys in .*credentials: other users can read it \(mode 0644\)/);
    chmodSync(file, 0o400);
    const inode = statSync(file).ino;
    await expectRejection(addProfile(file, "credentials", "lab", KEYS), /it is read-only \(mode 0400\)/);
    expect(statSync(file).ino, "not replaced by a rename").to.equal(inode);
    expect(readFileSync(file).equals(HAND_WRITTEN)).to.equal(true);
    expect(modeOf(file)).to.equal(0o400);
    noTempFilesLeft();
  });

  it("with HOME empty the default paths stay relative, and are never written", async () => {
    const saved = process.env.HOME;
    process.env.HOME = "";
    try {
      const paths = awsFilePaths({ HOME: "" });
      expect(paths).to.deep.equal({ credentials: join(".aws", "credentials"), config: join(".aws", "config") });
      expect(awsFilePaths({ HOME: "", AWS_SHARED_CREDENTIALS_FILE: "~/c" }).credentials).to.equal("c");
      expect(awsFilePaths({ HOME: "", AWS_CONFIG_FILE: "/etc/aws" }).config).to.equal("/etc/aws");
      await expectRejection(addProfile(paths.credentials, "credentials", "lab", KEYS), /^Refusing to write \.aws\/credentials: HOME is empty/);
      expect(existsSync(join(process.cwd(), ".aws", "credentials"))).to.equal(false);
    } finally {
      process.env.HOME = saved;
    }
  });

  it("reports an unreadable or odd path as one clear error", async function () {
    const notAFile = join(dir, "credentials");
    mkdirSync(notAFile);
    await expectRejection(inspectAwsFile(notAFile), /is not a regular file/);
    // A file this user may not read, as the file system reports it (root could read a chmod 000 one).
    const denied = (path: string): Promise<Buffer> =>
      Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES", syscall: "open", path }));
    await expectRejection(readAwsFile(join(dir, "locked"), denied), /^Cannot read .*locked: permission denied \(EACCES\)\. Fix that/);
  });

  it("parses sections with offsets that point at the header and just past the last key line", () => {
    const text = "top = 1\n[a]\nk = v\n  sub = 2\n\n# c\n[ profile   b ]\nx=y";
    const [a, b] = parseIni(text);
    expect(a!.name).to.equal("a");
    expect(text.slice(a!.start, a!.end)).to.equal("[a]\nk = v\n  sub = 2\n");
    expect([...a!.keys.keys()]).to.deep.equal(["k"]);
    expect(b!.name).to.equal("profile b");
    expect(b!.keys.get("x")?.value).to.equal("y");
    expect(b!.end).to.equal(text.length);
  });

  it("finds the files the SDK reads: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws", () => {
    expect(awsFilePaths({ HOME: "/h" })).to.deep.equal({ credentials: "/h/.aws/credentials", config: "/h/.aws/config" });
    expect(awsFilePaths({ HOME: "/h", AWS_SHARED_CREDENTIALS_FILE: "~/c", AWS_CONFIG_FILE: "/etc/aws" })).to.deep.equal({
      credentials: "/h/c",
      config: "/etc/aws",
    });
    expect(existsSync(join(dir, "nothing"))).to.equal(false);
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp, type: new (...a: never[]) => Error = UserError): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  expect(error, "expected a rejection").to.be.instanceOf(type);
  expect((error as Error).message).to.match(message);
}
