// The real Fashion-MNIST files, as a Linux distribution ships them (Debian's dataset-fashion-mnist:
// the same images and labels as the published archives, re-gzipped, so their bytes differ). CI installs
// the package and sets SUGAR_REQUIRE_REAL_DATA=1, so there these tests run or fail; elsewhere they are
// skipped, with the reason, when no copy is on the machine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { initBackend, tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { batches } from './batches';
import { DatasetChecksumError } from './errors';
import { datasetCacheState, verifyDataset } from './fetch';
import { importDataset } from './import';
import { loadDataset } from './load';
import { dataSearchPath, findLocalCopies } from './locations';
import { datasetFiles } from './manifest';
import { readRecord } from './record';
import { listTree, sha256, useFixtureCache } from './test-utils/fixtures';
import type { Dataset, Split } from './types';

const NAME = 'fashion-mnist';
const source = findLocalCopies(NAME)[0];
const required = /^(1|true|yes)$/i.test(process.env.SUGAR_REQUIRE_REAL_DATA ?? '');
const missing = `no copy of Fashion-MNIST on this machine (looked in ${dataSearchPath()
  .map((r) => path.join(r, NAME))
  .join(', ')}; install the distribution package dataset-fashion-mnist, or point SUGAR_DATA_SEARCH_PATH at a directory holding ${NAME}/)`;
if (!source) console.warn(`real-data.test.ts: ${required ? 'REQUIRED but ' : ''}${missing}`);

const cache = useFixtureCache();
const entries = datasetFiles(NAME);
const dir = () => path.join(cache.dir, NAME);

function copyByHand(transform: (name: string, bytes: Buffer) => [string, Buffer] = (n, b) => [n, b]) {
  fs.mkdirSync(dir(), { recursive: true });
  for (const e of entries) {
    const [name, bytes] = transform(e.name, fs.readFileSync(path.join(source, e.name)));
    fs.writeFileSync(path.join(dir(), name), bytes);
  }
}

function classCounts(split: Split): number[] {
  const counts = new Array(split.numClasses).fill(0);
  for (const y of split.y) counts[y]++;
  return counts;
}

/** One epoch of a 784-128-10 ReLU MLP (Adam 1e-3, batch 128); returns the test accuracy. */
async function trainOneEpoch(ds: Dataset): Promise<number> {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  for (const b of batches(ds.train, { batchSize: 128, seed: 1, epoch: 0 })) {
    await model.trainOnBatch(b.xs, b.ys);
    tf.dispose([b.xs, b.ys]);
  }
  let correct = 0;
  for (const b of batches(ds.test, { batchSize: 1000, shuffle: false })) {
    const pred = tf.tidy(() => (model.predict(b.xs) as tf.Tensor).argMax(-1));
    const p = await pred.data();
    p.forEach((c, i) => (correct += c === b.labels[i] ? 1 : 0));
    tf.dispose([pred, b.xs, b.ys]);
  }
  model.dispose();
  optimizer.dispose(); // its moment estimates are tensors too
  return correct / ds.test.length;
}

describe.runIf(required && !source)('Fashion-MNIST real data', () => {
  it('is required here (SUGAR_REQUIRE_REAL_DATA=1)', () => {
    throw new Error(`SUGAR_REQUIRE_REAL_DATA is set, but ${missing}`);
  });
});

describe.skipIf(!source)(`Fashion-MNIST real data${source ? ` from ${source}` : ` [SKIPPED: ${missing}]`}`, () => {
  it("the distribution's re-gzipped files, copied in by hand, pass verify; a second verify hashes nothing", async () => {
    for (const e of entries) expect(fs.statSync(path.join(source, e.name)).size).not.toBe(e.size); // not the published bytes
    copyByHand();
    expect(datasetCacheState(NAME).state).toBe('unverified');
    const [v] = await verifyDataset(NAME);
    expect(v.ok).toBe(true);
    expect(v.files.map((f) => [f.form, f.checked])).toEqual(Array(4).fill(['regzipped', 'hashed']));
    const recorded = readRecord(dir());
    const [again] = await verifyDataset(NAME);
    expect(again.files.map((f) => f.checked)).toEqual(Array(4).fill('record'));
    expect(readRecord(dir())).toEqual(recorded);
    expect(datasetCacheState(NAME).state).toBe('verified');
  });

  it('decompressed copies pass', async () => {
    copyByHand((n, b) => [n.replace(/\.gz$/, ''), zlib.gunzipSync(b)]);
    const [v] = await verifyDataset(NAME);
    expect(v.ok).toBe(true);
    expect(v.files.every((f) => f.form === 'decompressed')).toBe(true);
  });

  it('one label changed inside a valid gzip is refused, and the copy is moved aside, not deleted', async () => {
    const LABELS = 'train-labels-idx1-ubyte.gz';
    let tampered: Buffer | undefined;
    copyByHand((n, b) => {
      if (n !== LABELS) return [n, b];
      const raw = zlib.gunzipSync(b);
      raw[8 + 123] = (raw[8 + 123] + 1) % 10; // still a valid label, just the wrong one
      tampered = zlib.gzipSync(raw);
      return [n, tampered];
    });
    const file = path.join(dir(), LABELS);
    const pinned = entries.find((e) => e.name === LABELS)!.payload!.sha256!;
    const [v] = await verifyDataset(NAME);
    expect(v.files[1]).toMatchObject({ state: 'mismatch', algorithm: 'sha256', expected: pinned, subject: 'decompressed payload' });
    expect(v.files[1].found).toBe(sha256(zlib.gunzipSync(tampered!)));

    const e = await loadDataset(NAME, { offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetChecksumError);
    expect([e.file, e.expected]).toEqual([file, pinned]);
    expect(e.message).toContain(e.quarantined);
    expect(fs.readFileSync(e.quarantined).equals(tampered!)).toBe(true);
    expect(listTree(dir()).filter((f) => f.startsWith('.quarantine/'))).toHaveLength(2);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('imports, loads with the right shapes and class balance, and one epoch of a small MLP reaches >= 0.80 test accuracy', async () => {
    const r = await importDataset(NAME, [source]);
    expect(r.imported.map((f) => f.form)).toEqual(Array(4).fill('regzipped'));
    const ds = await loadDataset(NAME, { offline: true });
    expect([ds.train.length, ...ds.train.shape]).toEqual([60000, 28, 28, 1]);
    expect([ds.test.length, ...ds.test.shape]).toEqual([10000, 28, 28, 1]);
    expect(ds.train.x.length).toBe(60000 * 784);
    expect(classCounts(ds.train)).toEqual(Array(10).fill(6000));
    expect(classCounts(ds.test)).toEqual(Array(10).fill(1000));

    await initBackend(undefined, { quiet: true });
    const before = tf.memory().numTensors;
    const acc = await trainOneEpoch(ds);
    console.log(`real-data.test.ts: Fashion-MNIST, 784-128-10 MLP, 1 epoch on ${tf.getBackend()}: test accuracy ${acc.toFixed(4)}`);
    expect(acc).toBeGreaterThanOrEqual(0.8);
    expect(tf.memory().numTensors).toBe(before);
  });
});
