import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetImportError, DatasetUnavailableError } from './errors';
import { datasetCacheState, verifyDataset } from './fetch';
import { importDataset } from './import';
import { loadDataset } from './load';
import { readRecord } from './record';
import { listTree, mnistFiles, mnistPayloads, sha256, useFixtureCache } from './test-utils/fixtures';

const cache = useFixtureCache();
let src: string;
const savedSearch = process.env.SUGAR_DATA_SEARCH_PATH;
beforeEach(() => {
  src = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-import-src-'));
  cache.register('mnist', mnistFiles(), { payloads: mnistPayloads() });
});
afterEach(() => {
  fs.rmSync(src, { recursive: true, force: true });
  if (savedSearch === undefined) delete process.env.SUGAR_DATA_SEARCH_PATH;
  else process.env.SUGAR_DATA_SEARCH_PATH = savedSearch;
});

const NAMES = Object.keys(mnistFiles());
const cacheDir = () => path.join(cache.dir, 'mnist');

function writeAll(dir: string, files: Record<string, Buffer>) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), b);
}

const regzipped = () => Object.fromEntries(Object.entries(mnistPayloads()).map(([n, b]) => [n, zlib.gzipSync(b, { level: 1 })]));

/** Every file under a directory with its bytes' digest, to show a source was left exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listTree(dir).map((f) => [f, sha256(fs.readFileSync(path.join(dir, f)))]));
}

describe('importDataset (sugar data import)', () => {
  it('copies re-gzipped files into the cache under canonical names, verified and recorded; the source is untouched', async () => {
    writeAll(src, regzipped());
    const before = snapshot(src);
    const r = await importDataset('mnist', [src]);
    expect(r.imported.map((f) => [f.name, f.method, f.form, f.from[0], f.to[0]])).toEqual(
      NAMES.map((n) => [n, 'copied', 'regzipped', path.join(src, n), path.join(cacheDir(), n)]),
    );
    expect([r.rejected, r.notFound, r.quarantined]).toEqual([[], [], []]);
    expect(snapshot(src)).toEqual(before);
    expect(listTree(cacheDir())).toEqual(['.sugar-verified.json', ...NAMES].sort());
    expect(Object.keys(readRecord(cacheDir())).sort()).toEqual([...NAMES].sort());
    expect(datasetCacheState('mnist').state).toBe('verified');
    const [v] = await verifyDataset('mnist');
    expect(v.files.every((f) => f.checked === 'record')).toBe(true); // the import's own check counts
    expect((await loadDataset('mnist', { offline: true })).train.length).toBe(6);
    // Again: nothing to do.
    const again = await importDataset('mnist', [src]);
    expect(again.imported.map((f) => f.method)).toEqual(Array(4).fill('already verified'));
  });

  it('--link hard-links instead of copying', async () => {
    writeAll(src, mnistFiles());
    const r = await importDataset('mnist', [src], { link: true });
    expect(r.imported.map((f) => f.method)).toEqual(Array(4).fill('linked'));
    for (const n of NAMES) expect(fs.statSync(path.join(cacheDir(), n)).ino).toBe(fs.statSync(path.join(src, n)).ino);
  });

  it('takes decompressed files from a torchvision-style tree, and files given one by one', async () => {
    const raw = path.join(src, 'MNIST', 'raw');
    writeAll(raw, Object.fromEntries(Object.entries(mnistPayloads()).map(([n, b]) => [n.replace(/\.gz$/, ''), b])));
    const r = await importDataset('mnist', [path.join(raw, 'train-images-idx3-ubyte'), path.join(raw, 'train-labels-idx1-ubyte'), src]);
    expect(r.imported.map((f) => [f.form, path.basename(f.to[0])])).toEqual(NAMES.map((n) => ['decompressed', n.replace(/\.gz$/, '')]));
    const ds = await loadDataset('mnist', { offline: true });
    expect([...ds.train.y]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('picks the right files out of a directory that holds other datasets under the same names', async () => {
    writeAll(path.join(src, 'fashion-mnist'), Object.fromEntries(NAMES.map((n) => [n, zlib.gzipSync(Buffer.from(`not mnist ${n}`))])));
    writeAll(path.join(src, 'mnist'), regzipped());
    const r = await importDataset('mnist', [src]);
    expect(r.imported.map((f) => path.dirname(f.from[0]))).toEqual(Array(4).fill(path.join(src, 'mnist')));
    expect(r.rejected.map((x) => path.dirname(x.from))).toEqual(Array(4).fill(path.join(src, 'fashion-mnist')));
    expect(datasetCacheState('mnist').state).toBe('verified');
  });

  it('refuses a tampered copy: nothing under the real name, no temp file left, the source unchanged', async () => {
    const files = regzipped();
    const labels = Buffer.from(mnistPayloads()['train-labels-idx1-ubyte.gz']);
    labels[8] = 9;
    files['train-labels-idx1-ubyte.gz'] = zlib.gzipSync(labels);
    writeAll(src, files);
    const before = snapshot(src);
    const r = await importDataset('mnist', [src]);
    expect(r.imported).toHaveLength(3);
    expect(r.rejected).toEqual([
      {
        name: 'train-labels-idx1-ubyte.gz',
        from: path.join(src, 'train-labels-idx1-ubyte.gz'),
        mismatch: {
          algorithm: 'sha256',
          expected: sha256(mnistPayloads()['train-labels-idx1-ubyte.gz']),
          found: sha256(labels),
          subject: 'decompressed payload',
        },
      },
    ]);
    expect(listTree(cacheDir())).toEqual(['.sugar-verified.json', ...NAMES.filter((n) => n !== 'train-labels-idx1-ubyte.gz')].sort());
    expect(snapshot(src)).toEqual(before);
    expect(datasetCacheState('mnist').state).toBe('partial');
  });

  it('sets a corrupt cached file aside when it imports a good one in its place', async () => {
    writeAll(cacheDir(), { 'train-images-idx3-ubyte.gz': Buffer.from('garbage') });
    writeAll(src, mnistFiles());
    const r = await importDataset('mnist', [src]);
    expect(r.imported).toHaveLength(4);
    expect(r.quarantined).toHaveLength(1);
    expect(fs.readFileSync(r.quarantined[0], 'utf8')).toBe('garbage');
    expect(fs.readFileSync(`${r.quarantined[0]}.reason.txt`, 'utf8')).toContain(path.join(src, 'train-images-idx3-ubyte.gz'));
  });

  it('says what it did not find, and refuses sources that do not exist or synthetic sets', async () => {
    writeAll(src, { 'train-images-idx3-ubyte.gz': mnistFiles()['train-images-idx3-ubyte.gz'] });
    const r = await importDataset('mnist', [src]);
    expect(r.notFound).toEqual(NAMES.slice(1));
    await expect(importDataset('mnist', [path.join(src, 'nope')])).rejects.toBeInstanceOf(DatasetImportError);
    await expect(importDataset('spirals', [src])).rejects.toThrow(/synthetic/);
  });

  it('the offline error names a system copy and the exact import command', async () => {
    const root = path.join(src, 'share', 'datasets');
    writeAll(path.join(root, 'mnist'), regzipped());
    process.env.SUGAR_DATA_SEARCH_PATH = root;
    const e = await loadDataset('mnist', { offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetUnavailableError);
    expect(e.localCopies).toEqual([path.join(root, 'mnist')]);
    expect(e.message).toContain(`sugar data import mnist ${path.join(root, 'mnist')}`);
    expect(datasetCacheState('mnist').localCopies).toEqual([path.join(root, 'mnist')]);
    process.env.SUGAR_DATA_SEARCH_PATH = '';
    const none = await loadDataset('mnist', { offline: true }).catch((x) => x);
    expect(none.localCopies).toEqual([]);
    expect(none.message).toContain('sugar data import mnist <dir or files>');
  });
});
