import { describe, expect, it } from 'vitest';
import { CifarFormatError, GzipFormatError, TarFormatError } from './errors';
import { loadDataset } from './load';
import { cifarPixel, cifarRecords, gz, listTree, tarBytes, type TarSpec, useFixtureCache } from './test-utils/fixtures';

const cache = useFixtureCache();

const C10 = 'cifar-10-binary.tar.gz';
const C100 = 'cifar-100-binary.tar.gz';
const dir10 = 'cifar-10-batches-bin/';

/** Batch i of a CIFAR-10 fixture: `n` records with labels (i + k) mod 10. */
function batch10(i: number, n: number) {
  return cifarRecords(Array.from({ length: n }, (_, k) => [(i + k) % 10]));
}

function cifar10Members(sizes = [2, 3, 1, 2, 2], test = 3): TarSpec[] {
  return [
    { name: dir10, type: '5' },
    { name: `${dir10}batches.meta.txt`, data: Buffer.from('airplane\n') },
    ...sizes.map((n, i) => ({ name: `${dir10}data_batch_${i + 1}.bin`, data: batch10(i, n) })),
    { name: `${dir10}test_batch.bin`, data: batch10(9, test) },
  ];
}

function install10(archive: Buffer, records?: Record<string, number>) {
  cache.register('cifar10', { [C10]: archive }, { write: cache.dir, records: records && { [C10]: records } });
}

/** Pixel (y, x, c) of sample j in HWC order equals the record's plane-major byte c*1024 + y*32 + x. */
function expectImage(x: Uint8Array | Float32Array, j: number, recordIndex: number) {
  for (const [y, xx, c] of [
    [0, 0, 0],
    [0, 1, 0],
    [5, 7, 1],
    [31, 31, 2],
    [12, 30, 2],
  ])
    expect(x[j * 3072 + (y * 32 + xx) * 3 + c]).toBe(cifarPixel(recordIndex, y, xx, c));
}

