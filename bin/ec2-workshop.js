#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through "prepare").
// Written so that any Node.js can parse it: an older one gets one line saying what to install,
// instead of a syntax error or a stack trace from deep inside a dependency.
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
