// Writers for fixture files in the real formats (independent of the readers under test).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach } from 'vitest';
import { overrideDatasetFiles, type DataFile } from '../manifest';

/** IDX bytes: magic 00 00 <dtype> <rank>, big-endian uint32 dims, payload. */
export function idxBytes(dims: number[], payload: Uint8Array, dtype = 0x08): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = dtype;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(payload)]);
}

export interface TarSpec {
  name: string;
  data?: Buffer;
  /** '0' file (default), '5' dir, '1' hard link, '2' symlink, 'x' pax header, ... */
  type?: string;
  linkname?: string;
  prefix?: string;
}

function field(h: Buffer, off: number, len: number, value: string) {
  h.write(value, off, Math.min(len, Buffer.byteLength(value)), 'utf8');
}

function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\0';
}

/** A POSIX ustar archive, padded to the 10240-byte record size with the two-zero-block end marker. */
export function tarBytes(entries: TarSpec[], opts: { endBlocks?: number; pad?: boolean; magic?: string } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const h = Buffer.alloc(512);
    field(h, 0, 100, e.name);
    field(h, 100, 8, octal(e.type === '5' ? 0o755 : 0o644, 8));
    field(h, 108, 8, octal(1000, 8));
    field(h, 116, 8, octal(1000, 8));
    field(h, 124, 12, octal(data.length, 12));
    field(h, 136, 12, octal(1234567890, 12));
    h.fill(0x20, 148, 156);
    field(h, 156, 1, e.type ?? '0');
    if (e.linkname) field(h, 157, 100, e.linkname);
    field(h, 257, 8, opts.magic ?? 'ustar\x0000');
    field(h, 265, 32, 'user');
    field(h, 297, 32, 'group');
    if (e.prefix) field(h, 345, 155, e.prefix);
    let sum = 0;
    for (const b of h) sum += b;
    field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(512 * (opts.endBlocks ?? 2)));
  let out = Buffer.concat(blocks);
  if (opts.pad !== false && out.length % 10240) out = Buffer.concat([out, Buffer.alloc(10240 - (out.length % 10240))]);
  return out;
}

export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

/** `n` CIFAR records; pixel (y, x, c) of record i is (i * 7 + c * 50 + y * 3 + x) mod 256. */
export function cifarRecords(labels: number[][]): Buffer {
  const size = labels[0].length + 3072;
  const buf = Buffer.alloc(labels.length * size);
  labels.forEach((ls, i) => {
    const o = i * size;
    ls.forEach((l, k) => (buf[o + k] = l));
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) buf[o + ls.length + c * 1024 + y * 32 + x] = cifarPixel(i, y, x, c);
  });
  return buf;
}

export function cifarPixel(i: number, y: number, x: number, c: number): number {
  return (i * 7 + c * 50 + y * 3 + x) % 256;
}

export function gz(b: Buffer): Buffer {
  return zlib.gzipSync(b);
}

export function sha256(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

/** A fresh SUGAR_DATA_DIR for one test; `restore()` puts the environment back and deletes the directory. */
export function tempDataDir(): { dir: string; restore: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-data-'));
  const prev = process.env.SUGAR_DATA_DIR;
  process.env.SUGAR_DATA_DIR = dir;
  return {
    dir,
    restore: () => {
      if (prev === undefined) delete process.env.SUGAR_DATA_DIR;
      else process.env.SUGAR_DATA_DIR = prev;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers `files` (name -> bytes) as the manifest of `dataset` with their real digests and sizes, and
 * optionally writes them into `<dataDir>/<dataset>/`. Returns the restore function of the override.
 */
export function registerFixture(
  dataset: string,
  files: Record<string, Buffer>,
  opts: {
    write?: string;
    records?: Record<string, DataFile['records']>;
    digests?: Record<string, Buffer>;
    /** Decompressed content to pin as each file's payload (accepts re-gzipped and decompressed copies). */
    payloads?: Record<string, Buffer>;
    /** Archive members to pin per file, by member path (accepts re-compressed and unpacked copies). */
    members?: Record<string, Record<string, Buffer>>;
  } = {},
): () => void {
  const pin = (b: Buffer) => ({ size: b.length, sha256: sha256(b) });
  const entries: DataFile[] = Object.entries(files).map(([name, data]) => {
    const pinned = opts.digests?.[name] ?? data;
    const payload = opts.payloads?.[name];
    const members = opts.members?.[name];
    return {
      name,
      urls: [`http://127.0.0.1:9/${dataset}/${name}`],
      ...pin(pinned),
      records: opts.records?.[name],
      ...(payload ? { payload: pin(payload) } : {}),
      ...(members ? { members: Object.fromEntries(Object.entries(members).map(([m, b]) => [m, pin(b)])) } : {}),
    };
  });
  if (opts.write) {
    const dir = path.join(opts.write, dataset);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  }
  return overrideDatasetFiles(dataset, entries);
}

/** The decompressed IDX files of `mnistFiles` (same names, without `.gz`, keyed by the `.gz` name). */
export function mnistPayloads(nTrain = 6, nTest = 4): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(mnistFiles(nTrain, nTest)).map(([n, b]) => [n, zlib.gunzipSync(b)]));
}

/** A tiny MNIST-like set: `n` images of 28x28 where pixel k of image i is (i + k) mod 256, labels i mod 10. */
export function mnistFiles(nTrain = 6, nTest = 4): Record<string, Buffer> {
  const images = (n: number) =>
    idxBytes(
      [n, 28, 28],
      Uint8Array.from({ length: n * 784 }, (_, k) => (Math.floor(k / 784) + (k % 784)) % 256),
    );
  const labels = (n: number) =>
    idxBytes(
      [n],
      Uint8Array.from({ length: n }, (_, i) => i % 10),
    );
  return {
    'train-images-idx3-ubyte.gz': gz(images(nTrain)),
    'train-labels-idx1-ubyte.gz': gz(labels(nTrain)),
    't10k-images-idx3-ubyte.gz': gz(images(nTest)),
    't10k-labels-idx1-ubyte.gz': gz(labels(nTest)),
  };
}

/** Lists a directory tree (relative paths, sorted), to show that nothing was left behind. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/**
 * Per test: a fresh SUGAR_DATA_DIR, and one fixture registration (a new one replaces the last) undone
 * after the test. Call at the top of a test file.
 */
export function useFixtureCache(): { readonly dir: string; register: (...args: Parameters<typeof registerFixture>) => void } {
  let env: ReturnType<typeof tempDataDir> | undefined;
  let undo: (() => void) | undefined;
  const unregister = () => {
    undo?.();
    undo = undefined;
  };
  beforeEach(() => {
    env = tempDataDir();
  });
  afterEach(() => {
    unregister();
    env?.restore();
  });
  return {
    get dir() {
      return env!.dir;
    },
    register: (...args) => {
      unregister();
      undo = registerFixture(...args);
    },
  };
}
