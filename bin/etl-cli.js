#!/usr/bin/env node
// The etl-cli command: everything lives in the built CLI entry.
import { main } from '../dist/cli/main.js';

await main(process.argv);
