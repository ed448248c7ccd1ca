// Kernels for the tensorflow backend (tfjs-node) that do in one native op, or a few native ops behind one engine
// dispatch, what tfjs would otherwise spell with many: tfjs-node's Step is IsNan + Greater + two full-size Fills
// + two Selects, so ReLU's backward (dy * step(x)) cost more than the conv forward it follows on the reference
// CNN, and every tfjs op adds engine + binding time on top of its native kernel, which is most of a small model's
// step (sugar bench --profile; figures in docs/benchmarks.md, "Where a step's time goes").
import { loadNativeOps, nativeOpsActive, nativeOpsInfo } from './native-ops';
import * as tf from './tf';

/** dy where x > 0, else 0: TensorFlow's ReluGrad (PyTorch's threshold_backward). */
export const SUGAR_RELU_GRAD = 'SugarReluGrad';
/** dy * bsilu'(x) for B-SiLU with shift alpha: dy * s * ((x + alpha) * (1 - s) + 1), s = sigmoid(x): one native op
 * with sugar-lab's native kernels, else 7 in one dispatch. */
export const SUGAR_BSILU_GRAD = 'SugarBsiluGrad';
/** Per-row softmax cross-entropy and its gradient (softmax - labels): TensorFlow's SoftmaxCrossEntropyWithLogits. */
export const SUGAR_SOFTMAX_XENT = 'SugarSoftmaxXent';
/** Exact GELU x * Phi(x) in one native pass (sugar-lab's native kernels only), and its gradient dy * GELU'(x). */
export const SUGAR_GELU = 'SugarGelu';
export const SUGAR_GELU_GRAD = 'SugarGeluGrad';
/** dy * nelu'(x) in one native pass (sugar-lab's native kernels only); attrs { alpha }. */
export const SUGAR_NELU_GRAD = 'SugarNeluGrad';
/**
 * A dense layer of a pack of K MLPs: h [K, B, I] times each member's kernel w [K, I*O] (row-major [I, O]) plus
 * its bias b [K, O], as one native op (sugar-lab's native kernels only; see packedDense).
 */
export const SUGAR_PACKED_DENSE = 'SugarPackedDense';
const SUGAR_PACKED_DENSE_GRAD = 'SugarPackedDenseGrad';
/**
 * An activation probe's statistics of one layer as one native op: per unit the count of pre-activations > 0
 * ([units], float32), and [zeros after the activation, mean, variance of the pre-activations] ([3]).
 */
export const SUGAR_PROBE_STATS = 'SugarProbeStats';
/** One Adam/AdamW step for one weight as one native op: inputs as @sugar-lab/native's SugarAdam (kernels/optimizers.cc), outputs [w, m, v]. */
export const SUGAR_ADAM_STEP = 'SugarAdamStep';
/** One SGD step (L2, momentum, Nesterov) for one weight as one native op: outputs [w, momentum buffer]. */
export const SUGAR_SGD_STEP = 'SugarSgdStep';
/** A whole training step of a pack of K MLPs as one native op (see packedMlpStep and mlp_step.cc). */
export const SUGAR_PACKED_MLP_STEP = 'SugarPackedMlpStep';
/** Every member's forward pass over shared rows (evaluation and probe statistics) as one native op (packedMlpForward). */
export const SUGAR_PACKED_MLP_FORWARD = 'SugarPackedMlpForward';

// Kernels that exist only where sugar-lab's native kernels (native-ops.ts) are loaded and switched on.
const NATIVE_ONLY: Record<string, string> = {
  [SUGAR_ADAM_STEP]: 'SugarAdam',
  [SUGAR_SGD_STEP]: 'SugarSgd',
  [SUGAR_NELU_GRAD]: 'SugarNeluGrad',
  [SUGAR_PACKED_DENSE]: 'SugarPackedDense',
  [SUGAR_GELU]: 'SugarGelu',
  [SUGAR_GELU_GRAD]: 'SugarGeluGrad',
  [SUGAR_PROBE_STATS]: 'SugarProbeStats',
  [SUGAR_PACKED_MLP_STEP]: 'SugarPackedMlpStep',
  [SUGAR_PACKED_MLP_FORWARD]: 'SugarPackedMlpForward',
};

interface TensorMetadata {
  id: number;
  shape: number[];
  dtype: number;
}

