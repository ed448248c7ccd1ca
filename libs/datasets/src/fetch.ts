import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetDir, type CacheOptions, type FileCacheState } from './cache';
import { checksumError } from './digest';
import { DownloadFailedError, downloadFile, type DownloadOptions } from './download';
import { DatasetUnavailableError, importCommand, type ExpectedFile } from './errors';
import { findLocalCopies } from './locations';
import { withFileLock } from './lock';
import { datasetFiles, type DataFile } from './manifest';
import { forget, type VerifiedForm } from './record';
import { quarantine } from './quarantine';
import { forgetUnreachable } from './reachability';
import { datasetNames, getDatasetDefinition } from './registry';
import { entryCacheState, verifyEntry, type Failure } from './verify';

export interface FetchOptions extends CacheOptions, DownloadOptions {
  /** Never touch the network (also `SUGAR_OFFLINE=1`): missing files raise DatasetUnavailableError. */
  offline?: boolean;
  /** Download from `<mirror>/<dataset>/<file>` instead of the canonical URLs (also `SUGAR_DATA_MIRROR`). */
  mirror?: string;
  /** Re-hash files even when the verified-files record vouches for them. */
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

function describe(f: Failure): string {
  const m = f.mismatch;
  return `${m.subject ? `${m.subject}: ` : ''}expected ${m.algorithm} ${m.expected}, found ${m.found}`;
}

/** Moves every failed file aside (never deletes it); returns where each went, by original path. */
function quarantineFailures(dir: string, failures: Failure[]): Map<string, string> {
  const moved = new Map<string, string>();
  for (const f of failures) {
    if (!f.stat) continue; // a member that is missing: nothing to move
    const to = quarantine(f.path, describe(f), f.stat);
    if (to) {
      moved.set(f.path, to);
      forget(dir, path.relative(dir, f.path).split(path.sep).join('/'));
    }
  }
  return moved;
}

function mismatchError(dataset: string, failure: Failure, moved: Map<string, string>) {
  const copies = findLocalCopies(dataset);
  const hint = copies.length
    ? `a copy exists in ${copies[0]}: run \`${importCommand(dataset, copies[0])}\``
    : `put a good copy in place with \`sugar data import ${dataset} <dir or files>\`, or run \`sugar data fetch ${dataset}\` to download it again`;
  return checksumError(failure.path, failure.mismatch, { quarantined: moved.get(failure.path), hint });
}

interface Resolved {
  path: string;
  form: VerifiedForm;
}

/** Verifies what is cached for `entry`; failed files are moved aside, and with `repair` left for download. */
async function resolveCached(dataset: string, dir: string, entry: DataFile, opts: FetchOptions, repair: boolean): Promise<Resolved | undefined> {
  const v = await verifyEntry(dir, entry, { force: opts.force });
  const moved = quarantineFailures(dir, v.failures);
  if (v.state === 'verified') return { path: v.path!, form: v.form! };
  if (v.state === 'mismatch' && !repair) throw mismatchError(dataset, v.failures[0], moved);
  return undefined;
}

/**
 * Makes every file of `dataset` present and verified in the cache, downloading what is missing unless
 * offline. Returns the local path of each file by manifest name: the file itself, its decompressed twin,
 * or the dataset directory holding unpacked members; loaders read any of these. A cached file that fails
 * verification is moved to `.quarantine/` (never deleted); a load then reports it, a fetch downloads
 * a fresh copy. This is the one path every loader goes through, whether the files were downloaded,
 * imported, copied in by hand, or written by a test.
 */
export async function ensureDatasetFiles(dataset: string, opts: FetchOptions = {}, repair = false): Promise<Record<string, string>> {
  const entries = datasetFiles(dataset);
  const dir = datasetDir(dataset, opts);
  const paths: Record<string, string> = {};
  const missing: DataFile[] = [];
  for (const entry of entries) {
    const found = await resolveCached(dataset, dir, entry, opts, repair);
    if (found) paths[entry.name] = found.path;
    else missing.push(entry);
  }
  if (missing.length === 0) return paths;
  if (isOffline(opts)) throw new DatasetUnavailableError(dataset, 'offline', dir, expected(dataset, dir, missing, opts), [], findLocalCopies(dataset));
  fs.mkdirSync(dir, { recursive: true });
  const failed: DataFile[] = [];
  const causes: string[] = [];
  let unreachable = false;
  for (const entry of missing) {
    const file = path.join(dir, entry.name);
    try {
      paths[entry.name] = await withFileLock(`${file}.lock`, async () => {
        // Another process may have fetched or imported it while we waited.
        const found = await resolveCached(dataset, dir, entry, opts, true);
        if (found) return found.path;
        await downloadFile(entry, urlsFor(dataset, entry, opts), file, opts);
        return file;
      });
    } catch (err) {
      if (!(err instanceof DownloadFailedError)) throw err;
      // The other files come from the same hosts: report them all now rather than retry each in turn.
      failed.push(...missing.slice(missing.indexOf(entry)));
      causes.push(...err.causes);
      unreachable = err.unreachable;
      break;
    }
  }
  if (failed.length) {
    const reason = unreachable ? 'unreachable' : 'network';
    throw new DatasetUnavailableError(dataset, reason, dir, expected(dataset, dir, failed, opts), causes, findLocalCopies(dataset));
  }
  return paths;
}

export type DatasetState = 'verified' | 'unverified' | 'corrupt' | 'partial' | 'missing' | 'generated';

export interface DatasetCacheState {
  dataset: string;
  kind: 'image' | 'synthetic';
  /**
   * generated (synthetic, no files); verified (every file hashed and matching, unchanged since); corrupt (a
   * file failed its last verification); unverified (all present, some not hashed yet or changed since);
   * partial (some missing or half-downloaded); missing.
   */
  state: DatasetState;
  dir: string;
  files: FileCacheState[];
  /** Bytes on disk, including partial downloads. */
  bytes: number;
  /** Bytes of the complete set, when every size is pinned. */
  expectedBytes?: number;
  /** Directories on this machine holding a copy that `sugar data import` can bring in. */
  localCopies: string[];
}

/**
 * Cache state without hashing anything: what the verified-files record says about each file.
 *
 * @param dataset the dataset's name
 * @param opts `dataDir`: the cache root (default `dataDir()`)
 */
export function datasetCacheState(dataset: string, opts: CacheOptions = {}): DatasetCacheState {
  const def = getDatasetDefinition(dataset);
  const dir = datasetDir(dataset, opts);
  const entries = datasetFiles(dataset);
  const files: FileCacheState[] = entries.map((e) => ({ name: e.name, expectedSize: e.size, ...entryCacheState(dir, e) }));
  const bytes = files.reduce((s, f) => s + (f.size ?? 0), 0);
  const expectedBytes = entries.every((e) => e.size !== undefined) ? entries.reduce((s, e) => s + e.size!, 0) : undefined;
  const all = (...states: string[]) => files.every((f) => states.includes(f.state));
  let state: DatasetState;
  if (entries.length === 0) state = 'generated';
  else if (all('verified')) state = 'verified';
  else if (files.some((f) => f.state === 'corrupt')) state = 'corrupt';
  else if (all('verified', 'unverified')) state = 'unverified';
  else if (all('missing')) state = 'missing';
  else state = 'partial';
  const localCopies = state === 'verified' || state === 'generated' ? [] : findLocalCopies(dataset);
  return { dataset, kind: def.info.kind, state, dir, files, bytes, expectedBytes, localCopies };
}

/**
 * Downloads (or, offline, checks for) every file of `dataset` and verifies it. An explicit fetch asks every host
 * again, even one this process found unreachable before (loads skip those: see reachability.ts).
 *
 * @param dataset the dataset's name
 * @param opts the cache root, `offline`, a `mirror` to download from, `force` (download again), and download settings
 */
export async function fetchDataset(dataset: string, opts: FetchOptions = {}): Promise<DatasetCacheState> {
  getDatasetDefinition(dataset);
  forgetUnreachable();
  await ensureDatasetFiles(dataset, opts, true);
  return datasetCacheState(dataset, opts);
}

export interface FileVerification {
  name: string;
  /** The file checked (the first form that failed, for a mismatch), or where the published file goes. */
  path: string;
  state: 'verified' | 'mismatch' | 'missing' | 'partial';
  /** Verified: in which form (archive, regzipped, decompressed, recompressed, unpacked). */
  form?: VerifiedForm;
  /** Verified: 'record' when the verified-files record vouched for unchanged files, 'hashed' otherwise. */
  checked?: 'record' | 'hashed';
  /** For a mismatch: which check failed, of what, and the pinned and actual values. */
  algorithm?: string;
  expected?: string;
  found?: string;
  subject?: string;
}

export interface DatasetVerification {
  dataset: string;
  dir: string;
  ok: boolean;
  files: FileVerification[];
}

/**
 * Verifies every cached file of `dataset` (or of every dataset with files) against its pinned digests,
 * hashing only what changed since the verified-files record saw it (`force` re-hashes everything).
 * Reports instead of throwing, and moves nothing: a failing file stays where it is for inspection, is
 * shown as `corrupt` by `datasetCacheState`, and is moved to `.quarantine/` by the next load or fetch.
 *
 * @param dataset the dataset's name (default: every dataset with files)
 * @param opts the cache root, and `force`: hash every file again
 */
export async function verifyDataset(dataset?: string, opts: CacheOptions & { force?: boolean } = {}): Promise<DatasetVerification[]> {
  const names = dataset ? [(getDatasetDefinition(dataset), dataset)] : datasetNames().filter((n) => datasetFiles(n).length > 0);
  const out: DatasetVerification[] = [];
  for (const name of names) {
    const dir = datasetDir(name, opts);
    const files: FileVerification[] = [];
    for (const entry of datasetFiles(name)) {
      const v = await verifyEntry(dir, entry, { force: opts.force });
      const base = { name: entry.name, path: path.join(dir, entry.name) };
      if (v.state === 'verified') files.push({ ...base, path: v.path!, state: 'verified', form: v.form, checked: v.checked });
      else if (v.state === 'mismatch') {
        const f = v.failures[0];
        files.push({ ...base, path: f.path, state: 'mismatch', ...f.mismatch });
      } else files.push({ ...base, state: v.state });
    }
    out.push({ dataset: name, dir, ok: files.every((f) => f.state === 'verified'), files });
  }
  return out;
}
