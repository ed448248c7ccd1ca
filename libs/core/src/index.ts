import * as tf from './tf';

export { tf };
export * from './activation-spec';
export * from './backend';
export * from './threads';
export * from './paths';
export { writeFileAtomic, fsyncDir, isProcessAlive } from './fs-safe';
export {
  acquireLock,
  tryAcquireLock,
  waitForLock,
  withLock,
  readLock,
  lockStaleMs,
  LockHeldError,
  type HeldLock,
  type LockOptions,
  type LockOwner,
  type WaitLockOptions,
} from './lock';
export * from './errors';
export { describeValue } from './describe-value';
export { canonicalHash, canonicalJSON } from './canonical-json';
export type { RegisterOptions } from './register-options';
export { closestName, didYouMean, editDistance } from './did-you-mean';
export * from './option-schema';
export {
  getSurrogate,
  listSurrogates,
  registerSurrogate,
  resolveSurrogate,
  surrogateDefinition,
  surrogateFromSpec,
  surrogateOptions,
  surrogateToSpec,
  type ParamDefinition,
  type RegisterSurrogateOptions,
  type Surrogate,
  type SurrogateDefinition,
  type SurrogateLike,
  type SurrogateParams,
} from './surrogate';
export { BUILTIN_SURROGATES } from './surrogates-builtin';
export * from './activation';
export { sugarRelu, surrogateActivation, type SugarReluOptions } from './sugar-relu';
export type { LayerArgs } from './layer-args';
export * from './sugar-relu-layer';
export * from './surrogate-activation-layer';
export * from './activation-layer';
export * from './is-activation-layer';
export * from './sugarize';
export * from './file-handler';
export * from './wasm-kernels';
export * from './tensorflow-kernels';
export * from './native-ops';
export * from './fused-activation';
