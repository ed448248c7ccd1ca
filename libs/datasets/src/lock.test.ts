import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from './lock';

const DIST = path.resolve(__dirname, '..', 'dist', 'lock.js');

describe('withFileLock', () => {
  it('serializes holders and takes over a lock whose process is gone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-lock-'));
    const lock = path.join(dir, 'f.lock');
    try {
      const order: string[] = [];
      const slow = (tag: string) =>
        withFileLock(
          lock,
          async () => {
            order.push(`${tag}+`);
            await new Promise((r) => setTimeout(r, 30));
            order.push(`${tag}-`);
          },
          5,
        );
      await Promise.all([slow('a'), slow('b')]);
      expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
      expect(fs.existsSync(lock)).toBe(false);
      // A pid that has exited: a finished child process. The lock file is core's format (one JSON owner record).
      const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
      fs.writeFileSync(lock, JSON.stringify({ host: os.hostname(), pid: dead, since: new Date().toISOString(), token: 'old' }));
      expect(await withFileLock(lock, async () => 'taken', 5)).toBe('taken');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes a second process wait until the first one is done', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-lock-'));
    const lock = path.join(dir, 'f.lock');
    const log = path.join(dir, 'log');
    try {
      const script = `require(${JSON.stringify(DIST)}).withFileLock(process.argv[1], async () => {
        require('fs').appendFileSync(process.argv[2], process.argv[3] + '+\\n');
        await new Promise((r) => setTimeout(r, 300));
        require('fs').appendFileSync(process.argv[2], process.argv[3] + '-\\n');
      }, 10)`;
      const kids = ['a', 'b'].map((tag) => spawn(process.execPath, ['-e', script, lock, log, tag], { stdio: 'inherit' }));
      await Promise.all(kids.map((k) => new Promise((r) => k.on('exit', r))));
      const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0][0]).toBe(lines[1][0]); // one holder's begin and end, then the other's
      expect(lines[2][0]).toBe(lines[3][0]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
