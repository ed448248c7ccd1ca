import type { tf } from '@sugar-lab/core';
import { TrainError } from './errors';

/** Models or configs that cannot train as one packed computation (what differs, and where). */
export class PackError extends TrainError {
  override name = 'PackError';
}

/** One dense layer of a packable model, and the activation layer after it (none for the logits). */
export interface PackedLayer {
  dense: tf.layers.Layer;
  inputs: number;
  units: number;
  /** Indices into the model's trainableWeights (the optimizer's parameter order). */
  kernel: number;
  bias?: number;
  activation?: tf.layers.Layer;
}

/** The structure packing needs: a chain of dense layers, each optionally followed by one activation layer. */
export interface PackPlan {
  /** Flattened sample size the first dense layer takes. */
  features: number;
  layers: PackedLayer[];
  /** Trainable weight shapes, in the model's order. */
  shapes: number[][];
}

const className = (l: tf.layers.Layer) => l.getClassName();

// Layers that act on each value alone, so one call on a [K, batch, units] stack computes every member's
// activation: tfjs's element-wise activations and sugar-lab's SugarReLU / SurrogateActivation.
const ELEMENTWISE = new Set(['ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'SugarReLU', 'SurrogateActivation']);
function isElementwise(layer: tf.layers.Layer): boolean {
  if (layer.weights.length) return false;
  if (layer.getClassName() === 'Activation') return (layer.getConfig() as { activation?: unknown }).activation !== 'softmax';
  return ELEMENTWISE.has(layer.getClassName());
}

function previousLayer(layer: tf.layers.Layer): tf.layers.Layer | undefined {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes;
  if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1) return undefined;
  return nodes[0].inboundLayers[0];
}

/**
 * How `model` trains packed: an input, an optional flatten, then dense layers without a fused activation,
 * each followed by at most one element-wise activation layer (what `buildModel('mlp')` builds without batch
 * norm or dropout). Anything else throws a PackError naming the layer.
 */
export function packPlan(model: tf.LayersModel): PackPlan {
  const where = `model '${model.name}'`;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new PackError(`${where}: expected one input and one output to pack`);
  if (model.nonTrainableWeights.length)
    throw new PackError(
      `${where}: has non-trainable weights (${model.nonTrainableWeights.map((w) => w.originalName).join(', ')}); packing takes dense layers and activations only`,
    );
  const index = new Map(model.trainableWeights.map((w, i) => [w.originalName, i]));
  const sample = (model.inputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  const layers: PackedLayer[] = [];
  let prev: tf.layers.Layer | undefined;
  for (const layer of model.layers) {
    const cls = className(layer);
    if (prev && previousLayer(layer) !== prev)
      throw new PackError(`${where}: layer '${layer.name}' is not fed by '${prev.name}'; packing takes a plain chain of layers`);
    prev = layer;
    if (cls === 'InputLayer') continue;
    if (cls === 'Flatten' && layers.length === 0) continue;
    if (cls === 'Dense') {
      const cfg = layer.getConfig() as { activation?: string; units: number; useBias: boolean };
      if (cfg.activation !== 'linear')
        throw new PackError(`${where}: dense layer '${layer.name}' has the fused activation '${cfg.activation}'; packing needs it as its own layer`);
      const kernel = layer.trainableWeights.find((w) => /kernel/.test(w.originalName));
      const bias = layer.trainableWeights.find((w) => /bias/.test(w.originalName));
      if (!kernel) throw new PackError(`${where}: dense layer '${layer.name}' has no kernel`);
      layers.push({
        dense: layer,
        inputs: kernel.shape[0] as number,
        units: cfg.units,
        kernel: index.get(kernel.originalName)!,
        ...(bias ? { bias: index.get(bias.originalName)! } : {}),
      });
      continue;
    }
    const last = layers[layers.length - 1];
    if (isElementwise(layer) && last && !last.activation) {
      last.activation = layer;
      continue;
    }
    throw new PackError(`${where}: layer '${layer.name}' (${cls}) cannot be packed; packing takes dense layers, each followed by at most one activation layer`);
  }
  if (!layers.length) throw new PackError(`${where}: has no dense layer to pack`);
  if (layers[0].inputs !== sample) throw new PackError(`${where}: first dense layer takes ${layers[0].inputs} features; the input has ${sample}`);
  if (prev !== model.outputLayers[0]) throw new PackError(`${where}: its output is not the last layer of the chain`);
  return { features: sample, layers, shapes: model.trainableWeights.map((w) => w.shape as number[]) };
}

/** The activation layer's meaning without its name: members with equal keys share one activation call. */
export function activationKey(layer: tf.layers.Layer | undefined): string {
  if (!layer) return '-';
  const { name: _name, trainable: _t, ...config } = layer.getConfig() as Record<string, unknown>;
  return `${className(layer)}${JSON.stringify(config)}`;
}

/** Throws unless `plan` has the same shapes as `first` (members of one pack share the architecture). */
export function checkSamePlan(first: PackPlan, plan: PackPlan, member: number): void {
  const same =
    first.shapes.length === plan.shapes.length &&
    first.shapes.every((s, i) => s.join('x') === plan.shapes[i].join('x')) &&
    first.layers.length === plan.layers.length;
  if (!same) {
    throw new PackError(
      `pack member ${member + 1}: weight shapes [${plan.shapes.map((s) => s.join('x')).join(', ')}] differ from member 1's [${first.shapes.map((s) => s.join('x')).join(', ')}]; a pack shares one architecture`,
    );
  }
  plan.layers.forEach((l, i) => {
    if (Boolean(l.activation) !== Boolean(first.layers[i].activation) || (l.bias === undefined) !== (first.layers[i].bias === undefined)) {
      throw new PackError(`pack member ${member + 1}: layer '${l.dense.name}' differs from member 1's in its bias or activation position`);
    }
  });
}
