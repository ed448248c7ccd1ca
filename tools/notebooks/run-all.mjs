#!/usr/bin/env node
// Executes notebooks headlessly with the sugar-lab kernel, stopping each at its first failing
// cell: `node tools/notebooks/run-all.mjs [--results FILE] [--verbose] [notebooks...]`
// (default: notebooks/*.ipynb, with the front-end checks below; named notebooks run alone). Executed copies go to notebooks/.executed/, each checked to stay
// under 2 MB. Then the front-end checks: the largest executed notebook exported with nbconvert and
// opened in headless Chromium (export-check.mjs), and `jupyter lab` and `jupyter notebook` started
// and a cell run through their REST/websocket API (server_check.py); a front end that is not
// installed is skipped, unless SUGAR_REQUIRE_JUPYTERLAB=1 (CI). The results file ({ passed,
// failed, skipped, notebooks, checks }) is what tools/test-all.mjs adds to its total.
// SUGAR_SKIP_NOTEBOOKS=1 skips them all; without Jupyter every notebook counts as failed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportCheck, findNbconvertPython, NOTEBOOK_LIMIT_BYTES } from './export-check.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXECUTED = path.join(ROOT, 'notebooks', '.executed');
const RUN_NOTEBOOK = path.join(ROOT, 'tools', 'notebooks', 'run_notebook.py');
const SERVER_CHECK = path.join(ROOT, 'tools', 'notebooks', 'server_check.py');
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
  // The front-end checks (export, jupyter lab, jupyter notebook) belong to a run of the repository's notebooks;
  // notebooks named on the command line are run alone.
  opts.frontEnds = !opts.notebooks.length;
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
  if (result.ok) {
    const bytes = fs.statSync(out).size;
    const row = { name, ok: true, seconds: result.seconds ?? seconds, bytes, executed: path.relative(ROOT, out) };
    // Figures carry their data and a PNG, never plotly.js (libs/plots show()): a notebook over the bound means a
    // figure or an output that should not be saved whole.
    if (bytes >= NOTEBOOK_LIMIT_BYTES) return { ...row, ok: false, error: `executed notebook is ${mb(bytes)}; expected under ${mb(NOTEBOOK_LIMIT_BYTES)}` };
    return row;
  }
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

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

function report(row, verbose) {
  if (row.skipped) return console.log(`notebooks: ${row.name} skipped (${row.error})`);
  if (row.ok)
    return console.log(
      `notebooks: ${row.name} ok (${row.seconds} s${row.bytes !== undefined ? `, ${mb(row.bytes)}` : ''}${row.detail ? `, ${row.detail}` : ''})`,
    );
  const lines = [`notebooks: ${row.name} FAILED (${row.seconds} s${row.bytes !== undefined ? `, ${mb(row.bytes)}` : ''})`, `  ${row.error}`];
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

/** Whether a missing front end (JupyterLab, the Notebook server, nbconvert) fails instead of skipping. */
const requireFrontEnds = () => process.env.SUGAR_REQUIRE_JUPYTERLAB === '1';

function notInstalled(name, reason) {
  const why = `${reason}${requireFrontEnds() ? ' (SUGAR_REQUIRE_JUPYTERLAB=1: required)' : ''}`;
  return { name, ok: false, skipped: !requireFrontEnds(), seconds: 0, error: why };
}

/** The largest notebook that ran, exported to HTML and opened in Chromium as a reader of the export would. */
async function exportRow(executed) {
  const name = 'html export';
  if (!executed.length) return { name, ok: false, skipped: true, seconds: 0, error: 'no notebook ran' };
  if (process.env.SUGAR_SKIP_BROWSER === '1') return { name, ok: false, skipped: true, seconds: 0, error: 'SUGAR_SKIP_BROWSER=1' };
  const { python, reason } = findNbconvertPython();
  if (!python) return notInstalled(name, reason);
  const file = executed.reduce((a, b) => (fs.statSync(b).size > fs.statSync(a).size ? b : a));
  const t0 = Date.now();
  try {
    const r = await exportCheck(file, { python });
    const detail = `${path.basename(file)}: ${mb(r.htmlBytes)} of HTML (${mb(r.templateBytes)} of it nbconvert's template), ${r.figures} figures as PNG, loaded in ${r.loadMs} ms`;
    return { name, ok: r.ok, seconds: (Date.now() - t0) / 1000, detail, ...(r.ok ? {} : { error: `${detail}: ${r.error}` }) };
  } catch (err) {
    return { name, ok: false, seconds: (Date.now() - t0) / 1000, error: err instanceof Error ? err.message : String(err) };
  }
}

/** `jupyter lab` / `jupyter notebook` started, a kernel created and cells run through the server's API. */
function serverRow(kind, env) {
  const name = `jupyter ${kind}`;
  const module = kind === 'lab' ? 'jupyterlab' : 'notebook';
  const candidates = [process.env.SUGAR_JUPYTER_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  const python = candidates.find((py) => spawnSync(py, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0);
  if (!python) {
    const hint = kind === 'lab' ? 'python3 -m pip install jupyterlab' : 'apt-get install jupyter-notebook, or python3 -m pip install notebook';
    return notInstalled(name, `no Python among ${candidates.join(', ')} has ${module} (${hint})`);
  }
  const r = spawnSync(python, [SERVER_CHECK, kind], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  let result;
  try {
    result = JSON.parse((r.stdout ?? '').trim().split('\n').pop());
  } catch {
    return { name, ok: false, seconds: 0, error: `server_check.py exited with status ${r.status} without a result: ${(r.stderr ?? '').trim().slice(-800)}` };
  }
  if (r.status === 77) return notInstalled(name, result.error);
  const detail = `${module} ${result.version ?? '?'} with ${python}`;
  return { name, ok: result.ok, seconds: result.seconds ?? 0, detail, ...(result.ok ? {} : { error: `${detail}: ${result.error}` }) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const rows = [];
  const checks = [];
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
        const executed = rows.filter((r) => r.executed && r.bytes !== undefined).map((r) => path.join(ROOT, r.executed));
        const check = (row) => {
          checks.push(row);
          report(row, opts.verbose);
        };
        if (opts.frontEnds) {
          check(await exportRow(executed));
          for (const kind of ['lab', 'notebook']) check(serverRow(kind, env));
        }
      } finally {
        prepared.cleanup?.();
      }
    }
  }

  const all = [...rows, ...checks];
  const summary = ({ name, ok, skipped, seconds, bytes, cell, detail, error }) => ({
    name,
    ok,
    ...(skipped ? { skipped } : {}),
    seconds,
    ...(bytes !== undefined ? { bytes } : {}),
    ...(cell !== undefined ? { cell } : {}),
    ...(detail ? { detail } : {}),
    ...(error ? { error } : {}),
  });
  const results = {
    passed: all.filter((r) => r.ok).length,
    failed: all.filter((r) => !r.ok && !r.skipped).length,
    skipped: all.filter((r) => r.skipped).length,
    notebooks: rows.map(summary),
    checks: checks.map(summary),
  };
  if (opts.results) {
    fs.mkdirSync(path.dirname(opts.results), { recursive: true });
    fs.writeFileSync(opts.results, `${JSON.stringify(results, null, 2)}\n`);
  }
  console.log(`notebooks: ${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
  process.exitCode = results.failed ? 1 : 0;
}

await main();
