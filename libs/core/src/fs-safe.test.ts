import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriteError } from './errors';
import { writeFileAtomic } from './fs-safe';
import { tinyDisk } from './test-utils/tiny-disk';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-safe-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('on a nearly full disk (a short write, not ENOSPC) keeps the old file whole and says so', (ctx) => {
    const dir = path.join(tmp, 'tiny');
    const unmount = tinyDisk(dir);
    if (!unmount) return ctx.skip();
    try {
      const file = path.join(dir, 'report.html');
      writeFileAtomic(file, 'old');
      let err: unknown;
      try {
        writeFileAtomic(file, Buffer.alloc(200_000, 0x61));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FileWriteError);
      expect((err as FileWriteError).code).toBe('ENOSPC');
      expect((err as Error).message).toMatch(new RegExp(`^could not write ${file}: ENOSPC .*; the previous report.html is kept as it was$`));
      expect(fs.readFileSync(file, 'utf8')).toBe('old');
      expect(fs.readdirSync(dir)).toEqual(['report.html']); // no temp file left
      expect(() => writeFileAtomic(path.join(dir, 'new.bin'), Buffer.alloc(200_000))).toThrow(/nothing was written in its place$/);
      expect(fs.existsSync(path.join(dir, 'new.bin'))).toBe(false);
    } finally {
      unmount();
    }
  });

  it('names the file when its directory cannot be made', () => {
    const notADir = path.join(tmp, 'plain-file');
    fs.writeFileSync(notADir, 'x');
    const file = path.join(notADir, 'x.json');
    expect(() => writeFileAtomic(file, '{}')).toThrow(FileWriteError);
    expect(() => writeFileAtomic(file, '{}')).toThrow(/^could not write .*plain-file\/x\.json: E[A-Z]+ .*; nothing was written in its place$/);
  });
});
