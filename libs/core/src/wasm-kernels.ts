// The wasm backend has no Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter or
// DepthwiseConv2dNativeBackpropInput, so convolutions cannot train on it. On it BatchMatMul with
// transposeA or transposeB is an order of magnitude slower than without transpose flags
// (docs/benchmarks.md, "wasm and cpu"). So:
// - Conv2DBackpropFilter: im2col in JS straight into the [KH*KW*C, M] layout (x made
//   channel-major first, so every patch row is a contiguous copy), then one flag-free wasm
//   matmul [KH*KW*C, M] x [M, CO] per batch chunk.
// - the depthwise kernels: direct JS loops (their work is small: no sum across channels).
import { SugarError } from './errors';
import * as tf from './tf';

type Attrs = Record<string, unknown>;
type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;
type Shape4 = [number, number, number, number];

/** Patch buffers stay under this many floats (64 MB); larger batches run in chunks. */
const PATCH_BUDGET = 16 * 1024 * 1024;

function values(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId);
  if (!(v instanceof Float32Array)) throw new SugarError(`wasm conv gradient kernels: expected float32 input; found ${t.dtype}`);
  return v;
}

// Kernels usually receive the op's Tensors; a bare TensorInfo gets a wrapper holding its own
// reference, so disposing the wrapper at the end of the tidy leaves the caller's data alone.
function asTensor(backend: tf.KernelBackend, info: tf.TensorInfo): tf.Tensor {
  if (info instanceof tf.Tensor) return info as tf.Tensor;
  const t = tf.engine().makeTensorFromTensorInfo(info, backend);
  backend.incRef(info.dataId);
  return t;
}

/** NCHW -> NHWC, in JS since the values are already here. */
function toChannelsLast(v: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(v.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const src = (b * c + ch) * h * w;
      for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = v[src + i];
    }
  }
  return out;
}

/** NHWC (or NCHW) -> CNHW in JS, so that every patch row below is a contiguous copy. */
function toChannelsMajor(v: Float32Array, [n, a, b, c]: number[], channelsFirst: boolean): Float32Array {
  const out = new Float32Array(v.length);
  if (channelsFirst) {
    // [N, C, H, W]: a = C; each (n, c) plane moves as a block.
    const plane = b * c;
    for (let i = 0; i < n; i++) for (let ch = 0; ch < a; ch++) out.set(v.subarray((i * a + ch) * plane, (i * a + ch + 1) * plane), (ch * n + i) * plane);
    return out;
  }
  const pixels = n * a * b;
  for (let p = 0, src = 0; p < pixels; p++) for (let ch = 0; ch < c; ch++, src++) out[ch * pixels + p] = v[src];
  return out;
}

/** Patches of x (CNHW) for batch rows [n0, n0 + nb): layout [KH, KW, C, nb, OH, OW]. */
function im2colT(xc: Float32Array, c: ConvInfo, n0: number, nb: number): Float32Array {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const { top, left } = c.padInfo;
  const m = nb * OH * OW;
  const out = new Float32Array(c.filterHeight * c.filterWidth * C * m);
  for (let kh = 0; kh < c.filterHeight; kh++) {
    for (let kw = 0; kw < c.filterWidth; kw++) {
      const shift = kw * dw - left;
      // Output columns whose input column ow * sw + shift lies inside the image.
      const owMin = Math.max(0, Math.ceil(-shift / sw));
      const owMax = Math.min(OW, Math.floor((W - 1 - shift) / sw) + 1);
      if (owMin >= owMax) continue;
      for (let ch = 0; ch < C; ch++) {
        const dstPlane = ((kh * c.filterWidth + kw) * C + ch) * m;
        for (let b = 0; b < nb; b++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh * dh - top;
            if (ih < 0 || ih >= H) continue;
            const src = ((ch * N + n0 + b) * H + ih) * W + shift;
            const dst = dstPlane + (b * OH + oh) * OW;
            if (sw === 1) out.set(xc.subarray(src + owMin, src + owMax), dst + owMin);
            else for (let ow = owMin; ow < owMax; ow++) out[dst + ow] = xc[src + ow * sw];
          }
        }
      }
    }
  }
  return out;
}

