import type { OptionSchema, OptionSpec, RegisterOptions } from '@sugar-lab/core';
import { BUILTIN_DATASETS } from './builtins';
import { DatasetError, UnknownDatasetError } from './errors';
import { datasetFiles } from './manifest';
import type { DatasetDefinition, DatasetInfo } from './types';

const registry = new Map<string, DatasetDefinition>(BUILTIN_DATASETS.map((d) => [d.info.name, d]));

/**
 * Adds a dataset under `def.info.name` (its files, if any, come from `overrideDatasetFiles`).
 *
 * @param def the dataset's info, option schema and loader
 * @param opts `override`: replace a dataset already registered under that name
 */
export function registerDataset(def: DatasetDefinition, opts: RegisterOptions = {}): void {
  if (registry.has(def.info.name) && !opts.override)
    throw new DatasetError(`dataset '${def.info.name}' is already registered (pass { override: true } to replace it)`);
  registry.set(def.info.name, def);
}

/**
 * The registered definition of a dataset (its info, option schema and loader); throws for an unknown name, naming the datasets there are.
 *
 * @param name a built-in or registered dataset name
 */
export function getDatasetDefinition(name: string): DatasetDefinition {
  const def = registry.get(name);
  if (!def) throw new UnknownDatasetError(name, [...registry.keys()]);
  return def;
}

/** The names of every dataset, built-in and registered, in registration order. */
export function datasetNames(): string[] {
  return [...registry.keys()];
}

/**
 * A dataset's description: kind, sample shape, classes, defaults, files and option schema; throws for an unknown name, naming the datasets there are.
 *
 * @param name a built-in or registered dataset name
 */
export function datasetInfo(name: string): DatasetInfo {
  const def = getDatasetDefinition(name);
  return { ...def.info, files: datasetFiles(name), options: datasetOptions(name) };
}

/** The schema of a definition that declares none: each default's type, numbers >= 0 (what loaders always required). */
function derivedOptions(defaults: DatasetDefinition['info']['defaults']): OptionSchema {
  return Object.fromEntries(
    Object.entries(defaults).map(([key, d]): [string, OptionSpec] => {
      if (typeof d === 'number') return [key, { type: 'number', min: 0, default: d }];
      if (typeof d === 'boolean') return [key, { type: 'boolean', default: d }];
      return [key, { type: 'string', default: d }];
    }),
  );
}

/**
 * A dataset's own options (besides the loader's common ones, LOAD_OPTIONS), in the option-schema shape every
 * registry shares: the definition's `options`, or, for a definition without one, derived from its `defaults`.
 *
 * @param name a built-in or registered dataset name
 */
export function datasetOptions(name: string): OptionSchema {
  const def = getDatasetDefinition(name);
  return def.options ?? derivedOptions(def.info.defaults);
}

/** Every registered dataset with its metadata and files. */
export function listDatasets(): DatasetInfo[] {
  return datasetNames().map(datasetInfo);
}
