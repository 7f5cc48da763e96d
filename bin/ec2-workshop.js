#!/usr/bin/env -S node --optimize-for-size
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through "prepare").
// Written so that any Node.js can parse it: an older one gets one line saying what to install,
// instead of a syntax error or a stack trace from deep inside a dependency.
//
// --optimize-for-size: every command waits on the network far more than it computes, while
// holding the SDK's EC2 model and pages of up to 1,000 instances; V8 favouring memory over speed
// takes the peak of `instances create` at N = 1,000 from about 270 MB to about 145 MB (npm run
// bench). V8 applies it only when given at start: NODE_OPTIONS refuses it (only a few V8 flags
// are allowed there), v8.setFlagsFromString after start-up is documented as unpredictable, and a
// re-exec would pay a second Node.js start on every command. So the shebang passes it: `env -S`
// splits the line (GNU coreutils 8.30+, macOS and the BSDs), and npm's Windows shims read the same
// line. BusyBox's env (Alpine) has no -S: install GNU coreutils there, or run
// `node --optimize-for-size "$(command -v ec2-workshop)"`. Run as `node bin/ec2-workshop.js`, it
// simply runs without the flag.
const MINIMUM_NODE_MAJOR = 22; // package.json "engines"; test/unit/node-guard.test.ts keeps the two equal
const major = Number(process.versions.node.split(".")[0]);
if (major < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `ec2-workshop needs Node.js ${MINIMUM_NODE_MAJOR} or later; this is Node.js ${process.versions.node}. Install a current LTS from https://nodejs.org and run it again.\n`,
  );
  process.exit(1);
}
const { main } = await import("../dist/src/entry.js");
process.exitCode = await main(process.argv.slice(2));
