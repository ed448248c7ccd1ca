import * as path from 'node:path';
import { cacheDir } from '@sugar-lab/core';

export interface CacheOptions {
  /** Root of the dataset cache; default `SUGAR_DATA_DIR`, else `<cacheDir()>/data`. */
  dataDir?: string;
}

/**
 * The dataset cache root: `opts.dataDir`, else `SUGAR_DATA_DIR`, else `<cacheDir()>/data`.
 *
 * @param opts `dataDir`: the cache root to use instead
 */
export function dataDir(opts: CacheOptions = {}): string {
  if (opts.dataDir) return path.resolve(opts.dataDir);
  if (process.env.SUGAR_DATA_DIR) return path.resolve(process.env.SUGAR_DATA_DIR);
  return path.join(cacheDir(), 'data');
}

/** `<dataDir>/<dataset>`: where the files of one dataset live (and where to put them offline). */
export function datasetDir(dataset: string, opts: CacheOptions = {}): string {
  return path.join(dataDir(opts), dataset);
}

/** The resumable partial download of `file` (only the holder of the file's download lock writes it). */
export function partPath(file: string): string {
  return `${file}.part`;
}

/**
 * verified: hashed and matching, per the verified-files record (and unchanged since); unverified: present,
 * not hashed yet (or changed since); corrupt: hashed and failing; partial: an interrupted download; missing.
 */
export type FileState = 'missing' | 'partial' | 'unverified' | 'corrupt' | 'verified';

export interface FileCacheState {
  name: string;
  /** The file found (or the unpacked directory), or where the published file goes when missing. */
  path: string;
  state: FileState;
  /** Bytes on disk (of the `.part` file when partial). */
  size?: number;
  expectedSize?: number;
}
