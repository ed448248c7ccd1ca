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
  /** runUnit's tensorboard (default true). */
  tensorboard?: boolean;
  env: NodeJS.ProcessEnv;
  /** Live workers (the runner sends them 'stop' on abort). */
  workers: Set<ChildProcess>;
  stopping: () => boolean;
  onEpoch: (run: PlannedRun, epoch: number, epochs: number, metrics: Record<string, unknown>) => void;
  onLog: (message: string) => void;
}

// libtensorflow's own log lines (glog's `I0000 00:00:...`, absl's start-up warning, its CPU-feature notices) and
// tfjs' banner on the cpu backend: not what a user needs to hear about why a worker died.
const TF_NOISE =
  /^([IWEF]\d{4} \d\d:\d\d|WARNING: All log messages before absl|To enable the following instructions|=+$|Hi, looks like you are running TensorFlow\.js in Node\.js|.*(oneDNN custom operations|cpu_feature_guard))/;

/** The worker's last words worth showing: its stderr's last lines without TensorFlow's log noise. */
export function lastWords(stderr: string, lines = 3): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !TF_NOISE.test(l))
    .slice(-lines)
    .join(' | ');
}

/** Why a worker ended without reporting: its exit, what killed it, and its last words. */
export function workerDeath(code: number | null, signal: NodeJS.Signals | null, stderr: string, unit: number): string {
  const of = unit > 1 ? ` of a unit of ${unit}` : '';
  const how = signal
    ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (the kernel OOM killer, a scheduler or a user: see dmesg)' : ''}`
    : `exited with code ${code}`;
  const words = lastWords(stderr);
  return `worker${of} ${how} before reporting${words ? `; its last output: ${words}` : ''}`;
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
      for (const r of runs) {
        if (outcomes.has(r.id)) continue;
        if (opts.stopping() && (signal === 'SIGINT' || signal === 'SIGTERM')) outcomes.set(r.id, { kind: 'interrupted' });
        else outcomes.set(r.id, { kind: 'error', error: workerDeath(code, signal, stderr, runs.length) });
      }
      resolve(outcomes);
    });
    const msg: ToWorker = { type: 'unit', runs, dirs, backend: opts.backend, expectPlugins: opts.expectPlugins, tensorboard: opts.tensorboard };
    if (w.connected) w.send(msg);
    if (opts.stopping() && w.connected) w.send({ type: 'stop' });
  });
}
