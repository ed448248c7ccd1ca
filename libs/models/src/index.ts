// The public API of @sugar-lab/models, by name: what is not listed here is internal to the lib.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.

// Registers the built-in models (and, through their modules, the custom layers for saving and loading).
import './builtin';

// the registry: build a model by name, add your own
export {
  buildModel,
  getModelInfo,
  listModels,
  modelOptions,
  modelSize,
  registerModel,
  type ModelEntry,
  type ModelInfo,
  type ModelOptionsMap,
} from './registry';
export type { ModelSize, ModelSizeOptions } from './model-size';
export { COMMON_MODEL_OPTIONS, type CommonModelOptions } from './options';

// options of the built-in models (buildModel's typed view, ModelOptionsMap)
export type { MlpOptions } from './mlp';
export type { VggName, VggOptions } from './vgg';
export type { VggSmallOptions } from './vgg-small';
export type { ResNetName, ResNetOptions } from './resnet';
export type { ConvNextOptions, ConvNextSize } from './convnext';
export type { VitOptions, VitSize } from './vit';
export type { SwinOptions, SwinSize } from './swin';

// inspecting a model
export { activationLayerNames } from './activation-names';
export { countParams, type ParamCount } from './params';
export { modelSummary } from './summary';
export { layerSeed } from './layers';

// layers of the modern families (serializable tfjs layers)
export { LayerNorm, type LayerNormArgs } from './layer-norm';
export { LayerScale, type LayerScaleArgs } from './layer-scale';
export { DropPath, type DropPathArgs } from './drop-path';
export { PatchEmbedding, type PatchEmbeddingArgs } from './patch-embedding';
export { ClassToken, ClassTokenPool, type ClassTokenArgs } from './class-token';
export { PositionEmbedding, type PositionEmbeddingArgs } from './position-embedding';
export { MultiHeadSelfAttention, type MultiHeadSelfAttentionArgs } from './multi-head-attention';
export { WindowAttention, type WindowAttentionArgs } from './window-attention';
export { PatchMerging, type PatchMergingArgs } from './patch-merging';

// errors
export { DuplicateModelError, ModelConfigError, ModelError, UnknownModelError } from './errors';