interface NodeBackend extends tf.KernelBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_FLOAT: number;
    TF_INT32: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_FLOAT: number;
    TF_ATTR_INT: number;
    createTensor(shape: number[], dtype: number, values: Int32Array): number;
    executeOp(name: string, attrs: unknown[], inputIds: number[], numOutputs: number): TensorMetadata[];
  };
  getInputTensorIds(tensors: tf.TensorInfo[]): number[];
  getDTypeInteger(dtype: tf.DataType): number;
  createOutputTensor(meta: TensorMetadata): tf.Tensor;
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: tf.TensorInfo[], n: number): tf.Tensor[];
}

const floatAttr = (b: NodeBackend) => [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }];

/** Runs native ops in order; every intermediate is freed, the last result returned. */
function native(backend: unknown, f: (op: (name: string, ...inputs: tf.TensorInfo[]) => tf.Tensor) => tf.Tensor): tf.Tensor {
  const b = backend as NodeBackend;
  const attrs = floatAttr(b);
  const made: tf.Tensor[] = [];
  const op = (name: string, ...inputs: tf.TensorInfo[]) => {
    const t = b.executeSingleOutput(name, attrs, inputs);
    made.push(t);
    return t;
  };
  const out = f(op);
  for (const t of made) if (t !== out) t.dispose();
  return out;
}

function scalarOn(value: number): tf.Tensor {
  return tf.scalar(value, 'float32');
}

let registered = false;

/**
 * Registers the kernels above for 'tensorflow', replaces tfjs-node's Step with an exact one that runs 4 native
 * ops on bool masks and scalars instead of 6 with two full-size fills, and routes Relu's gradient through
 * ReluGrad on tensorflow (other backends keep tfjs's own). With sugar-lab's native kernels (loaded here from
 * beside `tfjsNodeMain`), matmuls run through BLAS, SUGAR(bsilu)'s and SUGAR(nelu)'s gradients in one pass and
 * the optimizers' steps as one op per weight. Call after tfjs-node has loaded; idempotent.
 */
export function registerTensorflowKernels(tfjsNodeMain?: string): void {
  if (registered || !tf.getKernel('Step', 'tensorflow')) return;
  registered = true;
  loadNativeOps(tfjsNodeMain);
  replaceStep();
  replaceReshape();
  registerGradientKernels();
  routeMatMul();
  routeMaxPoolGrad();
  routeBiasOps();
  registerNativeOnlyKernels();
  routeReluGradient();
  routeFusedOps();
}

// tfjs-node's Reshape uploads its target shape as a new int32 tensor every call and frees it after; a packed
// step of the quick MLP reshapes 48 times. The shape tensors are kept here instead (libtensorflow handles, not
// tfjs tensors, so tf.memory() does not count them), one per distinct shape.
const shapeHandles = new Map<string, number>();
const MAX_SHAPE_HANDLES = 4096;

function replaceReshape(): void {
  const orig = tf.getKernel('Reshape', 'tensorflow');
  if (!orig) return;
  tf.unregisterKernel('Reshape', 'tensorflow');
  tf.registerKernel({
    ...orig,
    kernelFunc: (args) => {
      const b = args.backend as NodeBackend;
      const { x } = args.inputs as { x: tf.TensorInfo };
      const shape = (args.attrs as { shape: number[] }).shape;
      if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return orig.kernelFunc(args);
      const key = shape.join(',');
      let id = shapeHandles.get(key);
      if (id === undefined) {
        if (shapeHandles.size >= MAX_SHAPE_HANDLES) return orig.kernelFunc(args);
        id = b.binding.createTensor([shape.length], b.binding.TF_INT32, Int32Array.from(shape));
        shapeHandles.set(key, id);
      }
      const attrs = [
        { name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.getDTypeInteger(x.dtype) },
        { name: 'Tshape', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_INT32 },
      ];
      return b.createOutputTensor(b.binding.executeOp('Reshape', attrs, [b.getInputTensorIds([x])[0], id], 1)[0]);
    },
  });
}

