import { expect } from "chai";
import { describeError, UserError } from "../../src/errors.js";
import type { HandoutEntry } from "../../src/instances/handout.js";
import type { Row } from "../../src/instances/listing.js";
import { renderHandoutCards } from "../../src/ui/handout-cards.js";
import { csvField, handoutCsv, renderHandoutTable, renderInstructions } from "../../src/ui/handout.js";
import { renderInstanceTable } from "../../src/ui/instance-table.js";
import { styleFor } from "../../src/ui/style.js";
import { renderTable } from "../../src/ui/table.js";
import { timeFormatter } from "../../src/ui/time.js";
import { jsonText, visible, visibleText } from "../../src/ui/visible.js";

const plain = styleFor(process.stdout, { NO_COLOR: "1" });
const colored = styleFor(process.stdout, { FORCE_COLOR: "1" });

/** Anything a terminal acts on, or that hides or reorders text: none may be printed raw. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
// eslint-disable-next-line no-control-regex
const OWN_STYLE = /\u001b\[\d+m/g;

const HOSTILE = "evil\u001b[2J\u001b]0;owned\u0007\r\nfake-row\tx\u202egnp.exe\u2066\u009b31m\u007f\u200b\ufeff\u0000";

describe("visible: control characters in printed values", () => {
  it("writes every control character as a visible escape, JavaScript style", () => {
    expect(visible("a\u001b[31mb")).to.equal("a\\x1b[31mb");
    expect(visible("one\ntwo\r\tthree")).to.equal("one\\ntwo\\r\\tthree");
    expect(visible("\u0000\u0007\u0008\u007f")).to.equal("\\x00\\x07\\x08\\x7f");
    expect(visible("\u0080\u0085\u009b\u009f")).to.equal("\\x80\\x85\\x9b\\x9f");
    expect(visible("\u202a\u202b\u202c\u202d\u202e")).to.equal("\\u202a\\u202b\\u202c\\u202d\\u202e");
    expect(visible("\u2066\u2067\u2068\u2069\u200e\u200f\u061c")).to.equal("\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c");
    expect(visible("a\u200bb\u2060c\ufeffd\u2028e\u2029f")).to.equal("a\\u200bb\\u2060c\\ufeffd\\u2028e\\u2029f");
  });

  it("keeps ordinary text as it is: accents, CJK, emoji (with ZWJ), backslashes, quotes", () => {
    for (const s of ["intro-07", "Zoë's café", "東京-1", "👩‍💻 lab", "C:\\Users\\student", "say \"hi\"", "", "a b  c"]) expect(visible(s)).to.equal(s);
  });

  it("leaves nothing raw in hostile text, and applied twice changes nothing more", () => {
    const once = visible(HOSTILE);
    expect(once).not.to.match(RAW);
    expect(once).not.to.include("\n");
    expect(visible(once)).to.equal(once);
    expect(visibleText(visibleText(HOSTILE))).to.equal(visibleText(HOSTILE));
  });

  it("visibleText keeps line feeds and tabs (multi-line instructions), turns CRLF into LF, shows a lone CR", () => {
    expect(visibleText("ssh student@x\r\n\tpassword\r\n")).to.equal("ssh student@x\n\tpassword\n");
    expect(visibleText("shown\rhidden")).to.equal("shown\\rhidden");
    expect(visibleText("a\u001b[8mb\u202ec")).to.equal("a\\x1b[8mb\\u202ec");
    expect(visibleText(HOSTILE)).not.to.match(RAW);
  });
});

describe("visible: where values are printed", () => {
  const time = timeFormatter({ TZ: "UTC" });
  const row = (n: number, name: string, extra: Partial<Row["instance"]> = {}): Row => ({
    row: n,
    instance: { instanceId: `i-0${n}`, name, state: "running", tags: {}, seat: n, launchTime: new Date(0), ...extra },
  });

  it("the instance table: one line per row whatever the Name holds, our own colours still on", () => {
    const rows = [row(1, HOSTILE), row(2, "ok", { state: "pend\u001b[1Ming", publicIp: "203.0.113.9\n3 9 i-0fake" })];
    for (const style of [plain, colored]) {
      const out = renderInstanceTable(rows, { style, time, now: new Date(0) });
      const lines = out.split("\n");
      expect(lines, out).to.have.length(3);
      expect(out.replace(OWN_STYLE, "")).not.to.match(RAW);
      expect(lines[1]).to.include("evil\\x1b[2J\\x1b]0;owned\\x07\\r\\nfake-row\\tx\\u202egnp.exe");
      expect(lines[2]).to.include("pend\\x1b[1Ming").and.to.include("203.0.113.9\\n3 9 i-0fake");
    }
    // Colour comes from the column, after the text is made visible.
    expect(renderInstanceTable([row(1, "a")], { style: colored, time, now: new Date(0) })).to.include("\u001b[32mrunning\u001b[39m");
  });

  it("a cut cell stays visible and closes its colour", () => {
    const out = renderTable([{ v: "\u001b[31m0123456789" }], [{ header: "V", value: (r) => r.v, minWidth: 6, paint: (c) => colored.red(c) }], { style: plain, width: 8 });
    expect(out.split("\n")[1]).to.equal("\u001b[31m\\x1b[31…\u001b[39m");
  });

  const entry: HandoutEntry = { seat: 3, name: `lab-3${HOSTILE}`, instanceId: "i-03", publicIp: "203.0.113.3\u001b[2K", availabilityZone: "us-east-1a\r\n9" };

  it("the hand-out table and the instructions, placeholders filled, stay in their lines", () => {
    const table = renderHandoutTable([entry], { style: plain });
    expect(table.split("\n")).to.have.length(2);
    expect(table).not.to.match(RAW);
    const text = renderInstructions("ssh student@{address}\r\nname: {name}\u202e", [entry], plain);
    expect(text).not.to.match(RAW);
    expect(text.split("\n")).to.have.length(4);
    expect(text).to.include("    ssh student@203.0.113.3\\x1b[2K\n    name: lab-3evil");
  });

  it("CSV: visible, RFC 4180 quoted, formulas defused, multi-line instructions kept in one field", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).to.equal(`"'=HYPERLINK(""http://x"")"`);
    for (const lead of ["+", "-", "@"]) expect(csvField(`${lead}1+1`)).to.equal(`'${lead}1+1`);
    expect(csvField("a\tb")).to.equal("a\\tb");
    expect(csvField("a\nb")).to.equal("a\\nb");
    expect(csvField("a\r\nb", true)).to.equal('"a\nb"');
    const csv = handoutCsv([entry], "=cmd|' /C calc'!A0\nssh {address}");
    expect(csv).not.to.match(RAW);
    const records = csv.trimEnd().split("\n");
    // The header, and one record whose quoted instructions span two lines.
    expect(records).to.have.length(3);
    expect(records[1]).to.match(/^3,lab-3evil\\x1b\[2J.*,"'=cmd\|' \/C calc'!A0$/);
    expect(records[2]).to.equal('ssh 203.0.113.3\\x1b[2K"');
  });

  it("HTML cards: escaped as HTML, and control characters visible", async () => {
    const html = await renderHandoutCards([entry], { workshop: "lab", instructions: "<b>ssh</b> {address}\n{name}", qr: false });
    expect(html).not.to.match(RAW);
    expect(html).to.include("&lt;b&gt;ssh&lt;/b&gt; 203.0.113.3\\x1b[2K\nlab-3evil\\x1b[2J");
    expect(html).to.include('<div class="address">203.0.113.3\\x1b[2K</div>');
  });

  it("error lines: one line, whatever AWS or a file put in the message", () => {
    const aws = Object.assign(new Error(`bad\n\u001b[31mError: spoofed\u202e`), { name: "InvalidParameterValue", $metadata: { httpStatusCode: 400 } });
    const line = describeError(aws);
    expect(line).not.to.match(RAW);
    expect(line).to.equal("AWS error InvalidParameterValue: bad\\n\\x1b[31mError: spoofed\\u202e.");
    expect(describeError(new UserError("Workshop \"x\u001b[2J\" is odd."))).to.equal('Workshop "x\\x1b[2J" is odd.');
  });
});

describe("visible: JSON documents", () => {
  it("keep the exact values (parsed back equal) with nothing raw for a terminal", () => {
    const doc = { name: HOSTILE, list: ["\u009b2J", "a\u2028b"], n: 1 };
    const text = jsonText(doc);
    expect(text).not.to.match(RAW);
    expect(text.endsWith("}\n")).to.equal(true);
    expect(JSON.parse(text)).to.deep.equal(doc);
    expect(text).to.include('"\\u009b2J"');
    expect(jsonText({ a: "plain" })).to.equal('{\n  "a": "plain"\n}\n');
  });
});
