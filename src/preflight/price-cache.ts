// Prices from the Price List, kept on disk for a day: prices change rarely, and a launch should
// not wait for a price it looked up this morning. The file lives in the user's cache directory
// ($XDG_CACHE_HOME/ec2-workshop, else ~/.cache/ec2-workshop), never in the package folder, so no
// install or upgrade touches it. Losing it costs one lookup; so every failure here is silent.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import type { Env } from "../home.js";

export const PRICE_TTL_MS = 24 * 60 * 60 * 1000;

/** Where the price cache lives, or undefined when this user has no cache directory (no HOME). */
export function priceCacheFile(env: Env): string | undefined {
  const xdg = env.XDG_CACHE_HOME?.trim();
  // The XDG base directory spec: a relative XDG_CACHE_HOME is invalid and ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, "ec2-workshop", "prices.json");
  const home = env.HOME?.trim() || env.USERPROFILE?.trim();
  if (home && isAbsolute(home)) return join(home, ".cache", "ec2-workshop", "prices.json");
  return undefined;
}

interface Entry {
  usd: number;
  /** When it was fetched (ms since the epoch). */
  at: number;
}

export class PriceCache {
  private dirty = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly entries: Map<string, Entry>,
    private readonly now: () => number,
  ) {}

  /** Reads the file (a missing or damaged one is an empty cache). `file` undefined: memory only. */
  static async open(file: string | undefined, now: () => number = Date.now): Promise<PriceCache> {
    const entries = new Map<string, Entry>();
    if (file) {
      try {
        const doc = JSON.parse(await readFile(file, "utf8")) as { version?: number; entries?: Record<string, Entry> };
        if (doc.version === 1 && doc.entries && typeof doc.entries === "object")
          for (const [k, v] of Object.entries(doc.entries)) if (typeof v?.usd === "number" && typeof v?.at === "number") entries.set(k, v);
      } catch {
        // No file yet, or not ours to read: start empty.
      }
    }
    return new PriceCache(file, entries, now);
  }

  /** A price fetched less than a day ago. */
  get(key: string): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const age = this.now() - e.at;
    return age >= 0 && age < PRICE_TTL_MS ? e.usd : undefined;
  }

  set(key: string, usd: number): void {
    this.entries.set(key, { usd, at: this.now() });
    this.dirty = true;
  }

  /** Writes the file when something changed (stale entries dropped); never throws. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const fresh: Record<string, Entry> = {};
    for (const [k, e] of this.entries) if (this.now() - e.at < PRICE_TTL_MS) fresh[k] = e;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(tmp, `${JSON.stringify({ version: 1, entries: fresh }, null, 1)}\n`);
      await rename(tmp, this.file);
      this.dirty = false;
    } catch {
      // A read-only home or a full disk: the next run looks the price up again.
    }
  }
}
