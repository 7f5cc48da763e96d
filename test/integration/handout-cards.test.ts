// The printable cards in a real browser: Chromium (headless) prints the sheet to PDF on A4 and on
// US Letter, and the PDF must have exactly the expected pages, each with whole cards. Where
// Chromium is missing the test says so and skips. With poppler's pdftotext present, each page's
// text is checked too (every card's seat, address and name on one page); without it, the page
// count alone shows that no card spilled (each page is one grid that ends in a page break).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { HandoutEntry } from "../../src/instances/handout.js";
import { renderHandoutCards } from "../../src/ui/handout-cards.js";

function findOnPath(names: string[]): string | undefined {
  for (const name of names) {
    if (name.includes("/")) {
      if (existsSync(name)) return name;
      continue;
    }
    for (const dir of (process.env.PATH ?? "").split(":")) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const CHROMIUM = findOnPath([process.env.CHROMIUM ?? "", "chromium", "chromium-browser", "/usr/bin/chromium"].filter(Boolean));
const PDFTOTEXT = findOnPath(["pdftotext"]);

function entries(n: number): HandoutEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    seat: i + 1,
    name: `intro-${String(i + 1).padStart(2, "0")}`,
    instanceId: `i-0${String(i + 1).padStart(16, "0")}`,
    publicIp: `198.51.100.${i + 1}`,
  }));
}

/** Pages in a PDF: its page objects (`/Type /Page`, not `/Pages`). */
function pageCount(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

describe("printable hand-out cards in a real browser (Chromium → PDF)", function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    if (!CHROMIUM) {
      console.log("      (skipped: no Chromium on this machine (apt-get install chromium); the cards cannot be printed here)");
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "ec2ws-cards-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Prints the sheet on `size` paper; returns the PDF. */
  function print(html: string, size: "A4" | "letter", label: string): Buffer {
    // The sheet leaves the paper size to the printer; here each size is asked for explicitly.
    const page = html.replace("@page { margin: 12mm; }", `@page { size: ${size}; margin: 12mm; }`);
    expect(page, "the sheet's @page rule").to.not.equal(html);
    const file = join(dir, `${label}.html`);
    const pdf = join(dir, `${label}.pdf`);
    writeFileSync(file, page);
    const r = spawnSync(
      CHROMIUM!,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        `--user-data-dir=${join(dir, `profile-${label}`)}`,
        "--no-pdf-header-footer",
        `--print-to-pdf=${pdf}`,
        `file://${file}`,
      ],
      { encoding: "utf8", timeout: 90_000 },
    );
    expect(existsSync(pdf), `Chromium printed nothing (exit ${r.status}): ${r.stderr}`).to.equal(true);
    return readFileSync(pdf);
  }

  /** Each page's text, when pdftotext is here. */
  function pagesText(pdf: Buffer, label: string): string[] | undefined {
    if (!PDFTOTEXT) return undefined;
    const file = join(dir, `${label}-text.pdf`);
    writeFileSync(file, pdf);
    const r = spawnSync(PDFTOTEXT, ["-layout", file, "-"], { encoding: "utf8" });
    return r.stdout.split("\f").filter((p) => p.trim() !== "");
  }

  for (const size of ["A4", "letter"] as const) {
    it(`30 attendees on ${size}: 5 pages of 6 whole cards`, async () => {
      const html = await renderHandoutCards(entries(30), { workshop: "intro", instructions: "ssh student@{address}\nPassword: on the whiteboard\nYou are {name}" });
      const pdf = print(html, size, `thirty-${size}`);
      const media = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString("latin1"));
      const [w, h] = [Number(media?.[1]), Number(media?.[2])];
      // Points: A4 is 595 x 842, Letter 612 x 792.
      if (size === "A4") expect([Math.round(w), Math.round(h)]).to.deep.equal([595, 842]);
      else expect([Math.round(w), Math.round(h)]).to.deep.equal([612, 792]);
      expect(pageCount(pdf), "pages").to.equal(5);
      const pages = pagesText(pdf, `thirty-${size}`);
      if (!pages) {
        console.log("      (pdftotext not here: page count checked, page text not)");
        return;
      }
      expect(pages).to.have.length(5);
      pages.forEach((text, p) => {
        for (let seat = 6 * p + 1; seat <= 6 * p + 6; seat++) {
          const name = `intro-${String(seat).padStart(2, "0")}`;
          expect(text, `page ${p + 1}, seat ${seat}`).to.contain(`198.51.100.${seat}`);
          expect(text, `page ${p + 1}, seat ${seat}: the card's last line is on its page`).to.contain(`${name} · workshop intro`);
          expect(text).to.contain(`You are ${name}`);
        }
      });
    });
  }

  it("long instructions get bigger cards, still whole: 2 a page", async () => {
    const instructions = Array.from({ length: 14 }, (_, i) => `Step ${i + 1}: do the thing on {address}`).join("\n");
    const html = await renderHandoutCards(entries(5), { workshop: "intro", instructions });
    const pdf = print(html, "A4", "long");
    expect(pageCount(pdf)).to.equal(3);
    const pages = pagesText(pdf, "long");
    if (pages) for (const [p, text] of pages.entries()) expect(text, `page ${p + 1}`).to.contain("Step 14: do the thing");
  });
});
