import { expect } from "chai";
import { MAX_SEATS } from "../../src/instances/seats.js";
import { ANY_SEATS, parseCommand, parseSelection, PROMPT_HELP, selectionFormError, SORT_COMMAND_LIST, SORT_KEYS, SORTS } from "../../src/instances/select.js";
import { Prng } from "../../src/sim/prng.js";

describe("selection language", () => {
  const ok = (input: string, rows: number): number[] => {
    const r = parseSelection(input, rows);
    if (!r.ok) throw new Error(`expected "${input}" to parse, got: ${r.error}`);
    return r.rows;
  };
  const bad = (input: string, rows: number): string => {
    const r = parseSelection(input, rows);
    if (r.ok) throw new Error(`expected "${input}" to be rejected, got rows ${r.rows.join(",")}`);
    return r.error;
  };

  it("reads lists, ranges and mixtures, ascending and without duplicates", () => {
    expect(ok("1,2,3", 10)).to.deep.equal([1, 2, 3]);
    expect(ok("1-4", 10)).to.deep.equal([1, 2, 3, 4]);
    expect(ok("1,2,4-6", 10)).to.deep.equal([1, 2, 4, 5, 6]);
    expect(ok("3,1,3,2-3", 10)).to.deep.equal([1, 2, 3]);
    expect(ok(" 2 , 4 - 5 ", 10)).to.deep.equal([2, 4, 5]);
    expect(ok("7-7", 7)).to.deep.equal([7]);
    expect(ok("1-10", 10)).to.have.length(10);
  });

  it("rejects each malformed answer with one line naming the problem", () => {
    expect(bad("0", 5)).to.match(/no row 0/);
    expect(bad("6", 5)).to.match(/no row 6.*5 rows/);
    expect(bad("1,6", 5)).to.match(/no row 6/);
    expect(bad("5-2", 5)).to.match(/backwards.*2-5/);
    expect(bad("1--3", 5)).to.match(/not a range/);
    expect(bad("-3", 5)).to.match(/not a range/);
    expect(bad("3-", 5)).to.match(/not a range/);
    expect(bad("1-2-3", 5)).to.match(/not a range/);
    expect(bad("abc", 5)).to.match(/not a row number/);
    expect(bad("1,,2", 5)).to.match(/empty item/);
    expect(bad("1,", 5)).to.match(/empty item/);
    expect(bad("1.5", 5)).to.match(/not a row number/);
    expect(bad("+1", 5)).to.match(/not a row number/);
    expect(bad("1 2", 5)).to.match(/not a row number/);
    expect(bad("٣", 5)).to.match(/not a row number/); // Arabic-Indic digit three
    expect(bad("99999999999999999999", 5)).to.match(/no row/);
    expect(bad("1", 0)).to.match(/no rows/);
    expect(bad("", 5)).to.match(/nothing selected/);
    for (const e of [bad("5-2", 5), bad("x", 5)]) expect(e).to.not.contain("\n");
  });

  it("before the table is known: only the form is checked, a number too long to be a row is out of range, nothing is expanded", () => {
    expect(selectionFormError("1,2,4-6")).to.equal(undefined);
    expect(selectionFormError("99999999999999999999")).to.equal("row 99999999999999999999 is out of range");
    expect(selectionFormError("1-99999999999999999999")).to.equal("row 99999999999999999999 is out of range");
    expect(selectionFormError("0")).to.match(/no row 0/);
    expect(selectionFormError("4-2")).to.match(/backwards/);
    // A range of a billion rows is a well-formed selection; it is counted against the table later, never expanded.
    expect(selectionFormError("1-999999999")).to.equal(undefined);
    expect(bad("1-999999999", 5)).to.match(/no row 999999999: the table has 5 rows/);
  });

  it("seats before the workshop is known stop at the most a workshop may have", () => {
    expect(parseSelection(`1-${MAX_SEATS}`, MAX_SEATS, ANY_SEATS).ok).to.equal(true);
    const r = parseSelection("1-999999999", MAX_SEATS, ANY_SEATS);
    expect(r.ok ? r.rows.length : r.error).to.equal(`there is no seat 999999999: a workshop has at most ${MAX_SEATS} seats`);
    expect(parseCommand("seats 3,7-9", 5)).to.deep.equal({ kind: "seats", seats: [3, 7, 8, 9] });
    expect(parseCommand("seats 1-99999999999999999999", 5)).to.deep.equal({ kind: "error", message: `there is no seat 99999999999999999999: a workshop has at most ${MAX_SEATS} seats` });
  });

  it("a half-valid answer selects nothing", () => {
    expect(parseSelection("1,2,9", 5).ok).to.equal(false);
    expect(parseSelection("1-3,x", 5).ok).to.equal(false);
  });

  it("tells commands from selections", () => {
    expect(parseCommand("q", 3)).to.deep.equal({ kind: "quit" });
    expect(parseCommand(" Q ", 3)).to.deep.equal({ kind: "quit" });
    expect(parseCommand("r", 3)).to.deep.equal({ kind: "reload" });
    expect(parseCommand("fr", 3)).to.deep.equal({ kind: "filter", filter: "running" });
    expect(parseCommand("fs", 3)).to.deep.equal({ kind: "filter", filter: "stopped" });
    expect(parseCommand("ft", 3)).to.deep.equal({ kind: "filter", filter: "terminated" });
    expect(parseCommand("fp", 3)).to.deep.equal({ kind: "filter", filter: "pending" });
    expect(parseCommand("fa", 3)).to.deep.equal({ kind: "filter", filter: "all" });
    expect(parseCommand("se", 3)).to.deep.equal({ kind: "sort", sort: "seat" });
    expect(parseCommand("si", 3)).to.deep.equal({ kind: "sort", sort: "id" });
    expect(parseCommand("sp", 3)).to.deep.equal({ kind: "sort", sort: "ip" });
    expect(parseCommand("sc", 3)).to.deep.equal({ kind: "sort", sort: "created" });
    expect(parseCommand("ss", 3)).to.deep.equal({ kind: "sort", sort: "state" });
    expect(parseCommand("sn", 3)).to.deep.equal({ kind: "sort", sort: "name" });
    expect(parseCommand("", 3)).to.deep.equal({ kind: "empty" });
    expect(parseCommand("?", 3)).to.deep.equal({ kind: "help" });
    expect(parseCommand("1,3", 3)).to.deep.equal({ kind: "select", rows: [1, 3] });
    expect(parseCommand("zz", 3).kind).to.equal("error");
    expect(parseCommand("4", 3).kind).to.equal("error");
  });

  it("the prompt's sort commands and --sort are one list: every key has one command, and the help names them all", () => {
    expect(SORTS.map((x) => x.key)).to.deep.equal([...SORT_KEYS]);
    for (const { key, command } of SORTS) {
      expect(parseCommand(command, 3), command).to.deep.equal({ kind: "sort", sort: key });
      expect(PROMPT_HELP).to.contain(command);
    }
    expect(new Set(SORTS.map((x) => x.command)).size).to.equal(SORTS.length);
    expect(SORT_COMMAND_LIST).to.equal("se/si/sp/sc/ss/sn");
  });
});