function conv2DBackpropFilter(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: Attrs): tf.Tensor {
  const channelsFirst = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat as 'NHWC' | 'NCHW') === 'channelsFirst';
  const filterShape = attrs.filterShape as Shape4;
  const [n, a, b, d] = x.shape;
  const xShape: Shape4 = channelsFirst ? [n, b, d, a] : [n, a, b, d];
  const xc = toChannelsMajor(values(backend, x), x.shape, channelsFirst);
  let dyT = asTensor(backend, dy);
  if (channelsFirst) {
    const [, co, oh, ow] = dy.shape;
    dyT = tf.tensor4d(toChannelsLast(values(backend, dy), dy.shape), [n, oh, ow, co]);
  }
  const c = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'round' | undefined,
    false,
    'channelsLast',
  );
  const rows = c.filterHeight * c.filterWidth * c.inChannels;
  const perImage = c.outHeight * c.outWidth;
  const dy2 = tf.reshape(dyT, [c.batchSize * perImage, c.outChannels]);
  const chunk = Math.max(1, Math.floor(PATCH_BUDGET / (rows * perImage)));
  let dW: tf.Tensor | undefined;
  for (let n0 = 0; n0 < c.batchSize; n0 += chunk) {
    const nb = Math.min(chunk, c.batchSize - n0);
    const patches = tf.tensor2d(im2colT(xc, c, n0, nb), [rows, nb * perImage]);
    const dyChunk = nb === c.batchSize ? dy2 : tf.slice(dy2, [n0 * perImage, 0], [nb * perImage, c.outChannels]);
    const part = tf.matMul(patches, dyChunk);
    dW = dW ? tf.add(dW, part) : part;
  }
  return tf.reshape(dW!, filterShape);
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: Attrs): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as [number, number],
    attrs.dilations as [number, number],
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'round' | undefined,
    true,
  );
}

/**
 * Visits every (input pixel, output pixel, tap) triple of a depthwise convolution, passing the
 * flat offsets of x[n, ih, iw, 0], dy[n, oh, ow, 0] and filter[kh, kw, 0, 0].
 */
function forEachTap(c: ConvInfo, visit: (xOff: number, dyOff: number, wOff: number) => void): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const { top, left } = c.padInfo;
  for (let b = 0; b < c.batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < c.filterHeight; kh++) {
        const ih = oh * sh + kh * dh - top;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const dyOff = ((b * OH + oh) * OW + ow) * CO;
          for (let kw = 0; kw < c.filterWidth; kw++) {
            const iw = ow * sw + kw * dw - left;
            if (iw < 0 || iw >= W) continue;
            visit(((b * H + ih) * W + iw) * C, dyOff, (kh * c.filterWidth + kw) * CO);
          }
        }
      }
    }
  }
}

function depthwiseBackpropFilter(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, attrs: Attrs): tf.Tensor {
  const filterShape = attrs.filterShape as Shape4;
  const c = depthwiseInfo(x.shape, filterShape, attrs);
  const xv = values(backend, x);
  const dyv = values(backend, dy);
  const C = c.inChannels;
  const mult = filterShape[3];
  const acc = new Float64Array(filterShape[0] * filterShape[1] * C * mult);
  forEachTap(c, (xOff, dyOff, wOff) => {
    for (let ch = 0, k = 0; ch < C; ch++) {
      const xval = xv[xOff + ch];
      for (let q = 0; q < mult; q++, k++) acc[wOff + k] += xval * dyv[dyOff + k];
    }
  });
  return tf.tensor4d(Float32Array.from(acc), filterShape);
}

function depthwiseBackpropInput(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, attrs: Attrs): tf.Tensor {
  const inputShape = attrs.inputShape as Shape4;
  const c = depthwiseInfo(inputShape, filter.shape, attrs);
  const dyv = values(backend, dy);
  const wv = values(backend, filter);
  const C = c.inChannels;
  const mult = filter.shape[3];
  const acc = new Float64Array(inputShape.reduce((a, b) => a * b, 1));
  forEachTap(c, (xOff, dyOff, wOff) => {
    for (let ch = 0, k = 0; ch < C; ch++) {
      let s = 0;
      for (let q = 0; q < mult; q++, k++) s += dyv[dyOff + k] * wv[wOff + k];
      acc[xOff + ch] += s;
    }
  });
  return tf.tensor4d(Float32Array.from(acc), inputShape);
}

type Impl = (backend: tf.KernelBackend, a: tf.TensorInfo, b: tf.TensorInfo, attrs: Attrs) => tf.Tensor;

// Each returns a Tensor, which the engine accepts as a kernel output.
const KERNELS: [string, [string, string], Impl][] = [
  ['Conv2DBackpropFilter', ['x', 'dy'], (bk, x, dy, attrs) => tf.tidy(() => conv2DBackpropFilter(bk, x, dy, attrs))],
  ['DepthwiseConv2dNativeBackpropFilter', ['x', 'dy'], depthwiseBackpropFilter],
  ['DepthwiseConv2dNativeBackpropInput', ['dy', 'filter'], depthwiseBackpropInput],
];

/**
 * Registers the convolution gradient kernels the wasm backend lacks (idempotent; kernels the
 * backend already has are left alone). `initBackend('wasm')` calls this. Returns the names added.
 */
export function registerWasmConvGradKernels(): string[] {
  const added: string[] = [];
  for (const [kernelName, [a, b], impl] of KERNELS) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => impl(backend as tf.KernelBackend, inputs[a]!, inputs[b]!, attrs as Attrs),
    });
    added.push(kernelName);
  }
  return added;
}
