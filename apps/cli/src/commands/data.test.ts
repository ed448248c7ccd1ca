import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { findLocalCopies, listDatasets, type DatasetCacheState } from '@sugar-lab/datasets';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDataList } from './data';

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'main.js');
const source = findLocalCopies('fashion-mnist')[0];

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-cli-data-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sugar(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, 'data', ...args], {
    encoding: 'utf8',
    env: { ...process.env, SUGAR_DATA_DIR: path.join(tmp, 'data'), SUGAR_OFFLINE: '1' },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('sugar data list formatting', () => {
  it('shows each file of a set that is not all verified, and points to verify and import', () => {
    const info = listDatasets().find((d) => d.name === 'fashion-mnist')!;
    const cache: DatasetCacheState = {
      dataset: 'fashion-mnist',
      kind: 'image',
      state: 'corrupt',
      dir: '/data/fashion-mnist',
      bytes: 100,
      expectedBytes: 200,
      localCopies: ['/usr/share/datasets/fashion-mnist'],
      files: [
        { name: 'train-images-idx3-ubyte.gz', path: '/data/fashion-mnist/train-images-idx3-ubyte.gz', state: 'verified', size: 50 },
        { name: 'train-labels-idx1-ubyte.gz', path: '/data/fashion-mnist/train-labels-idx1-ubyte.gz', state: 'corrupt', size: 50 },
        { name: 't10k-images-idx3-ubyte.gz', path: '/data/fashion-mnist/t10k-images-idx3-ubyte', state: 'unverified', size: 50 },
        { name: 't10k-labels-idx1-ubyte.gz', path: '/data/fashion-mnist/t10k-labels-idx1-ubyte.gz', state: 'missing' },
      ],
    };
    const text = formatDataList([{ info, cache }], '/data');
    expect(text).toMatch(/fashion-mnist +image +corrupt/);
    expect(text).toMatch(/train-labels-idx1-ubyte\.gz +corrupt/);
    expect(text).toMatch(/t10k-images-idx3-ubyte\.gz +unverified .*t10k-images-idx3-ubyte$/m);
    expect(text).not.toContain('present');
    expect(text).toContain('sugar data import fashion-mnist /usr/share/datasets/fashion-mnist');
    expect(text).toContain('sugar data import <name> <dir|files...>');
  });
});

describe.skipIf(!source)(`sugar data import / verify / list on the real Fashion-MNIST files${source ? '' : ' [SKIPPED: no copy on this machine]'}`, () => {
  it('imports, says what came from where, and list then says verified; a tampered copy is refused and listed as corrupt', () => {
    const offline = sugar('fetch', 'fashion-mnist');
    expect(offline.code).toBe(1);
    expect(offline.out).toContain(`sugar data import fashion-mnist ${source}`);

    const imp = sugar('import', 'fashion-mnist', source);
    expect(imp.code).toBe(0);
    expect(imp.out).toContain('4 of 4 files verified');
    expect(imp.out).toContain(`copied from ${path.join(source, 'train-images-idx3-ubyte.gz')} (re-gzipped copy, decompressed payload verified)`);
    expect(sugar('list').out).toMatch(/fashion-mnist +image +verified/);
    const verify = sugar('verify', 'fashion-mnist');
    expect(verify.code).toBe(0);
    expect(verify.out).toContain('unchanged since last verified');

    // By hand: a copy with one label changed (a valid gzip) in place of the imported one.
    const labels = path.join(tmp, 'data', 'fashion-mnist', 'train-labels-idx1-ubyte.gz');
    const raw = zlib.gunzipSync(fs.readFileSync(labels));
    raw[8] = (raw[8] + 1) % 10;
    fs.writeFileSync(labels, zlib.gzipSync(raw));
    expect(sugar('list').out).toMatch(/train-labels-idx1-ubyte\.gz +unverified/);
    const bad = sugar('verify', 'fashion-mnist');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/mismatch +.*train-labels-idx1-ubyte\.gz: decompressed payload: expected sha256 bad3541b/);
    expect(sugar('list').out).toMatch(/train-labels-idx1-ubyte\.gz +corrupt/);
  });
});
