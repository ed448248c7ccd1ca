import { fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireLock, isProcessAlive } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { parseSpec } from './spec';
import { childrenOf, startSweep } from './test-utils/sweep-process';
import { tinySpec } from './test-utils/tiny-spec';

const until = async (cond: () => boolean, ms: number) => {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) if (cond()) return true;
  return cond();
};
describe('a sweep worker', () => {
  it('dies with its runner, even inside a long synchronous step (SIGKILL of the runner alone)', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'orphan-'));
    // cpu and width 3000: one step takes seconds in one synchronous call, so 'disconnect' cannot be delivered.
    const spec = parseSpec(
      tinySpec({ base: { backend: 'cpu', model: { depth: 2, width: 3000 }, epochs: 2, probes: { enabled: false } }, grid: { seed: [0] } }),
    );
    const runner = startSweep(spec, out, { workers: 1 });
    let worker: number | undefined;
    try {
      expect(await until(() => (worker = childrenOf(runner.pid!)[0]) !== undefined, 20_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1500)); // into training
      process.kill(runner.pid!, 'SIGKILL');
      expect(await until(() => !isProcessAlive(worker!), 3000)).toBe(true);
    } finally {
      try {
        process.kill(-runner.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 60_000);
});

// A worker as worker.ts starts one (dieWithParent, then fenceRunWrites for its unit), from the built lib, with a
// watchdog thread that would take 10 minutes: only the check before each write stands between it and a late write.
// It answers each IPC message { file } with 'wrote' or the error; when its parent is gone, it writes `late`.
const WORKER = `
const w = require(${JSON.stringify(path.resolve(__dirname, '..', 'dist', 'orphan-watchdog.js'))});
const { writeFileAtomic } = require(${JSON.stringify(require.resolve('@sugar-lab/core'))});
const [dir, late] = process.argv.slice(2);
w.dieWithParent(600000);
w.fenceRunWrites([dir]);
process.on('message', (m) => {
  try { writeFileAtomic(m.file, 'x'); process.send('wrote'); } catch (e) { process.send(e.name + ': ' + e.message); }
});
const ppid = process.ppid;
setInterval(() => { if (process.ppid !== ppid) { writeFileAtomic(late, 'x'); require('node:fs').writeFileSync(late + '.alive', 'x'); } }, 5);
process.send('ready');
`;

describe("a sweep worker's writes", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fence-'));
  const script = path.join(tmp, 'worker.js');
  fs.writeFileSync(script, WORKER);

  it('never happen once its runner is gone, even before the watchdog thread looks: the worker dies instead', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
    const late = path.join(dir, 'metrics.jsonl');
    // The runner: forks the worker, says its pid, waits to be killed.
    const runnerScript = `const c = require('node:child_process').fork(${JSON.stringify(script)}, process.argv.slice(1), { stdio: 'ignore' }); c.on('message', () => console.log(c.pid)); setInterval(() => {}, 1000);`;
    const runner = spawn(process.execPath, ['-e', runnerScript, dir, late], { stdio: ['ignore', 'pipe', 'inherit'] });
    const worker = await new Promise<number>((resolve) => runner.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    try {
      process.kill(runner.pid!, 'SIGKILL');
      expect(await until(() => !isProcessAlive(worker), 5000)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual([]); // neither the file nor its temp file, nor the mark of a worker that lived on
    } finally {
      if (isProcessAlive(worker)) process.kill(worker, 'SIGKILL');
    }
  }, 30_000);

  it("fail while the run's lock is another process's, naming it; succeed while the runner holds it", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
    const lock = acquireLock(path.join(dir, '.lock')); // this test process is the worker's runner
    const worker = fork(script, [dir, path.join(tmp, 'unused')], { stdio: 'ignore' });
    const reply = () => new Promise<string>((resolve) => worker.once('message', (m: string) => resolve(m)));
    const write = (file: string) => {
      const r = reply();
      worker.send({ file });
      return r;
    };
    try {
      expect(await reply()).toBe('ready');
      expect(await write(path.join(dir, 'engine.json'))).toBe('wrote');
      lock.release();
      fs.writeFileSync(path.join(dir, '.lock'), JSON.stringify({ host: 'elsewhere', pid: 4242, since: '', token: 't' }));
      expect(await write(path.join(dir, 'checkpoint', 'LATEST'))).toMatch(
        /^LockError: not writing .*checkpoint\/LATEST: the run's lock .*\.lock is no longer this worker's runner's \(process \d+\) but process 4242 on elsewhere's$/,
      );
      expect(fs.existsSync(path.join(dir, 'checkpoint'))).toBe(false);
      expect(await write(path.join(tmp, 'outside-the-run.json'))).toBe('wrote');
    } finally {
      worker.kill('SIGKILL');
    }
  }, 30_000);
});
