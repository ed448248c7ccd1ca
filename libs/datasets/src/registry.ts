import { BUILTIN_DATASETS } from './builtins';
import { DatasetError, UnknownDatasetError } from './errors';
import { datasetFiles } from './manifest';
import type { DatasetDefinition, DatasetInfo } from './types';

const registry = new Map<string, DatasetDefinition>(BUILTIN_DATASETS.map((d) => [d.info.name, d]));

/** Adds a dataset under `def.info.name` (its files, if any, come from `overrideDatasetFiles`). */
export function registerDataset(def: DatasetDefinition, opts: { replace?: boolean } = {}): void {
  if (registry.has(def.info.name) && !opts.replace) throw new DatasetError(`dataset '${def.info.name}' is already registered (pass { replace: true } to replace it)`);
  registry.set(def.info.name, def);
}

export function getDatasetDefinition(name: string): DatasetDefinition {
  const def = registry.get(name);
  if (!def) throw new UnknownDatasetError(name, [...registry.keys()]);
  return def;
}

export function datasetNames(): string[] {
  return [...registry.keys()];
}

export function datasetInfo(name: string): DatasetInfo {
  const def = getDatasetDefinition(name);
  return { ...def.info, files: datasetFiles(name) };
}

/** Every registered dataset with its metadata and files. */
export function listDatasets(): DatasetInfo[] {
  return datasetNames().map(datasetInfo);
}
