import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir } from '@sugar-lab/core';
import { datasetDir, type CacheOptions } from './cache';
import type { Mismatch } from './digest';
import { DatasetImportError } from './errors';
import { withFileLock } from './lock';
import { datasetFiles, type DataFile } from './manifest';
import { quarantine } from './quarantine';
import { forget, type VerifiedForm } from './record';
import { getDatasetDefinition } from './registry';
import { candidates, checkFile, rememberVerified, verifyEntry, type Candidate, type Failure } from './verify';

export interface ImportOptions extends CacheOptions {
  /** Hard-link instead of copying (falls back to a copy across file systems, and says so). */
  link?: boolean;
}

export interface ImportedFile {
  /** Manifest name of the file (for unpacked members: of the archive they belong to). */
  name: string;
  /** Where it came from (several paths for unpacked members). */
  from: string[];
  /** Where it is now in the cache. */
  to: string[];
  form: VerifiedForm;
  method: 'copied' | 'linked' | 'copied (hard link not possible)' | 'already verified';
}

export interface ImportRejection {
  name: string;
  from: string;
  mismatch: Mismatch;
}

export interface ImportResult {
  dataset: string;
  dir: string;
  imported: ImportedFile[];
  /** Files with a matching name whose content failed verification (left untouched where they are). */
  rejected: ImportRejection[];
  /** Manifest names for which no file was found in the sources (and none is verified in the cache). */
  notFound: string[];
  /** Cache files that failed verification and were moved aside. */
  quarantined: string[];
}

const MAX_DEPTH = 4;

/** Every regular file under the sources (directories walked a few levels deep, hidden entries skipped), by base name. */
function collect(dataset: string, sources: string[], exclude: string): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const seen = new Set<string>();
  const add = (file: string) => {
    const real = fs.realpathSync(file);
    if (seen.has(real) || real === exclude || real.startsWith(exclude + path.sep)) return;
    seen.add(real);
    const list = byName.get(path.basename(file)) ?? [];
    list.push(path.resolve(file));
    byName.set(path.basename(file), list);
  };
  const walk = (dir: string, depth: number) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      const st = fs.statSync(p, { throwIfNoEntry: false });
      if (st?.isFile()) add(p);
      else if (st?.isDirectory() && depth < MAX_DEPTH) walk(p, depth + 1);
    }
  };
  for (const src of sources) {
    const st = fs.statSync(src, { throwIfNoEntry: false });
    if (!st) throw new DatasetImportError(dataset, src, 'a file or a directory', 'nothing at this path');
    if (st.isDirectory()) walk(src, 0);
    else if (st.isFile()) add(src);
    else throw new DatasetImportError(dataset, src, 'a file or a directory', 'another kind of file');
  }
  return byName;
}

type Placed = { ok: true; method: ImportedFile['method']; form: VerifiedForm; replaced?: string } | { ok: false; mismatch: Mismatch };

