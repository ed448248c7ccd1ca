import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@sugar-lab/core';
import { fromJsonText, toJsonText } from '@sugar-lab/train';
import { readJSON } from './atomic';
import { engineDifference, type Engine, type EngineNotes } from './engine';
import type { PlannedRun } from './grid';

/** A finished run's record (runs/<id>/summary.json), written once, atomically, at its end. */
export interface RunSummary {
  id: string;
  variant: string;
  seed: number;
  point: Record<string, unknown>;
  status: 'completed' | 'diverged' | 'failed';
  error?: string;
  /** For 'failed', where the error was thrown (its stack), when known. */
  stack?: string;
  epochs: number;
  /** Final metrics (test accuracy/loss, probe summaries...). */
  final: Record<string, unknown>;
  backend: string;
  /** What computed the numbers: backend, native kernels, plugin hashes, and any fallback (engine.ts). */
  engine?: Engine & EngineNotes;
  seconds: number;
}

/** The files of one run directory (DIR/runs/<id>/): the one place their names are written down. */
export interface RunFiles {
  config: string;
  metrics: string;
  checkpoint: string;
  summary: string;
  /** Whoever trains the run (a sweep lane or run-one) holds it (lock.ts). */
  lock: string;
  /** The engine (backend, kernels, plugin hashes) the run started on (engine.ts). */
  engine: string;
  /** TensorBoard's events, one file per process that trained the run (train's TensorBoardSink). */
  tensorboard: string;
}

/**
 * The paths of one run's files (config, metrics, checkpoints, summary, lock, engine, TensorBoard events).
 *
 * @param runDir the run's directory (`DIR/runs/<id>`)
 */
export function runFiles(runDir: string): RunFiles {
  return {
    config: path.join(runDir, 'config.json'),
    metrics: path.join(runDir, 'metrics.jsonl'),
    checkpoint: path.join(runDir, 'checkpoint'),
    summary: path.join(runDir, 'summary.json'),
    lock: path.join(runDir, '.lock'),
    engine: path.join(runDir, 'engine.json'),
    tensorboard: path.join(runDir, 'tb'),
  };
}

