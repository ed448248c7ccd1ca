import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetChecksumError } from './errors';
import { datasetCacheState, verifyDataset } from './fetch';
import { loadDataset } from './load';
import { readRecord } from './record';
import { cifarRecords, gz, listTree, mnistFiles, mnistPayloads, sha256, tarBytes, useFixtureCache } from './test-utils/fixtures';

const cache = useFixtureCache();

const TRAIN_IMG = 'train-images-idx3-ubyte.gz';
const TRAIN_LAB = 'train-labels-idx1-ubyte.gz';
const dir = () => path.join(cache.dir, 'mnist');

/** Pins the fixture's published .gz bytes and payloads; writes `files` (name -> bytes) into the cache. */
function installMnist(files: Record<string, Buffer>) {
  cache.register('mnist', mnistFiles(), { payloads: mnistPayloads() });
  fs.mkdirSync(dir(), { recursive: true });
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir(), n), b);
}

/** The same payloads gzipped differently (as a distribution re-packs them): other bytes, same content. */
function regzipped(): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(mnistPayloads()).map(([n, b]) => [n, zlib.gzipSync(b, { level: 1 })]));
}

function decompressed(): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(mnistPayloads()).map(([n, b]) => [n.replace(/\.gz$/, ''), b]));
}

describe('content verification: accepted forms', () => {
  it('accepts re-gzipped copies by their decompressed payload, and loads the same samples', async () => {
    const copies = regzipped();
    for (const [n, b] of Object.entries(copies)) expect(b.equals(mnistFiles()[n])).toBe(false);
    installMnist(copies);
    const [v] = await verifyDataset('mnist');
    expect(v.ok).toBe(true);
    expect(v.files.map((f) => [f.form, f.checked])).toEqual(Array(4).fill(['regzipped', 'hashed']));
    const ds = await loadDataset('mnist', { offline: true });
    expect([...ds.train.y]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ds.train.x[3 * 784 + 100]).toBe(103);
  });

  it('accepts decompressed copies (no .gz, the layout torchvision leaves) and loads them', async () => {
    installMnist(decompressed());
    expect(datasetCacheState('mnist').state).toBe('unverified');
    const [v] = await verifyDataset('mnist');
    expect(v.files.map((f) => [f.state, f.form, path.basename(f.path)])).toEqual(
      Object.keys(mnistFiles()).map((n) => ['verified', 'decompressed', n.replace(/\.gz$/, '')]),
    );
    expect(datasetCacheState('mnist').state).toBe('verified');
    const ds = await loadDataset('mnist', { offline: true });
    expect(ds.test.length).toBe(4);
    expect(ds.train.x[5 * 784 + 10]).toBe(15);
  });

  it('still accepts the published files by their own bytes', async () => {
    installMnist(mnistFiles());
    const [v] = await verifyDataset('mnist');
    expect(v.files.every((f) => f.form === 'archive')).toBe(true);
  });

  it('refuses a copy with one label changed inside a valid gzip, naming file, expected and found payload digest', async () => {
    const payloads = mnistPayloads();
    const tampered = Buffer.from(payloads[TRAIN_LAB]);
    tampered[8 + 3] = 7; // label of item 3: 3 -> 7, still a valid label
    const copies = { ...regzipped(), [TRAIN_LAB]: zlib.gzipSync(tampered) };
    installMnist(copies);
    const file = path.join(dir(), TRAIN_LAB);

    const [v] = await verifyDataset('mnist');
    const bad = v.files.find((f) => f.state === 'mismatch')!;
    expect(bad).toMatchObject({ name: TRAIN_LAB, path: file, algorithm: 'sha256', subject: 'decompressed payload' });
    expect([bad.expected, bad.found]).toEqual([sha256(payloads[TRAIN_LAB]), sha256(tampered)]);
    expect(fs.readFileSync(file).equals(copies[TRAIN_LAB])).toBe(true); // verify moves nothing
    expect(datasetCacheState('mnist').files[1].state).toBe('corrupt');

    const e = await loadDataset('mnist', { offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetChecksumError);
    expect([e.file, e.algorithm, e.expected, e.found, e.subject]).toEqual([
      file,
      'sha256',
      sha256(payloads[TRAIN_LAB]),
      sha256(tampered),
      'decompressed payload',
    ]);
    expect(e.message).toContain(`${file} (decompressed payload): expected sha256 ${sha256(payloads[TRAIN_LAB])}, found ${sha256(tampered)}`);
    // Moved aside with its reason, byte for byte; nothing deleted.
    expect(fs.existsSync(file)).toBe(false);
    expect(e.quarantined.startsWith(path.join(dir(), '.quarantine', `${TRAIN_LAB}.`))).toBe(true);
    expect(fs.readFileSync(e.quarantined).equals(copies[TRAIN_LAB])).toBe(true);
    expect(fs.readFileSync(`${e.quarantined}.reason.txt`, 'utf8')).toContain('decompressed payload: expected sha256');
  });

  it('refuses a decompressed copy stored under the .gz name (the name must say what the bytes are)', async () => {
    installMnist({ ...regzipped(), [TRAIN_IMG]: mnistPayloads()[TRAIN_IMG] });
    const [v] = await verifyDataset('mnist');
    expect(v.files[0]).toMatchObject({ state: 'mismatch', algorithm: 'size' });
  });

  it('tries the next form when one fails: a bad .gz next to a good decompressed file loads, and the bad one is set aside', async () => {
    const good = decompressed();
    installMnist({ ...good, [TRAIN_IMG]: Buffer.from('not the images') });
    const ds = await loadDataset('mnist', { offline: true });
    expect(ds.train.length).toBe(6);
    const tree = listTree(cache.dir);
    expect(tree).not.toContain(`mnist/${TRAIN_IMG}`);
    expect(tree.filter((f) => f.startsWith('mnist/.quarantine/'))).toHaveLength(2);
  });
});

describe('the verified-files record', () => {
  it('a second verify and a load do not re-hash unchanged files; a change, a new inode or a new pin does', async () => {
    installMnist(regzipped());
    const first = await verifyDataset('mnist');
    expect(first[0].files.every((f) => f.checked === 'hashed')).toBe(true);
    const recorded = readRecord(dir());
    expect(Object.keys(recorded).sort()).toEqual(Object.keys(mnistFiles()).sort());
    const st = fs.statSync(path.join(dir(), TRAIN_IMG));
    expect(recorded[TRAIN_IMG]).toMatchObject({ size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, ok: true, form: 'regzipped' });

    const second = await verifyDataset('mnist');
    expect(second[0].files.every((f) => f.checked === 'record')).toBe(true);
    await loadDataset('mnist', { offline: true });
    expect(readRecord(dir())).toEqual(recorded); // nothing was hashed, so nothing was re-recorded

    // Same bytes, new mtime: hashed again.
    const file = path.join(dir(), TRAIN_IMG);
    fs.utimesSync(file, st.atime, new Date(st.mtimeMs + 5000));
    expect((await verifyDataset('mnist'))[0].files.map((f) => f.checked)).toEqual(['hashed', 'record', 'record', 'record']);

    // Replaced by another file with the same size and mtime (a new inode): hashed again, and refused.
    const other = Buffer.from(fs.readFileSync(file));
    other[other.length - 5] ^= 0xff; // the gzip trailer: CRC no longer matches
    const st2 = fs.statSync(file);
    fs.writeFileSync(`${file}.new`, other);
    fs.utimesSync(`${file}.new`, st2.atime, st2.mtime);
    fs.renameSync(`${file}.new`, file);
    expect(fs.statSync(file).mtimeMs).toBe(st2.mtimeMs);
    const third = await verifyDataset('mnist');
    expect(third[0].files[0]).toMatchObject({ state: 'mismatch' });

    // Another pinned value (a new manifest) invalidates what was recorded against the old one.
    fs.writeFileSync(file, regzipped()[TRAIN_IMG]);
    await verifyDataset('mnist');
    cache.register('mnist', mnistFiles(), { payloads: { ...mnistPayloads(), [TRAIN_LAB]: Buffer.from('other') } });
    const fourth = await verifyDataset('mnist');
    expect(fourth[0].files.map((f) => [f.state, f.checked])).toEqual([
      ['verified', 'record'],
      ['mismatch', undefined],
      ['verified', 'record'],
      ['verified', 'record'],
    ]);
  });

  it('verify --force re-hashes everything', async () => {
    installMnist(regzipped());
    await verifyDataset('mnist');
    const again = await verifyDataset('mnist', { force: true });
    expect(again[0].files.every((f) => f.checked === 'hashed')).toBe(true);
  });
});

describe('CIFAR: members, not the archive', () => {
  const C10 = 'cifar-10-binary.tar.gz';
  const d10 = 'cifar-10-batches-bin/';
  const members = Object.fromEntries(
    [...[1, 2, 3, 4, 5].map((i) => `${d10}data_batch_${i}.bin`), `${d10}test_batch.bin`].map((m, i) => [
      m,
      cifarRecords(Array.from({ length: 2 }, (_, k) => [(i + k) % 10])),
    ]),
  );
  const tar = tarBytes([{ name: d10, type: '5' }, ...Object.entries(members).map(([name, data]) => ({ name, data }))]);

  function install(write: (d: string) => void) {
    cache.register('cifar10', { [C10]: gz(tar) }, { members: { [C10]: members } });
    const d = path.join(cache.dir, 'cifar10');
    fs.mkdirSync(d, { recursive: true });
    write(d);
  }

  it('accepts a re-compressed archive and an unpacked directory, both loading the same samples', async () => {
    install((d) => fs.writeFileSync(path.join(d, C10), zlib.gzipSync(tar, { level: 9, memLevel: 9 })));
    let [v] = await verifyDataset('cifar10');
    expect(v.files[0]).toMatchObject({ state: 'verified', form: 'recompressed' });
    const a = await loadDataset('cifar10', { offline: true });

    fs.rmSync(path.join(cache.dir, 'cifar10'), { recursive: true });
    install((d) => {
      fs.mkdirSync(path.join(d, d10));
      for (const [m, b] of Object.entries(members)) fs.writeFileSync(path.join(d, m), b);
    });
    [v] = await verifyDataset('cifar10');
    expect(v.files[0]).toMatchObject({ state: 'verified', form: 'unpacked' });
    expect(datasetCacheState('cifar10').files[0]).toMatchObject({ state: 'verified', path: path.join(cache.dir, 'cifar10', 'cifar-10-batches-bin') });
    const b = await loadDataset('cifar10', { offline: true });
    expect(Buffer.from(b.train.x).equals(Buffer.from(a.train.x))).toBe(true);
    expect([...b.test.y]).toEqual([...a.test.y]);
    expect(b.train.length).toBe(10);
  });

  it('refuses an unpacked member with one changed byte, naming the member', async () => {
    install((d) => {
      fs.mkdirSync(path.join(d, d10));
      for (const [m, b] of Object.entries(members)) fs.writeFileSync(path.join(d, m), b);
      const bad = Buffer.from(members[`${d10}data_batch_3.bin`]);
      bad[0] = 9;
      fs.writeFileSync(path.join(d, `${d10}data_batch_3.bin`), bad);
    });
    const e = await loadDataset('cifar10', { offline: true }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetChecksumError);
    expect(e.file).toBe(path.join(cache.dir, 'cifar10', d10, 'data_batch_3.bin'));
    expect(e.subject).toContain('data_batch_3.bin');
    expect(e.expected).toBe(sha256(members[`${d10}data_batch_3.bin`]));
    expect(fs.existsSync(e.quarantined)).toBe(true);
  });

  it('refuses a re-compressed archive with a changed member', async () => {
    const bad = Buffer.from(members[`${d10}test_batch.bin`]);
    bad[100] ^= 1;
    const badTar = tarBytes([
      { name: d10, type: '5' },
      ...Object.entries({ ...members, [`${d10}test_batch.bin`]: bad }).map(([name, data]) => ({ name, data })),
    ]);
    install((d) => fs.writeFileSync(path.join(d, C10), gz(badTar)));
    const [v] = await verifyDataset('cifar10');
    expect(v.files[0]).toMatchObject({ state: 'mismatch', algorithm: 'sha256', subject: `tar member ${d10}test_batch.bin`, found: sha256(bad) });
  });
});