function replaceStep(): void {
  const origStep = tf.getKernel('Step', 'tensorflow');
  tf.unregisterKernel('Step', 'tensorflow');
  tf.registerKernel({
    kernelName: 'Step',
    backendName: 'tensorflow',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype !== 'float32') return origStep.kernelFunc(args);
      const alpha = (args.attrs as { alpha?: number }).alpha ?? 0;
      // tfjs's step: 1 for x > 0, alpha for x <= 0, NaN for NaN.
      const one = scalarOn(1);
      const a = scalarOn(alpha);
      const zero = scalarOn(0);
      try {
        return native(args.backend, (op) => op('SelectV2', op('IsNan', x), x, op('SelectV2', op('Greater', x, zero), one, a)));
      } finally {
        tf.dispose([one, a, zero]);
      }
    },
  });
}

// ReLU's, SUGAR(bsilu)'s and SUGAR(nelu)'s gradients and the loss's, each one engine dispatch.
function registerGradientKernels(): void {
  tf.registerKernel({
    kernelName: SUGAR_RELU_GRAD,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      return native(backend, (op) => op('ReluGrad', dy, x));
    },
  });
  tf.registerKernel({
    kernelName: SUGAR_BSILU_GRAD,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      const alpha = (attrs as { alpha: number }).alpha;
      if (nativeOpsActive('SugarBsiluGrad')) {
        const b = backend as NodeBackend;
        return b.executeSingleOutput('SugarBsiluGrad', [{ name: 'alpha', type: b.binding.TF_ATTR_FLOAT, value: alpha }], [dy, x]);
      }
      const a = scalarOn(alpha);
      const one = scalarOn(1);
      try {
        // The ops of surrogates-builtin's bsilu grad times dy, in its order: bit-identical to the tfjs path.
        return native(backend, (op) => {
          const s = op('Sigmoid', x);
          return op('Mul', dy, op('Mul', s, op('Add', op('Mul', op('Add', x, a), op('Sub', one, s)), one)));
        });
      } finally {
        tf.dispose([a, one]);
      }
    },
  });
  tf.registerKernel({
    kernelName: SUGAR_NELU_GRAD,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
      const b = backend as NodeBackend;
      const twoAlpha = 2 * (attrs as { alpha: number }).alpha;
      return b.executeSingleOutput('SugarNeluGrad', [{ name: 'two_alpha', type: b.binding.TF_ATTR_FLOAT, value: twoAlpha }], [dy, x]);
    },
  });
  tf.registerKernel({
    kernelName: SUGAR_SOFTMAX_XENT,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const { logits, labels } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
      const b = backend as NodeBackend;
      return b.executeMultipleOutputs('SoftmaxCrossEntropyWithLogits', floatAttr(b), [logits, labels], 2);
    },
  });
}

// tfjs's Relu gradient is dy * step(x): on tensorflow that is Cast + Step + Mul (three engine ops, five native
// passes over the tensor); ReluGrad is one. They agree on every finite input (x > 0: dy; x <= 0: zero, +0 for -0);
// at a NaN input ReluGrad gives 0 where tfjs gives NaN, and the forward value there is NaN already.
function routeReluGradient(): void {
  const orig = tf.getGradient('Relu');
  if (!orig) return;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: orig.inputsToSave,
    outputsToSave: orig.outputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (tf.getBackend() !== 'tensorflow' || x.dtype !== 'float32') return orig.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel<tf.Tensor>(SUGAR_RELU_GRAD, { dy: dy as tf.Tensor, x }) };
    },
  });
}

// Second derivatives (a gradient of a gradient) through ReluGrad: linear in dy, piecewise constant in x.
tf.registerGradient({
  kernelName: SUGAR_RELU_GRAD,
  inputsToSave: ['x'],
  gradFunc: (ddx, [x]) => ({
    dy: () => tf.engine().runKernel<tf.Tensor>(SUGAR_RELU_GRAD, { dy: ddx as tf.Tensor, x }),
    x: () => tf.zerosLike(x),
  }),
});

type FusedMatMulArgs = Parameters<typeof tf.fused.matMul>[0];
type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];

/** tfjs's own fused.matMul and fused.conv2d, as they were before sugar-lab routed them on tensorflow. */
export const TFJS_FUSED: { matMul: typeof tf.fused.matMul; conv2d: typeof tf.fused.conv2d } = { matMul: tf.fused.matMul, conv2d: tf.fused.conv2d };

