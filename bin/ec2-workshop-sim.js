#!/usr/bin/env node
// Thin launcher for the EC2-compatible simulator (see src/sim).
import { main } from "../dist/src/sim/main.js";

process.exitCode = await main(process.argv.slice(2));
