// An 80-column terminal (and one that says it has 0): the live counter keeps its counts (the bar
// goes first), tables fit or degrade readably, colour codes are never cut in half, and lines
// that come while a question is open wait until it is answered.
import { expect } from "chai";
import { PassThrough, Writable } from "node:stream";
import type { Clock } from "../../src/clock.js";
import { describeFaults, mergeFaults, noFaults } from "../../src/sim/faults.js";
import { countsLine, createProgressView, liveCountsLine } from "../../src/ui/progress.js";
import { styleFor, truncateVisible, visibleWidth } from "../../src/ui/style.js";
import { fitColumns, renderTable } from "../../src/ui/table.js";
import { assumeSizeWhenUnknown, tableWidth, terminalColumns } from "../../src/ui/terminal.js";

const colour = styleFor(Object.assign(new PassThrough(), { isTTY: true }), {});
const plain = styleFor(new PassThrough(), { NO_COLOR: "1" });
const fixedClock: Clock = { scale: 1, now: () => 0, sleep: () => Promise.resolve(), wallNow: () => new Date(0) };

function screen(columns: number): Writable & { text: string; columns: number; isTTY: boolean } {
  const out = new Writable({
    write(chunk: Buffer, _e, done) {
      out.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string; columns: number; isTTY: boolean };
  return Object.assign(out, { text: "", columns, isTTY: true });
}

describe("terminal: the live counter at 80 columns", () => {
  const big = { total: 1000, pending: 120, checking: 300, ready: 560, failed: 20 };

  it("keeps all four counts: with the bar when it fits, without it at 80 columns, in short words when narrower", () => {
    const wide = liveCountsLine(big, colour, 160);
    expect(wide).to.contain("━");
    const at80 = liveCountsLine(big, colour, 79);
    expect(visibleWidth(at80)).to.be.at.most(79);
    expect(at80).not.to.contain("━");
    expect(at80).to.contain(countsLine(big, colour));
    const at64 = liveCountsLine(big, colour, 64);
    expect(visibleWidth(at64)).to.be.at.most(64);
    // eslint-disable-next-line no-control-regex
    expect(at64.replace(/\u001b\[[0-9;]*m/g, "")).to.equal("│  120 pending · 300 booting · 560 ready · 20 failed of 1000");
    const narrow = liveCountsLine(big, colour, 56);
    expect(visibleWidth(narrow)).to.be.at.most(56);
    // eslint-disable-next-line no-control-regex
    expect(narrow.replace(/\u001b\[[0-9;]*m/g, "")).to.equal("│  120 pend · 300 boot · 560 ready · 20 fail of 1000");
  });

  it("draws every live line within the terminal's width, and lines that come while paused are shown after", () => {
    const out = screen(80);
    const view = createProgressView({ output: out, live: true, style: colour, clock: fixedClock });
    view.phase("Waiting for 1000 instance(s) to start and pass status checks, which may take a few minutes on a busy day");
    view.counts(big);
    view.pause();
    const before = out.text.length;
    view.line("Launched 3 in us-east-1b: i-1, i-2, i-3");
    view.counts({ ...big, ready: 561 });
    expect(out.text.length, "nothing is drawn while a question is open").to.equal(before);
    view.resume();
    expect(out.text.slice(before)).to.contain("Launched 3 in us-east-1b");
    view.stop();
    // eslint-disable-next-line no-control-regex
    const lines = out.text.replace(/\u001b\[\?25[lh]|\u001b\[\d*A|\u001b\[J|\r/g, "").split("\n");
    for (const l of lines) expect(visibleWidth(l), l).to.be.at.most(79);
  });

  it("stops with held lines first, then the last state", () => {
    const out = screen(80);
    const view = createProgressView({ output: out, live: true, style: plain, clock: fixedClock });
    view.counts({ total: 2, pending: 0, checking: 0, ready: 2, failed: 0 });
    view.pause();
    view.line("✗ i-9: stopped");
    view.stop();
    const tail = out.text.slice(out.text.lastIndexOf("✗"));
    expect(tail).to.match(/^✗ i-9: stopped\n◇ {2}Starting \[0s\]\n│ {2}0 pending/);
  });
});

describe("terminal: tables and widths", () => {
  const rows = [
    { id: "i-0123456789abcdef0", name: "intro-linux-workshop-k3f9x2ab", ip: "203.0.113.10", state: "running", batch: "k3f9x2ab" },
    { id: "i-0fedcba9876543210", name: "intro-linux-workshop-k3f9x2ab", ip: "203.0.113.11", state: "stopped", batch: "k3f9x2ab" },
  ];
  const columns = [
    { header: "#", value: (_r: unknown, i: number) => String(i + 1), align: "right" as const },
    { header: "Instance", value: (r: (typeof rows)[number]) => r.id },
    { header: "Name", value: (r: (typeof rows)[number]) => r.name, minWidth: 8 },
    { header: "Public IP", value: (r: (typeof rows)[number]) => r.ip, paint: (cell: string) => colour.green(cell) },
    { header: "State", value: (r: (typeof rows)[number]) => r.state },
    { header: "Batch", value: (r: (typeof rows)[number]) => r.batch, dropOrder: 1 },
  ];

  it("fits the width: long names are cut (with …) before anything is left out; without a width nothing changes", () => {
    const natural = renderTable(rows, columns, { style: colour });
    expect(Math.max(...natural.split("\n").map(visibleWidth))).to.be.greaterThan(70);
    const at70 = renderTable(rows, columns, { style: colour, width: 70 });
    for (const l of at70.split("\n")) expect(visibleWidth(l), l).to.be.at.most(70);
    expect(at70).to.contain("Batch");
    expect(at70).to.match(/intro-li[^ ]*…/);
    const at56 = renderTable(rows, columns, { style: colour, width: 56 });
    for (const l of at56.split("\n")) expect(visibleWidth(l), l).to.be.at.most(56);
    expect(at56).not.to.contain("Batch");
    expect(at56).to.contain("i-0123456789abcdef0");
  });

  it("fitColumns cuts the widest cuttable column first and gives the room back when it drops one", () => {
    expect(fitColumns([10, 30, 10], [{}, { minWidth: 5 }, {}], 40, 0)).to.deep.equal({ shown: [0, 1, 2], widths: [10, 16, 10] });
    expect(fitColumns([10, 30, 10], [{}, { minWidth: 25 }, { dropOrder: 1 }], 40, 0)).to.deep.equal({ shown: [0, 1], widths: [10, 28, 10] });
  });

  it("cuts coloured text without breaking a colour code, and closes it", () => {
    const cut = truncateVisible(colour.green("203.0.113.10"), 6);
    expect(visibleWidth(cut)).to.equal(6);
    // eslint-disable-next-line no-control-regex
    expect(cut).to.match(/^\u001b\[32m203\.0(\u001b\[39m)?…/);
    expect(cut.endsWith("\u001b[0m")).to.equal(true);
    expect(truncateVisible("short", 10)).to.equal("short");
  });

  it("a terminal that reports 0 columns is 80 wide (also after a resize to 0); a pipe has no width to fit", () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 0, rows: 0 });
    expect(terminalColumns(tty)).to.equal(80);
    assumeSizeWhenUnknown(tty);
    expect([tty.columns, tty.rows]).to.deep.equal([80, 24]);
    tty.columns = 0;
    tty.emit("resize");
    expect(tty.columns).to.equal(80);
    expect(tableWidth(new PassThrough())).to.equal(undefined);
    expect(tableWidth(Object.assign(new PassThrough(), { isTTY: true, columns: 120 }))).to.equal(120);
  });
});

describe("simulator banner: the active faults", () => {
  it("names each fault in a few words, or says none", () => {
    expect(describeFaults(noFaults())).to.equal("none");
    const f = mergeFaults(noFaults(), { capacityAzs: ["us-east-1a"], impairedRate: 0.1, errorRate: 0.05, vcpuLimit: 64 });
    expect(describeFaults(f)).to.equal("no capacity in us-east-1a; 10% impaired; 5% of requests answered 5xx; vCPU quota 64");
  });
});
