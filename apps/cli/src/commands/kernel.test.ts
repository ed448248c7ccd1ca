import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  KERNEL_DISPLAY_NAME,
  KERNEL_NAME,
  buildKernelSpec,
  formatKernelStatus,
  installKernel,
  kernelStatus,
  registerKernelCommand,
  removeKernel,
  workspaceRoot,
  type KernelSpec,
} from './kernel';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PYTHON = process.env.SUGAR_JUPYTER_PYTHON || '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat, jupyter_client'], { encoding: 'utf8' });
const noJupyter = probe.status === 0 ? '' : ` [SKIPPED: ${PYTHON} cannot import nbclient/nbformat/jupyter_client]`;
if (noJupyter) console.warn(`kernel.test.ts:${noJupyter}`);

// Every Jupyter call in this file sees only temporary registries: JUPYTER_DATA_DIR is the
// per-user one, which Jupyter searches before the system-wide directories.
const saved = { JUPYTER_DATA_DIR: process.env.JUPYTER_DATA_DIR, JUPYTER_PATH: process.env.JUPYTER_PATH };
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-kernel-test-'));
  process.env.JUPYTER_DATA_DIR = path.join(tmp, 'data');
  delete process.env.JUPYTER_PATH;
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

function readSpec(dir: string): KernelSpec {
  return JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8')) as KernelSpec;
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: 'typescript' } },
    cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source })),
  });
}

describe('kernel spec', () => {
  it("runs this workspace's tools/kernel/start.js with the current Node and NODE_PATH on its node_modules", () => {
    expect(workspaceRoot()).toBe(ROOT);
    const spec = buildKernelSpec();
    expect(spec.argv).toEqual([process.execPath, path.join(ROOT, 'tools', 'kernel', 'start.js'), '{connection_file}']);
    expect(spec.display_name).toBe('sugar-lab (TypeScript)');
    expect(spec.language).toBe('typescript');
    expect(spec.env).toEqual({ NODE_PATH: path.join(ROOT, 'node_modules'), TF_CPP_MIN_LOG_LEVEL: '2' });
    expect(fs.existsSync(spec.argv[1])).toBe(true);
  });
});

describe.skipIf(Boolean(noJupyter))(`kernelspec install / status / remove${noJupyter}`, () => {
  it('installs per user, reports it, and removes it', () => {
    const r = installKernel({ user: true, python: PYTHON });
    expect(r.resourceDir).toBe(path.join(tmp, 'data', 'kernels', KERNEL_NAME));
    expect(readSpec(r.resourceDir)).toEqual(buildKernelSpec());

    const s = kernelStatus({ python: PYTHON });
    expect(s).toMatchObject({ installed: true, resourceDir: r.resourceDir, workspace: ROOT, thisWorkspace: true, stale: false });
    expect(s.argv?.[1]).toBe(path.join(ROOT, 'tools', 'kernel', 'start.js'));
    expect(formatKernelStatus(s)).toContain(`workspace ${ROOT} (this workspace)`);

    expect(removeKernel({ python: PYTHON })).toBe(r.resourceDir);
    expect(fs.existsSync(r.resourceDir)).toBe(false);
    // A system-wide sugar-lab kernel (CI installs one) may still be visible; ours must not be.
    expect(kernelStatus({ python: PYTHON }).resourceDir).not.toBe(r.resourceDir);
  });

  it('installs into a prefix, found through JUPYTER_PATH', () => {
    const prefix = path.join(tmp, 'prefix');
    const r = installKernel({ prefix, python: PYTHON, name: 'sugar-lab-prefix-test' });
    const dir = path.join(prefix, 'share', 'jupyter', 'kernels', 'sugar-lab-prefix-test');
    expect(r.resourceDir).toBe(dir);
    process.env.JUPYTER_PATH = path.join(prefix, 'share', 'jupyter');
    try {
      expect(kernelStatus({ python: PYTHON, name: 'sugar-lab-prefix-test' })).toMatchObject({ installed: true, resourceDir: dir, thisWorkspace: true });
    } finally {
      delete process.env.JUPYTER_PATH;
    }
  });

  it('flags a kernel whose workspace no longer exists as stale', () => {
    const dir = path.join(tmp, 'data', 'kernels', 'sugar-lab-stale-test');
    fs.mkdirSync(dir, { recursive: true });
    const spec = buildKernelSpec(path.join(tmp, 'gone'));
    fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(spec));
    const s = kernelStatus({ python: PYTHON, name: 'sugar-lab-stale-test' });
    expect(s).toMatchObject({ installed: true, workspace: path.join(tmp, 'gone'), thisWorkspace: false, stale: true });
    expect(s.staleReason).toContain(path.join(tmp, 'gone', 'tools', 'kernel', 'start.js'));
    expect(formatKernelStatus(s)).toContain('STALE');
  });

  it('`sugar kernel status --json` prints the status and exits 1 when the kernel is missing', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    const program = new Command('sugar').exitOverride();
    registerKernelCommand(program);
    try {
      await program.parseAsync(['node', 'sugar', 'kernel', 'status', '--json', '--name', 'sugar-lab-never-installed', '--python', PYTHON]);
    } finally {
      log.mockRestore();
    }
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ name: 'sugar-lab-never-installed', installed: false, jupyter: { python: PYTHON } });
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});

