import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..', 'dist');

/**
 * Starts runSweep of `spec` into `out` from the built lib in a process of its own, leader of its own process
 * group (so a kill reaches the runner and its workers, as when a user's terminal or a scheduler kills a job).
 * The spec is written beside `out` as JSON and read back by loadSpecFile, as a spec file is.
 */
export function startSweep(spec: unknown, out: string, options: Record<string, unknown>): ChildProcess {
  const specFile = path.join(out, '..', `${path.basename(out)}.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const script = `const e=require(${JSON.stringify(DIST)});e.runSweep(e.loadSpecFile(process.argv[1]),{...JSON.parse(process.argv[3]),out:process.argv[2]})`;
  return spawn(process.execPath, ['-e', script, specFile, out, JSON.stringify(options)], { stdio: 'ignore', detached: true });
}

/** SIGKILLs the whole process group of `child` as soon as `ready()` holds (checked every `everyMs`); rejects if it exits first. */
export function killGroupWhen(child: ChildProcess, ready: () => boolean, everyMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (!ready()) return;
      clearInterval(timer);
      process.kill(-child.pid!, 'SIGKILL');
      resolve();
    }, everyMs);
    child.on('exit', () => {
      clearInterval(timer);
      reject(new Error('the sweep finished before it could be killed'));
    });
  });
}

/** The pids of `pid`'s child processes (a runner's workers), as pgrep sees them now. */
export function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}
