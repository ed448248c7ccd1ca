import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetChecksumError, DatasetUnavailableError, GzipFormatError, IdxFormatError } from './errors';
import { loadDataset } from './load';
import { gz, idxBytes, listTree, mnistFiles, useFixtureCache } from './test-utils/fixtures';

const cache = useFixtureCache();

const TRAIN_IMG = 'train-images-idx3-ubyte.gz';
const TRAIN_LAB = 'train-labels-idx1-ubyte.gz';

/** Writes the fixture set with one file replaced, pinning the replacement's own digest so parsing is reached. */
function install(replace: Record<string, Buffer> = {}, records?: Record<string, number>) {
  const files = { ...mnistFiles(), ...replace };
  cache.register('mnist', files, { write: cache.dir, records });
  return files;
}

/** Only the fixture files and the verified-files record: no partial file, lock or extracted data. */
function expectNothingLeftBehind(files: Record<string, Buffer>) {
  const allowed = [...Object.keys(files).map((n) => `mnist/${n}`), 'mnist/.sugar-verified.json'];
  for (const f of listTree(cache.dir)) expect(allowed).toContain(f);
}

describe('MNIST-family loader (IDX, gzip)', () => {
  it('loads the fixture through the cache with the right pixels, labels and shapes', async () => {
    install();
    for (const name of ['mnist', 'fashion-mnist', 'kmnist']) {
      if (name !== 'mnist') {
        cache.register(name, mnistFiles(), { write: cache.dir });
      }
      const ds = await loadDataset(name, { offline: true });
      expect(ds.shape).toEqual([28, 28, 1]);
      expect(ds.numClasses).toBe(10);
      expect(ds.classNames).toHaveLength(10);
      expect(ds.train.length).toBe(6);
      expect(ds.test.length).toBe(4);
      expect(ds.train.x).toBeInstanceOf(Uint8Array);
      expect(ds.train.x.length).toBe(6 * 784);
      expect(ds.train.x[3 * 784 + 100]).toBe(103);
      expect([...ds.train.y]).toEqual([0, 1, 2, 3, 4, 5]);
      expect(ds.train.scale).toBeCloseTo(1 / 255, 12);
    }
  });

  it('checks the record counts pinned in the manifest', async () => {
    install({}, { [TRAIN_IMG]: 60000 });
    const e = await loadDataset('mnist', { offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(IdxFormatError);
    expect([e.code, e.offset, e.expected, e.found]).toEqual(['idx-count', 4, '60000 items', '6 items']);
  });

  const corrupt: [string, () => Record<string, Buffer>, typeof IdxFormatError | typeof GzipFormatError, string, number | undefined][] = [
    [
      'wrong magic',
      () => ({ [TRAIN_IMG]: gz(Buffer.concat([Buffer.from([0x01, 0x02]), idxBytes([6, 28, 28], new Uint8Array(6 * 784)).subarray(2)])) }),
      IdxFormatError,
      'idx-magic',
      0,
    ],
    ['wrong element type', () => ({ [TRAIN_IMG]: gz(idxBytes([6, 28, 28], new Uint8Array(6 * 784 * 4), 0x0d)) }), IdxFormatError, 'idx-dtype', 2],
    ['wrong rank', () => ({ [TRAIN_IMG]: gz(idxBytes([6, 784], new Uint8Array(6 * 784))) }), IdxFormatError, 'idx-rank', 3],
    ['wrong dims', () => ({ [TRAIN_IMG]: gz(idxBytes([6, 28, 27], new Uint8Array(6 * 28 * 27))) }), IdxFormatError, 'idx-dims', 12],
    ['truncated payload', () => ({ [TRAIN_IMG]: gz(idxBytes([6, 28, 28], new Uint8Array(6 * 784 - 5))) }), IdxFormatError, 'idx-length', 16 + 6 * 784 - 5],
    ['trailing bytes', () => ({ [TRAIN_IMG]: gz(idxBytes([6, 28, 28], new Uint8Array(6 * 784 + 3))) }), IdxFormatError, 'idx-length', 16 + 6 * 784],
    ['label count differs from image count', () => ({ [TRAIN_LAB]: gz(idxBytes([5], new Uint8Array(5))) }), IdxFormatError, 'idx-count', 4],
    ['label out of range', () => ({ [TRAIN_LAB]: gz(idxBytes([6], Uint8Array.from([0, 1, 2, 10, 4, 5]))) }), IdxFormatError, 'label-range', 11],
    ['not gzip', () => ({ [TRAIN_IMG]: idxBytes([6, 28, 28], new Uint8Array(6 * 784)) }), GzipFormatError, 'gzip', 0],
    ['truncated gzip', () => ({ [TRAIN_IMG]: mnistFiles()[TRAIN_IMG].subarray(0, 200) }), GzipFormatError, 'gzip', 200],
    [
      'corrupt gzip (CRC)',
      () => {
        const b = Buffer.from(mnistFiles()[TRAIN_IMG]);
        b[b.length - 6] ^= 0xff;
        return { [TRAIN_IMG]: b };
      },
      GzipFormatError,
      'gzip',
      undefined,
    ],
  ];

  for (const [what, make, type, code, offset] of corrupt) {
    it(`rejects ${what} with ${type.name} (${code}) naming file and offset, leaving nothing behind`, async () => {
      const files = install(make());
      const e = await loadDataset('mnist', { offline: true }).catch((x) => x);
      expect(e).toBeInstanceOf(type);
      expect(e.code).toBe(code);
      expect(e.offset).toBe(offset);
      expect(path.basename(e.file)).toBe(Object.keys(make())[0]);
      expect(e.message).toContain(e.file);
      expect(e.message).toMatch(/expected .*, found /);
      expectNothingLeftBehind(files);
    });
  }

  it('rejects a cached file whose checksum differs and moves it aside with the reason, never deleting it', async () => {
    const good = mnistFiles();
    const bad = Buffer.from(good[TRAIN_IMG]);
    bad[20] ^= 1;
    cache.register('mnist', good, { write: cache.dir });
    fs.writeFileSync(path.join(cache.dir, 'mnist', TRAIN_IMG), bad);
    const e = await loadDataset('mnist', { offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetChecksumError);
    expect([e.algorithm, e.removed]).toEqual(['sha256', false]);
    expect(e.message).toContain('sugar data fetch mnist');
    expect(e.message).toContain('sugar data import mnist');
    expect(fs.existsSync(path.join(cache.dir, 'mnist', TRAIN_IMG))).toBe(false);
    expect(path.dirname(e.quarantined)).toBe(path.join(cache.dir, 'mnist', '.quarantine'));
    expect(e.message).toContain(e.quarantined);
    expect(fs.readFileSync(e.quarantined)).toEqual(bad);
    const reason = fs.readFileSync(`${e.quarantined}.reason.txt`, 'utf8');
    expect(reason).toContain(path.join(cache.dir, 'mnist', TRAIN_IMG));
    expect(reason).toContain(`expected sha256 ${e.expected}, found ${e.found}`);
    expect(listTree(cache.dir).filter((f) => f.includes(TRAIN_IMG) && !f.startsWith('mnist/.quarantine/'))).toEqual([]);
    // Now the file is missing, and offline mode says exactly what to put where.
    const u = await loadDataset('mnist', { offline: true }).catch((x) => x);
    expect(u).toBeInstanceOf(DatasetUnavailableError);
    expect(u.files.map((f: { name: string }) => f.name)).toEqual([TRAIN_IMG]);
  });

  it('re-hashes a file changed after it was verified', async () => {
    install();
    await loadDataset('mnist', { offline: true });
    const file = path.join(cache.dir, 'mnist', TRAIN_IMG);
    const b = fs.readFileSync(file);
    b[30] ^= 1;
    fs.writeFileSync(file, b);
    await expect(loadDataset('mnist', { offline: true })).rejects.toBeInstanceOf(DatasetChecksumError);
  });
});
