import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventFileWriter, eventFiles } from './event-file';
import { fileVersionEvent, summaryEvent } from './tensorboard-events';
import { readRecords, withoutWallTime } from './test-utils/tfrecords';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-events-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('EventFileWriter', () => {
  it('creates the directory and a file that opens with the file version; each write is in the file when it returns', () => {
    const dir = path.join(tmp, 'a', 'tb');
    const w = new EventFileWriter(dir);
    expect(path.basename(w.file)).toMatch(/^events\.out\.tfevents\.\d{10}\.[^/]+\.\d+\.v2$/);
    expect(w.earlier).toEqual([]);
    const scalar = summaryEvent(1, 1, [{ tag: 'x', scalar: 2 }]);
    w.write(scalar);
    // Not closed: a live tensorboard reads the file as it grows.
    expect(readRecords(w.file).map(withoutWallTime)).toEqual([withoutWallTime(fileVersionEvent(0)), withoutWallTime(scalar)]);
    w.close();
    expect(() => w.write(scalar)).toThrow(/is closed/);
  });

  it("never touches an earlier process's file and names its own after every file there", () => {
    const dir = path.join(tmp, 'b');
    fs.mkdirSync(dir);
    // A file from a clock ahead of this one: the new file must still sort after it, or TensorBoard would skip it.
    const future = `events.out.tfevents.${Math.floor(Date.now() / 1000) + 1000}.otherhost.1.v2`;
    fs.writeFileSync(path.join(dir, future), 'earlier bytes');
    const first = new EventFileWriter(dir);
    const second = new EventFileWriter(dir);
    expect(first.earlier).toEqual([future]);
    expect(second.earlier).toEqual([future, path.basename(first.file)].sort());
    expect(eventFiles(dir)).toEqual([future, path.basename(first.file), path.basename(second.file)]);
    expect(fs.readFileSync(path.join(dir, future), 'utf8')).toBe('earlier bytes');
    first.close();
    second.close();
  });

  it('lists no events files in a directory that does not exist', () => {
    expect(eventFiles(path.join(tmp, 'none'))).toEqual([]);
  });
});
