import { mlp } from './mlp';
import { registerModel } from './registry';
import { resnet, RESNET_BLOCKS, type ResNetName } from './resnet';
import { vgg, VGG_CONFIGS, type VggName } from './vgg';

registerModel('mlp', {
  family: 'mlp',
  description: 'fully connected: depth x (dense [-> bn] -> act [-> dropout]) -> fc',
  build: mlp,
});

for (const v of Object.keys(VGG_CONFIGS) as VggName[]) {
  registerModel(v, {
    family: 'vgg',
    description: `${v.toUpperCase()} for CIFAR: 3x3 convs ${JSON.stringify(VGG_CONFIGS[v])}, max-pool per stage, BN by default, flatten -> fc`,
    build: (opts, name) => vgg(v, opts, name),
  });
}

for (const v of Object.keys(RESNET_BLOCKS) as ResNetName[]) {
  registerModel(v, {
    family: 'resnet',
    description: `ResNet-${v.slice(6)} for CIFAR: 3x3 stem, BasicBlocks ${JSON.stringify(RESNET_BLOCKS[v])}, global avg pool -> fc`,
    build: (opts, name) => resnet(v, opts, name),
  });
}
