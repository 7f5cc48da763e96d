// `npm run build`'s last step: bundles the command-line tool into dist/cli/, the code that
// bin/ec2-workshop.js runs. Measured (README, Performance): loading some 50 separate files of
// the AWS SDK's CommonJS build made `instances list` spend over half its start-up in Node's module
// loader (format detection, the CommonJS export scanner, compiling the whole 2 MB EC2 client);
// one tree-shaken ES-module build takes about half the CPU time and 40 MiB less memory.
//
// - Input is tsc's output (dist/src/entry.js), so there is one compiler of record, the bundle runs
//   exactly the code the unit tests import, and esbuild chains tsc's source maps: --debug stack
//   traces name src/*.ts lines. Every module entry.js reaches (static or `import("./…")`) is
//   included, new ones too; test/unit/bundle.test.ts checks that against tsc's import graph.
// - Code splitting keeps the lazy loading: every `await import(...)` stays a separate file, so
//   --help and the first prompt load no AWS SDK code (test/unit/startup.test.ts).
// - The Pulumi side stays plain tsc output: @pulumi/* is never bundled (the Automation API is
//   loaded from node_modules), and the Pulumi program (dist/src/workshops/main.js, which the
//   Pulumi CLI runs with node_modules' @pulumi/pulumi) must never be reached from here.
// - A script that code starts as its own process, found as `new URL("./x.js", import.meta.url)`
//   (the Pulumi launcher), is bundled on its own beside the chunks, where that URL then points.
import { build } from "esbuild";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY = "dist/src/entry.js";
/** Two levels below the package root, like dist/src/*.js: home.ts finds the package root from there. */
export const OUT_DIR = "dist/cli";
/** esbuild's record of which source went into which output file (the start-up test reads it); written last. */
export const META_FILE = "dist/bundle-meta.json";
/** What Pulumi runs: it needs the real @pulumi/pulumi module instance from node_modules. */
const NEVER_BUNDLED = ["dist/src/workshops/main.js", "dist/src/workshops/program.js"];

// Each output file gets `require`: esbuild turns a bundled CommonJS module's require("tty") into
// a call of it, and an ES module has none of its own. createRequire costs microseconds.
const BANNER = 'import { createRequire as __ec2wsCreateRequire } from "node:module";\nconst require = __ec2wsCreateRequire(import.meta.url);';

/**
 * Node's built-in modules through require(), not `import`: the ES-module view of a built-in reads
 * every export once, and lazy ones load code nobody asked for (node:http's loads Node's fetch
 * implementation, undici; node:fs's its streams and promises; node:crypto's, node:util's and
 * node:process's dozens more). require() gives the object, and only what is used is read: about
 * 25 ms less for `instances list`. (require() calls in bundled CommonJS code are left as they
 * are; `await import()` of a built-in: dynamicBuiltinsByRequire below.)
 */
const builtinsByRequire = {
  name: "builtins-by-require",
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => {
      // Only `import … from`: esbuild reads a CommonJS module's exports property by property
      // there, while `await import()` of one would give its default export alone.
      if (args.kind !== "import-statement") return undefined;
      const name = args.path.replace(/^node:/, "");
      if (!builtins.has(name) && !args.path.startsWith("node:")) return undefined;
      return { path: name, namespace: "node-builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: "js",
    }));
  },
};

/**
 * Whether a file is read the way Node reads it (an .mjs file, or a .js file in a package of
 * "type": "module"): our own code is, the SDK's ES-module builds (packages without a type) are not.
 */
function nodeModeFile(file, packageTypes) {
  if (/\.m[jt]s$/.test(file)) return true;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (!packageTypes.has(dir)) {
      const pkg = join(dir, "package.json");
      packageTypes.set(dir, existsSync(pkg) ? (JSON.parse(readFileSync(pkg, "utf8")).type ?? "commonjs") : undefined);
    }
    const type = packageTypes.get(dir);
    if (type !== undefined) return type === "module";
    if (dirname(dir) === dir) return false;
  }
}

/**
 * The same for the SDK's `await import("node:http")` (its HTTP handler, on the first request to
 * an http:// endpoint such as a local one; the instance metadata client): about 60 ms of CPU for
 * `instances list` against the simulator. Such an import becomes the built-in's object through
 * require(), with itself as `default`, so named and default reads both work and each is read only
 * when used. (esbuild cannot do that with a module: a split-off CommonJS module gives an
 * `import()` its default export alone.) Only in dependencies' ES-module builds: our own code's
 * lazy built-ins keep Node's ES-module view, off the start-up path.
 */
function dynamicBuiltinsByRequire() {
  const builtins = new Set(builtinModules);
  const packageTypes = new Map();
  return {
    name: "dynamic-builtins-by-require",
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/].*\.js$/ }, async (args) => {
        if (nodeModeFile(args.path, packageTypes)) return undefined;
        const text = await readFile(args.path, "utf8");
        if (!text.includes("import(")) return undefined;
        let changed = false;
        const contents = text.replace(/\bimport\(\s*(["'])((?:node:)?[a-z_/]+)\1\s*\)/g, (all, quote, spec) => {
          const name = spec.replace(/^node:/, "");
          if (!builtins.has(name)) return all;
          changed = true;
          return `Promise.resolve().then(() => { const m = require("node:${name}"); return Object.create(m, { default: { value: m } }); })`;
        });
        return changed ? { contents, loader: "js" } : undefined;
      });
    },
  };
}

