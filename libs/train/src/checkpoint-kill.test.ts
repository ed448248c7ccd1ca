import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLatestIntactCheckpoint } from './checkpoint-recovery';
import { STALE_TEMP_AGE_MS, sweepStaleTempDirs } from './checkpoint-temp';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ckpt-kill-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Starts the save loop, lets it save `warmup` checkpoints, then kills it (SIGKILL) `delayMs` later.
function saveUntilKilled(root: string, start: number, warmup: number, delayMs: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './src/test-utils/ts-register.cjs', 'src/test-utils/save-loop.ts', root, String(start)], {
      cwd: path.resolve(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (armed || out.split('\n').length - 1 < warmup) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`save loop exited with ${code}: ${stderr}`))));
  });
}

describe('checkpoints under SIGKILL', () => {
  it('always leaves an intact checkpoint when the writer is killed at random moments mid-save', async () => {
    const root = path.join(tmp, 'run');
    let next = 1;
    const delays: number[] = [];
    for (let round = 0; round < 6; round++) {
      const delay = Math.floor(Math.random() * 40);
      delays.push(delay);
      expect(await saveUntilKilled(root, next, 2, delay)).toBe('SIGKILL');
      const { checkpoint, warnings, quarantined } = loadLatestIntactCheckpoint<{ epoch: number }>(root);
      expect({ warnings, quarantined }, `round ${round}, killed ${delay} ms after the second save`).toEqual({ warnings: [], quarantined: [] });
      const epoch = checkpoint!.manifest.state.epoch;
      expect(epoch).toBeGreaterThanOrEqual(next + 1);
      expect(checkpoint!.verified).toBe(true);
      expect(checkpoint!.model[0].data.every((x) => x === epoch)).toBe(true);
      expect(checkpoint!.optimizer[0].data.every((x) => x === epoch)).toBe(true);
      next = epoch + 1;
    }
    console.log(
      `[SIGKILL mid-save] 6 kills at ${delays.join(', ')} ms after a save; left ${fs.readdirSync(root).filter((n) => n.startsWith('.tmp-')).length} temp dirs of killed writers`,
    );
    // what the kills left behind is swept once it is an hour old; the checkpoints stay intact
    sweepStaleTempDirs(root, Date.now() + STALE_TEMP_AGE_MS + 60_000);
    expect(fs.readdirSync(root).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(loadLatestIntactCheckpoint(root).warnings).toEqual([]);
  });
});
