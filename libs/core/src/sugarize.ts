// Model surgery on the layer config tree: rewrite configs, rebuild with tfjs' own
// deserializer, copy weights by layer name. Works for Sequential, functional models with
// branches, and models nested inside either.
import { resolveActivation } from './activation';
import type { ActivationSpec, SugarRegion } from './activation-spec';
import { SurgeryError } from './errors';
import { describeLayers, FUSED_ACTIVATION_LAYERS, hasFusedRelu, isReluLayer } from './is-activation-layer';
import { SugarReLU } from './sugar-relu-layer';
import { resolveSurrogate, surrogateToSpec, type Surrogate, type SurrogateLike } from './surrogate';
import * as tf from './tf';

type Dict = tf.serialization.ConfigDict;
type NodeRef = [string, number, number, Dict?];
interface LayerEntry {
  className: string;
  config: Dict;
  name?: string;
  inboundNodes?: NodeRef[][];
}

const CONTAINERS = ['Sequential', 'Model', 'Functional'];
const BASE_KEYS = ['name', 'trainable', 'batchInputShape', 'batchSize', 'dtype', 'inputDType'];

export interface SugarizeOptions {
  /** A relu inside a layer that cannot be split (e.g. an RNN's): 'error' (default) or 'keep' it. */
  onUnsupported?: 'error' | 'keep';
  /** Return an unchanged copy instead of throwing when the model has no ReLU. */
  allowNoRelu?: boolean;
}

type Rewrite = { replace: LayerEntry } | { split: LayerEntry } | undefined;
type Visitor = (entry: LayerEntry, path: string) => Rewrite;

function baseConfig(config: Dict): Dict {
  const out: Dict = {};
  for (const k of BASE_KEYS) if (config[k] !== undefined) out[k] = config[k];
  return out;
}

// Keras puts a layer's name in its config; older topologies only at the entry.
function entryName(e: LayerEntry): string {
  const name = e.config.name;
  return typeof name === 'string' ? name : String(e.name);
}

function collectNames(entries: LayerEntry[], into: Set<string>): void {
  for (const e of entries) {
    into.add(entryName(e));
    if (CONTAINERS.includes(e.className)) collectNames(containerLayers(e.config), into);
  }
}

function containerLayers(config: Dict | Dict[]): LayerEntry[] {
  return (Array.isArray(config) ? config : (config.layers as unknown)) as LayerEntry[];
}

function uniqueName(base: string, names: Set<string>): string {
  let name = base;
  for (let i = 2; names.has(name); i++) name = `${base}_${i}`;
  names.add(name);
  return name;
}

/** Applies `visit` to every layer entry of a container config, recursing into nested models. */
function rewriteContainer(className: string, config: Dict, visit: Visitor, names: Set<string>, path: string): void {
  const layers = containerLayers(config);
  const out: LayerEntry[] = [];
  const renamed = new Map<string, string>();
  const added = new Set<LayerEntry>();
  for (const entry of layers) {
    const name = entryName(entry);
    const here = `${path}/${name}`;
    if (CONTAINERS.includes(entry.className)) rewriteContainer(entry.className, entry.config, visit, names, here);
    const r = visit(entry, here);
    if (!r) {
      out.push(entry);
    } else if ('replace' in r) {
      out.push({ ...entry, className: r.replace.className, config: r.replace.config });
    } else {
      entry.config.activation = 'linear';
      out.push(entry);
      const actName = uniqueName(`${name}_sugar`, names);
      const act: LayerEntry = { className: r.split.className, config: { ...r.split.config, name: actName } };
      if (className !== 'Sequential') {
        act.name = actName;
        act.inboundNodes = (entry.inboundNodes ?? []).map((_, k) => [[name, k, 0, {}]]);
        renamed.set(name, actName);
        added.add(act);
      }
      out.push(act);
    }
  }
  if (renamed.size) {
    const swap = (ref: NodeRef | [string, number, number]) => (renamed.has(ref[0]) ? [renamed.get(ref[0])!, ...ref.slice(1)] : ref);
    for (const e of out) {
      if (e.inboundNodes && !added.has(e)) {
        e.inboundNodes = e.inboundNodes.map((node) => node.map((ref) => swap(ref) as NodeRef));
      }
    }
    config.outputLayers = (config.outputLayers as [string, number, number][]).map(swap) as unknown as Dict[];
  }
  if (Array.isArray(config)) config.splice(0, config.length, ...(out as unknown as Dict[]));
  else config.layers = out as unknown as Dict[];
}