/** Runs one notebook through nbclient with the sugar-lab kernel, in a temp directory outside the workspace. */
function executeOutside(
  name: string,
  cells: string[],
): { outcome: { ok?: boolean; error?: unknown }; executed: { cells: { outputs: { name?: string; text?: string | string[] }[] }[] }; stderr: string } {
  installKernel({ user: true, python: PYTHON });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-nb-'));
  expect(path.relative(ROOT, dir).startsWith('..')).toBe(true);
  const nb = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(nb, notebook(cells));
  const result = path.join(dir, 'result.json');
  const r = spawnSync(PYTHON, [path.join(ROOT, 'tools', 'notebooks', 'run_notebook.py'), nb, path.join(dir, 'out.ipynb'), '--result', result], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
  });
  try {
    return {
      outcome: JSON.parse(fs.readFileSync(result, 'utf8')),
      executed: JSON.parse(fs.readFileSync(path.join(dir, 'out.ipynb'), 'utf8')),
      stderr: r.stderr,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(Boolean(noJupyter))(`the kernel through nbclient, from a notebook outside the workspace${noJupyter}`, () => {
  // The backend initBackend picks in a plain Node process from the workspace: the kernel must agree.
  const expected = () =>
    spawnSync(process.execPath, ['-e', "require('@sugar-lab/core').initBackend(undefined,{quiet:true}).then((b)=>console.log(b))"], {
      cwd: ROOT,
      encoding: 'utf8',
    }).stdout.trim();

  it('imports @sugar-lab/core (types and runtime) with the backend already initialized', () => {
    const { outcome, executed, stderr } = executeOutside('probe', [
      "import { tf, backendInfo } from '@sugar-lab/core';\nconst backend: string = tf.getBackend();\nconsole.log(`backend=${backend} ready=${backendInfo()?.backend === backend}`);",
    ]);
    expect(outcome.error, stderr).toBeUndefined();
    expect(outcome.ok).toBe(true);
    const stdout = executed.cells[0].outputs
      .filter((o) => o.name === 'stdout')
      .map((o) => [o.text ?? ''].flat().join(''))
      .join('');
    expect(stdout.trim()).toBe(`backend=${expected()} ready=true`);
  });

  it('names workspace types in cell declarations from outside the workspace (plots figures, polars frames)', () => {
    const { outcome, executed, stderr } = executeOutside('decl', [
      "import { trainingCurves } from '@sugar-lab/plots';\nimport { pl } from '@sugar-lab/experiments';",
      "const f = trainingCurves([{ variant: 'a', seed: 0, epochs: [0, 1], values: [1, 2] }], { metric: 'x' });\nconst df = pl.DataFrame({ a: [1, 2] });",
      'const n: number = f.data.length + df.height;\nconsole.log(`n=${n}`);',
    ]);
    expect(outcome.error, stderr).toBeUndefined();
    const stdout = executed.cells[2].outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
    expect(stdout).toMatch(/n=\d+/);
  });

  it('run-all.mjs passes a good notebook, stops a bad one at its first failing cell, and writes the results file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-nb-'));
    fs.writeFileSync(path.join(dir, 'kernel-test-good.ipynb'), notebook(["import { tf } from '@sugar-lab/core';\ntf.mul(tf.scalar(2), 3).dataSync()[0]"]));
    fs.writeFileSync(path.join(dir, 'kernel-test-bad.ipynb'), notebook(['const x = 1;', "const n: number = 'text';", 'console.log("never")']));
    const results = path.join(dir, 'results.json');
    const r = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'tools', 'notebooks', 'run-all.mjs'),
        '--results',
        results,
        path.join(dir, 'kernel-test-good.ipynb'),
        path.join(dir, 'kernel-test-bad.ipynb'),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, SUGAR_SKIP_NOTEBOOKS: '' },
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const summary = JSON.parse(fs.readFileSync(results, 'utf8'));
    expect(summary).toMatchObject({ passed: 1, failed: 1, skipped: 0 });
    expect(summary.notebooks[0]).toMatchObject({ name: 'kernel-test-good', ok: true });
    expect(summary.notebooks[1]).toMatchObject({ name: 'kernel-test-bad', ok: false, cell: 1 });
    expect(summary.notebooks[1].error).toMatch(/^cell 1: CompileError: 1:7 - Type 'string' is not assignable to type 'number'/);
    expect(r.stdout).toContain("const n: number = 'text';");
    const executed = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', '.executed', 'kernel-test-bad.ipynb'), 'utf8'));
    expect(executed.cells[2].outputs).toEqual([]);
    for (const f of ['kernel-test-good', 'kernel-test-bad']) fs.rmSync(path.join(ROOT, 'notebooks', '.executed', `${f}.ipynb`), { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
