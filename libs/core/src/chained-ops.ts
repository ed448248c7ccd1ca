import * as tfc from '@tensorflow/tfjs-core';
import { SugarError } from './errors';

// tfjs-core's Node build declares chained ops (`x.mul(y).sum()`) but only the @tensorflow/tfjs
// union bundle (which tfjs-node loads) attaches them to Tensor. Attach them here, so code behaves
// the same on cpu and wasm as on tensorflow. Each one calls the op of the same name with the
// tensor first, except the few whose argument order or meaning differ.
const SAME_NAME = (
  'abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh batchToSpaceND batchNorm broadcastTo cast ceil ' +
  'clipByValue conv1d conv2d cos cosh cumprod cumsum depthToSpace divNoNan div dot elu equal erf euclideanNorm exp ' +
  'expandDims expm1 fft floor floorDiv gather greaterEqual greater ifft irfft isFinite isInf isNaN leakyRelu lessEqual ' +
  'less logSigmoid logSoftmax logSumExp log log1p logicalAnd logicalNot logicalOr logicalXor matMul max maximum mean min ' +
  'minimum mirrorPad mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu relu6 reshape ' +
  'reverse rfft round rsqrt selu sigmoid sign sin sinh slice softmax softplus spaceToBatchND split sqrt square ' +
  'squaredDifference squeeze step stridedSlice sub sum tan tanh tile topk transpose unique unstack zerosLike'
).split(' ');

type AnyFn = (...args: unknown[]) => unknown;
type Proto = Record<string, AnyFn> & { throwIfDisposed(): void };

export function registerChainedOps(): void {
  const proto = tfc.Tensor.prototype as unknown as Proto;
  const ops = tfc as unknown as Record<string, AnyFn>;
  const define = (name: string, fn: (self: tfc.Tensor, ...args: never[]) => unknown) => {
    if (typeof proto[name] === 'function') return; // tfjs itself got there first (tfjs-node loaded)
    proto[name] = function (this: tfc.Tensor, ...args: unknown[]) {
      (this as unknown as Proto).throwIfDisposed();
      return (fn as AnyFn)(this, ...args);
    };
  };
  for (const name of SAME_NAME) {
    const op = ops[name];
    if (typeof op === 'function') define(name, (self, ...args) => op(self, ...args));
  }
  const r =
    (shape: (t: tfc.Tensor, a: number[]) => number[]) =>
    (self: tfc.Tensor, ...a: number[]) =>
      tfc.reshape(self, shape(self, a));
  define('asScalar', (self) => {
    if (self.size !== 1) throw new SugarError('The array must have only 1 element.');
    return tfc.reshape(self, []);
  });
  define(
    'as1D',
    r((t) => [t.size]),
  );
  define(
    'flatten',
    r((t) => [t.size]),
  );
  for (const rank of [2, 3, 4, 5]) {
    define(
      `as${rank}D`,
      r((_t, a) => a.slice(0, rank)),
    );
  }
  define('reshapeAs', (self, x: tfc.Tensor) => tfc.reshape(self, x.shape));
  define('asType', (self, dtype: tfc.DataType) => tfc.cast(self, dtype));
  define('toBool', (self) => tfc.cast(self, 'bool'));
  define('toFloat', (self) => tfc.cast(self, 'float32'));
  define('toInt', (self) => tfc.cast(self, 'int32'));
  define('concat', (self, x: tfc.Tensor | tfc.Tensor[], axis?: number) => tfc.concat(x instanceof tfc.Tensor ? [self, x] : [self, ...x], axis));
  define('stack', (self, x: tfc.Tensor | tfc.Tensor[], axis?: number) => tfc.stack(x instanceof tfc.Tensor ? [self, x] : [self, ...x], axis));
  define('where', (self, condition: tfc.Tensor, x: tfc.Tensor) => tfc.where(condition, self, x));
}
