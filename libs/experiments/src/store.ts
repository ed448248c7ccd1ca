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
  /**
   * Opens the directory's layout; nothing is read or created until a method asks.
   *
   * @param dir the results directory (a sweep's `--out`)
   */
  constructor(readonly dir: string) {}

  /** The sweep runner's lock (lock.ts). */
  get lockFile(): string {
    return path.join(this.dir, '.lock');
  }

  /** The spec the directory belongs to, as canonical JSON. */
  get specFile(): string {
    return path.join(this.dir, 'spec.json');
  }

  /** The SHA-256 of spec.json, compared when a sweep claims the directory. */
  get specHashFile(): string {
    return path.join(this.dir, 'spec.sha256');
  }

  /** One line per spec claimed in the directory, extensions included. */
  get specHistoryFile(): string {
    return path.join(this.dir, 'spec-history.jsonl');
  }

  /** What the sweep was claimed with besides its spec: the --backend override and plugin hashes (spec-claim.ts). */
  get claimFile(): string {
    return path.join(this.dir, 'claim.json');
  }

  /** The variant and axis order of the spec, which spec.json's sorted keys lose. */
  get variantsFile(): string {
    return path.join(this.dir, 'variants.json');
  }

  /** The run ids, one a line, in the order a Slurm array's task indices use. */
  get runIdsFile(): string {
    return path.join(this.dir, 'run-ids.txt');
  }

  /** The directory that holds one directory per run. */
  get runsDir(): string {
    return path.join(this.dir, 'runs');
  }

  /**
   * The run's own directory, DIR/runs/<id>.
   *
   * @param id the run's id (12 hex digits)
   */
  runDir(id: string): string {
    return path.join(this.runsDir, id);
  }

  /**
   * Every file and directory of one run: config, metrics log, summary, checkpoint.
   *
   * @param id the run's id (12 hex digits)
   */
  files(id: string): RunFiles {
    return runFiles(this.runDir(id));
  }

  /**
   * The run's config.json: id, variant, seed, grid point and resolved config.
   *
   * @param id the run's id (12 hex digits)
   */
  configFile(id: string): string {
    return this.files(id).config;
  }

  /**
   * The run's metrics.jsonl, one line per epoch.
   *
   * @param id the run's id (12 hex digits)
   */
  metricsFile(id: string): string {
    return this.files(id).metrics;
  }

  /**
   * The run's checkpoint directory, which an interrupted run resumes from.
   *
   * @param id the run's id (12 hex digits)
   */
  checkpointDir(id: string): string {
    return this.files(id).checkpoint;
  }

  /**
   * The run's summary.json, written once the run has ended.
   *
   * @param id the run's id (12 hex digits)
   */
  summaryFile(id: string): string {
    return this.files(id).summary;
  }

  /**
   * A run's config.json as written (id, variant, seed, grid point, resolved config); undefined if missing.
   *
   * @param id the run's id (12 hex digits)
   */
  savedRun<T = PlannedRun>(id: string): T | undefined {
    return readJSON<T>(this.configFile(id));
  }

  /**
   * What the directory's runs were planned as: id, variant label, grid point (from each run's config.json).
   *
   * @param id the run's id (12 hex digits)
   */
  plannedRun(id: string): Pick<PlannedRun, 'id' | 'variant' | 'point'> | undefined {
    return this.savedRun(id);
  }

  /**
   * The run's summary (NaN and Infinity decoded); undefined while it has none.
   *
   * @param id the run's id (12 hex digits)
   */
  summary(id: string): RunSummary | undefined {
    return readEncoded<RunSummary>(this.summaryFile(id));
  }

  /**
   * Finished means a summary exists: completed and diverged runs are final; failed ones are retried on --resume.
   *
   * @param id the run's id (12 hex digits)
   */
  isFinished(id: string): boolean {
    const s = this.summary(id);
    return s !== undefined && s.status !== 'failed';
  }

  /**
   * Started means it trained: a metrics log or a checkpoint (config.json alone is a plan, e.g. an emitted Slurm sweep).
   *
   * @param id the run's id (12 hex digits)
   */
  hasStarted(id: string): boolean {
    return fs.existsSync(this.metricsFile(id)) || fs.existsSync(this.checkpointDir(id));
  }

  /**
   * Whether the run has a checkpoint directory to resume from.
   *
   * @param id the run's id (12 hex digits)
   */
  hasCheckpoint(id: string): boolean {
    return fs.existsSync(this.checkpointDir(id));
  }

  /**
   * Writes the run's config.json unless it exists (a run's plan is never rewritten).
   *
   * @param run the planned run: its id, variant, seed, grid point and resolved training config
   */
  writeConfig(run: PlannedRun): void {
    const file = this.configFile(run.id);
    if (!fs.existsSync(file))
      writeFileAtomic(file, JSON.stringify({ id: run.id, variant: run.variant, seed: run.seed, point: run.point, config: run.config }, null, 2) + '\n');
  }

  /**
   * Records how a run ended: summary.json (written here and nowhere else, atomically; NaN and Infinity survive),
   * a failed summary for an error, nothing for an interruption (its checkpoint is the record). Returns the summary.
   *
   * @param run the run's id, variant label, seed and grid point, copied into a failed summary
   * @param outcome how the run ended: its summary, an error, or an interruption
   * @param backend the backend the run used, recorded in a failed summary; undefined when none was initialized
   * @param t0 when the run started (ms since the epoch, as Date.now()), for a failed summary's duration
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

  /**
   * Records the spec's variant and axis order (left as it is when unchanged).
   *
   * @param order the variant labels and grid axes in the spec's order
   */
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

  /** The ids of every run with a config.json, sorted. */
  listRunIds(): string[] {
    const dir = this.runsDir;
    return fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((d) => fs.existsSync(this.configFile(d)))
          .sort()
      : [];
  }

  /** The summary of every run that has one, in run id order. */
  summaries(): RunSummary[] {
    return this.listRunIds()
      .map((id) => this.summary(id))
      .filter((s): s is RunSummary => Boolean(s));
  }
}
