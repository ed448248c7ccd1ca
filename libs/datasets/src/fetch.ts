import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetDir, fileCacheState, isMarkedVerified, markVerified, removeWithMark, unmark, type CacheOptions, type FileCacheState } from './cache';
import { checksumError, digestFile, digestMismatch } from './digest';
import { DownloadFailedError, downloadFile, type DownloadOptions } from './download';
import { DatasetChecksumError, DatasetUnavailableError, type ExpectedFile } from './errors';
import { withFileLock } from './lock';
import { datasetFiles, type DataFile } from './manifest';
import { datasetNames, getDatasetDefinition } from './registry';

export interface FetchOptions extends CacheOptions, DownloadOptions {
  /** Never touch the network (also `SUGAR_OFFLINE=1`): missing files raise DatasetUnavailableError. */
  offline?: boolean;
  /** Download from `<mirror>/<dataset>/<file>` instead of the canonical URLs (also `SUGAR_DATA_MIRROR`). */
  mirror?: string;
  /** Re-hash files even when their verification mark is current. */
  force?: boolean;
}

export function isOffline(opts: FetchOptions = {}): boolean {
  if (opts.offline !== undefined) return opts.offline;
  return /^(1|true|yes)$/i.test(process.env.SUGAR_OFFLINE ?? '');
}

function urlsFor(dataset: string, entry: DataFile, opts: FetchOptions): string[] {
  const mirror = opts.mirror ?? process.env.SUGAR_DATA_MIRROR;
  return mirror ? [`${mirror.replace(/\/+$/, '')}/${dataset}/${entry.name}`] : entry.urls;
}

function expected(dataset: string, dir: string, entries: DataFile[], opts: FetchOptions): ExpectedFile[] {
  return entries.map((e) => ({ name: e.name, path: path.join(dir, e.name), size: e.size, sha256: e.sha256, md5: e.md5, urls: urlsFor(dataset, e, opts) }));
}

/** Hashes a present file; a mismatch removes it (and its mark) and throws DatasetChecksumError. */
async function verifyPresent(dataset: string, file: string, entry: DataFile): Promise<void> {
  const digest = await digestFile(file);
  const bad = digestMismatch(entry, digest);
  if (bad) {
    removeWithMark(file);
    throw checksumError(file, bad, true, undefined, `run \`sugar data fetch ${dataset}\` to download it again`);
  }
  markVerified(file, digest);
}

/**
 * Makes every file of `dataset` present and verified in the cache, downloading what is missing unless
 * offline. Returns the local path of each file by name. This is the one path every loader goes through,
 * whether the files were downloaded, copied in by hand, or written by a test.
 */
export async function ensureDatasetFiles(dataset: string, opts: FetchOptions = {}, repair = false): Promise<Record<string, string>> {
  const entries = datasetFiles(dataset);
  const dir = datasetDir(dataset, opts);
  const paths: Record<string, string> = {};
  const missing: DataFile[] = [];
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    paths[entry.name] = file;
    if (!fs.existsSync(file)) missing.push(entry);
    else if (opts.force || !isMarkedVerified(file, entry)) {
      try {
        await verifyPresent(dataset, file, entry);
      } catch (err) {
        // A load reports the bad file; a fetch replaces it.
        if (!repair || !(err instanceof DatasetChecksumError)) throw err;
        missing.push(entry);
      }
    }
  }
  if (missing.length === 0) return paths;
  if (isOffline(opts)) throw new DatasetUnavailableError(dataset, 'offline', dir, expected(dataset, dir, missing, opts));
  fs.mkdirSync(dir, { recursive: true });
  const failed: DataFile[] = [];
  const causes: string[] = [];
  for (const entry of missing) {
    const file = paths[entry.name];
    try {
      await withFileLock(`${file}.lock`, async () => {
        if (fs.existsSync(file)) {
          if (!isMarkedVerified(file, entry)) await verifyPresent(dataset, file, entry);
          return; // another process fetched it while we waited
        }
        await downloadFile(entry, urlsFor(dataset, entry, opts), file, opts);
      });
    } catch (err) {
      if (!(err instanceof DownloadFailedError)) throw err;
      // The other files come from the same hosts: report them all now rather than retry each in turn.
      failed.push(...missing.slice(missing.indexOf(entry)));
      causes.push(...err.causes);
      break;
    }
  }
  if (failed.length) throw new DatasetUnavailableError(dataset, 'network', dir, expected(dataset, dir, failed, opts), causes);
  return paths;
}