function build(className: string, config: Dict): tf.LayersModel {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new SurgeryError(`cannot rebuild a model of class '${className}'; expected one of: ${CONTAINERS.join(', ')}`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as unknown as tf.LayersModel;
}

function isContainer(layer: tf.layers.Layer): layer is tf.LayersModel {
  return layer instanceof tf.LayersModel;
}

/** Copies weights layer by layer (matched by name, recursing into nested models). */
function copyWeights(from: tf.LayersModel, to: tf.LayersModel, path: string): void {
  for (const src of from.layers) {
    if (!src.weights.length) continue;
    let dst: tf.layers.Layer;
    try {
      dst = to.getLayer(src.name);
    } catch {
      throw new SurgeryError(`${path}/${src.name}: layer missing from the rebuilt model`);
    }
    if (isContainer(src) && isContainer(dst)) copyWeights(src, dst, `${path}/${src.name}`);
    else dst.setWeights(src.getWeights());
  }
}

function rebuild(model: tf.LayersModel, visit: Visitor): tf.LayersModel {
  const className = model.getClassName();
  if (!CONTAINERS.includes(className)) {
    throw new SurgeryError(`expected a Sequential or functional LayersModel; found class '${className}'`);
  }
  const config = structuredClone<Dict>(model.getConfig());
  const names = new Set<string>();
  collectNames(containerLayers(config), names);
  rewriteContainer(className, config, visit, names, model.name);
  const out = build(className, config);
  copyWeights(model, out, model.name);
  return out;
}

function sugarTarget(spec: SurrogateLike | ActivationSpec): { surrogate: Surrogate; region: SugarRegion } {
  if (spec && typeof spec === 'object' && 'kind' in spec) {
    const r = resolveActivation(spec, 'sugarize spec');
    if (r.kind !== 'sugar') {
      throw new SurgeryError(`sugarize: expected a surrogate or an ActivationSpec of kind 'sugar'; found kind '${spec.kind}'`);
    }
    return { surrogate: r.surrogate, region: r.region };
  }
  return { surrogate: resolveSurrogate(spec), region: 'all' };
}

/**
 * A new model in which every ReLU (Activation('relu'), a ReLU layer, or the relu of a
 * Dense/Conv layer, split into the layer with a linear activation + SugarReLU) is a
 * SugarReLU with the given surrogate. Weights and topology are kept; the new model is not compiled.
 *
 * @param model a Sequential or functional model with ReLUs (left unchanged)
 * @param spec the surrogate (name, spec or Surrogate), or an ActivationSpec of kind 'sugar' with its region
 * @param opts what to do with a relu that cannot be split, and with a model without any ReLU
 */
export function sugarize(model: tf.LayersModel, spec: SurrogateLike | ActivationSpec, opts: SugarizeOptions = {}): tf.LayersModel {
  const { surrogate, region } = sugarTarget(spec);
  const sugarConfig = (config: Dict): LayerEntry => ({
    className: SugarReLU.className,
    config: { ...baseConfig(config), surrogate: { ...surrogateToSpec(surrogate) }, region },
  });
  let count = 0;
  const out = rebuild(model, (e, path) => {
    if (isReluLayer(e)) {
      count++;
      return { replace: sugarConfig(e.config) };
    }
    if (hasFusedRelu(e)) {
      count++;
      return { split: sugarConfig({ trainable: e.config.trainable, dtype: e.config.dtype }) };
    }
    if (e.config.activation !== 'relu' || e.className === 'Activation') return undefined;
    if (opts.onUnsupported === 'keep') return undefined;
    throw new SurgeryError(
      `${path}: ${e.className} applies relu internally and cannot be split; sugarize splits only ` +
        `${FUSED_ACTIVATION_LAYERS.join(', ')}. Pass { onUnsupported: 'keep' } to leave it as is`,
    );
  });
  if (!count && !opts.allowNoRelu) {
    out.dispose();
    throw new SurgeryError(
      `sugarize: expected a ReLU to replace in model '${model.name}' (ReLU layers, Activation('relu'), or ${FUSED_ACTIVATION_LAYERS.join('/')} ` +
        `layers with activation 'relu', nested models included); found ${describeLayers(model) || 'no layers'}. Pass { allowNoRelu: true } to accept that`,
    );
  }
  return out;
}

/**
 * A new model with every SugarReLU turned back into a plain ReLU layer (same name, same outputs). A relu that
 * `sugarize` split out of a Dense/Conv layer stays a layer of its own: the same forward and gradient as the fused original.
 *
 * @param model a model with SugarReLU layers (left unchanged)
 */
export function desugarize(model: tf.LayersModel): tf.LayersModel {
  return rebuild(model, (e) => (e.className === SugarReLU.className ? { replace: { className: 'ReLU', config: baseConfig(e.config) } } : undefined));
}

/**
 * Number of SugarReLU layers in a model, nested models included.
 *
 * @param model the model to count in
 */
export function countSugarLayers(model: tf.LayersModel): number {
  return model.layers.reduce((n, l) => n + (l instanceof SugarReLU ? 1 : isContainer(l) ? countSugarLayers(l) : 0), 0);
}
