import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where files that failed verification are moved: `.quarantine/` beside them. */
export const QUARANTINE_DIR = '.quarantine';

/**
 * Moves a file that failed verification aside, to `<its dir>/.quarantine/<name>.<timestamp>`, with a
 * `.reason.txt` next to it, instead of deleting it: it may be the user's only copy, placed by hand.
 * Returns the new path, or undefined when the file is gone or changed since it was checked (another
 * process moved or replaced it meanwhile: a file that is not the one that failed is never moved).
 */
export function quarantine(file: string, reason: string, checked?: fs.Stats): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (checked && (st.ino !== checked.ino || st.size !== checked.size || st.mtimeMs !== checked.mtimeMs)) return undefined;
  const dir = path.join(path.dirname(file), QUARANTINE_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  // Unique per writer: rename would silently replace an earlier quarantined copy of the same name.
  const dest = path.join(dir, `${path.basename(file)}.${stamp}.${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  try {
    fs.renameSync(file, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const text = [
    `file: ${file}`,
    `moved here: ${new Date().toISOString()} by process ${process.pid} on ${os.hostname()}`,
    `size: ${st.size} bytes, modified ${st.mtime.toISOString()}`,
    `reason: ${reason}`,
    `This file failed verification and was set aside, not deleted. Delete it yourself once you no longer need it,`,
    `or move it back if you know it is right (it will be checked again).`,
    '',
  ].join('\n');
  fs.writeFileSync(`${dest}.reason.txt`, text);
  return dest;
}
