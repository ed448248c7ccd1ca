// The public API of @sugar-lab/experiments, by name: what is not listed here is internal to the lib.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.

// specs and presets
export { loadSpecFile, parseSpec, type ParseSpecOptions, type Spec } from './spec';
export type { LandscapeConfig, RunConfig } from './run-config';
export { listPresets, loadSpec, resolveSpec, type LoadSpecOptions } from './presets';
export { axisLabel, expandGrid, type PlannedRun } from './grid';

// running: a sweep, one run by id, a unit of runs, Slurm arrays
export { runSweep, type SweepEvent, type SweepOptions, type SweepResult } from './runner';
export { SweepState, type RunningRow } from './sweep-state';
export { runIdOfTask, runSingle, type RunSingleOptions } from './run-one';
export { runUnit, type RunUnitOptions } from './run-unit';
export { emitSlurm, shellQuote, type SlurmOptions } from './slurm';

// plugins (surrogates, models, datasets registered by a spec's `plugins:`)
export { loadPlugins, requireSource, type PluginSource, type ResolvedPlugin } from './plugins';

// a results directory
export { ResultsStore, runFiles, type RunFiles, type RunOutcome, type RunSummary, type VariantOrder } from './store';
export type { Engine, EngineNotes } from './engine';

// tables, figures and reports
export { pl } from './polars';
export { loadResults, type CurvePoint, type SweepResults } from './report-load';
export type { UnfinishedRun } from './report-unfinished';
export { reportTables, type ReportTables } from './report-tables';
export { reportFigures, type NamedFigure } from './report-figures';
export { bestLrTable, compactBestLr, lrGridTable, referenceLr } from './report-best-lr';
export { toMarkdown } from './markdown';
export { writeReport, type ReportFiles, type ReportOptions } from './report';

// the live dashboard (`sugar serve`)
export { serveDashboard, type Dashboard, type DashboardOptions } from './dashboard-server';
export type { DashboardRun, DashboardSnapshot } from './dashboard-data';

// errors
export {
  ExperimentsError,
  LockError,
  MixedConfigError,
  OnlyError,
  PluginError,
  ReportError,
  RunIdError,
  SlurmOptionError,
  SpecConflictError,
  SpecError,
  type MixedConfig,
  type SpecIssue,
} from './errors';
