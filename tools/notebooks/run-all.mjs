#!/usr/bin/env node
// Executes notebooks headlessly with the sugar-lab kernel, stopping each at its first failing
// cell: `node tools/notebooks/run-all.mjs [--results FILE] [--verbose] [notebooks...]`
// (default: notebooks/*.ipynb). Executed copies go to notebooks/.executed/; the results file
// ({ passed, failed, skipped, notebooks }) is what tools/test-all.mjs adds to its total.
// SUGAR_SKIP_NOTEBOOKS=1 skips them all; without Jupyter every notebook counts as failed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXECUTED = path.join(ROOT, 'notebooks', '.executed');
const RUN_NOTEBOOK = path.join(ROOT, 'tools', 'notebooks', 'run_notebook.py');
const KERNEL_MODULE = path.join(ROOT, 'apps', 'cli', 'dist', 'commands', 'kernel.js');
const CELL_TIMEOUT_S = 600;

function parseArgs(argv) {
  const opts = { results: undefined, verbose: false, notebooks: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--results') opts.results = path.resolve(argv[++i] ?? '');
    else if (a.startsWith('--results=')) opts.results = path.resolve(a.slice('--results='.length));
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node tools/notebooks/run-all.mjs [--results FILE] [--verbose] [notebook.ipynb ...]');
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}; expected --results FILE, --verbose or notebook paths`);
    else opts.notebooks.push(path.resolve(a));
  }
  if (!opts.notebooks.length) {
    const dir = path.join(ROOT, 'notebooks');
    opts.notebooks = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
          .sort()
          .map((f) => path.join(dir, f))
      : [];
  }
  return opts;
}

/** The Python that can run notebooks: SUGAR_JUPYTER_PYTHON, /usr/bin/python3 (Debian's Jupyter), python3. */
function findRunnerPython() {
  const candidates = [process.env.SUGAR_JUPYTER_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import nbclient, nbformat, jupyter_client'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py };
  }
  return {
    reason: `no Python among ${candidates.join(', ')} can import nbclient, nbformat and jupyter_client (apt-get install python3-nbclient python3-jupyter-client, or set SUGAR_JUPYTER_PYTHON)`,
  };
}

/**
 * Makes sure a sugar-lab kernel that starts THIS workspace is visible to Jupyter. Registers it
 * when none is; when one exists but points at another checkout (or is stale), leaves it alone
 * and registers a private copy in a temporary JUPYTER_PATH entry for this run only.
 */
function prepareKernel(python) {
  if (!fs.existsSync(KERNEL_MODULE)) {
    return { reason: `${path.relative(ROOT, KERNEL_MODULE)} is missing; build the workspace first (npm run build)` };
  }
  const kernel = createRequire(import.meta.url)(KERNEL_MODULE);
  const status = kernel.kernelStatus({ python });
  if (status.installed && status.thisWorkspace && !status.stale) return { env: {} };
  if (!status.installed) {
    const r = kernel.installKernel({ python, user: true });
    console.log(`notebooks: registered kernel ${r.name} in ${r.resourceDir}`);
    return { env: {} };
  }
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-notebooks-'));
  kernel.installKernel({ python, prefix });
  const jupyterPath = [path.join(prefix, 'share', 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  console.log(
    `notebooks: the registered ${status.name} kernel starts ${status.workspace}${status.stale ? ` (stale: ${status.staleReason})` : ''}; using a private copy for this workspace`,
  );
  return { env: { JUPYTER_PATH: jupyterPath }, cleanup: () => fs.rmSync(prefix, { recursive: true, force: true }) };
}

function head(source, lines = 6) {
  const all = (source ?? '').split('\n');
  return (
    all
      .slice(0, lines)
      .map((l) => `    | ${l}`)
      .join('\n') + (all.length > lines ? `\n    | ... (${all.length - lines} more lines)` : '')
  );
}

function runOne(python, file, env, verbose) {
  const name = path.basename(file, '.ipynb');
  const out = path.join(EXECUTED, `${name}.ipynb`);
  const resultFile = path.join(EXECUTED, `.${name}.result.json`);
  fs.rmSync(resultFile, { force: true });
  const t0 = Date.now();
  const r = spawnSync(python, [RUN_NOTEBOOK, file, out, '--result', resultFile, '--timeout', String(CELL_TIMEOUT_S)], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', verbose ? 'inherit' : 'pipe', verbose ? 'inherit' : 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Math.round((Date.now() - t0) / 100) / 10;
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  let result;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    fs.rmSync(resultFile, { force: true });
  } catch {
    const why = r.error ? r.error.message : `exited with status ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    return { name, ok: false, seconds, error: `run_notebook.py ${why} without a result`, log };
  }
  if (result.ok) return { name, ok: true, seconds: result.seconds ?? seconds, executed: path.relative(ROOT, out) };
  const e = result.error;
  return {
    name,
    ok: false,
    seconds: result.seconds ?? seconds,
    executed: path.relative(ROOT, out),
    cell: e.cell ?? undefined,
    error: `${e.cell !== null ? `cell ${e.cell}: ` : ''}${e.ename}: ${e.evalue}`,
    source: e.source,
    log,
  };
}

