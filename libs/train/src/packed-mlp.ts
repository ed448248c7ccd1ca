import { hasKernel, packedDense, SUGAR_GELU, SUGAR_PACKED_DENSE, surrogateActivation, tf } from '@sugar-lab/core';
import { activationKey, PackError, type PackPlan } from './packed-plan';

/** A weight of shape [out] is stacked as [K, 1, out], so it broadcasts over a [K, batch, out] batch. */
export function stackedShape(k: number, shape: number[]): number[] {
  return shape.length === 1 ? [k, 1, shape[0]] : [k, ...shape];
}

export const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Members that share one activation, contiguous in the pack, and the layers that compute it. */
interface ActivationGroup {
  size: number;
  /** Per dense layer position, the activation layer (of the group's first member's model). */
  layers: (tf.layers.Layer | undefined)[];
  /** Per position, whether that layer is tfjs-layers' GELU (run as the native GELU where it runs). */
  gelu: boolean[];
}

/**
 * Member rows of a flat [K, P] tensor as the members' own tensors, one per weight, in the weights' shapes.
 * Read back and uploaded rather than sliced and reshaped: wasm keeps a reshaped view's original rank in its
 * data, and a model's dense layer then refuses the bias. Once per epoch, so the copy costs nothing that counts.
 */
export function memberTensors(flat: tf.Tensor, shapes: number[][]): tf.Tensor[][] {
  const [k, p] = flat.shape as [number, number];
  const data = flat.dataSync() as Float32Array;
  return Array.from({ length: k }, (_, m) => {
    let at = m * p;
    return shapes.map((shape) => {
      const n = sizeOf(shape);
      const t = tf.tensor(data.slice(at, at + n), shape, 'float32');
      at += n;
      return t;
    });
  });
}

/** Each member's tensors (one per weight) as one flat [K, P] tensor, in pack order. */
export function flatten(perMember: tf.Tensor[][]): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.concat(
        perMember.map((ts) =>
          tf.concat(
            ts.map((t) => tf.reshape(t, [1, -1])),
            1,
          ),
        ),
        0,
      ) as tf.Tensor2D,
  );
}

/**
 * K models of one architecture as one stacked computation. All trainable weights of a member are one row of
 * a flat [K, P] variable (so the optimizer updates every weight of every member in a handful of ops); each
 * step views it as per-layer [K, in, out] kernels and [K, 1, out] biases, a dense layer is one batched
 * matmul, and each activation is applied by the members' own activation layers, once per group of members
 * that share it. The member models stay the reference: weights are copied from them and back (`writeBack`).
 */
export class PackedMlp {
  readonly flat: tf.Variable;
  readonly sizes: number[];
  readonly groups: ActivationGroup[];

  /** `models` must be ordered so that members with the same activations are contiguous (see packOrder). */
  constructor(
    readonly plan: PackPlan,
    readonly models: tf.LayersModel[],
    plans: PackPlan[],
  ) {
    this.sizes = plan.shapes.map(sizeOf);
    const init = flatten(models.map((m) => m.trainableWeights.map((w) => w.read())));
    this.flat = tf.variable(init, false);
    init.dispose();
    this.groups = [];
    plans.forEach((p, m) => {
      const keys = activationKeys(p);
      const last = this.groups[this.groups.length - 1];
      if (last && keys === activationKeys(plans[m - last.size])) last.size++;
      else this.groups.push({ size: 1, layers: p.layers.map((l) => l.activation), gelu: p.layers.map((l) => isGeluLayer(l.activation)) });
    });
    if (this.groups.reduce((s, g) => s + g.size, 0) !== models.length) throw new PackError('PackedMlp: the activation groups do not cover the members');
  }

  get size(): number {
    return this.models.length;
  }

