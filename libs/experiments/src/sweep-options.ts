import { describeValue, didYouMean } from '@sugar-lab/core';
import { ExperimentsError } from './errors';
import type { SweepOptions } from './runner';

type Check = (v: unknown) => string | undefined;
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const text: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a non-empty string');

const CHECKS: Record<keyof SweepOptions, Check> = {
  out: text,
  workers: (v) => (Number.isInteger(v) && (v as number) >= 1 ? undefined : 'an integer >= 1'),
  resume: bool,
  extend: bool,
  only: text,
  backend: (v) => (v === 'tensorflow' || v === 'wasm' || v === 'cpu' ? undefined : "'tensorflow', 'wasm' or 'cpu'"),
  pack: bool,
  tensorboard: bool,
  progress: bool,
  signal: (v) => (v instanceof AbortSignal ? undefined : 'an AbortSignal'),
  onEvent: (v) => (typeof v === 'function' ? undefined : 'a function'),
};

/** runSweep's options, checked before anything is claimed or trained: unknown keys and wrong types are errors. */
export function checkSweepOptions(opts: unknown): asserts opts is SweepOptions {
  if (!opts || typeof opts !== 'object') throw new ExperimentsError(`runSweep: expected an options object with at least 'out'; found ${describeValue(opts)}`);
  const names = Object.keys(CHECKS);
  for (const [k, v] of Object.entries(opts)) {
    const check = CHECKS[k as keyof SweepOptions];
    if (!check) throw new ExperimentsError(`runSweep: unknown option '${k}'${didYouMean(k, names)} (options: ${names.join(', ')})`);
    if (v === undefined) continue;
    const expected = check(v);
    if (expected) throw new ExperimentsError(`runSweep: option '${k}' must be ${expected}; found ${describeValue(v)}`);
  }
  if ((opts as SweepOptions).out === undefined) throw new ExperimentsError("runSweep: option 'out' (the results directory) is required");
}
