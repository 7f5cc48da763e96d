#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through "prepare").
import { main } from "../dist/src/entry.js";

process.exitCode = await main(process.argv.slice(2));
