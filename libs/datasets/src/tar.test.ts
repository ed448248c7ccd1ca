import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TarFormatError } from './errors';
import { readTar, type TarEntry } from './tar';
import { paxRecord, tarBytes } from './test-utils/fixtures';

async function* chunks(buf: Buffer, size = 700): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function read(buf: Buffer, size?: number) {
  const files: Record<string, Buffer> = {};
  const entries = await readTar(chunks(buf, size), 'a.tar', (e: TarEntry) => {
    const parts: Buffer[] = [];
    files[e.name] = Buffer.alloc(0);
    return (c, off) => {
      expect(off).toBe(parts.reduce((s, p) => s + p.length, 0));
      parts.push(Buffer.from(c));
      files[e.name] = Buffer.concat(parts);
    };
  });
  return { entries, files };
}

async function rejects(buf: Buffer): Promise<TarFormatError> {
  try {
    await read(buf);
  } catch (err) {
    expect(err).toBeInstanceOf(TarFormatError);
    return err as TarFormatError;
  }
  throw new Error('expected a TarFormatError');
}

describe('readTar', () => {
  const a = Buffer.from('hello tar');
  const b = Buffer.alloc(1300, 7);

  it('reads members, directories and ustar prefixes, across any chunking', async () => {
    const tar = tarBytes([
      { name: 'd/', type: '5' },
      { name: './d/a.txt', data: a },
      { name: 'b.bin', prefix: 'deep/dir', data: b },
    ]);
    for (const size of [1, 511, 512, 700, 1 << 16]) {
      const { entries, files } = await read(tar, size);
      expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
        ['d', 'directory', 0],
        ['d/a.txt', 'file', 9],
        ['deep/dir/b.bin', 'file', 1300],
      ]);
      expect(entries[1].headerOffset).toBe(512);
      expect(files['d/a.txt']).toEqual(a);
      expect(files['deep/dir/b.bin']).toEqual(b);
    }
  });

  it('applies pax path and size records', async () => {
    const pax = Buffer.from(paxRecord('path', 'long/' + 'n'.repeat(150)));
    const { files } = await read(
      tarBytes([
        { name: 'PaxHeader', type: 'x', data: pax },
        { name: 'short', data: a },
      ]),
    );
    expect(Object.keys(files)).toEqual(['long/' + 'n'.repeat(150)]);
  });

  it.skipIf(spawnSync('tar', ['--version']).status !== 0)('reads archives written by GNU tar (gnu and pax formats)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-tar-'));
    try {
      fs.mkdirSync(path.join(dir, 'src/sub'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src/sub/x.bin'), b);
      fs.writeFileSync(path.join(dir, 'src/' + 'y'.repeat(120)), a);
      for (const format of ['gnu', 'posix', 'ustar']) {
        if (format === 'ustar') fs.rmSync(path.join(dir, 'src/' + 'y'.repeat(120)));
        const out = path.join(dir, `${format}.tar`);
        expect(spawnSync('tar', [`--format=${format}`, '-cf', out, '-C', dir, 'src']).status).toBe(0);
        const { files } = await read(fs.readFileSync(out));
        expect(files['src/sub/x.bin']).toEqual(b);
        if (format !== 'ustar') expect(files['src/' + 'y'.repeat(120)]).toEqual(a);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses path traversal, absolute paths and links, naming the entry and its header offset', async () => {
    const ok = { name: 'ok', data: a };
    let e = await rejects(tarBytes([ok, { name: '../escape', data: a }]));
    expect([e.code, e.entry, e.offset]).toEqual(['tar-unsafe-path', '../escape', 1024]);
    e = await rejects(tarBytes([{ name: 'a/../../b', data: a }]));
    expect(e.code).toBe('tar-unsafe-path');
    e = await rejects(tarBytes([{ name: '/etc/passwd', data: a }]));
    expect(e.code).toBe('tar-unsafe-path');
    e = await rejects(
      tarBytes([
        { name: 'PaxHeader', type: 'x', data: Buffer.from(paxRecord('path', '../../x')) },
        { name: 'x', data: a },
      ]),
    );
    expect(e.code).toBe('tar-unsafe-path');
    e = await rejects(tarBytes([ok, { name: 'link', type: '2', linkname: '/etc/passwd' }]));
    expect([e.code, e.entry, e.offset]).toEqual(['tar-link', 'link', 1024]);
    expect(e.message).toMatch(/symbolic link to "\/etc\/passwd"/);
    e = await rejects(tarBytes([{ name: 'hard', type: '1', linkname: 'ok' }]));
    expect(e.code).toBe('tar-link');
    e = await rejects(tarBytes([{ name: 'dev', type: '3' }]));
    expect(e.code).toBe('tar-type');
  });

  it('rejects corrupt headers, truncation, duplicates and trailing data', async () => {
    const good = tarBytes([
      { name: 'a', data: a },
      { name: 'b', data: b },
    ]);
    const badSum = Buffer.from(good);
    badSum[10] ^= 1;
    expect((await rejects(badSum)).code).toBe('tar-checksum');
    const e = await rejects(good.subarray(0, 512 + 512 + 600));
    expect([e.code, e.entry]).toEqual(['tar-truncated', 'b']);
    expect((await rejects(good.subarray(0, 2048))).code).toBe('tar-truncated'); // no end marker
    expect((await rejects(tarBytes([{ name: 'a', data: a }], { endBlocks: 1, pad: false }))).code).toBe('tar-truncated');
    expect(
      (
        await rejects(
          tarBytes([
            { name: 'a', data: a },
            { name: 'a', data: b },
          ]),
        )
      ).code,
    ).toBe('tar-duplicate');
    const trailing = Buffer.concat([good, Buffer.from('junk')]);
    const t = await rejects(trailing);
    expect([t.code, t.offset]).toEqual(['tar-trailing', good.length]);
    expect((await rejects(tarBytes([{ name: 'a', data: a }], { magic: 'nottar\0\0' }))).code).toBe('tar-header');
  });
});
