import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJSON, checkWriteFence, fileWriteError, fsyncDir, tf, writeAllSync, writeFileAtomic } from '@sugar-lab/core';
import { createTempDir, removeOwnTempDir, sweepStaleTempDirs } from './checkpoint-temp';
import { CheckpointCorruptError, CheckpointError } from './errors';
import { toJsonLine } from './jsonl';
import { DEFAULT_KEEP_CHECKPOINTS } from './checkpoint-keep';

/**
 * On-disk layout of a checkpoint directory:
 *   LATEST              name of the newest complete checkpoint (replaced atomically)
 *   epoch-000012/       one checkpoint, created as a temp directory and renamed when complete
 *     manifest.json     format, run state (epoch, step, data position, RNG, probes, metrics), tensor
 *                       index with each tensor's sha256, and the manifest's own sha256
 *     tensors.bin       every tensor's raw little-endian bytes, back to back, in index order
 *     OWNER             the writer (host, pid, time): it names the temp directory's owner (checkpoint-temp)
 *   epoch-000011.corrupt-<time>/   a checkpoint that failed verification, moved aside (see checkpoint-recovery)
 */
export const CHECKPOINT_FORMAT = 'sugar-lab.checkpoint';
/** Version 2 adds the checksums; version 1 (none) still loads, reported as unverified. */
export const CHECKPOINT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
export { DEFAULT_KEEP_CHECKPOINTS };

export interface TensorEntry {
  group: 'model' | 'optimizer';
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  byteLength: number;
  /** sha256 (hex) of the tensor's bytes; absent in version 1. */
  sha256?: string;
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
  /** Size of tensors.bin (version 2). */
  tensorsByteLength?: number;
  /** sha256 (hex) of the canonical JSON (sorted keys) of every other field, as stored (version 2). */
  manifestSha256?: string;
}

export interface LoadedCheckpoint<S = unknown> {
  dir: string;
  manifest: CheckpointManifest<S>;
  model: NamedTensorData[];
  optimizer: NamedTensorData[];
  /** Whether checksums proved every byte intact; false for a version-1 checkpoint, which has none. */
  verified: boolean;
}

export const checkpointDirName = (epoch: number) => `epoch-${String(epoch).padStart(6, '0')}`;
export const CHECKPOINT_DIR_PATTERN = /^epoch-\d+$/;

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

// Over the manifest as a reader will parse it (non-finite numbers become strings on the way), so
// writer and reader hash the same value whatever the whitespace or key order.
function manifestChecksum(manifest: CheckpointManifest<unknown>): string {
  const { manifestSha256: _ignored, ...body } = JSON.parse(toJsonLine(manifest)) as CheckpointManifest<unknown>;
  return sha256(canonicalJSON(body));
}

function toData(name: string, t: tf.Tensor): NamedTensorData {
  if (t.dtype !== 'float32' && t.dtype !== 'int32')
    throw new CheckpointError(`checkpoint: tensor '${name}' has dtype ${t.dtype}; only float32 and int32 are stored`);
  return { name, shape: t.shape.slice(), dtype: t.dtype, data: t.dataSync() as Float32Array | Int32Array };
}

function packTensors(groups: [TensorEntry['group'], { name: string; tensor: tf.Tensor }[]][]): {
  entries: TensorEntry[];
  chunks: Uint8Array[];
  byteLength: number;
} {
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [group, list] of groups) {
    for (const { name, tensor } of list) {
      const d = toData(name, tensor);
      const bytes = new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength);
      entries.push({ group, name, shape: d.shape, dtype: d.dtype, offset, byteLength: bytes.byteLength, sha256: sha256(bytes) });
      chunks.push(bytes);
      offset += bytes.byteLength;
    }
  }
  return { entries, chunks, byteLength: offset };
}

/**
 * Writes a checkpoint for `epoch` atomically (this writer's temp dir, fsync, rename, then LATEST),
 * and removes all but the newest `keep` checkpoints. Temp directories of other writers are left
 * alone (see checkpoint-temp). Returns the checkpoint's directory.
 */
