/**
 * One process-wide check before every write of sugar-lab's (fs-safe's writes, checkpoints): a process that may only
 * write while something holds (a sweep worker: while its runner lives and still holds the run's lock) installs it,
 * and no write starts, and no finished temp file is renamed into place, once it fails. The check throws, or ends the
 * process; it runs synchronously right before the write, so no timer's interval leaves a window for one.
 *
 * @param file the path about to be written, created or renamed into place
 */
export type WriteFence = (file: string) => void;

let fence: WriteFence | undefined;

/**
 * Installs `check` before every write of this process (undefined removes it). Returns the one it replaced.
 *
 * @param check a function that throws for a write it refuses, or undefined
 */
export function setWriteFence(check: WriteFence | undefined): WriteFence | undefined {
  const was = fence;
  fence = check;
  return was;
}

/**
 * Runs the installed check for a write to `file`: call it right before writing, creating or renaming into place.
 *
 * @param file the file about to be written
 */
export function checkWriteFence(file: string): void {
  fence?.(file);
}
