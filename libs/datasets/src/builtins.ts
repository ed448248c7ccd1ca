// The built-in datasets in Node: the file-based ones (read from the verified cache), then the synthetic ones. In a
// page, package.json's "browser" field maps this file to builtins.browser.ts (the synthetic ones alone).
import { withOptions } from './builtin-options';
import { cifar10, cifar100 } from './cifar';
import { fashionMnist, kmnist, mnist } from './idx-datasets';
import { SYNTHETIC_DATASETS } from './synthetic-builtins';
import type { DatasetDefinition } from './types';

export const BUILTIN_DATASETS: DatasetDefinition[] = [...[mnist, fashionMnist, kmnist, cifar10, cifar100].map(withOptions), ...SYNTHETIC_DATASETS];
