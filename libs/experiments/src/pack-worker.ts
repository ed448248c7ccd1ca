import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlannedRun } from './grid';
import type { RunSummary } from './store';
import type { FromWorker, ToWorker } from './worker-protocol';

/** How one run (or one member of a pack) in a worker ended, as the runner records it. */
export type WorkerOutcome = { kind: 'summary'; summary: RunSummary } | { kind: 'interrupted' } | { kind: 'error'; error: string };

export interface PackWorkerOptions {
  backend?: 'tensorflow' | 'wasm' | 'cpu';
  env: NodeJS.ProcessEnv;
  /** Live workers (the runner sends them 'stop' on abort). */
  workers: Set<ChildProcess>;
  stopping: () => boolean;
  onEpoch: (run: PlannedRun, epoch: number, epochs: number, metrics: Record<string, unknown>) => void;
}

function workerScript(): string {
  // From src (under vitest) the compiled worker lives in ../dist.
  const here = path.join(__dirname, 'worker.js');
  return fs.existsSync(here) ? here : path.join(__dirname, '..', 'dist', 'worker.js');
}

/**
 * One pack in a fresh worker process (runPack there), each member's outcome reported on its own. A crash costs
 * the pack's members that had not ended yet (recorded as failed with the worker's last words), never the sweep.
 */
export function runPackInWorker(runs: PlannedRun[], dirs: string[], opts: PackWorkerOptions): Promise<Map<string, WorkerOutcome>> {
  return new Promise((resolve) => {
    const w = fork(workerScript(), [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], env: opts.env });
    opts.workers.add(w);
    let stderr = '';
    w.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const byId = new Map(runs.map((r) => [r.id, r]));
    const outcomes = new Map<string, WorkerOutcome>();
    w.on('message', (m: FromWorker) => {
      const run = byId.get(m.id);
      if (!run) return;
      if (m.type === 'epoch') opts.onEpoch(run, m.epoch, m.epochs, m.metrics);
      else if (m.type === 'done') outcomes.set(m.id, { kind: 'summary', summary: m.summary });
      else if (m.type === 'interrupted') outcomes.set(m.id, { kind: 'interrupted' });
      else if (m.type === 'error') outcomes.set(m.id, { kind: 'error', error: m.error });
    });
    w.on('exit', (code, signal) => {
      opts.workers.delete(w);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      for (const r of runs) {
        if (outcomes.has(r.id)) continue;
        if (opts.stopping() && (signal === 'SIGINT' || signal === 'SIGTERM')) outcomes.set(r.id, { kind: 'interrupted' });
        else
          outcomes.set(r.id, { kind: 'error', error: `worker of a pack of ${runs.length} exited (code ${code}, signal ${signal})${tail ? `: ${tail}` : ''}` });
      }
      resolve(outcomes);
    });
    const msg: ToWorker = { type: 'pack', runs, dirs, backend: opts.backend };
    if (w.connected) w.send(msg);
    if (opts.stopping() && w.connected) w.send({ type: 'stop' });
  });
}