export type DatasetState = 'verified' | 'present' | 'partial' | 'missing' | 'generated';

export interface DatasetCacheState {
  dataset: string;
  kind: 'image' | 'synthetic';
  /** generated (synthetic, no files); verified; present (not all verified yet); partial (some missing or half-downloaded); missing. */
  state: DatasetState;
  dir: string;
  files: FileCacheState[];
  /** Bytes on disk, including partial downloads. */
  bytes: number;
  /** Bytes of the complete set, when every size is pinned. */
  expectedBytes?: number;
}

/** Cache state without hashing anything (a verification mark counts as verified). */
export function datasetCacheState(dataset: string, opts: CacheOptions = {}): DatasetCacheState {
  const def = getDatasetDefinition(dataset);
  const dir = datasetDir(dataset, opts);
  const entries = datasetFiles(dataset);
  const files = entries.map((e) => fileCacheState(dir, e));
  const bytes = files.reduce((s, f) => s + (f.size ?? 0), 0);
  const expectedBytes = entries.every((e) => e.size !== undefined) ? entries.reduce((s, e) => s + e.size!, 0) : undefined;
  let state: DatasetState;
  if (entries.length === 0) state = 'generated';
  else if (files.every((f) => f.state === 'verified')) state = 'verified';
  else if (files.every((f) => f.state === 'verified' || f.state === 'present')) state = 'present';
  else if (files.every((f) => f.state === 'missing')) state = 'missing';
  else state = 'partial';
  return { dataset, kind: def.info.kind, state, dir, files, bytes, expectedBytes };
}

/** Downloads (or, offline, checks for) every file of `dataset` and verifies it. */
export async function fetchDataset(dataset: string, opts: FetchOptions = {}): Promise<DatasetCacheState> {
  getDatasetDefinition(dataset);
  await ensureDatasetFiles(dataset, opts, true);
  return datasetCacheState(dataset, opts);
}

export interface FileVerification {
  name: string;
  path: string;
  state: 'verified' | 'mismatch' | 'missing' | 'partial';
  /** For a mismatch: which check failed, and the pinned and actual values. */
  algorithm?: string;
  expected?: string;
  found?: string;
}

export interface DatasetVerification {
  dataset: string;
  dir: string;
  ok: boolean;
  files: FileVerification[];
}

/**
 * Re-hashes every cached file of `dataset` (or of every dataset with files) against its pinned digests.
 * Reports instead of throwing, and deletes nothing: a mismatching file stays for inspection and is
 * replaced by the next `fetchDataset`.
 */
export async function verifyDataset(dataset?: string, opts: CacheOptions = {}): Promise<DatasetVerification[]> {
  const names = dataset ? [(getDatasetDefinition(dataset), dataset)] : datasetNames().filter((n) => datasetFiles(n).length > 0);
  const out: DatasetVerification[] = [];
  for (const name of names) {
    const dir = datasetDir(name, opts);
    const files: FileVerification[] = [];
    for (const entry of datasetFiles(name)) {
      const st = fileCacheState(dir, entry);
      const base = { name: entry.name, path: st.path };
      if (st.state === 'missing' || st.state === 'partial') {
        files.push({ ...base, state: st.state });
        continue;
      }
      const digest = await digestFile(st.path);
      const bad = digestMismatch(entry, digest);
      if (bad) {
        unmark(st.path); // so that the next load re-hashes it instead of trusting an old mark
        files.push({ ...base, state: 'mismatch', ...bad });
      }
      else {
        markVerified(st.path, digest);
        files.push({ ...base, state: 'verified' });
      }
    }
    out.push({ dataset: name, dir, ok: files.every((f) => f.state === 'verified'), files });
  }
  return out;
}
