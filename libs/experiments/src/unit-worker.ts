import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlannedRun } from './grid';
import type { RunOutcome } from './store';
import type { FromWorker, ToWorker } from './worker-protocol';

export interface UnitWorkerOptions {
  backend?: 'tensorflow' | 'wasm' | 'cpu';
  /** The sweep's plugin hashes (runUnit's expectPlugins). */
  expectPlugins?: Record<string, string>;
  env: NodeJS.ProcessEnv;
  /** Live workers (the runner sends them 'stop' on abort). */
  workers: Set<ChildProcess>;
  stopping: () => boolean;
  onEpoch: (run: PlannedRun, epoch: number, epochs: number, metrics: Record<string, unknown>) => void;
  onLog: (message: string) => void;
}

function workerScript(): string {
  // From src (under vitest) the compiled worker lives in ../dist.
  const here = path.join(__dirname, 'worker.js');
  return fs.existsSync(here) ? here : path.join(__dirname, '..', 'dist', 'worker.js');
}

/**
 * One work unit in a fresh worker process (runUnit there), each run's outcome reported on its own. A crash costs
 * the unit's runs that had not ended yet (recorded as failed with the worker's last words), never the sweep.
 */
export function runUnitInWorker(runs: PlannedRun[], dirs: string[], opts: UnitWorkerOptions): Promise<Map<string, RunOutcome>> {
  return new Promise((resolve) => {
    // Structured clone, not JSON: a summary's NaN and Infinity reach the runner, which writes summary.json.
    const w = fork(workerScript(), [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], env: opts.env, serialization: 'advanced' });
    opts.workers.add(w);
    let stderr = '';
    w.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const byId = new Map(runs.map((r) => [r.id, r]));
    const outcomes = new Map<string, RunOutcome>();
    w.on('message', (m: FromWorker) => {
      if (m.type === 'log') return opts.onLog(m.message);
      const run = byId.get(m.id);
      if (!run) return;
      if (m.type === 'epoch') opts.onEpoch(run, m.epoch, m.epochs, m.metrics);
      else if (m.type === 'done') outcomes.set(m.id, { kind: 'summary', summary: m.summary });
      else if (m.type === 'interrupted') outcomes.set(m.id, { kind: 'interrupted' });
      else outcomes.set(m.id, { kind: 'error', error: m.error, ...(m.stack ? { stack: m.stack } : {}) });
    });
    w.on('exit', (code, signal) => {
      opts.workers.delete(w);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      for (const r of runs) {
        if (outcomes.has(r.id)) continue;
        if (opts.stopping() && (signal === 'SIGINT' || signal === 'SIGTERM')) outcomes.set(r.id, { kind: 'interrupted' });
        else {
          const of = runs.length > 1 ? ` of a unit of ${runs.length}` : '';
          outcomes.set(r.id, { kind: 'error', error: `worker${of} exited (code ${code}, signal ${signal})${tail ? `: ${tail}` : ''}` });
        }
      }
      resolve(outcomes);
    });
    const msg: ToWorker = { type: 'unit', runs, dirs, backend: opts.backend, expectPlugins: opts.expectPlugins };
    if (w.connected) w.send(msg);
    if (opts.stopping() && w.connected) w.send({ type: 'stop' });
  });
}
