import type { PlannedRun } from './grid';
import type { RunSummary } from './store';

/**
 * Messages between the sweep runner and its worker processes, over the fork IPC channel with structured-clone
 * serialization (NaN and Infinity in a summary arrive as they were). A work unit is K >= 1 runs (runUnit); each
 * run is reported on its own.
 */
export type ToWorker =
  | { type: 'unit'; runs: PlannedRun[]; dirs: string[]; backend?: 'tensorflow' | 'wasm' | 'cpu'; expectPlugins?: Record<string, string>; tensorboard?: boolean }
  | { type: 'stop'; now?: boolean };

export type FromWorker =
  | { type: 'epoch'; id: string; epoch: number; epochs: number; metrics: Record<string, unknown> }
  | { type: 'done'; id: string; summary: RunSummary }
  | { type: 'interrupted'; id: string }
  | { type: 'error'; id: string; error: string; stack?: string }
  | { type: 'log'; message: string };
