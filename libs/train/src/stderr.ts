// Where fit's warnings and progress lines go unless told otherwise: Node's stderr; in a page, which has no
// process, the console (console.warn for warnings, console.info for progress).
import type { ProgressStream } from './progress';

/**
 * process.stderr in Node, else a stream that writes each line to the console at `level`.
 *
 * @param level the console method a page's lines go to
 */
export function stderr(level: 'info' | 'warn' = 'info'): ProgressStream {
  if (typeof process !== 'undefined' && process.stderr) return process.stderr;
  return { write: (s: string) => void console[level](s.replace(/\n+$/, '')), isTTY: false };
}
