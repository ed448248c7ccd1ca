import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJSON, writeFileAtomic } from './atomic';
import type { PlannedRun } from './grid';

/** A finished run's record (runs/<id>/summary.json), written once, atomically, at its end. */
export interface RunSummary {
  id: string;
  variant: string;
  seed: number;
  point: Record<string, unknown>;
  status: 'completed' | 'diverged' | 'failed';
  error?: string;
  epochs: number;
  /** Final metrics (test accuracy/loss, probe summaries...). */
  final: Record<string, unknown>;
  backend: string;
  seconds: number;
}

/**
 * Layout: DIR/spec.json (the spec the directory belongs to), DIR/spec.sha256 (its hash), DIR/spec-history.jsonl
 * (each spec claimed, extensions included), DIR/runs/<id>/{config.json, metrics.jsonl, summary.json, checkpoint/}.
 */
export class ResultsStore {
  constructor(readonly dir: string) {}

  get specFile(): string {
    return path.join(this.dir, 'spec.json');
  }

  get specHashFile(): string {
    return path.join(this.dir, 'spec.sha256');
  }

  get specHistoryFile(): string {
    return path.join(this.dir, 'spec-history.jsonl');
  }

  /** What the directory's runs were planned as: id, variant label, grid point (from each run's config.json). */
  plannedRun(id: string): Pick<PlannedRun, 'id' | 'variant' | 'point'> | undefined {
    return readJSON<PlannedRun>(path.join(this.runDir(id), 'config.json'));
  }

  runDir(id: string): string {
    return path.join(this.dir, 'runs', id);
  }

  summary(id: string): RunSummary | undefined {
    return readJSON<RunSummary>(path.join(this.runDir(id), 'summary.json'));
  }

  /** Finished means a summary exists: completed and diverged runs are final; failed ones are retried on --resume. */
  isFinished(id: string): boolean {
    const s = this.summary(id);
    return s !== undefined && s.status !== 'failed';
  }

  hasStarted(id: string): boolean {
    return fs.existsSync(path.join(this.runDir(id), 'config.json'));
  }

  writeConfig(run: PlannedRun): void {
    const file = path.join(this.runDir(run.id), 'config.json');
    if (!fs.existsSync(file)) writeFileAtomic(file, JSON.stringify({ id: run.id, variant: run.variant, seed: run.seed, point: run.point, config: run.config }, null, 2) + '\n');
  }

  writeSummary(summary: RunSummary): void {
    writeFileAtomic(path.join(this.runDir(summary.id), 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  }

  listRunIds(): string[] {
    const dir = path.join(this.dir, 'runs');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'config.json'))).sort() : [];
  }

  summaries(): RunSummary[] {
    return this.listRunIds()
      .map((id) => this.summary(id))
      .filter((s): s is RunSummary => Boolean(s));
  }
}