export function saveCheckpoint<S>(
  root: string,
  epoch: number,
  state: S,
  model: { name: string; tensor: tf.Tensor }[],
  optimizer: { name: string; tensor: tf.Tensor }[],
  keep = DEFAULT_KEEP_CHECKPOINTS,
): string {
  const name = checkpointDirName(epoch);
  const final = path.join(root, name);
  checkWriteFence(final);
  const { entries, chunks, byteLength } = packTensors([
    ['model', model],
    ['optimizer', optimizer],
  ]);
  const manifest: CheckpointManifest<S> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    state,
    tensors: entries,
    tensorsByteLength: byteLength,
  };
  manifest.manifestSha256 = manifestChecksum(manifest);
  let tmp: string | undefined;
  try {
    fs.mkdirSync(root, { recursive: true });
    tmp = createTempDir(root, name);
    writeSynced(path.join(tmp, 'tensors.bin'), chunks, final);
    writeSynced(path.join(tmp, 'manifest.json'), [Buffer.from(toJsonLine(manifest))], final);
    fsyncDir(tmp);
    checkWriteFence(final); // the fsyncs may take long: the checkpoint appears only if writing is still allowed
    if (fs.existsSync(final)) fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(tmp, final);
  } catch (err) {
    if (tmp) removeOwnTempDir(tmp);
    throw fileWriteError(final, err, keptCheckpoint(root));
  }
  fsyncDir(root);
  writeFileAtomic(path.join(root, 'LATEST'), name + '\n');
  checkWriteFence(root);
  prune(root, keep, name);
  sweepStaleTempDirs(root);
  return final;
}

/** What a failed save leaves of the run's checkpoints, for its error. */
function keptCheckpoint(root: string): string {
  const latest = latestCheckpoint(root);
  const epoch = latest && /\d+$/.exec(path.basename(latest));
  return epoch ? `the checkpoint of epoch ${Number(epoch[0])} is kept` : 'there is no earlier checkpoint';
}

/** `file` in a temp directory that becomes `final` (the name the write fence checks). */
function writeSynced(file: string, chunks: Uint8Array[], final: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const c of chunks) writeAllSync(fd, c, final);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function completeCheckpoints(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((n) => CHECKPOINT_DIR_PATTERN.test(n) && fs.existsSync(path.join(root, n, 'manifest.json')))
    .sort();
}

// Keeps `latest` and the `keep - 1` checkpoints just before it; later-numbered ones are stale
// leftovers of an earlier run in the same directory. Moved-aside (corrupt) ones are never touched.
function prune(root: string, keep: number, latest: string): void {
  const others = completeCheckpoints(root).filter((n) => n !== latest);
  const older = others.filter((n) => n < latest);
  const drop = [...others.filter((n) => n > latest), ...older.slice(0, Math.max(0, older.length - (keep - 1)))];
  for (const n of drop) fs.rmSync(path.join(root, n), { recursive: true, force: true });
}

/**
 * The newest complete checkpoint's directory: LATEST if it names one with a manifest, else the
 * highest epoch-* with a manifest. Nothing is verified; to resume, use loadLatestIntactCheckpoint.
 *
 * @param root the run's checkpoint directory (holding epoch-* directories)
 */
export function latestCheckpoint(root: string): string | undefined {
  const pointer = path.join(root, 'LATEST');
  if (fs.existsSync(pointer)) {
    const name = fs.readFileSync(pointer, 'utf8').trim();
    if (CHECKPOINT_DIR_PATTERN.test(name) && fs.existsSync(path.join(root, name, 'manifest.json'))) return path.join(root, name);
  }
  const all = completeCheckpoints(root);
  return all.length ? path.join(root, all[all.length - 1]) : undefined;
}

/**
 * Reads and verifies a checkpoint directory: the manifest's checksum, format and version, every
 * tensor's extent and checksum, and the size of tensors.bin. Damage throws CheckpointCorruptError;
 * a readable checkpoint of another format or a newer version throws CheckpointError.
 *
 * @param dir one checkpoint's directory (epoch-NNNNNN)
 */
export function loadCheckpoint<S = unknown>(dir: string): LoadedCheckpoint<S> {
  const manifest = readManifest<S>(dir);
  const binFile = path.join(dir, 'tensors.bin');
  const bin = readFileOrCorrupt(binFile);
  const model: NamedTensorData[] = [];
  const optimizer: NamedTensorData[] = [];
  // Tensor by tensor first, so a truncated file names the first tensor it cuts.
  for (const e of manifest.tensors) (e.group === 'model' ? model : optimizer).push(readTensor(binFile, e, bin));
  if (manifest.tensorsByteLength !== undefined && bin.byteLength !== manifest.tensorsByteLength) {
    throw new CheckpointCorruptError(binFile, `expected ${manifest.tensorsByteLength} bytes (the manifest's tensorsByteLength); found ${bin.byteLength}`);
  }
  return { dir, manifest, model, optimizer, verified: manifest.version >= 2 };
}