function report(row, verbose) {
  if (row.skipped) return console.log(`notebooks: ${row.name} skipped (${row.error})`);
  if (row.ok) return console.log(`notebooks: ${row.name} ok (${row.seconds} s)`);
  const lines = [`notebooks: ${row.name} FAILED (${row.seconds} s)`, `  ${row.error}`];
  if (row.source != null) lines.push(`  cell ${row.cell} source:`, head(row.source));
  if (row.executed) lines.push(`  executed copy: ${row.executed}`);
  if (row.log && !verbose)
    lines.push(
      '  runner and kernel log (tail):',
      ...row.log
        .split('\n')
        .slice(-15)
        .map((l) => `    ${l}`),
    );
  console.log(lines.join('\n'));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const rows = [];
  const add = (row) => {
    rows.push(row);
    report(row, opts.verbose);
  };
  const addAll = (error, skipped) => opts.notebooks.forEach((f) => add({ name: path.basename(f, '.ipynb'), ok: false, skipped, seconds: 0, error }));

  if (process.env.SUGAR_SKIP_NOTEBOOKS === '1') {
    addAll('SUGAR_SKIP_NOTEBOOKS=1', true);
  } else if (opts.notebooks.length) {
    const { python, reason } = findRunnerPython();
    let prepared = { reason };
    if (python) {
      try {
        prepared = prepareKernel(python);
      } catch (err) {
        prepared = { reason: `could not register the sugar-lab kernel: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    if (prepared.reason) {
      addAll(`${prepared.reason}; set SUGAR_SKIP_NOTEBOOKS=1 to skip notebooks`, false);
    } else {
      fs.mkdirSync(EXECUTED, { recursive: true });
      const env = { ...process.env, ...prepared.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' };
      try {
        for (const file of opts.notebooks) {
          if (fs.existsSync(file)) add(runOne(python, file, env, opts.verbose));
          else add({ name: path.basename(file, '.ipynb'), ok: false, seconds: 0, error: `expected a notebook at ${file}; found nothing` });
        }
      } finally {
        prepared.cleanup?.();
      }
    }
  }

  const results = {
    passed: rows.filter((r) => r.ok).length,
    failed: rows.filter((r) => !r.ok && !r.skipped).length,
    skipped: rows.filter((r) => r.skipped).length,
    notebooks: rows.map(({ name, ok, skipped, seconds, cell, error }) => ({
      name,
      ok,
      ...(skipped ? { skipped } : {}),
      seconds,
      ...(cell !== undefined ? { cell } : {}),
      ...(error ? { error } : {}),
    })),
  };
  if (opts.results) {
    fs.mkdirSync(path.dirname(opts.results), { recursive: true });
    fs.writeFileSync(opts.results, `${JSON.stringify(results, null, 2)}\n`);
  }
  console.log(`notebooks: ${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
  process.exitCode = results.failed ? 1 : 0;
}

main();
