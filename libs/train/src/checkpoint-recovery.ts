import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWriteFence } from '@sugar-lab/core';
import { CHECKPOINT_DIR_PATTERN, loadCheckpoint, type LoadedCheckpoint } from './checkpoint';
import { CheckpointCorruptError, CheckpointError } from './errors';

export interface IntactCheckpoint<S> {
  /** The newest checkpoint that verified; undefined when there is none (the run starts over). */
  checkpoint: LoadedCheckpoint<S> | undefined;
  /** What was found wrong and done about it, one sentence each (empty when the latest was intact). */
  warnings: string[];
  /** Where the corrupt checkpoints were moved. */
  quarantined: string[];
}

const QUARANTINE_REASON_FILE = 'REASON.txt';

/**
 * Moves a checkpoint that failed verification aside, to `<dir>.corrupt-<time>`, with the reason in
 * REASON.txt inside it. Nothing is deleted: the user can inspect it, and pruning never touches it.
 */
export function quarantineCheckpoint(dir: string, reason: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let target = `${dir}.corrupt-${stamp}`;
  for (let i = 2; fs.existsSync(target); i++) target = `${dir}.corrupt-${stamp}-${i}`;
  checkWriteFence(target);
  try {
    fs.renameSync(dir, target);
  } catch (err) {
    throw new CheckpointError(
      `${dir} is corrupt (${reason}) and could not be moved aside to ${target}: ${(err as Error).message}; move or remove it by hand, then resume`,
    );
  }
  const note = `${reason}\nmoved here from ${path.basename(dir)} at ${new Date().toISOString()} by pid ${process.pid} on ${os.hostname()}; resume never uses it\n`;
  fs.writeFileSync(path.join(target, QUARANTINE_REASON_FILE), note);
  return target;
}

// LATEST names the newest checkpoint; higher-numbered directories are stale leftovers of an earlier
// run in the same directory (pruned on the next save), so only those up to it are candidates.
function candidates(root: string, warnings: string[]): string[] {
  if (!fs.existsSync(root)) return [];
  const dirs = fs
    .readdirSync(root)
    .filter((n) => CHECKPOINT_DIR_PATTERN.test(n))
    .sort()
    .reverse();
  const pointer = path.join(root, 'LATEST');
  if (!fs.existsSync(pointer)) {
    if (dirs.length) warnings.push(`${pointer} is missing; trying the checkpoints in ${root} newest first`);
    return dirs;
  }
  const latest = fs.readFileSync(pointer, 'utf8').trim();
  if (!CHECKPOINT_DIR_PATTERN.test(latest)) {
    warnings.push(
      `${pointer} holds ${JSON.stringify(latest.slice(0, 40))}, not a checkpoint name like epoch-000012; trying the checkpoints in ${root} newest first`,
    );
    return dirs;
  }
  if (!dirs.includes(latest)) warnings.push(`${pointer} names ${latest}, which does not exist; trying the older checkpoints`);
  return dirs.filter((n) => n <= latest);
}

/**
 * The newest checkpoint in `root` that passes verification (see loadCheckpoint). A candidate that
 * fails it is moved aside (quarantineCheckpoint) with a warning, and the next older one is tried;
 * when none is left, `checkpoint` is undefined and the caller starts over. A version-1 checkpoint
 * (no checksums) is used, with a warning that it could not be verified. A checkpoint of another
 * format or a newer version throws CheckpointError: it is not damaged, just not ours to resume.
 *
 * @param root the run's checkpoint directory (holding epoch-* directories)
 */
export function loadLatestIntactCheckpoint<S = unknown>(root: string): IntactCheckpoint<S> {
  const warnings: string[] = [];
  const quarantined: string[] = [];
  for (const name of candidates(root, warnings)) {
    const dir = path.join(root, name);
    try {
      const checkpoint = loadCheckpoint<S>(dir);
      if (!checkpoint.verified)
        warnings.push(
          `${dir} is a version ${checkpoint.manifest.version} checkpoint without checksums: its tensors cannot be verified (the next checkpoint written will have them)`,
        );
      if (quarantined.length) warnings.push(`resuming from ${name}, the newest intact checkpoint`);
      return { checkpoint, warnings, quarantined };
    } catch (err) {
      if (!(err instanceof CheckpointCorruptError)) throw err;
      const moved = quarantineCheckpoint(dir, err.message);
      quarantined.push(moved);
      warnings.push(`checkpoint ${dir} is corrupt and was not used: ${err.message}; moved it to ${moved}`);
    }
  }
  if (quarantined.length || warnings.length) warnings.push(`no intact checkpoint left in ${root}: the run starts over from epoch 0`);
  return { checkpoint: undefined, warnings, quarantined };
}
