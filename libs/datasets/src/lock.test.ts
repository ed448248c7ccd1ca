import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from './lock';

describe('withFileLock', () => {
  it('serializes holders and takes over a lock whose process is gone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-lock-'));
    const lock = path.join(dir, 'f.lock');
    try {
      const order: string[] = [];
      const slow = (tag: string) => withFileLock(lock, async () => {
        order.push(`${tag}+`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${tag}-`);
      }, 5);
      await Promise.all([slow('a'), slow('b')]);
      expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
      expect(fs.existsSync(lock)).toBe(false);
      // A pid that has exited: a finished child process.
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      fs.writeFileSync(lock, dead);
      expect(await withFileLock(lock, async () => 'taken', 5)).toBe('taken');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