function readFileOrCorrupt(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CheckpointCorruptError(file, code === 'ENOENT' ? 'the file is missing' : `cannot be read (${(err as Error).message})`);
  }
}

function readManifest<S>(dir: string): CheckpointManifest<S> {
  const file = path.join(dir, 'manifest.json');
  const text = readFileOrCorrupt(file).toString('utf8');
  let manifest: CheckpointManifest<S>;
  try {
    // Checked field by field below (validateManifest-style checks name what is wrong).
    manifest = JSON.parse(text) as CheckpointManifest<S>;
  } catch (err) {
    throw new CheckpointCorruptError(file, `expected a JSON manifest; ${(err as Error).message}`);
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest))
    throw new CheckpointCorruptError(file, `expected a JSON object; found ${text.slice(0, 40)}`);
  // The checksum comes first: once it holds, every other field is as written and can be trusted.
  if (manifest.manifestSha256 !== undefined) {
    const found = manifestChecksum(manifest);
    if (found !== manifest.manifestSha256)
      throw new CheckpointCorruptError(
        file,
        `the manifest was changed after it was written (its sha256 is ${found.slice(0, 12)}…; manifestSha256 says ${String(manifest.manifestSha256).slice(0, 12)}…)`,
      );
  }
  if (manifest.format !== CHECKPOINT_FORMAT || !READABLE_VERSIONS.includes(manifest.version)) {
    throw new CheckpointError(
      `${file}: expected format '${CHECKPOINT_FORMAT}' version ${READABLE_VERSIONS.join(' or ')}; found '${manifest.format}' version ${manifest.version}`,
    );
  }
  if (manifest.version >= 2 && manifest.manifestSha256 === undefined)
    throw new CheckpointCorruptError(file, `a version ${manifest.version} manifest must carry manifestSha256; it has none`);
  checkIndex(file, manifest);
  return manifest;
}

function checkIndex(file: string, manifest: CheckpointManifest<unknown>): void {
  if (!Array.isArray(manifest.tensors))
    throw new CheckpointCorruptError(file, `expected a 'tensors' index (an array); found ${JSON.stringify(manifest.tensors)}`);
  for (const e of manifest.tensors) {
    const shapeOk = Array.isArray(e?.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0);
    const ok =
      shapeOk &&
      (e.group === 'model' || e.group === 'optimizer') &&
      (e.dtype === 'float32' || e.dtype === 'int32') &&
      Number.isInteger(e.offset) &&
      e.offset >= 0;
    if (!ok)
      throw new CheckpointCorruptError(
        file,
        `expected tensor entries { group: model|optimizer, name, shape: integers, dtype: float32|int32, offset, byteLength }; found ${JSON.stringify(e)}`,
      );
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (e.byteLength !== size * 4)
      throw new CheckpointCorruptError(file, `tensor '${e.name}' of shape [${e.shape.join(',')}] needs ${size * 4} bytes; index says ${e.byteLength}`);
    if (manifest.version >= 2 && typeof e.sha256 !== 'string') throw new CheckpointCorruptError(file, `tensor '${e.name}' has no sha256`);
  }
}

function readTensor(binFile: string, e: TensorEntry, bin: Buffer): NamedTensorData {
  if (e.offset + e.byteLength > bin.byteLength) {
    throw new CheckpointCorruptError(
      binFile,
      `tensor '${e.name}' expected bytes ${e.offset}..${e.offset + e.byteLength}; the file ends at byte ${bin.byteLength}`,
    );
  }
  const copy = new Uint8Array(e.byteLength);
  copy.set(bin.subarray(e.offset, e.offset + e.byteLength));
  if (e.sha256 !== undefined) {
    const found = sha256(copy);
    if (found !== e.sha256)
      throw new CheckpointCorruptError(
        binFile,
        `tensor '${e.name}' (bytes ${e.offset}..${e.offset + e.byteLength}) has sha256 ${found.slice(0, 12)}…; the manifest says ${e.sha256.slice(0, 12)}…`,
      );
  }
  const data = e.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
  return { name: e.name, shape: e.shape, dtype: e.dtype, data };
}