describe('CIFAR-10 / CIFAR-100 loader (binary tar.gz)', () => {
  it('reads every batch in order into HWC uint8 with labels', async () => {
    install10(gz(tarBytes(cifar10Members())));
    const ds = await loadDataset('cifar10', { offline: true });
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(ds.train.length).toBe(10);
    expect(ds.test.length).toBe(3);
    expect(ds.train.x).toBeInstanceOf(Uint8Array);
    // batches 1..5 have 2, 3, 1, 2, 2 records; sample 5 is record 0 of batch 3 (label (2 + 0) mod 10).
    expect([...ds.train.y]).toEqual([0, 1, 1, 2, 3, 2, 3, 4, 4, 5]);
    expectImage(ds.train.x, 0, 0);
    expectImage(ds.train.x, 4, 2);
    expectImage(ds.train.x, 5, 0);
    expectImage(ds.test.x, 2, 2);
    expect(ds.classNames[0]).toBe('airplane');
  });

  it('writes straight into preallocated arrays when the manifest pins the counts', async () => {
    const records = {
      [`${dir10}data_batch_1.bin`]: 2,
      [`${dir10}data_batch_2.bin`]: 3,
      [`${dir10}data_batch_3.bin`]: 1,
      [`${dir10}data_batch_4.bin`]: 2,
      [`${dir10}data_batch_5.bin`]: 2,
      [`${dir10}test_batch.bin`]: 3,
    };
    install10(gz(tarBytes(cifar10Members())), records);
    const ds = await loadDataset('cifar10', { offline: true });
    expect([...ds.train.y]).toEqual([0, 1, 1, 2, 3, 2, 3, 4, 4, 5]);
    expectImage(ds.train.x, 9, 1);
    install10(gz(tarBytes(cifar10Members())), { ...records, [`${dir10}test_batch.bin`]: 10000 });
    const e = await loadDataset('cifar10', { offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(CifarFormatError);
    expect(e.code).toBe('cifar-count');
  });

  it('reads CIFAR-100 with fine and coarse labels', async () => {
    const rec = (n: number, s: number) => cifarRecords(Array.from({ length: n }, (_, k) => [(s + k) % 20, (s * 3 + k * 7) % 100]));
    const archive = gz(
      tarBytes([
        { name: 'cifar-100-binary/train.bin', data: rec(4, 1) },
        { name: 'cifar-100-binary/test.bin', data: rec(2, 5) },
        { name: 'cifar-100-binary/fine_label_names.txt', data: Buffer.from('apple\n') },
      ]),
    );
    cache.register('cifar100', { [C100]: archive }, { write: cache.dir });
    const fine = await loadDataset('cifar100', { offline: true });
    expect(fine.numClasses).toBe(100);
    expect([...fine.train.y]).toEqual([3, 10, 17, 24]);
    expect([...fine.train.labels!.coarse]).toEqual([1, 2, 3, 4]);
    expect(fine.train.labels!.fine).toBe(fine.train.y);
    expectImage(fine.train.x, 3, 3);
    const coarse = await loadDataset('cifar100', { offline: true, labels: 'coarse' });
    expect(coarse.numClasses).toBe(20);
    expect(coarse.classNames[0]).toBe('aquatic_mammals');
    expect([...coarse.test.y]).toEqual([5, 6]);
    expect(coarse.labelNames!.fine[0]).toBe('apple');
  });

  const corrupt: [string, () => Buffer, abstract new (...args: never[]) => Error, string][] = [
    [
      'a record size that is not 3073',
      () => {
        const m = cifar10Members();
        m[3] = { ...m[3], data: Buffer.concat([m[3].data!, Buffer.alloc(5)]) };
        return gz(tarBytes(m));
      },
      CifarFormatError,
      'cifar-record-size',
    ],
    ['a missing batch', () => gz(tarBytes(cifar10Members().filter((m) => !m.name.endsWith('data_batch_4.bin')))), CifarFormatError, 'cifar-member'],
    [
      'a label above 9',
      () => {
        const m = cifar10Members();
        const d = Buffer.from(m[2].data!);
        d[3073] = 10;
        m[2] = { ...m[2], data: d };
        return gz(tarBytes(m));
      },
      CifarFormatError,
      'label-range',
    ],
    [
      'a path-traversal entry',
      () => gz(tarBytes([...cifar10Members(), { name: '../../outside.bin', data: Buffer.alloc(10) }])),
      TarFormatError,
      'tar-unsafe-path',
    ],
    ['a symlink entry', () => gz(tarBytes([...cifar10Members(), { name: `${dir10}evil`, type: '2', linkname: '/etc/passwd' }])), TarFormatError, 'tar-link'],
    ['a truncated archive', () => gz(tarBytes(cifar10Members()).subarray(0, 9000)), TarFormatError, 'tar-truncated'],
    [
      'a truncated gzip stream',
      () => {
        const g = gz(tarBytes(cifar10Members()));
        return g.subarray(0, g.length >> 1);
      },
      GzipFormatError,
      'gzip',
    ],
    ['a tar that is not gzipped', () => tarBytes(cifar10Members()), GzipFormatError, 'gzip'],
  ];
  for (const [what, make, type, code] of corrupt) {
    it(`rejects ${what} (${code}), leaving nothing behind`, async () => {
      install10(make());
      const e = await loadDataset('cifar10', { offline: true }).catch((x) => x);
      expect(e).toBeInstanceOf(type);
      expect(e.code).toBe(code);
      expect(e.message).toContain(C10);
      expect(listTree(cache.dir)).toEqual([`cifar10/.sugar-verified.json`, `cifar10/${C10}`]);
    });
  }

  it('reports the member and in-member offset of a bad label', async () => {
    const m = cifar10Members();
    const d = Buffer.from(m[3].data!); // data_batch_2, 3 records
    d[2 * 3073] = 200;
    m[3] = { ...m[3], data: d };
    install10(gz(tarBytes(m)));
    const e = await loadDataset('cifar10', { offline: true }).catch((x) => x);
    expect([e.code, e.offset, e.context]).toEqual(['label-range', 2 * 3073, `tar member ${dir10}data_batch_2.bin`]);
  });
});
