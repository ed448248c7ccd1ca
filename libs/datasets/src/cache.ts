import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, writeFileAtomic } from '@sugar-lab/core';
import type { FileDigest } from './digest';
import type { DataFile } from './manifest';

export interface CacheOptions {
  /** Root of the dataset cache; default `SUGAR_DATA_DIR`, else `<cacheDir()>/data`. */
  dataDir?: string;
}

/** The dataset cache root: `opts.dataDir`, else `SUGAR_DATA_DIR`, else `<cacheDir()>/data`. */
export function dataDir(opts: CacheOptions = {}): string {
  if (opts.dataDir) return path.resolve(opts.dataDir);
  if (process.env.SUGAR_DATA_DIR) return path.resolve(process.env.SUGAR_DATA_DIR);
  return path.join(cacheDir(), 'data');
}

/** `<dataDir>/<dataset>`: where the files of one dataset live (and where to put them offline). */
export function datasetDir(dataset: string, opts: CacheOptions = {}): string {
  return path.join(dataDir(opts), dataset);
}

export function partPath(file: string): string {
  return `${file}.part`;
}

// A verified file gets a hidden sidecar recording size, mtime and digests, so that later loads skip
// re-hashing 170 MB; any change of size, mtime or pinned digest sends the file back through hashing.
function sidecarPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.verified.json`);
}

interface Sidecar extends FileDigest {
  mtimeMs: number;
}

export function isMarkedVerified(file: string, entry: DataFile): boolean {
  let st: fs.Stats;
  let mark: Sidecar;
  try {
    st = fs.statSync(file);
    mark = JSON.parse(fs.readFileSync(sidecarPath(file), 'utf8')) as Sidecar;
  } catch {
    return false;
  }
  if (mark.size !== st.size || mark.mtimeMs !== st.mtimeMs) return false;
  if (entry.size !== undefined && entry.size !== mark.size) return false;
  if (entry.sha256 && entry.sha256.toLowerCase() !== mark.sha256) return false;
  if (entry.md5 && entry.md5.toLowerCase() !== mark.md5) return false;
  return true;
}

export function markVerified(file: string, digest: FileDigest): void {
  const st = fs.statSync(file);
  const side = sidecarPath(file);
  writeFileAtomic(side, JSON.stringify({ ...digest, mtimeMs: st.mtimeMs } satisfies Sidecar));
}

export function unmark(file: string): void {
  fs.rmSync(sidecarPath(file), { force: true });
}

export function removeWithMark(file: string): void {
  fs.rmSync(file, { force: true });
  unmark(file);
}

export type FileState = 'missing' | 'partial' | 'present' | 'verified';

export interface FileCacheState {
  name: string;
  path: string;
  /** missing; partial (an interrupted download, resumable); present (not yet verified); verified. */
  state: FileState;
  /** Bytes on disk (of the `.part` file when partial). */
  size?: number;
  expectedSize?: number;
}

export function fileCacheState(dir: string, entry: DataFile): FileCacheState {
  const file = path.join(dir, entry.name);
  const base = { name: entry.name, path: file, expectedSize: entry.size };
  const st = statOrUndefined(file);
  if (st) return { ...base, state: isMarkedVerified(file, entry) ? 'verified' : 'present', size: st.size };
  const part = statOrUndefined(partPath(file));
  if (part) return { ...base, state: 'partial', size: part.size };
  return { ...base, state: 'missing' };
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}
