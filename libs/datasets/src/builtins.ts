import { cifar10, cifar100 } from './cifar';
import { fashionMnist, kmnist, mnist } from './idx-datasets';
import { blobs, checkerboard, moons, spirals, teacher, xor } from './synthetic';
import type { DatasetDefinition } from './types';

export const BUILTIN_DATASETS: DatasetDefinition[] = [mnist, fashionMnist, kmnist, cifar10, cifar100, spirals, moons, blobs, xor, checkerboard, teacher];
