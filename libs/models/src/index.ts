import './builtin';

export { ModelConfigError, UnknownModelError, DuplicateModelError } from './errors';
export type { CommonModelOptions } from './options';
export { buildModel, registerModel, listModels, getModelInfo, modelOptions, checkModelOptions } from './registry';
export { MLP_OPTIONS, VGG_OPTIONS, RESNET_OPTIONS } from './builtin';
export { COMMON_MODEL_OPTIONS } from './options';
export type { ModelEntry, ModelInfo, ModelOptionsMap } from './registry';
export { mlp, type MlpOptions } from './mlp';
export { vgg, VGG_CONFIGS, type VggName, type VggOptions } from './vgg';
export { resnet, RESNET_BLOCKS, type ResNetName, type ResNetOptions } from './resnet';
export { layerSeed } from './layers';
export { activationLayerNames, ACTIVATION_NAME } from './activation-names';
export { countParams, type ParamCount } from './params';
export { modelSummary } from './summary';
