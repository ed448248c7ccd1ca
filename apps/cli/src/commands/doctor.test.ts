import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'main.js');

function doctor(env: Record<string, string>): {
  threads: { process: Record<string, unknown>; perWorker: Record<string, unknown>; loaded: boolean };
  backend: string;
} {
  const clean = { ...process.env };
  for (const k of ['SUGAR_THREADS', 'SUGAR_WORKERS', 'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS', 'SUGAR_BACKEND']) delete clean[k];
  const r = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('sugar doctor', () => {
  it('shows the thread pools libtensorflow got here and what each sweep worker gets', () => {
    const auto = doctor({});
    const cores = auto.threads.process.cores as number;
    expect(auto.threads.process).toMatchObject({ intraOp: cores, intraOpSource: 'cores / workers', interOp: 1, workers: 1 });
    expect(auto.threads.perWorker).toMatchObject({ intraOp: 1, workers: cores });
    if (auto.backend === 'tensorflow') expect(auto.threads.loaded).toBe(true);
    const set = doctor({ SUGAR_THREADS: '3', TF_NUM_INTEROP_THREADS: '2' });
    expect(set.threads.process).toMatchObject({ intraOp: 3, intraOpSource: 'SUGAR_THREADS', interOp: 2, interOpSource: 'TF_NUM_INTEROP_THREADS', omp: 3 });
    expect(set.threads.perWorker).toMatchObject({ intraOp: 3, intraOpSource: 'SUGAR_THREADS' });
  }, 240_000);

  it('refuses a bad SUGAR_THREADS instead of falling back to another backend', () => {
    const clean = { ...process.env, SUGAR_THREADS: 'lots' };
    const r = spawnSync(process.execPath, [CLI, 'doctor'], { env: clean, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/SUGAR_THREADS must be a positive integer; found 'lots'/);
  }, 120_000);
});