const linear = (activation: string | undefined, prelu: unknown) => (activation ?? 'linear') === 'linear' && prelu == null;

// tfjs-node's _FusedMatMul and FusedConv2D kernels are not fused: they run matMul (conv2d) and then add the
// bias. tfjs's fused ops wrap them in a customGrad, which computes every input's gradient eagerly, so the first
// layer's gradient with respect to the data (a full matmul or Conv2DBackpropInput per step, a sizeable part of
// the reference MLP's step: docs/benchmarks.md) is computed and thrown away, and each dense layer adds 7
// reshapes. The same kernels as separate ops (registered gradients, evaluated only where needed) give the same
// numbers without that work.
function routeFusedOps(): void {
  const fused = tf.fused as { matMul: typeof tf.fused.matMul; conv2d: typeof tf.fused.conv2d };
  fused.matMul = (args: FusedMatMulArgs) => {
    if (tf.getBackend() !== 'tensorflow' || !linear(args.activation, args.preluActivationWeights)) return TFJS_FUSED.matMul(args);
    return tf.tidy(() => {
      const y = tf.matMul(args.a, args.b, args.transposeA, args.transposeB);
      return args.bias != null ? tf.add(y, args.bias) : y;
    });
  };
  fused.conv2d = (<T extends tf.Tensor3D | tf.Tensor4D>(args: FusedConv2dArgs) => {
    const format = args.dataFormat ?? 'NHWC';
    if (tf.getBackend() !== 'tensorflow' || format !== 'NHWC' || !linear(args.activation, args.preluActivationWeights)) return TFJS_FUSED.conv2d(args);
    return tf.tidy(() => {
      const y = tf.conv2d(args.x, args.filter, args.strides, args.pad, format, args.dilations ?? [1, 1], args.dimRoundingMode);
      return (args.bias != null ? tf.add(y, args.bias) : y) as T;
    });
  }) as typeof tf.fused.conv2d;
}

// libtensorflow's eager MatMul scales poorly past one thread and has a large fixed cost per call: on more than
// one thread OpenBLAS was faster at large and small shapes alike (docs/benchmarks.md, "Native kernels").
// Rank-2 products and rank-3 ones with one batch size (packed runs) go to SugarMatMul; broadcasting ones stay.
// On one thread libtensorflow's own product is a little faster than OpenBLAS's from ~1M multiply-adds up, so
// there only the small ones, where the call itself is the cost, go to BLAS.
const SINGLE_THREAD_BLAS_UP_TO = 1 << 20;

function blasIsFaster(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): boolean {
  if ((nativeOpsInfo()?.blasThreads ?? 1) > 1) return true;
  const r = a.length;
  const m = transposeA ? a[r - 1] : a[r - 2];
  const k = transposeA ? a[r - 2] : a[r - 1];
  const n = transposeB ? b[r - 2] : b[r - 1];
  return m * k * n < SINGLE_THREAD_BLAS_UP_TO;
}

/** `kernel` routed on tensorflow: `use` returns the native op's result, or undefined to run tfjs-node's. */
function route(kernel: string, use: (args: Parameters<tf.KernelFunc>[0], b: NodeBackend) => tf.TensorInfo | undefined): void {
  const orig = tf.getKernel(kernel, 'tensorflow');
  if (!orig) return;
  tf.unregisterKernel(kernel, 'tensorflow');
  tf.registerKernel({ ...orig, kernelFunc: (args) => use(args, args.backend as NodeBackend) ?? orig.kernelFunc(args) });
}

function routeMatMul(): void {
  route('BatchMatMul', ({ inputs, attrs }, nb) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const r = a.shape.length;
    const plain = a.dtype === 'float32' && b.dtype === 'float32' && b.shape.length === r && (r === 2 || (r === 3 && a.shape[0] === b.shape[0]));
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!plain || !nativeOpsActive('SugarMatMul') || !blasIsFaster(a.shape, b.shape, transposeA, transposeB)) return undefined;
    const flag = (name: string, value: boolean) => ({ name, type: nb.binding.TF_ATTR_BOOL, value });
    return nb.executeSingleOutput('SugarMatMul', [flag('transpose_a', transposeA), flag('transpose_b', transposeB)], [a, b]);
  });
}

