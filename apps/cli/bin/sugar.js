#!/usr/bin/env node
// The `sugar` command as npm links it. npm links a workspace's bin at install time only if the file exists then,
// and dist/ is built later, so the bin is this committed launcher: it runs the built CLI, and in a checkout of the
// monorepo whose CLI is not built yet (a fresh `npm ci`) it builds the workspace first (tools/sugar.mjs).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const main = path.join(__dirname, '..', 'dist', 'main.js');
if (fs.existsSync(main)) {
  require(main).main(process.argv);
} else {
  const buildAndRun = path.resolve(__dirname, '..', '..', '..', 'tools', 'sugar.mjs');
  if (!fs.existsSync(buildAndRun)) {
    process.stderr.write(`sugar: ${main} is missing: this installation of @sugar-lab/cli is incomplete; reinstall it\n`);
    process.exit(1);
  }
  process.stderr.write('sugar: building the workspace first (once after npm ci; `npm run build` does the same)\n');
  const r = spawnSync(process.execPath, [buildAndRun, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? (r.signal ? 128 : 1));
}
