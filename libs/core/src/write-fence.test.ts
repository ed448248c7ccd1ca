import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SugarError } from './errors';
import { writeAllSync, writeFileAtomic } from './fs-safe';
import { setWriteFence } from './write-fence';

afterEach(() => setWriteFence(undefined));

describe('the write fence', () => {
  it('is asked before every write and rename; its refusal stops the write with nothing left, unwrapped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fence-'));
    const asked: string[] = [];
    let open = true;
    setWriteFence((file) => {
      asked.push(path.basename(file));
      if (!open) throw new SugarError(`not writing ${file}`);
    });
    writeFileAtomic(path.join(dir, 'a.json'), '{}');
    expect(asked).toEqual(['a.json', 'a.json', 'a.json']); // before it starts, before the bytes, before the rename
    open = false;
    expect(() => writeFileAtomic(path.join(dir, 'b.json'), '{}')).toThrow(/^not writing .*b\.json$/);
    const fd = fs.openSync(path.join(dir, 'c.log'), 'a');
    expect(() => writeAllSync(fd, 'line\n', path.join(dir, 'c.log'))).toThrow(/^not writing .*c\.log$/);
    fs.closeSync(fd);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.json', 'c.log']);
    expect(fs.readFileSync(path.join(dir, 'c.log'), 'utf8')).toBe('');
    setWriteFence(undefined);
    writeFileAtomic(path.join(dir, 'b.json'), '{}');
    expect(fs.existsSync(path.join(dir, 'b.json'))).toBe(true);
  });
});