// Max pooling's gradient as sugar-lab's vectorized SugarMaxPoolGrad (libtensorflow's recomputes each window's argmax
// in a scalar loop, the reference CNN's largest op after its convolutions: docs/benchmarks.md, "Native kernels");
// the same first-maximum rule, so the same numbers. Channels-last float32 with valid / same padding only; anything else stays tfjs-node's.
function routeMaxPoolGrad(): void {
  route('MaxPoolGrad', ({ inputs, attrs }, nb) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const plain = input.dtype === 'float32' && dy.dtype === 'float32' && (info.padInfo.type === 'VALID' || info.padInfo.type === 'SAME');
    if (!plain || !nativeOpsActive('SugarMaxPoolGrad')) return undefined;
    const int = (name: string, value: number) => ({ name, type: nb.binding.TF_ATTR_INT, value });
    const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
    const geometry = [
      int('kh', filterHeight),
      int('kw', filterWidth),
      int('sh', strideHeight),
      int('sw', strideWidth),
      int('pt', padInfo.top),
      int('pl', padInfo.left),
    ];
    return nb.executeSingleOutput('SugarMaxPoolGrad', geometry, [input, dy]);
  });
}

// Below this many elements libtensorflow's Sum and Add are as fast as the native ones (dispatch dominates).
const BIAS_OPS_FROM = 16384;

// A bias's add and its gradient (a sum over every axis but the last) as one streaming native pass each
// (SugarBiasAdd: the same additions, so the same numbers; SugarColumnSum: summed in double).
function routeBiasOps(): void {
  route('Sum', ({ inputs, attrs }, b) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const r = x.shape.length;
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + r : a)).sort((p, q) => p - q);
    const leading = r >= 2 && axes.length === r - 1 && axes.every((a, i) => a === i);
    if (!leading || keepDims || x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) < BIAS_OPS_FROM || !nativeOpsActive('SugarColumnSum')) return undefined;
    return b.executeSingleOutput('SugarColumnSum', [], [x]);
  });
  route('Add', ({ inputs }, b) => {
    const { a, b: other } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const isBias = (t: tf.TensorInfo, of: tf.TensorInfo) =>
      t.shape.length <= of.shape.length &&
      of.shape.length >= 2 &&
      t.shape.slice(0, -1).every((d) => d === 1) &&
      t.shape[t.shape.length - 1] === of.shape[of.shape.length - 1];
    const [x, bias] = isBias(other, a) ? [a, other] : isBias(a, other) ? [other, a] : [undefined, undefined];
    if (!x || !bias || x.dtype !== 'float32' || bias.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) < BIAS_OPS_FROM || !nativeOpsActive('SugarBiasAdd'))
      return undefined;
    return b.executeSingleOutput('SugarBiasAdd', [], [x, bias]);
  });
}

// Kernels that only sugar-lab's native ops provide (hasKernel says where they run), each one op whose inputs are
// the kernel's in their order (@sugar-lab/native's kernels/*.cc); the optimizer steps do the tfjs optimizer's float32 arithmetic.
function registerNativeOnlyKernels(): void {
  const kernels: [string, string, number][] = [
    [SUGAR_GELU, 'SugarGelu', 1],
    [SUGAR_GELU_GRAD, 'SugarGeluGrad', 1],
    [SUGAR_PACKED_DENSE, 'SugarPackedDense', 1],
    [SUGAR_PACKED_DENSE_GRAD, 'SugarPackedDenseGrad', 3],
    [SUGAR_PROBE_STATS, 'SugarProbeStats', 2],
    [SUGAR_ADAM_STEP, 'SugarAdam', 3],
    [SUGAR_SGD_STEP, 'SugarSgd', 2],
    [SUGAR_PACKED_MLP_STEP, 'SugarPackedMlpStep', 4],
    [SUGAR_PACKED_MLP_FORWARD, 'SugarPackedMlpForward', 2],
  ];
  for (const [kernelName, op, outputs] of kernels) {
    tf.registerKernel({
      kernelName,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend }) => {
        const b = backend as NodeBackend;
        const ins = Object.values(inputs as Record<string, tf.TensorInfo>);
        return outputs === 1 ? b.executeSingleOutput(op, [], ins) : b.executeMultipleOutputs(op, [], ins, outputs);
      },
    });
  }
}

