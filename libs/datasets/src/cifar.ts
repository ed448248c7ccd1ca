import * as fs from 'node:fs';
import * as path from 'node:path';
import { CifarFormatError } from './errors';
import { decodedStream } from './gzip';
import { readTar, type TarEntry, type TarVisitor } from './tar';
import type { DatasetDefinition, LoadContext, RawSplit } from './types';

const PIXELS = 32 * 32;
const IMAGE = 3 * PIXELS;

interface Layout {
  archive: string;
  /** Label bytes before the 3072 pixel bytes of each record, with the number of classes of each. */
  labelSets: { name: string; classes: number }[];
  train: string[];
  test: string[];
}

interface Target {
  x: Uint8Array;
  labels: Int32Array[];
  /** First sample index of this member within its split. */
  base: number;
}

// Record layout (cs.toronto.edu/~kriz/cifar.html): label byte(s), then 1024 red, 1024 green, 1024 blue
// bytes, each plane row-major. Samples are stored height x width x channel, the order tf.conv2d reads.
function writeRecord(rec: Uint8Array, at: number, t: Target, i: number, nLabels: number): void {
  for (let k = 0; k < nLabels; k++) t.labels[k][t.base + i] = rec[at + k];
  const src = at + nLabels;
  const out = (t.base + i) * IMAGE;
  const x = t.x;
  for (let p = 0; p < PIXELS; p++) {
    const o = out + 3 * p;
    x[o] = rec[src + p];
    x[o + 1] = rec[src + PIXELS + p];
    x[o + 2] = rec[src + 2 * PIXELS + p];
  }
}

async function readCifar(file: string, layout: Layout, counts: Record<string, number> | undefined): Promise<{ train: RawSplit; test: RawSplit }> {
  const recordSize = layout.labelSets.length + IMAGE;
  const members = [...layout.train, ...layout.test];
  const preallocated = preallocate(layout, counts);
  const found = new Map<string, Part>();
  const entries = await readMembers(file, members, (entry) => {
    if (!members.includes(entry.name)) return undefined;
    const n = memberRecords(file, entry, recordSize, counts);
    const target = preallocated.get(entry.name) ?? { x: new Uint8Array(n * IMAGE), labels: layout.labelSets.map(() => new Int32Array(n)), base: 0 };
    found.set(entry.name, { target, n });
    const check = recordChecker(file, entry, layout, target);
    return recordSink(recordSize, check);
  });
  const missing = members.filter((m) => !found.has(m));
  if (missing.length) throw missingMembers(file, missing, entries);
  const gather = (split: string[]) => gatherSplit(split, layout, found, preallocated.has(split[0]));
  return { train: gather(layout.train), test: gather(layout.test) };
}

interface Part {
  target: Target;
  n: number;
}

// With known counts (the real archives) every member is written straight into the final arrays; without
// them (fixtures) each member gets its own arrays and the split is concatenated afterwards.
function preallocate(layout: Layout, counts: Record<string, number> | undefined): Map<string, Target> {
  const preallocated = new Map<string, Target>();
  for (const split of [layout.train, layout.test]) {
    if (!counts || !split.every((m) => counts[m] !== undefined)) continue;
    const total = split.reduce((s, m) => s + counts[m], 0);
    const x = new Uint8Array(total * IMAGE);
    const labels = layout.labelSets.map(() => new Int32Array(total));
    let base = 0;
    for (const m of split) {
      preallocated.set(m, { x, labels, base });
      base += counts[m];
    }
  }
  return preallocated;
}

/** The member's record count, refused when its size is not whole records or differs from the manifest's count. */
function memberRecords(file: string, entry: TarEntry, recordSize: number, counts: Record<string, number> | undefined): number {
  const ctx = `tar member ${entry.name}`;
  const nLabels = recordSize - IMAGE;
  if (entry.size % recordSize !== 0)
    throw new CifarFormatError(
      'cifar-record-size',
      file,
      `a multiple of ${recordSize} bytes (records of ${nLabels} label byte(s) + ${IMAGE} pixel bytes)`,
      `${entry.size} bytes`,
      entry.headerOffset,
      ctx,
    );
  const n = entry.size / recordSize;
  const want = counts?.[entry.name];
  if (want !== undefined && want !== n)
    throw new CifarFormatError(
      'cifar-count',
      file,
      `${want} records (${want * recordSize} bytes)`,
      `${n} records (${entry.size} bytes)`,
      entry.headerOffset,
      ctx,
    );
  return n;
}