/** A JSON file written by `toJsonText` ("NaN", "Infinity" back to numbers); undefined if missing or unreadable. */
function readEncoded<T>(file: string): T | undefined {
  try {
    return fromJsonText<T>(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Binds a run to the engine about to train it: the first start records it (runs/<id>/engine.json); a later one
 * must match it. Returns how it differs ('' when it matches).
 */
export function claimEngine(runDir: string, engine: Engine): string {
  const file = runFiles(runDir).engine;
  const was = readJSON<Engine>(file);
  if (!was) {
    writeFileAtomic(file, JSON.stringify(engine, null, 2) + '\n');
    return '';
  }
  return engineDifference(was, engine);
}

/** How one run of a work unit ended, as its worker (or runSingle, in process) reports it. */
export type RunOutcome = { kind: 'summary'; summary: RunSummary } | { kind: 'interrupted' } | { kind: 'error'; error: string; stack?: string };

/** The summary of a run that could not finish (an error, a crashed worker), started at `t0`. */
function failedSummary(
  run: Pick<PlannedRun, 'id' | 'variant' | 'seed' | 'point'>,
  outcome: { error: string; stack?: string },
  backend: string | undefined,
  t0: number,
): RunSummary {
  return {
    id: run.id,
    variant: run.variant,
    seed: run.seed,
    point: run.point,
    status: 'failed',
    error: outcome.error,
    ...(outcome.stack ? { stack: outcome.stack } : {}),
    epochs: 0,
    final: {},
    backend: backend ?? 'default',
    seconds: (Date.now() - t0) / 1000,
  };
}

/** The sweep's variant labels and grid axes in spec order, recorded when the spec is claimed (DIR/variants.json). */
export interface VariantOrder {
  axes: string[];
  variants: string[];
}

/**
 * Layout: DIR/spec.json (the spec the directory belongs to, canonical JSON), DIR/spec.sha256 (its hash),
 * DIR/spec-history.jsonl (each spec claimed, extensions included), DIR/variants.json (variant and axis order, which
 * spec.json's sorted keys lose), DIR/run-ids.txt (Slurm), DIR/runs/<id>/{config.json, metrics.jsonl, summary.json,
 * checkpoint/}.
 */
export class ResultsStore {
  constructor(readonly dir: string) {}

  /** The sweep runner's lock (lock.ts). */
  get lockFile(): string {
    return path.join(this.dir, '.lock');
  }

  get specFile(): string {
    return path.join(this.dir, 'spec.json');
  }

  get specHashFile(): string {
    return path.join(this.dir, 'spec.sha256');
  }

  get specHistoryFile(): string {
    return path.join(this.dir, 'spec-history.jsonl');
  }

  /** What the sweep was claimed with besides its spec: the --backend override and plugin hashes (spec-claim.ts). */
  get claimFile(): string {
    return path.join(this.dir, 'claim.json');
  }

  get variantsFile(): string {
    return path.join(this.dir, 'variants.json');
  }

  get runIdsFile(): string {
    return path.join(this.dir, 'run-ids.txt');
  }

  get runsDir(): string {
    return path.join(this.dir, 'runs');
  }

  runDir(id: string): string {
    return path.join(this.runsDir, id);
  }

  files(id: string): RunFiles {
    return runFiles(this.runDir(id));
  }

  configFile(id: string): string {
    return this.files(id).config;
  }

  metricsFile(id: string): string {
    return this.files(id).metrics;
  }

  checkpointDir(id: string): string {
    return this.files(id).checkpoint;
  }

  summaryFile(id: string): string {
    return this.files(id).summary;
  }

  /** A run's config.json as written (id, variant, seed, grid point, resolved config); undefined if missing. */
  savedRun<T = PlannedRun>(id: string): T | undefined {
    return readJSON<T>(this.configFile(id));
  }

  /** What the directory's runs were planned as: id, variant label, grid point (from each run's config.json). */
  plannedRun(id: string): Pick<PlannedRun, 'id' | 'variant' | 'point'> | undefined {
    return this.savedRun(id);
  }

  summary(id: string): RunSummary | undefined {
    return readEncoded<RunSummary>(this.summaryFile(id));
  }

  /** Finished means a summary exists: completed and diverged runs are final; failed ones are retried on --resume. */
  isFinished(id: string): boolean {
    const s = this.summary(id);
    return s !== undefined && s.status !== 'failed';
  }

  /** Started means it trained: a metrics log or a checkpoint (config.json alone is a plan, e.g. an emitted Slurm sweep). */
  hasStarted(id: string): boolean {
    return fs.existsSync(this.metricsFile(id)) || fs.existsSync(this.checkpointDir(id));
  }

  hasCheckpoint(id: string): boolean {
    return fs.existsSync(this.checkpointDir(id));
  }

  writeConfig(run: PlannedRun): void {
    const file = this.configFile(run.id);
    if (!fs.existsSync(file))
      writeFileAtomic(file, JSON.stringify({ id: run.id, variant: run.variant, seed: run.seed, point: run.point, config: run.config }, null, 2) + '\n');
  }

  /**
   * Records how a run ended: summary.json (written here and nowhere else, atomically; NaN and Infinity survive),
   * a failed summary for an error, nothing for an interruption (its checkpoint is the record). Returns the summary.
   */
  recordOutcome(
    run: Pick<PlannedRun, 'id' | 'variant' | 'seed' | 'point'>,
    outcome: RunOutcome,
    backend: string | undefined,
    t0: number,
  ): RunSummary | undefined {
    if (outcome.kind === 'interrupted') return undefined;
    const summary = outcome.kind === 'summary' ? outcome.summary : failedSummary(run, outcome, backend, t0);
    writeFileAtomic(this.summaryFile(summary.id), toJsonText(summary));
    return summary;
  }

  /** Records the spec's variant and axis order (left as it is when unchanged). */
  writeVariantOrder(order: VariantOrder): void {
    const text = JSON.stringify(order, null, 2) + '\n';
    if (!fs.existsSync(this.variantsFile) || fs.readFileSync(this.variantsFile, 'utf8') !== text) writeFileAtomic(this.variantsFile, text);
  }

  /** The recorded variant order; undefined for directories written before it was recorded (or a damaged file). */
  variantOrder(): VariantOrder | undefined {
    const v = readJSON<VariantOrder>(this.variantsFile);
    const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
    return v && strings(v.variants) && strings(v.axes) ? v : undefined;
  }

  listRunIds(): string[] {
    const dir = this.runsDir;
    return fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((d) => fs.existsSync(this.configFile(d)))
          .sort()
      : [];
  }

  summaries(): RunSummary[] {
    return this.listRunIds()
      .map((id) => this.summary(id))
      .filter((s): s is RunSummary => Boolean(s));
  }
}
