// The option schema of every built-in dataset, file-based and synthetic: one type and range per option name,
// each definition's default filled in.
import type { OptionSpec } from '@sugar-lab/core';
import { DatasetError } from './errors';
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

/** `def` with the schema of each option it declares; an option without one is a bug of the built-ins. */
export function withOptions(def: DatasetDefinition): DatasetDefinition {
  const options = Object.fromEntries(
    Object.entries(def.info.defaults).map(([key, d]) => {
      const spec = BUILTIN_OPTIONS[key];
      if (!spec) throw new DatasetError(`built-in dataset '${def.info.name}': option '${key}' has no schema in builtin-options.ts`);
      return [key, { ...spec, default: d } as OptionSpec];
    }),
  );
  return { ...def, options };
}
