// The binary runs the bundle (dist/cli, made from tsc's output by scripts/bundle.mjs). Tests that
// spawn it must never run an older build than the code they were compiled with: after a bare
// `tsc` (dist/src newer than the bundle), the bundle is made again before the first spawn.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../../src/home.js";

/** esbuild's metafile: which source modules went into which output file. */
export const BUNDLE_META = join(PACKAGE_ROOT, "dist", "bundle-meta.json");

export interface BundleMeta {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

function newestJs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile() && e.name.endsWith(".js")) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  return newest;
}

export function ensureFreshBundle(): void {
  let built = 0;
  try {
    built = statSync(BUNDLE_META).mtimeMs;
  } catch {
    // no bundle yet
  }
  if (built >= newestJs(join(PACKAGE_ROOT, "dist", "src"))) return;
  process.stderr.write("(dist/cli is older than dist/src: bundling again, as npm run build does)\n");
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, "scripts", "bundle.mjs")], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error("scripts/bundle.mjs failed (see above)");
}

export function readBundleMeta(): BundleMeta {
  return JSON.parse(readFileSync(BUNDLE_META, "utf8")) as BundleMeta;
}

/**
 * What a process loaded, as source modules: each bundle file (a file: URL in dist/cli) becomes
 * the modules esbuild put into it (package-relative paths, e.g. `dist/src/entry.js`,
 * `node_modules/@aws-sdk/client-ec2/dist-es/...`); anything else is kept as it was recorded.
 */
export function sourcesOf(loaded: string[], meta: BundleMeta = readBundleMeta()): string[] {
  const out = new Set<string>();
  for (const entry of loaded) {
    const path = entry.startsWith("file:") ? fileURLToPath(entry) : undefined;
    const key = path?.startsWith(join(PACKAGE_ROOT, "dist", "cli")) ? path.slice(PACKAGE_ROOT.length + 1) : undefined;
    const output = key ? meta.outputs[key] : undefined;
    if (key && !output) throw new Error(`${key} is not in ${BUNDLE_META}: a bundle from another build?`);
    if (output) for (const input of Object.keys(output.inputs)) out.add(input);
    else out.add(entry);
  }
  return [...out];
}
