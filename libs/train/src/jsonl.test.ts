import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyDisk } from '../../core/src/test-utils/tiny-disk';
import { fromJsonLine, fromJsonText, JsonlSink, readJsonl, toJsonLine, toJsonText } from './jsonl';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-jsonl-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('JSON Lines', () => {
  it('keeps non-finite numbers visible', () => {
    expect(toJsonLine({ a: NaN, b: -Infinity, c: 1 })).toBe('{"a":"NaN","b":"-Infinity","c":1}\n');
  });

  it('reads non-finite numbers back as numbers', () => {
    const record = { loss: NaN, probes: { layers: [{ g: Infinity }, { g: -Infinity }] }, name: 'dense_1', n: 2 };
    expect(fromJsonLine(toJsonLine(record))).toEqual(record);
    const file = path.join(tmp, 'nan.jsonl');
    const sink = new JsonlSink(file, [record]);
    sink.close();
    expect(readJsonl<typeof record>(file)[0].loss).toBeNaN();
  });

  it('starts over with the given records, then appends', () => {
    const file = path.join(tmp, 'x.jsonl');
    fs.writeFileSync(file, '{"stale":true}\n');
    const sink = new JsonlSink(file, [{ n: 0 }]);
    sink.append({ n: 1 });
    sink.close();
    expect(readJsonl(file)).toEqual([{ n: 0 }, { n: 1 }]);
    expect(() => sink.append({})).toThrow(/closed/);
  });

  it('names the file and line of a bad record', () => {
    const file = path.join(tmp, 'bad.jsonl');
    fs.writeFileSync(file, '{"ok":1}\n{oops\n');
    expect(() => readJsonl(file)).toThrow(/bad\.jsonl:2: expected one JSON object per line/);
  });
});

describe('toJsonText / fromJsonText', () => {
  it('round-trips NaN and Infinity through an indented JSON file', () => {
    const value = { a: NaN, b: [Infinity, -Infinity, 1], c: { d: 'x' } };
    const text = toJsonText(value);
    expect(text).toContain('"a": "NaN"');
    expect(fromJsonText(text)).toEqual(value);
  });
});

describe('JsonlSink on a full disk', () => {
  it('keeps every line whole: an append the disk cannot take is cut back, and the log still reads', (ctx) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsonl-full-'));
    const unmount = tinyDisk(dir);
    if (!unmount) return ctx.skip();
    try {
      const file = path.join(dir, 'metrics.jsonl');
      const sink = new JsonlSink(file);
      const big = 'x'.repeat(10_000);
      let written = 0;
      expect(() => {
        for (;;) sink.append({ type: 'epoch', epoch: written++, big });
      }).toThrow(/ENOSPC|no space/i);
      sink.close();
      const lines = readJsonl<{ epoch: number }>(file);
      expect(lines.map((l) => l.epoch)).toEqual(Array.from({ length: written - 1 }, (_, i) => i));
      expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    } finally {
      unmount();
    }
  });
});
