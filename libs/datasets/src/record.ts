import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@sugar-lab/core';
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

export function recordPath(dir: string): string {
  return path.join(dir, RECORD_FILE);
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
  writeFileAtomic(recordPath(dir), JSON.stringify({ version: 1, files } satisfies RecordFile, null, 1));
}

export function statFile(file: string): fs.Stats | undefined {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}
