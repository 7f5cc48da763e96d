// The benchmark's comparison for the bundle: the CLI run from tsc's output (dist/src), as the
// launcher does when there is no bundle. The compile cache comes from NODE_COMPILE_CACHE.
const { main } = await import("../../src/entry.js");
process.exitCode = await main(process.argv.slice(2));
