import type { tf } from '@sugar-lab/core';
import { DuplicateModelError, UnknownModelError } from './errors';
import type { MlpOptions } from './mlp';
import type { CommonModelOptions } from './options';
import type { ResNetOptions } from './resnet';
import type { VggOptions } from './vgg';

export interface ModelEntry<O extends CommonModelOptions = CommonModelOptions> {
  family: string;
  description: string;
  /** `registryName` is what the caller asked for (for error messages and the default model name). */
  build(opts: O, registryName: string): tf.LayersModel;
}

export interface ModelInfo {
  name: string;
  family: string;
  description: string;
}

/** Option types of the built-in models, so `buildModel('resnet18', ...)` checks its options. */
export interface ModelOptionsMap {
  mlp: MlpOptions;
  vgg11: VggOptions;
  vgg13: VggOptions;
  vgg16: VggOptions;
  resnet18: ResNetOptions;
  resnet34: ResNetOptions;
}

// Entries keep their own option types; buildModel's overloads give callers the typed view.
const registry = new Map<string, ModelEntry<any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any

export function registerModel<O extends CommonModelOptions>(
  name: string,
  entry: ModelEntry<O>,
  opts: { override?: boolean } = {},
): void {
  if (registry.has(name) && !opts.override) throw new DuplicateModelError(name);
  registry.set(name, entry);
}

export function listModels(): string[] {
  return [...registry.keys()].sort();
}

function entryOf(name: string): ModelEntry {
  const e = registry.get(name);
  if (!e) throw new UnknownModelError(name, listModels());
  return e;
}

export function getModelInfo(name: string): ModelInfo {
  const { family, description } = entryOf(name);
  return { name, family, description };
}

/** Builds a functional `tf.LayersModel` (logits out) from the registry. */
export function buildModel<K extends keyof ModelOptionsMap>(name: K, opts: ModelOptionsMap[K]): tf.LayersModel;
export function buildModel(name: string, opts: CommonModelOptions & Record<string, unknown>): tf.LayersModel;
export function buildModel(name: string, opts: CommonModelOptions): tf.LayersModel {
  return entryOf(name).build(opts, name);
}