// One native op computes all three gradients; each closure hands out its own (the others are freed by the tape).
tf.registerGradient({
  kernelName: SUGAR_PACKED_DENSE,
  inputsToSave: ['h', 'w', 'b'],
  gradFunc: (dy, [h, w]) => {
    const [dh, dw, db] = tf.engine().runKernel<tf.Tensor[]>(SUGAR_PACKED_DENSE_GRAD, { dy: dy as tf.Tensor, h, w });
    return { h: () => dh, w: () => dw, b: () => db };
  },
});

/**
 * y [K, B, O] = h [K, B, I] times each member's kernel w [K, I*O] (row-major [I, O]) plus its bias b [K, O]: the
 * dense layer of a pack, as one native op with its gradient. Only where hasKernel(SUGAR_PACKED_DENSE) says so.
 *
 * @param h the members' inputs [K, B, I]
 * @param w the members' kernels [K, I*O]
 * @param b the members' biases [K, O]
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function packedDense(h: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>(SUGAR_PACKED_DENSE, { h, w, b });
}

/**
 * The inputs of one packed MLP step, as mlp_step.cc documents them (layout is int32, the rest float32).
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export interface PackedMlpStepInputs {
  w: tf.Tensor;
  s1: tf.Tensor;
  s2: tf.Tensor;
  x: tf.Tensor;
  y: tf.Tensor;
  layout: tf.Tensor;
  acts: tf.Tensor;
  hyper: tf.Tensor;
}

/**
 * One training step of every member of a pack, forward to update, as one native op: [w', s1', s2', stats], stats
 * [K, 2 + layers] = loss, correct count and kernel-gradient norms. No gradient of its own (it is the step). Only
 * where hasKernel(SUGAR_PACKED_MLP_STEP) says so.
 *
 * @param inputs weights, optimizer state, batch, layout, activations and the optimizer's settings for the step
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function packedMlpStep(inputs: PackedMlpStepInputs): tf.Tensor[] {
  // Named in the op's input order: the kernel passes them on in this order.
  const { w, s1, s2, x, y, layout, acts, hyper } = inputs;
  return tf.engine().runKernel<tf.Tensor[]>(SUGAR_PACKED_MLP_STEP, { w, s1, s2, x, y, layout, acts, hyper });
}

/**
 * Every member's forward pass over rows x [N, F] with targets y [N, C] (mlp_step.cc's SugarPackedMlpForward):
 * [eval [K, 2] = mean cross-entropy and correct count, probe [K, R] = per layer with an activation, activation-probe's
 * row of counts and moments]. Only where hasKernel(SUGAR_PACKED_MLP_FORWARD) says so.
 *
 * @param w every member's weights, flat [K, P]
 * @param x the rows [N, F]
 * @param y their one-hot targets [N, C]
 * @param layout each layer's sizes and offsets into `w`
 * @param acts each member's and layer's fused activation row (`fusedActivation`)
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function packedMlpForward(w: tf.Tensor, x: tf.Tensor, y: tf.Tensor, layout: tf.Tensor, acts: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] {
  const [evaluation, probe] = tf.engine().runKernel<tf.Tensor[]>(SUGAR_PACKED_MLP_FORWARD, { w, x, y, layout, acts });
  return [evaluation as tf.Tensor2D, probe as tf.Tensor2D];
}

/**
 * [counts per unit of pre > 0, [zeros in post, mean(pre), variance(pre)]]: see SUGAR_PROBE_STATS.
 *
 * @param pre a layer's pre-activations, units on the last axis
 * @param post its activations
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function probeStats(pre: tf.Tensor, post: tf.Tensor): [tf.Tensor1D, tf.Tensor1D] {
  const [counts, stats] = tf.engine().runKernel<tf.Tensor[]>(SUGAR_PROBE_STATS, { pre, post });
  return [counts as tf.Tensor1D, stats as tf.Tensor1D];
}

/**
 * Whether `kernel` (one of the SUGAR_* names) runs on the current backend.
 *
 * @param kernel one of the SUGAR_* kernel names
 */
export function hasKernel(kernel: string): boolean {
  const op = NATIVE_ONLY[kernel];
  return tf.getKernel(kernel, tf.getBackend()) !== undefined && (op === undefined || (tf.getBackend() === 'tensorflow' && nativeOpsActive(op)));
}
