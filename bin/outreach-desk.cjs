#!/usr/bin/env node
// The `outreach-desk` command: the Node build of the CLI (npm run build writes out/node/cli.mjs).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const entry = join(__dirname, '..', 'out', 'node', 'cli.mjs');
if (!existsSync(entry)) {
  process.stderr.write('error[internal]: The CLI is not built yet: run "npm run build" in the Outreach Desk folder first.\n');
  process.exit(1);
}
import(pathToFileURL(entry).href).catch((error) => {
  process.stderr.write(`error[internal]: ${error?.message ? error.message : String(error)}\n`);
  process.exit(1);
});