/** Validates each record's labels and writes it into `target`, numbering records in arrival order. */
function recordChecker(file: string, entry: TarEntry, layout: Layout, target: Target): (rec: Uint8Array, at: number) => void {
  const ctx = `tar member ${entry.name}`;
  const nLabels = layout.labelSets.length;
  const recordSize = nLabels + IMAGE;
  let index = 0;
  return (rec, at) => {
    layout.labelSets.forEach((set, k) => {
      if (rec[at + k] >= set.classes)
        throw new CifarFormatError(
          'label-range',
          file,
          `${set.name} labels in 0..${set.classes - 1}`,
          `label ${rec[at + k]} in record ${index}`,
          index * recordSize + k,
          ctx,
        );
    });
    writeRecord(rec, at, target, index++, nLabels);
  };
}

/** A chunk sink that hands `onRecord` whole records, carrying a record split across chunks over to the next one. */
function recordSink(recordSize: number, onRecord: (rec: Uint8Array, at: number) => void): (chunk: Uint8Array) => void {
  const carry = new Uint8Array(recordSize);
  let filled = 0;
  return (chunk) => {
    let at = 0;
    if (filled > 0) {
      const k = Math.min(recordSize - filled, chunk.length);
      carry.set(chunk.subarray(0, k), filled);
      filled += k;
      at = k;
      if (filled < recordSize) return;
      onRecord(carry, 0);
      filled = 0;
    }
    for (; at + recordSize <= chunk.length; at += recordSize) onRecord(chunk, at);
    if (at < chunk.length) {
      carry.set(chunk.subarray(at), 0);
      filled = chunk.length - at;
    }
  };
}

function missingMembers(file: string, missing: string[], entries: TarEntry[]): CifarFormatError {
  return new CifarFormatError(
    'cifar-member',
    file,
    `members ${missing.join(', ')}`,
    `an archive holding only ${
      entries
        .filter((e) => e.type === 'file')
        .map((e) => e.name)
        .join(', ') || 'no files'
    }`,
  );
}

/** One split's arrays: the preallocated ones as they are, else the members' own arrays concatenated in order. */
function gatherSplit(split: string[], layout: Layout, found: Map<string, Part>, preallocated: boolean): RawSplit {
  const parts = split.map((m) => found.get(m)!);
  let x: Uint8Array;
  let labels: Int32Array[];
  if (preallocated) ({ x, labels } = parts[0].target);
  else {
    const total = parts.reduce((s, p) => s + p.n, 0);
    x = new Uint8Array(total * IMAGE);
    labels = layout.labelSets.map(() => new Int32Array(total));
    let base = 0;
    for (const p of parts) {
      x.set(p.target.x, base * IMAGE);
      labels.forEach((l, k) => l.set(p.target.labels[k], base));
      base += p.n;
    }
  }
  const named = Object.fromEntries(layout.labelSets.map((s, k) => [s.name, labels[k]]));
  return { x, y: labels[labels.length - 1], labels: layout.labelSets.length > 1 ? named : undefined };
}

/**
 * Streams the wanted members to `visit`: from the archive (gzipped or not), or, when `source` is a
 * directory (an unpacked archive that passed verification), from the member files under it.
 */
async function readMembers(source: string, members: string[], visit: TarVisitor): Promise<TarEntry[]> {
  if (!fs.statSync(source).isDirectory()) return readTar(decodedStream(source), source, visit);
  const entries: TarEntry[] = [];
  for (const name of members) {
    const file = path.join(source, name);
    if (!fs.existsSync(file)) continue; // reported below as a missing member
    const entry: TarEntry = { name, type: 'file', size: fs.statSync(file).size, headerOffset: 0, dataOffset: 0 };
    entries.push(entry);
    const sink = visit(entry);
    if (!sink) continue;
    let offset = 0;
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      sink(chunk as Buffer, offset);
      offset += (chunk as Buffer).length;
    }
  }
  return entries;
}

