export { pl } from './polars';
export * from './errors';
export * from './canonical-json';
export * from './spec';
export * from './grid';
export * from './spec-claim';
export * from './metrics';
export * from './presets';
export * from './store';
export * from './lock';
export * from './runner';
export * from './parallelism';
export * from './slurm';
export * from './aggregate';
export * from './markdown';
export * from './run-one';
export { runUnit, epochScalars, buildRunModel, runTrainConfig, runSummary, type RunUnitOptions } from './run-unit';
export { planUnits, packingMessage, packKey, type PackingOptions } from './packing';
export * from './run-id';
export {
  loadPlugins,
  loadPluginsSync,
  resolvePlugins,
  loadedPlugins,
  requireSource,
  loadResultsPlugins,
  type ResolvedPlugin,
  type PluginSource,
} from './plugins';

export * from './report';
export * from './landscape-probe';
