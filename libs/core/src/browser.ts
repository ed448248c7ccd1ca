// The public API of @sugar-lab/core in a browser, by name (package.json's "browser" export): everything that runs
// in a page. Node's entry (index.ts) is this list plus the Node-only names: files, locks, threads, the native
// backend and its kernels, the cache directory; and its initBackend chooses among Node's backends instead.
// src/browser.test.ts snapshots this list (api-browser.txt beside package.json).

// TensorFlow.js: the one engine every sugar-lab lib and the host share
import * as tf from './tf';
export { tf };

// activation specs
export type { ActivationSpec, SugarRegion, SurrogateSpec } from './activation-spec';
export { canonicalActivation, parseActivation, resolveActivation, validateActivation, type ResolvedActivation } from './activation';

// surrogates
export {
  getSurrogate,
  listSurrogates,
  registerSurrogate,
  surrogateDefinition,
  surrogateOptions,
  type ParamDefinition,
  type RegisterSurrogateOptions,
  type Surrogate,
  type SurrogateDefinition,
  type SurrogateLike,
  type SurrogateParams,
} from './surrogate';
export type { RegisterOptions } from './register-options';

// ops
export { sugarRelu, surrogateActivation, type SugarReluOptions } from './sugar-relu';

// layers
export type { LayerArgs } from './layer-args';
export { SugarReLU, sugarReLU, type SugarReLUArgs } from './sugar-relu-layer';
export { SurrogateActivation, type SurrogateActivationArgs } from './surrogate-activation-layer';
export { activationLayer, type ActivationLayerConfig } from './activation-layer';
export {
  ACTIVATION_RULE,
  activationLayers,
  describeLayers,
  FUSED_ACTIVATION_LAYERS,
  hasFusedActivation,
  hasFusedRelu,
  isActivationLayer,
  isReluLayer,
  type ActivationLayersOptions,
  type LayerLike,
} from './is-activation-layer';

// model surgery
export { countSugarLayers, desugarize, sugarize, type SugarizeOptions } from './sugarize';

// the backend: the page's choice among the TensorFlow.js backends it imported (webgpu, webgl, wasm, cpu)
export {
  BACKENDS,
  backendInfo,
  describeBackend,
  initBackend,
  type BackendAttempt,
  type BackendInfo,
  type BackendName,
  type InitBackendOptions,
} from './browser-backend';

// kernels on the tensorflow backend (sugar-lab's own kernel names, fused ops of train and analysis)
export {
  hasKernel,
  packedDense,
  packedMlpForward,
  packedMlpStep,
  probeStats,
  SUGAR_ADAM_STEP,
  SUGAR_GELU,
  SUGAR_PACKED_DENSE,
  SUGAR_PACKED_MLP_FORWARD,
  SUGAR_PACKED_MLP_STEP,
  SUGAR_PROBE_STATS,
  SUGAR_SGD_STEP,
  SUGAR_SOFTMAX_XENT,
  type PackedMlpStepInputs,
} from './tensorflow-kernels';
export { FUSED_ACTIVATION, fusedActivation, isFusedActivation, type FusedActivation } from './fused-activation';

// option schemas (surrogate, model and dataset options)
export {
  applyDefaults,
  describeOptions,
  optionIssues,
  optionRows,
  type BooleanOption,
  type NumberOption,
  type ObjectOption,
  type OptionIssue,
  type OptionRow,
  type OptionSchema,
  type OptionSpec,
  type StringOption,
} from './option-schema';

// shared helpers of the sugar-lab libs: canonical JSON, messages
export { canonicalHash, canonicalJSON } from './canonical-json';
export { describeValue } from './describe-value';
export { closestName, didYouMean } from './did-you-mean';

// the host of long calls: a notebook kernel's interrupt and displays, a sweep worker's stop
export { activeInterruptible, currentHost, hostInterrupted, interruptible, InterruptedError, setHost, type Host, type HostDisplay } from './host';

// errors
export { ActivationSpecError, FileWriteError, ModelFileError, SugarError, SurgeryError, SurrogateError } from './errors';
export { BackendError } from './errors';