function memberCounts(ctx: LoadContext, archive: string): Record<string, number> | undefined {
  const r = ctx.files.find((f) => f.name === archive)?.records;
  return r && typeof r === 'object' ? r : undefined;
}

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export const cifar10: DatasetDefinition = {
  info: {
    name: 'cifar10',
    title: 'CIFAR-10',
    kind: 'image',
    description: '32x32 colour images, 10 classes (binary version, cifar-10-binary.tar.gz).',
    shape: [32, 32, 3],
    numClasses: 10,
    classNames: CIFAR10_CLASSES,
    trainSize: 50000,
    testSize: 10000,
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    defaults: {},
  },
  async load(_options, _seed, ctx) {
    const archive = 'cifar-10-binary.tar.gz';
    const dir = 'cifar-10-batches-bin/';
    const layout: Layout = {
      archive,
      labelSets: [{ name: 'label', classes: 10 }],
      train: [1, 2, 3, 4, 5].map((i) => `${dir}data_batch_${i}.bin`),
      test: [`${dir}test_batch.bin`],
    };
    const { train, test } = await readCifar(ctx.paths[archive], layout, memberCounts(ctx, archive));
    return { train, test, shape: [32, 32, 3], numClasses: 10, classNames: CIFAR10_CLASSES };
  },
};

export const CIFAR100_COARSE = [
  'aquatic_mammals',
  'fish',
  'flowers',
  'food_containers',
  'fruit_and_vegetables',
  'household_electrical_devices',
  'household_furniture',
  'insects',
  'large_carnivores',
  'large_man-made_outdoor_things',
  'large_natural_outdoor_scenes',
  'large_omnivores_and_herbivores',
  'medium_mammals',
  'non-insect_invertebrates',
  'people',
  'reptiles',
  'small_mammals',
  'trees',
  'vehicles_1',
  'vehicles_2',
];

export const CIFAR100_FINE = [
  'apple',
  'aquarium_fish',
  'baby',
  'bear',
  'beaver',
  'bed',
  'bee',
  'beetle',
  'bicycle',
  'bottle',
  'bowl',
  'boy',
  'bridge',
  'bus',
  'butterfly',
  'camel',
  'can',
  'castle',
  'caterpillar',
  'cattle',
  'chair',
  'chimpanzee',
  'clock',
  'cloud',
  'cockroach',
  'couch',
  'crab',
  'crocodile',
  'cup',
  'dinosaur',
  'dolphin',
  'elephant',
  'flatfish',
  'forest',
  'fox',
  'girl',
  'hamster',
  'house',
  'kangaroo',
  'keyboard',
  'lamp',
  'lawn_mower',
  'leopard',
  'lion',
  'lizard',
  'lobster',
  'man',
  'maple_tree',
  'motorcycle',
  'mountain',
  'mouse',
  'mushroom',
  'oak_tree',
  'orange',
  'orchid',
  'otter',
  'palm_tree',
  'pear',
  'pickup_truck',
  'pine_tree',
  'plain',
  'plate',
  'poppy',
  'porcupine',
  'possum',
  'rabbit',
  'raccoon',
  'ray',
  'road',
  'rocket',
  'rose',
  'sea',
  'seal',
  'shark',
  'shrew',
  'skunk',
  'skyscraper',
  'snail',
  'snake',
  'spider',
  'squirrel',
  'streetcar',
  'sunflower',
  'sweet_pepper',
  'table',
  'tank',
  'telephone',
  'television',
  'tiger',
  'tractor',
  'train',
  'trout',
  'tulip',
  'turtle',
  'wardrobe',
  'whale',
  'willow_tree',
  'wolf',
  'woman',
  'worm',
];

export const cifar100: DatasetDefinition = {
  info: {
    name: 'cifar100',
    title: 'CIFAR-100',
    kind: 'image',
    description: "32x32 colour images, 100 fine classes in 20 coarse superclasses (binary version); option labels: 'fine' | 'coarse'.",
    shape: [32, 32, 3],
    numClasses: 100,
    classNames: CIFAR100_FINE,
    trainSize: 50000,
    testSize: 10000,
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
    defaults: { labels: 'fine' },
  },
  async load(options, _seed, ctx) {
    const archive = 'cifar-100-binary.tar.gz';
    const layout: Layout = {
      archive,
      labelSets: [
        { name: 'coarse', classes: 20 },
        { name: 'fine', classes: 100 },
      ],
      train: ['cifar-100-binary/train.bin'],
      test: ['cifar-100-binary/test.bin'],
    };
    const { train, test } = await readCifar(ctx.paths[archive], layout, memberCounts(ctx, archive));
    const coarse = options.labels === 'coarse';
    const pick = (s: RawSplit): RawSplit => ({ ...s, y: s.labels![coarse ? 'coarse' : 'fine'] });
    return {
      train: pick(train),
      test: pick(test),
      shape: [32, 32, 3],
      numClasses: coarse ? 20 : 100,
      classNames: coarse ? CIFAR100_COARSE : CIFAR100_FINE,
      labelNames: { fine: CIFAR100_FINE, coarse: CIFAR100_COARSE },
    };
  },
};