/** Copies (or links) `src` to a temp name of this writer's own beside `target`, verifies it there, then renames it into place. */
async function place(src: string, dir: string, rel: string, entry: DataFile, kind: Candidate['kind'], link: boolean): Promise<Placed> {
  const target = path.join(dir, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.import-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  let method: ImportedFile['method'] = 'copied';
  if (link) {
    try {
      fs.linkSync(src, tmp);
      method = 'linked';
    } catch {
      method = 'copied (hard link not possible)'; // another file system, or links not allowed here
    }
  }
  try {
    if (method !== 'linked') fs.copyFileSync(src, tmp);
    const outcome = await checkFile(tmp, entry, kind, rel);
    if (!outcome.ok) return outcome;
    // Whatever is there under this name failed verification (the cache was checked first): set it aside.
    const replaced = quarantine(target, `replaced by \`sugar data import\` of ${src}; it had not passed verification`);
    fs.renameSync(tmp, target);
    fsyncDir(path.dirname(target));
    forget(dir, rel);
    rememberVerified(dir, entry, rel, outcome.form);
    return { ok: true, method, form: outcome.form, replaced };
  } finally {
    fs.rmSync(tmp, { force: true }); // our own temp name (a link to the source removes only the link)
  }
}

async function importEntry(entry: DataFile, dir: string, files: Map<string, string[]>, link: boolean, out: ImportResult): Promise<boolean> {
  for (const cand of candidates(entry)) {
    const from: string[] = [];
    const to: string[] = [];
    let placed: Placed | undefined;
    for (const rel of cand.rels) {
      placed = undefined;
      for (const src of files.get(path.posix.basename(rel)) ?? []) {
        placed = await place(src, dir, rel, entry, cand.kind, link);
        if (placed.ok) {
          if (placed.replaced) out.quarantined.push(placed.replaced);
          from.push(src);
          to.push(path.join(dir, rel));
          break;
        }
        out.rejected.push({ name: entry.name, from: src, mismatch: placed.mismatch });
      }
      if (!placed?.ok) break; // a member missing or bad: this form is incomplete
    }
    if (placed?.ok) {
      out.imported.push({ name: entry.name, from, to, form: placed.form, method: placed.method });
      return true;
    }
  }
  return false;
}

/**
 * `sugar data import`: brings local copies of a dataset's files into the cache under their canonical
 * names. Sources are files or directories (walked a few levels deep); a file is taken by its name and
 * kept only if it verifies in one of the accepted forms (the published file, a re-gzipped or
 * decompressed IDX file, a re-compressed archive or unpacked CIFAR members). Each file is copied (or
 * hard-linked) to a temporary name, verified there, and renamed into place, so the cache never holds an
 * unverified file under a real name. Sources are never modified; a cache file that failed verification
 * is moved to `.quarantine/`, never deleted.
 *
 * @param dataset the dataset's name
 * @param sources files or directories holding copies of its files
 * @param opts the cache root, and `link`: hard-link instead of copying where the file system allows
 */
export async function importDataset(dataset: string, sources: string[], opts: ImportOptions = {}): Promise<ImportResult> {
  getDatasetDefinition(dataset);
  const entries = datasetFiles(dataset);
  if (entries.length === 0)
    throw new DatasetImportError(dataset, sources.join(' '), 'a dataset that has files', 'a synthetic dataset, generated from the seed: nothing to import');
  if (sources.length === 0) throw new DatasetImportError(dataset, '(no source)', 'at least one directory or file', 'none');
  const dir = datasetDir(dataset, opts);
  fs.mkdirSync(dir, { recursive: true });
  const files = collect(dataset, sources, fs.realpathSync(dir));
  const out: ImportResult = { dataset, dir, imported: [], rejected: [], notFound: [], quarantined: [] };
  for (const entry of entries) {
    await withFileLock(path.join(dir, `${entry.name}.lock`), async () => {
      const cached = await verifyEntry(dir, entry);
      if (cached.state === 'verified') {
        out.imported.push({ name: entry.name, from: [cached.path!], to: [cached.path!], form: cached.form!, method: 'already verified' });
        return;
      }
      const ok = await importEntry(entry, dir, files, opts.link ?? false, out);
      if (!ok && !out.rejected.some((r) => r.name === entry.name)) out.notFound.push(entry.name);
      out.quarantined.push(...setAside(cached.failures));
    });
  }
  return out;
}

// Cache files that failed verification and were not replaced by the import.
function setAside(failures: Failure[]): string[] {
  return failures.flatMap((f) => {
    if (!f.stat) return [];
    const to = quarantine(
      f.path,
      `${f.mismatch.subject ? `${f.mismatch.subject}: ` : ''}expected ${f.mismatch.algorithm} ${f.mismatch.expected}, found ${f.mismatch.found}`,
      f.stat,
    );
    return to ? [to] : [];
  });
}