  /**
   * Whether a step runs each dense layer as one native op (sugar-lab's kernels on tensorflow) on the flat
   * variable's 2-D pieces: no reshapes of the views or of their gradients, no separate bias add or bias-gradient
   * sum (about 95 fewer ops a packed step of a 12-layer MLP).
   */
  private native(): boolean {
    return hasKernel(SUGAR_PACKED_DENSE) && this.plan.layers.every((l) => l.bias !== undefined);
  }

  /**
   * Each weight cut from the flat variable (inside a tidy): stacked ([K, in, out], [K, 1, out]), or with the
   * native dense op the [K, n] pieces as they are.
   */
  views(): tf.Tensor[] {
    const k = this.size;
    const pieces = tf.split(this.flat, this.sizes, 1);
    return this.native() ? pieces : pieces.map((t, i) => tf.reshape(t, stackedShape(k, this.plan.shapes[i])));
  }

  /** Logits [K, batch, classes] of inputs [K, batch, ...sample], with the weights `w` (as `views` gives them). */
  forward(x: tf.Tensor, w: tf.Tensor[]): tf.Tensor {
    let h = tf.reshape(x, [x.shape[0], x.shape[1] as number, this.plan.features]);
    const native = w[this.plan.layers[0].kernel].rank === 2;
    this.plan.layers.forEach((l, j) => {
      if (native) {
        h = packedDense(h, w[l.kernel], w[l.bias!]);
        if (l.activation) h = this.activate(h, j);
        return;
      }
      const bias = l.bias === undefined ? undefined : w[l.bias];
      // matMul + add rather than fused.matMul: the fused op reshapes its operands to rank 3 and back (six
      // more kernels a layer with the gradient; on tfjs-node each one is a TensorFlow op), and wasm's takes
      // only a rank-1 bias, not a [K, 1, out] one.
      h = tf.matMul(h, w[l.kernel]);
      if (bias) h = tf.add(h, bias);
      if (l.activation) h = this.activate(h, j);
    });
    return h;
  }

  private activate(h: tf.Tensor, j: number): tf.Tensor {
    if (this.groups.length === 1) return applyActivation(this.groups[0], j, h);
    const parts = tf.split(
      h,
      this.groups.map((g) => g.size),
      0,
    );
    return tf.concat(
      parts.map((p, g) => applyActivation(this.groups[g], j, p)),
      0,
    );
  }

  /** Copies each member's row into its model's weights. */
  writeBack(): void {
    memberTensors(this.flat, this.plan.shapes).forEach((ts, k) => {
      ts.forEach((t, i) => this.models[k].trainableWeights[i].write(t));
      tf.dispose(ts);
    });
  }

  dispose(): void {
    this.flat.dispose();
  }
}

// tfjs-layers' GELU layer (models use it so plain tfjs can load them) runs as sugar-lab's one-op native GELU where
// that runs (tensorflow): 5 + 11 kernels a layer fewer; the same function to float32 rounding. Elsewhere the layer,
// so cpu packs stay bit-identical to unpacked runs.
const isGeluLayer = (layer: tf.layers.Layer | undefined) =>
  layer?.getClassName() === 'Activation' && (layer.getConfig() as { activation?: string }).activation === 'gelu';

function applyActivation(group: ActivationGroup, j: number, h: tf.Tensor): tf.Tensor {
  if (group.gelu[j] && hasKernel(SUGAR_GELU)) return surrogateActivation(h, 'gelu');
  return group.layers[j]!.apply(h) as tf.Tensor;
}

function activationKeys(plan: PackPlan): string {
  return plan.layers.map((l) => activationKey(l.activation)).join('|');
}

/** Member indices in pack order: members with the same activations next to each other, first seen first. */
export function packOrder(plans: PackPlan[]): number[] {
  const firstOf = new Map<string, number>();
  plans.forEach((p, i) => {
    const key = activationKeys(p);
    if (!firstOf.has(key)) firstOf.set(key, i);
  });
  return plans.map((_, i) => i).sort((a, b) => firstOf.get(activationKeys(plans[a]))! - firstOf.get(activationKeys(plans[b]))! || a - b);
}
