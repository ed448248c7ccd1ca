import type { OptionSpec } from '@sugar-lab/core';
import { cifar10, cifar100 } from './cifar';
import { DatasetError } from './errors';
import { fashionMnist, kmnist, mnist } from './idx-datasets';
import { blobs, checkerboard, moons, spirals, teacher, xor } from './synthetic';
import type { DatasetDefinition } from './types';

const int = (min: number, description: string): OptionSpec => ({ type: 'number', integer: true, min, description });
const nonNegative = (description: string): OptionSpec => ({ type: 'number', min: 0, description });

/** Type and range of every option a built-in dataset declares (its default comes from the definition). */
const BUILTIN_OPTIONS: Record<string, OptionSpec> = {
  nTrain: int(1, 'training samples'),
  nTest: int(1, 'test samples'),
  classes: int(2, 'number of classes'),
  noise: nonNegative('standard deviation of the Gaussian noise on the features'),
  turns: nonNegative('turns of each spiral arm'),
  dim: int(1, 'input dimension'),
  std: nonNegative('cluster standard deviation'),
  box: nonNegative('half-width of the box the centres are drawn from'),
  cells: int(1, 'checkerboard cells per side'),
  depth: int(0, "the teacher's hidden layers"),
  width: int(1, "the teacher's hidden width"),
  labels: { type: 'string', choices: ['fine', 'coarse'], description: 'which label set is y' },
};

function withOptions(def: DatasetDefinition): DatasetDefinition {
  const options = Object.fromEntries(
    Object.entries(def.info.defaults).map(([key, d]) => {
      const spec = BUILTIN_OPTIONS[key];
      if (!spec) throw new DatasetError(`built-in dataset '${def.info.name}': option '${key}' has no schema in builtins.ts`);
      return [key, { ...spec, default: d } as OptionSpec];
    }),
  );
  return { ...def, options };
}

export const BUILTIN_DATASETS: DatasetDefinition[] = [mnist, fashionMnist, kmnist, cifar10, cifar100, spirals, moons, blobs, xor, checkerboard, teacher].map(
  withOptions,
);
