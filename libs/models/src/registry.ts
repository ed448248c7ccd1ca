import { optionIssues, type OptionSchema, type RegisterOptions, type tf } from '@sugar-lab/core';
import type { ConvNextOptions } from './convnext';
import { DuplicateModelError, ModelConfigError, UnknownModelError } from './errors';
import type { MlpOptions } from './mlp';
import type { ModelSize, ModelSizeOptions } from './model-size';
import { COMMON_MODEL_OPTIONS, type CommonModelOptions } from './options';
import type { ResNetOptions } from './resnet';
import type { SwinOptions } from './swin';
import type { VggOptions } from './vgg';
import type { VggSmallOptions } from './vgg-small';
import type { VitOptions } from './vit';

export interface ModelEntry<O extends CommonModelOptions = CommonModelOptions> {
  family: string;
  description: string;
  /**
   * The options this model takes besides the common ones (activation, inputShape, numClasses, seed, name).
   * With a schema, `buildModel` and spec validation reject unknown keys and bad values before anything is
   * built; an entry without one is not checked.
   */
  options?: OptionSchema;
  /**
   * Builds a new model. `registryName` is what the caller asked for (for error messages and the default
   * model name).
   *
   * @param opts the model options: the common ones (activation, inputShape, numClasses, seed, name) and the entry's
   *   own, checked against `options` when it has a schema
   * @param registryName the name the model was asked for under
   */
  build(opts: O, registryName: string): tf.LayersModel;
  /**
   * How large a model these options make, computed without building it (spec validation refuses a run that cannot
   * fit in memory before anything is built); undefined for options the build refuses. Without it, no estimate.
   *
   * @param opts the model options as `build` would get them, with the input shape and class count
   */
  size?(opts: ModelSizeOptions): ModelSize | undefined;
}

export interface ModelInfo {
  name: string;
  family: string;
  description: string;
  /** The entry's option schema (undefined: the entry declares none, so its options are not checked). */
  options?: OptionSchema;
}

/** Option types of the built-in models, so `buildModel('resnet18', ...)` checks its options. */
export interface ModelOptionsMap {
  mlp: MlpOptions;
  vgg11: VggOptions;
  vgg13: VggOptions;
  vgg16: VggOptions;
  'vgg-small': VggSmallOptions;
  resnet18: ResNetOptions;
  resnet34: ResNetOptions;
  'convnext-atto': ConvNextOptions;
  'convnext-femto': ConvNextOptions;
  'convnext-pico': ConvNextOptions;
  'convnext-nano': ConvNextOptions;
  'convnext-tiny': ConvNextOptions;
  'vit-tiny': VitOptions;
  'vit-small': VitOptions;
  'swin-tiny': SwinOptions;
}

// Entries keep their own option types; buildModel's overloads give callers the typed view.
const registry = new Map<string, ModelEntry<any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any -- entries differ in their option type

/**
 * Registers a model under `name`; `buildModel`, specs and the command line then accept that name.
 *
 * @param name the model's name
 * @param entry its family, description, option schema, `build` and optional `size`
 * @param opts `override`: replace a model already registered under that name
 */
export function registerModel<O extends CommonModelOptions>(name: string, entry: ModelEntry<O>, opts: RegisterOptions = {}): void {
  if (registry.has(name) && !opts.override) throw new DuplicateModelError(name);
  registry.set(name, entry);
}

/** The names of every model, built-in and registered, sorted. */
export function listModels(): string[] {
  return [...registry.keys()].sort();
}

function entryOf(name: string): ModelEntry {
  const e = registry.get(name);
  if (!e) throw new UnknownModelError(name, listModels());
  return e as ModelEntry;
}

/**
 * A registered model's family, description and option schema; throws UnknownModelError naming the models there are.
 *
 * @param name a built-in or registered model name
 */
export function getModelInfo(name: string): ModelInfo {
  const { family, description, options } = entryOf(name);
  return { name, family, description, options };
}

/**
 * The model's option schema, in the one shape every registry shares; undefined when the entry declares none.
 *
 * @param name a built-in or registered model name
 */
export function modelOptions(name: string): OptionSchema | undefined {
  return entryOf(name).options;
}

/**
 * Parameters and activation values per sample of the model `name` would build from `opts` (its own options, the
 * data's `inputShape` and `numClasses`), computed from the options alone; undefined where the entry has no `size`
 * or the build would refuse the options. Options are taken as valid (check them first).
 *
 * @param name a built-in or registered model name
 * @param opts the model's own options with the data's `inputShape` and `numClasses`
 */
export function modelSize(name: string, opts: ModelSizeOptions): ModelSize | undefined {
  return entryOf(name).size?.(opts);
}

/** Checks the model-specific options against the entry's schema; the first problem is thrown with its path. */
export function checkModelOptions(name: string, opts: Record<string, unknown>): void {
  const schema = entryOf(name).options;
  if (!schema) return;
  const [issue] = optionIssues(schema, opts, { allowKeys: COMMON_MODEL_OPTIONS });
  if (!issue) return;
  const path = issue.path.join('.');
  throw new ModelConfigError(name, path, issue.expected, issue.found, issue.unknownKey ? issue.reason : undefined);
}

/**
 * Builds a functional `tf.LayersModel` (logits out) from the registry; options are checked against the model's
 * schema first (a ModelConfigError names the option, what was expected and what was found).
 *
 * @param name a built-in or registered model name
 * @param opts the activation, the data's `inputShape` and `numClasses`, the seed, and the model's own options
 */
export function buildModel<K extends keyof ModelOptionsMap>(name: K, opts: ModelOptionsMap[K]): tf.LayersModel;
/**
 * Builds a functional `tf.LayersModel` (logits out) from the registry; options are checked against the model's
 * schema first (a ModelConfigError names the option, what was expected and what was found).
 *
 * @param name a built-in or registered model name
 * @param opts the activation, the data's `inputShape` and `numClasses`, the seed, and the model's own options
 */
export function buildModel(name: string, opts: CommonModelOptions & Record<string, unknown>): tf.LayersModel;
export function buildModel(name: string, opts: CommonModelOptions): tf.LayersModel {
  const entry = entryOf(name);
  if (opts !== null && typeof opts === 'object') checkModelOptions(name, opts as unknown as Record<string, unknown>);
  return entry.build(opts, name);
}