/** A seeded PRNG (the simulator's mulberry32), so every run makes the same choices. */
function prng(seed: number): () => number {
  const rng = new Prng(seed);
  return () => rng.next();
}

describe("selection language: property test (seeded)", () => {
  const ALPHABET = ["0", "1", "2", "3", "5", "9", "10", "42", "-", "-", ",", ",", " ", "a", "q", "x", ".", "+", "٣", "999999999999", "\t", ""];

  function randomInput(rand: () => number): string {
    const r = rand();
    if (r < 0.45) {
      // Plausible selections, often near the table's edges.
      const items: string[] = [];
      const n = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) {
        const a = Math.floor(rand() * 30) - 2;
        if (rand() < 0.4) items.push(`${a}-${a + Math.floor(rand() * 10) - 3}`);
        else items.push(String(a));
      }
      return items.join(rand() < 0.9 ? "," : ", ");
    }
    let s = "";
    const len = Math.floor(rand() * 12);
    for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
    return s;
  }

  /** An independent, obviously-correct reading of the grammar, to compare against. */
  function reference(input: string, rowCount: number): number[] | undefined {
    const items = input.trim().split(",").map((s) => s.trim());
    const out = new Set<number>();
    for (const item of items) {
      const single = /^(\d+)$/.exec(item);
      const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
      if (single) {
        const n = Number(single[1]);
        if (n < 1 || n > rowCount) return undefined;
        out.add(n);
      } else if (range) {
        const a = Number(range[1]);
        const b = Number(range[2]);
        if (a < 1 || b > rowCount || a > b) return undefined;
        for (let n = a; n <= b; n++) out.add(n);
      } else return undefined;
    }
    return [...out].sort((x, y) => x - y);
  }

  it("no input ever selects a row outside the table, and valid inputs agree with a reference reading", () => {
    const rand = prng(20261129);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const rowCount = Math.floor(rand() * 25);
      const input = randomInput(rand);
      const r = parseSelection(input, rowCount);
      const expected = reference(input, rowCount);
      if (r.ok) {
        accepted++;
        expect(r.rows.length, input).to.be.greaterThan(0);
        for (const row of r.rows) {
          expect(Number.isInteger(row), input).to.equal(true);
          expect(row, `${input} with ${rowCount} rows`).to.be.within(1, rowCount);
        }
        expect(new Set(r.rows).size, input).to.equal(r.rows.length);
        expect(r.rows, input).to.deep.equal([...r.rows].sort((a, b) => a - b));
        expect(r.rows, `${input} with ${rowCount} rows`).to.deep.equal(expected);
      } else {
        expect(expected, `"${input}" with ${rowCount} rows was rejected: ${r.error}`).to.equal(undefined);
        expect(r.error).to.be.a("string").and.not.contain("\n");
      }
      const c = parseCommand(input, rowCount);
      if (c.kind === "select") for (const row of c.rows) expect(row).to.be.within(1, rowCount);
    }
    // The generator must exercise both outcomes, or the test proves little.
    expect(accepted).to.be.greaterThan(1000);
    expect(accepted).to.be.lessThan(18_000);
  });
});
