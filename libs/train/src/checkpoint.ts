import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '@sugar-lab/core';
import { CheckpointError } from './errors';
import { fsyncDir, writeFileAtomic } from '@sugar-lab/core';
import { toJsonLine } from './jsonl';

/**
 * On-disk layout of a checkpoint directory:
 *   LATEST              name of the newest complete checkpoint (replaced atomically)
 *   epoch-000012/       one checkpoint, created as a temp directory and renamed when complete
 *     manifest.json     format, run state (epoch, step, data position, RNG, probes, metrics), tensor index
 *     tensors.bin       every tensor's raw little-endian bytes, back to back, in index order
 */
export const CHECKPOINT_FORMAT = 'sugar-lab.checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface TensorEntry {
  group: 'model' | 'optimizer';
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  byteLength: number;
}

export interface NamedTensorData {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

export interface CheckpointManifest<S = unknown> {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  createdAt: string;
  /** The run state (see fit): epoch, step, position, rng, optimizer step, probe state, metrics. */
  state: S;
  tensors: TensorEntry[];
}

export interface LoadedCheckpoint<S = unknown> {
  dir: string;
  manifest: CheckpointManifest<S>;
  model: NamedTensorData[];
  optimizer: NamedTensorData[];
}

const dirName = (epoch: number) => `epoch-${String(epoch).padStart(6, '0')}`;

function toData(name: string, t: tf.Tensor): NamedTensorData {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new CheckpointError(`checkpoint: tensor '${name}' has dtype ${t.dtype}; only float32 and int32 are stored`);
  return { name, shape: t.shape.slice(), dtype: t.dtype, data: t.dataSync() as Float32Array | Int32Array };
}

/**
 * Writes a checkpoint for `epoch` atomically (temp dir, fsync, rename, then LATEST), and removes
 * all but the newest `keep` checkpoints. Returns the checkpoint's directory.
 */
export function saveCheckpoint<S>(
  root: string,
  epoch: number,
  state: S,
  model: { name: string; tensor: tf.Tensor }[],
  optimizer: { name: string; tensor: tf.Tensor }[],
  keep = 1,
): string {
  fs.mkdirSync(root, { recursive: true });
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [group, list] of [['model', model], ['optimizer', optimizer]] as const) {
    for (const { name, tensor } of list) {
      const d = toData(name, tensor);
      const bytes = new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength);
      entries.push({ group, name, shape: d.shape, dtype: d.dtype, offset, byteLength: bytes.byteLength });
      chunks.push(bytes);
      offset += bytes.byteLength;
    }
  }
  const manifest: CheckpointManifest<S> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    state,
    tensors: entries,
  };
  const name = dirName(epoch);
  const tmp = path.join(root, `.tmp-${name}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(tmp);
  writeSynced(path.join(tmp, 'tensors.bin'), chunks);
  writeSynced(path.join(tmp, 'manifest.json'), [Buffer.from(toJsonLine(manifest))]);
  fsyncDir(tmp);
  const final = path.join(root, name);
  if (fs.existsSync(final)) fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(tmp, final);
  fsyncDir(root);
  writeFileAtomic(path.join(root, 'LATEST'), name + '\n');
  prune(root, keep, name);
  return final;
}

function writeSynced(file: string, chunks: Uint8Array[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const c of chunks) fs.writeSync(fd, c);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function completeCheckpoints(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((n) => /^epoch-\d+$/.test(n) && fs.existsSync(path.join(root, n, 'manifest.json')))
    .sort();
}

// Keeps `latest` and the `keep - 1` checkpoints just before it; later-numbered ones are stale
// leftovers of an earlier run in the same directory.
function prune(root: string, keep: number, latest: string): void {
  const others = completeCheckpoints(root).filter((n) => n !== latest);
  const older = others.filter((n) => n < latest);
  const drop = [...others.filter((n) => n > latest), ...older.slice(0, Math.max(0, older.length - (keep - 1)))];
  for (const n of drop) fs.rmSync(path.join(root, n), { recursive: true, force: true });
  for (const n of fs.readdirSync(root)) if (n.startsWith('.tmp-')) fs.rmSync(path.join(root, n), { recursive: true, force: true });
}

/** The newest complete checkpoint's directory: LATEST if it is valid, else the highest epoch-* with a manifest. */
export function latestCheckpoint(root: string): string | undefined {
  const pointer = path.join(root, 'LATEST');
  if (fs.existsSync(pointer)) {
    const name = fs.readFileSync(pointer, 'utf8').trim();
    if (/^epoch-\d+$/.test(name) && fs.existsSync(path.join(root, name, 'manifest.json'))) return path.join(root, name);
  }
  const all = completeCheckpoints(root);
  return all.length ? path.join(root, all[all.length - 1]) : undefined;
}

/** Reads and verifies a checkpoint directory (format, version, every tensor's extent). */
export function loadCheckpoint<S = unknown>(dir: string): LoadedCheckpoint<S> {
  const manifestFile = path.join(dir, 'manifest.json');
  const binFile = path.join(dir, 'tensors.bin');
  let manifest: CheckpointManifest<S>;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`${manifestFile}: expected a JSON manifest; ${(err as Error).message}`);
  }
  if (manifest.format !== CHECKPOINT_FORMAT || manifest.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`${manifestFile}: expected format '${CHECKPOINT_FORMAT}' version ${CHECKPOINT_VERSION}; found '${manifest.format}' version ${manifest.version}`);
  }
  const bin = fs.readFileSync(binFile);
  const model: NamedTensorData[] = [];
  const optimizer: NamedTensorData[] = [];
  for (const e of manifest.tensors) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (e.byteLength !== size * 4) {
      throw new CheckpointError(`${manifestFile}: tensor '${e.name}' of shape [${e.shape}] needs ${size * 4} bytes; index says ${e.byteLength}`);
    }
    if (e.offset + e.byteLength > bin.byteLength) {
      throw new CheckpointError(`${binFile}: tensor '${e.name}' expected bytes ${e.offset}..${e.offset + e.byteLength}; the file ends at byte ${bin.byteLength}`);
    }
    const copy = new Uint8Array(e.byteLength);
    copy.set(bin.subarray(e.offset, e.offset + e.byteLength));
    const data = e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    (e.group === 'model' ? model : optimizer).push({ name: e.name, shape: e.shape, dtype: e.dtype, data });
  }
  return { dir, manifest, model, optimizer };
}
