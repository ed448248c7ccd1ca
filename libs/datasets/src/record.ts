import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, writeFileAtomic } from '@sugar-lab/core';
import type { Mismatch } from './digest';

/**
 * The verified-files record: one small JSON file per dataset directory that remembers, per file, what the
 * file was (size, mtime, inode) when it was last hashed, against which pinned digests, and the outcome. A
 * later `verify` or `load` trusts an entry only while all of these are unchanged, so an unchanged 170 MB
 * archive is not hashed again, while any edit, replacement or new manifest pin sends it back through hashing.
 */
export const RECORD_FILE = '.sugar-verified.json';

/** How a file was accepted: its own bytes, or its decoded content. */
export type VerifiedForm = 'archive' | 'regzipped' | 'decompressed' | 'recompressed' | 'unpacked';

export interface RecordEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  /** Fingerprint of the pinned digests the file was checked against. */
  pin: string;
  ok: boolean;
  form?: VerifiedForm;
  /** For a file that failed: the first check it failed. */
  mismatch?: Mismatch;
  checkedAt: string;
}

interface RecordFile {
  version: 1;
  files: Record<string, RecordEntry>;
}

/**
 * Where the record of `dir` lives: beside its files, or, where the user cannot write there (a distribution's
 * /usr/share/datasets, a shared read-only copy), in the user's cache under a name derived from the directory.
 */
export function recordPath(dir: string): string {
  const beside = path.join(dir, RECORD_FILE);
  if (writable(dir)) return beside;
  const own = cachedRecord(dir);
  // A record someone else wrote beside the read-only files is read until this user has one of their own.
  return fs.existsSync(own) || !fs.existsSync(beside) ? own : beside;
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function cachedRecord(dir: string): string {
  const key = crypto.createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
  return path.join(cacheDir(), 'verified', `${path.basename(dir)}-${key}.json`);
}

export function readRecord(dir: string): Record<string, RecordEntry> {
  try {
    const r = JSON.parse(fs.readFileSync(recordPath(dir), 'utf8')) as RecordFile;
    return r.version === 1 && r.files && typeof r.files === 'object' ? r.files : {};
  } catch {
    return {}; // no record yet, or an unreadable one: everything is hashed again
  }
}

/** A short fingerprint of pinned expectations (any change of the manifest invalidates what was recorded). */
export function pinOf(expectations: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(expectations)).digest('hex').slice(0, 16);
}

function same(st: fs.Stats, e: RecordEntry): boolean {
  return st.size === e.size && st.mtimeMs === e.mtimeMs && st.ino === e.ino;
}

/** The recorded outcome for `<dir>/<rel>`, if the file is unchanged since and was checked against `pin`. */
export function lookupRecord(dir: string, rel: string, pin: string, st = statFile(path.join(dir, rel))): RecordEntry | undefined {
  if (!st) return undefined;
  const e = readRecord(dir)[rel];
  return e && e.pin === pin && same(st, e) ? e : undefined;
}

/** Records the outcome of hashing `<dir>/<rel>` with the file's current size, mtime and inode. */
export function remember(dir: string, rel: string, pin: string, outcome: { ok: boolean; form?: VerifiedForm; mismatch?: Mismatch }): void {
  const st = statFile(path.join(dir, rel));
  if (!st) return;
  update(dir, (files) => {
    files[rel] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, pin, ...outcome, checkedAt: new Date().toISOString() };
  });
}

export function forget(dir: string, rel: string): void {
  if (readRecord(dir)[rel]) update(dir, (files) => delete files[rel]);
}

// Read-modify-write: two processes recording at once can lose one entry, which only costs a re-hash later.
function update(dir: string, change: (files: Record<string, RecordEntry>) => void): void {
  const files = readRecord(dir);
  change(files);
  writeFileAtomic(writable(dir) ? path.join(dir, RECORD_FILE) : cachedRecord(dir), JSON.stringify({ version: 1, files } satisfies RecordFile, null, 1));
}

export function statFile(file: string): fs.Stats | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}
