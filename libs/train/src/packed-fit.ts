import { interruptible } from '@sugar-lab/core';
import type { TrainData } from './data';
import { PackError } from './packed-plan';
import type { FitResult } from './metrics';
import type { PackMember } from './pack-policy';
import { stoppedAt } from './stopped-at';
import { trainUnit } from './train-unit';

/**
 * Trains K runs of one MLP architecture on the same data as one stacked computation (weights [K, in, out],
 * one batched matmul per layer), so the per-op cost of a small model is paid once for K runs. Each member
 * is what `fit(member.model, data, member.config, member.options)` would be: its own data order (its seed),
 * activation, optimizer scalars and state, probes, metrics log, checkpoints (fit's format: a member resumes
 * packed or with `fit`), abort signal and result, with the same numbers to float32 rounding. A member whose
 * loss stops being finite ends 'diverged' alone; the others go on. The members' models hold their trained
 * weights at the end. Throws before training (PackError) when the models or configs cannot share a pack,
 * and for whatever `fit` would throw for (bad config or data, a checkpoint of another config).
 *
 * @param data tensors, or a dataset from `loadDataset`, shared by every member
 * @param members each run's model, config and options (as `fit` takes them)
 */
export async function fitPacked(data: TrainData, members: PackMember[]): Promise<FitResult[]> {
  if (!members.length) throw new PackError('fitPacked: expected at least one member; found none');
  return interruptible(
    () => trainUnit(data, members, { pack: 'always' }),
    (results) => `fitPacked: ${results.map((r, k) => `member ${k} ${stoppedAt(r)}`).join('; ')}`,
  );
}
