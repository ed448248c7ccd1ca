#!/usr/bin/env node
// The README's test command: builds and tests every project through Nx (cached), runs the consumer
// test (tools/consumer: the packed libs in a fresh TensorFlow.js project), runs the
// notebooks headlessly when Jupyter is present, and sums all suites into one closing line.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const projects = [
  ...['libs', 'apps'].flatMap((d) =>
    fs
      .readdirSync(path.join(ROOT, d))
      .filter((p) => fs.existsSync(path.join(ROOT, d, p, 'package.json')))
      .map((p) => path.join(d, p)),
  ),
  // The libs bundled into a web page and run in headless Chromium (an Nx project of its own: tools/browser/project.json).
  path.join('tools', 'browser'),
];

for (const p of projects) fs.rmSync(path.join(ROOT, p, 'test-results.json'), { force: true });
const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'build', 'test', '--outputStyle=static', ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const p of projects) {
  const file = path.join(ROOT, p, 'test-results.json');
  if (!fs.existsSync(file)) {
    rows.push(`${p}: no test report (build or test run failed before reporting)`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  // A suite that failed to load counts as a failure even though it reports no test.
  const broken = (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
  passed += r.numPassedTests;
  failed += r.numFailedTests + broken;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  rows.push(`${p}: ${r.numPassedTests} passed, ${r.numFailedTests + broken} failed`);
}

// The libraries as another TensorFlow.js project installs them (packed, beside its own tfjs).
const consumer = path.join(ROOT, 'tools', 'consumer', 'test.mjs');
if (fs.existsSync(consumer)) {
  const out = path.join(ROOT, 'tools', 'consumer', '.results.json');
  fs.rmSync(out, { force: true });
  spawnSync(process.execPath, [consumer, '--results', out], { cwd: ROOT, env, stdio: 'inherit' });
  if (fs.existsSync(out)) {
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += r.passed;
    failed += r.failed;
    rows.push(`consumer: ${r.passed} passed, ${r.failed} failed`);
  } else {
    rows.push('consumer: test produced no report');
    failed += 1;
  }
}

const notebooks = path.join(ROOT, 'tools', 'notebooks', 'run-all.mjs');
if (fs.existsSync(notebooks)) {
  const out = path.join(ROOT, 'notebooks', '.results.json');
  fs.rmSync(out, { force: true });
  spawnSync(process.execPath, [notebooks, '--results', out], { cwd: ROOT, env, stdio: 'inherit' });
  if (fs.existsSync(out)) {
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped ?? 0;
    rows.push(`notebooks: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
  } else {
    rows.push('notebooks: runner produced no report');
    failed += 1;
  }
}

if (nx.status !== 0 && failed === 0) {
  rows.push(`nx exited with status ${nx.status}`);
  failed += 1;
}
console.log(['', 'Summary:', ...rows.map((r) => `  ${r}`)].join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