/**
 * The AWS SDK's generated shapes (@aws-sdk/client-*\/dist-es/schemas/schemas_N.js: some 3,400
 * for EC2, 1 MB) are plain arrays, except that their object keys are written `{ [_xN]: … }` with
 * module constants (`const _xN = "xmlName"`), and a computed key counts as a possible side effect,
 * so esbuild kept every shape. Writing those keys as the constants' own string literals changes
 * nothing at run time and lets the shapes nobody uses go: EC2's 1 MB becomes about 150 KB. Should
 * a later SDK write its shapes otherwise, nothing matches and the bundle is only larger.
 */
const prunableSdkShapes = {
  name: "prunable-sdk-shapes",
  setup(b) {
    b.onLoad({ filter: /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      // Only in a file with no inner scopes (no functions but `() => shape` thunks), where no
      // name can be shadowed; anything else is left as it is.
      if (/\bfunction\b|\bclass\b|\bcatch\b/.test(text) || text.split("=>").length !== text.split(/\(\)\s*=>/).length) return undefined;
      const constants = new Map();
      for (const m of text.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(m[1], m[2]);
      const contents = text.replace(/([{,]\s*)\[(_\w+)\]:/g, (all, before, name) => (constants.has(name) ? `${before}${constants.get(name)}:` : all));
      return { contents, loader: "js" };
    });
  },
};

/** Collects `new URL("./x.js", import.meta.url)` in the tool's own modules: scripts run as their own process. */
function siblingScripts(found) {
  return {
    name: "sibling-scripts",
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (args) => {
        const text = await readFile(args.path, "utf8");
        for (const m of text.matchAll(/new URL\(\s*(["'`])([^"'`]+)\1\s*,\s*import\.meta\.url\s*\)/g)) {
          if (!/^\.\/[^/]+\.js$/.test(m[2]))
            throw new Error(`${relative(ROOT, args.path)}: new URL("${m[2]}", import.meta.url) must name a sibling ("./name.js") to be bundled`);
          found.add(join(dirname(args.path), m[2]));
        }
        return undefined; // esbuild reads it as usual (and its source map)
      });
    },
  };
}

const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node22",
  // The SDK's packages carry an ES-module build ("module") beside the CommonJS one ("main"); only
  // the former can be tree-shaken, and it spares Node's CommonJS export scanning at load.
  mainFields: ["module", "main"],
  external: ["@pulumi/*"],
  sourcemap: "linked",
  sourcesContent: false,
  banner: { js: BANNER },
  logLevel: "warning",
  metafile: true,
};

export async function bundle({ root = ROOT, quiet = false } = {}) {
  const at = (p) => join(root, p);
  if (!existsSync(at(ENTRY))) throw new Error(`${ENTRY} is missing: run tsc first (npm run build does both)`);
  rmSync(at(OUT_DIR), { recursive: true, force: true });
  rmSync(at(META_FILE), { force: true });
  const siblings = new Set();
  const main = await build({
    ...common,
    absWorkingDir: root,
    entryPoints: [ENTRY],
    entryNames: "[name]",
    outdir: OUT_DIR,
    splitting: true,
    plugins: [builtinsByRequire, prunableSdkShapes, dynamicBuiltinsByRequire(), siblingScripts(siblings)],
  });
  const metafile = main.metafile;
  for (const script of siblings) {
    const out = join(OUT_DIR, basename(script));
    if (metafile.outputs[out]) throw new Error(`${relative(root, script)} would overwrite ${out}`);
    const one = await build({ ...common, absWorkingDir: root, entryPoints: [script], outfile: out, plugins: [builtinsByRequire] });
    Object.assign(metafile.outputs, one.metafile.outputs);
    Object.assign(metafile.inputs, one.metafile.inputs);
  }
  const bundled = Object.keys(metafile.inputs);
  // `await import()` of a bundled CommonJS module gives only its default export in the bundle
  // (Node's own loader also finds named ones): refused here rather than failing at run time.
  const cjsImportedLazily = Object.entries(metafile.inputs).flatMap(([from, i]) =>
    i.imports.filter((x) => x.kind === "dynamic-import" && !x.external && metafile.inputs[x.path]?.format === "cjs").map((x) => `${from} -> ${x.path}`),
  );
  if (cjsImportedLazily.length)
    throw new Error(`await import() of a CommonJS module: ${cjsImportedLazily.join(", ")}; import it statically, or use createRequire`);
  const forbidden = bundled.filter((i) => NEVER_BUNDLED.includes(i) || /node_modules\/@pulumi\//.test(i));
  if (forbidden.length) throw new Error(`the bundle must not contain the Pulumi program or SDK: ${forbidden.join(", ")}`);
  writeFileSync(at(META_FILE), JSON.stringify(metafile));
  if (!quiet) {
    const files = Object.entries(metafile.outputs).filter(([f]) => f.endsWith(".js"));
    const kib = Math.round(files.reduce((n, [, o]) => n + o.bytes, 0) / 1024);
    process.stdout.write(`${OUT_DIR}: ${files.length} files, ${kib} KiB from ${bundled.length} modules\n`);
  }
  return metafile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    await bundle();
  } catch (err) {
    process.stderr.write(`bundle: ${err.message}\n`);
    process.exitCode = 1;
  }
}
