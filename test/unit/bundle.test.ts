// The bundle the binary runs (dist/cli, scripts/bundle.mjs) holds every module the CLI reaches,
// new ones included, and nothing of the Pulumi side, which stays tsc's output for the Pulumi CLI.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { PACKAGE_ROOT } from "../../src/home.js";
import { readBundleMeta, type BundleMeta } from "../helpers/bundle.js";
import "../helpers/cli.js"; // bundles again first when dist/src is newer

/**
 * Every module of tsc's output that `from` reaches through relative imports: static ones and
 * `import("./…")` (type-only imports are gone from tsc's output already). Package-relative paths.
 */
function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(PACKAGE_ROOT, file), "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g))
      queue.push(relative(PACKAGE_ROOT, join(PACKAGE_ROOT, dirname(file), m[1]!)));
  }
  return seen;
}

describe("the bundle (dist/cli)", () => {
  let meta: BundleMeta;
  before(() => (meta = readBundleMeta()));

  it("holds every module the CLI's entry reaches in tsc's output, commands added later included", () => {
    const cli = reachable("dist/src/entry.js");
    // The reach is real: every command module, and the lazily imported services behind them.
    for (const m of ["dist/src/cli.js", "dist/src/commands/instances/list.js", "dist/src/instances/session.js", "dist/src/workshops/stacks.js"])
      expect(cli.has(m), m).to.equal(true);
    expect([...cli].filter((m) => !(m in meta.inputs))).to.deep.equal([]);
  });

  it("never holds the Pulumi program nor any @pulumi package (Pulumi runs dist/src/workshops/main.js with node_modules' @pulumi/pulumi)", () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs.filter((m) => m.startsWith("dist/src/workshops/program.js") || m.startsWith("dist/src/workshops/main.js"))).to.deep.equal([]);
    expect(inputs.filter((m) => m.includes("@pulumi/"))).to.deep.equal([]);
    // The program itself is tsc's output, where the workshop directory's Pulumi.yaml points.
    expect(existsSync(join(PACKAGE_ROOT, "dist", "src", "workshops", "main.js"))).to.equal(true);
    const external = Object.values(meta.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path));
    expect(external).to.include("@pulumi/pulumi/automation/index.js");
  });

  it("puts the scripts the CLI starts as their own process (the Pulumi launcher) beside its files", () => {
    expect(meta.outputs["dist/cli/pulumi-launcher.js"], "dist/cli/pulumi-launcher.js").to.not.equal(undefined);
    expect(Object.keys(meta.outputs["dist/cli/pulumi-launcher.js"]!.inputs)).to.include("dist/src/workshops/pulumi-launcher.js");
  });

  it("loads only the SDK shapes the commands use: the EC2 model's 1 MB of shapes is cut to what is sent and received", () => {
    const shapes = Object.values(meta.outputs)
      .map((o) => o.inputs["node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js"]?.bytesInOutput ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(shapes).to.be.greaterThan(0);
    expect(shapes).to.be.lessThan(400 * 1024);
  });

  it("reads the built-ins the SDK imports lazily (node:http for an http:// endpoint) through require, not their ES-module view", () => {
    const lazyBuiltins = Object.entries(meta.inputs).flatMap(([from, i]) =>
      from.startsWith("node_modules/") ? i.imports.filter((x) => x.kind === "dynamic-import" && x.path.startsWith("node:")).map((x) => `${from} -> ${x.path}`) : [],
    );
    expect(lazyBuiltins).to.deep.equal([]);
    // The SDK's HTTP handler is among the bundled modules, so the check above saw it.
    expect(Object.keys(meta.inputs).some((m) => m.includes("@smithy/node-http-handler/dist-es/"))).to.equal(true);
  });
});
