import { hasFusedActivation, tf } from '@sugar-lab/core';
import { ProbeError } from './errors';

type Layer = tf.layers.Layer;

/** One probed layer's tensors for a batch: the activation's input (pre-activation) and output. */
export interface TapValues {
  pre: tf.Tensor;
  post: tf.Tensor;
}

// One container (the model, or a model nested in it): a model from its inputs to what is read there.
interface Level {
  tap?: tf.LayersModel;
  sites: { layer: Layer; pre: number; post: number }[];
  // A nested model holding probed layers: what feeds it (-1: this level's own input) and its level.
  children: { input: number; level: Level }[];
}

// The node through which `layer` is used in its container: its only one, or, for a nested model (whose node
// without inbound layers links its own inputs to its outputs), the one call the container makes.
function containerNode(layer: Layer): number {
  const nodes = layer.inboundNodes;
  if (nodes.length === 1) return 0;
  const calls = nodes.flatMap((n, i) => (layer instanceof tf.LayersModel && n.inboundLayers.length === 0 ? [] : [i]));
  if (calls.length !== 1) {
    throw new ProbeError(`ActivationProbe: layer '${layer.name}' must be used exactly once in the model; found ${calls.length} uses`);
  }
  return calls[0];
}

function single(t: tf.SymbolicTensor | tf.SymbolicTensor[], layer: Layer, what: string): tf.SymbolicTensor {
  if (!Array.isArray(t)) return t;
  if (t.length === 1) return t[0];
  throw new ProbeError(`ActivationProbe: layer '${layer.name}' must have one ${what}; found ${t.length}`);
}

const holds = (model: tf.LayersModel, wanted: ReadonlySet<Layer>): boolean =>
  model.layers.some((l) => wanted.has(l) || (l instanceof tf.LayersModel && holds(l, wanted)));

/**
 * The tensors a probe reads, per probed layer: its pre-activation and its output, for layers at any depth of
 * nested models (each nested model is tapped from its own input, which its container's tap yields). A Dense/Conv
 * layer with a fused activation has no pre-activation tensor of its own: a twin of it with a linear activation,
 * applied to the same input and given the same weights before every read (`sync`), computes it. The output
 * alone would do for dead units, sparsity and activation probability (ReLU's output is > 0 exactly where its
 * input is), but the pre-activation moments need the values themselves.
 */
export class ProbeTaps {
  private readonly root: Level;
  private readonly twins: { layer: Layer; twin: Layer }[] = [];

  constructor(model: tf.LayersModel, layers: readonly Layer[]) {
    const wanted = new Set(layers);
    this.root = this.level(model, wanted, `${model.name}_probe_tap`);
    const found = new Set<Layer>();
    const collect = (l: Level): void => {
      for (const s of l.sites) found.add(s.layer);
      for (const c of l.children) collect(c.level);
    };
    collect(this.root);
    const missing = layers.filter((l) => !found.has(l));
    if (missing.length) {
      throw new ProbeError(`ActivationProbe: layers ${missing.map((l) => `'${l.name}'`).join(', ')} are not reachable from model '${model.name}'`);
    }
  }

  /** Copies each fused layer's current weights into its linear twin (shares them: no tensor is copied). */
  sync(): void {
    for (const { layer, twin } of this.twins) twin.setWeights(layer.getWeights());
  }

  /** Each probed layer's pre-activation and output for the batch `x` (call inside tf.tidy). */
  read(x: tf.Tensor): Map<Layer, TapValues> {
    const out = new Map<Layer, TapValues>();
    const run = (level: Level, input: tf.Tensor) => {
      const y = level.tap?.apply(input, { training: false }) as tf.Tensor | tf.Tensor[] | undefined;
      const ys = y === undefined ? [] : Array.isArray(y) ? y : [y];
      for (const s of level.sites) out.set(s.layer, { pre: ys[s.pre], post: ys[s.post] });
      for (const c of level.children) run(c.level, c.input < 0 ? input : ys[c.input]);
    };
    run(this.root, x);
    return out;
  }

  /** Frees the linear twins' weights (the taps share every other layer with the model). */
  dispose(): void {
    for (const { twin } of this.twins) twin.dispose();
  }

  private level(container: tf.LayersModel, wanted: ReadonlySet<Layer>, name: string): Level {
    const outputs: tf.SymbolicTensor[] = [];
    // One output per tensor: a model's apply gives null for an output listed twice (one activation feeding the next).
    const push = (t: tf.SymbolicTensor) => (outputs.includes(t) ? outputs.indexOf(t) : outputs.push(t) - 1);
    const level: Level = { sites: [], children: [] };
    for (const layer of container.layers) {
      if (wanted.has(layer)) {
        const node = containerNode(layer);
        const input = single(layer.getInputAt(node), layer, 'input');
        const output = single(layer.getOutputAt(node), layer, 'output');
        const pre = hasFusedActivation(layer) ? this.linearTwin(layer, input) : input;
        level.sites.push({ layer, pre: push(pre), post: push(output) });
      } else if (layer instanceof tf.LayersModel && holds(layer, wanted)) {
        const input = single(layer.getInputAt(containerNode(layer)), layer, 'input');
        const own = container.inputs.indexOf(input) >= 0 && container.inputs.length === 1;
        level.children.push({ input: own ? -1 : push(input), level: this.level(layer, wanted, `${name}_${layer.name}`) });
      }
    }
    if (outputs.length) level.tap = tf.model({ inputs: container.inputs, outputs, name });
    return level;
  }

  // The layer with a linear activation: the same class and configuration, applied to the same input.
  private linearTwin(layer: Layer, input: tf.SymbolicTensor): tf.SymbolicTensor {
    const { name: _name, batchInputShape: _shape, ...config } = layer.getConfig();
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
    if (!entry) throw new ProbeError(`ActivationProbe: cannot rebuild layer '${layer.name}' of class '${layer.getClassName()}' to read its pre-activation`);
    const [cls, fromConfig] = entry;
    const twin = fromConfig(cls, { ...config, activation: 'linear', trainable: false }) as unknown as Layer;
    const out = twin.apply(input) as tf.SymbolicTensor;
    this.twins.push({ layer, twin });
    return out;
  }
}
