import * as fs from 'node:fs';
import * as path from 'node:path';
import { partPath } from './cache';
import { digestFile, digestMismatch, digestStream, digester, pinsContent, type Mismatch } from './digest';
import { DatasetFormatError } from './errors';
import { decodedStream } from './gzip';
import type { DataFile } from './manifest';
import { lookupRecord, pinOf, remember, statFile, type VerifiedForm } from './record';
import { readTar } from './tar';

/**
 * Verification of content, not wrapper. A manifest entry is accepted in any of these forms, each checked
 * against pinned digests:
 *   - the published file itself (its own bytes match size / SHA-256 / MD5);
 *   - an IDX file whose decompressed payload matches: re-gzipped (a distribution's package), or stored
 *     decompressed, under the published name or without `.gz` (torchvision's layout);
 *   - a CIFAR archive whose members match though the archive does not (re-compressed), or the unpacked
 *     members themselves (`cifar-10-batches-bin/data_batch_1.bin`, ...).
 * Everything streams (constant memory). A tampered copy (one label changed inside a valid gzip) fails
 * on its payload digest.
 */
export type CandidateKind = 'file' | 'idx' | 'tar' | 'unpacked';

export interface Candidate {
  kind: CandidateKind;
  /** Paths relative to the dataset directory: one file, or every member of an unpacked archive. */
  rels: string[];
}

export type Outcome = { ok: true; form: VerifiedForm } | { ok: false; mismatch: Mismatch };

const stripGz = (name: string) => name.replace(/\.gz$/, '');

/** The places an entry may be found in a dataset directory, in the order they are tried. */
export function candidates(entry: DataFile): Candidate[] {
  if (pinsContent(entry.payload)) {
    const out: Candidate[] = [{ kind: 'idx', rels: [entry.name] }];
    if (stripGz(entry.name) !== entry.name) out.push({ kind: 'idx', rels: [stripGz(entry.name)] });
    return out;
  }
  const members = entry.members ? Object.keys(entry.members).filter((m) => pinsContent(entry.members![m])) : [];
  if (members.length)
    return [
      { kind: 'tar', rels: [entry.name] },
      { kind: 'unpacked', rels: members },
    ];
  return [{ kind: 'file', rels: [entry.name] }];
}

/**
 * File names (and top-level directory names) under which some form of the entry is recognized.
 *
 * @param entry one file of a dataset's manifest
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function acceptedNames(entry: DataFile): string[] {
  return [...new Set(candidates(entry).flatMap((c) => c.rels.flatMap((r) => [path.posix.basename(r), r.split('/')[0]])))];
}

function pinFor(entry: DataFile, kind: CandidateKind, rel: string): string {
  const own = { size: entry.size, sha256: entry.sha256, md5: entry.md5 };
  if (kind === 'idx') return pinOf({ kind, own, payload: entry.payload });
  if (kind === 'tar') return pinOf({ kind, own, members: entry.members });
  if (kind === 'unpacked') return pinOf({ kind, member: entry.members?.[rel] });
  return pinOf({ kind, own });
}

async function ownMismatch(file: string, entry: DataFile): Promise<Mismatch | undefined> {
  const size = fs.statSync(file).size;
  // A size that differs settles it without reading the file.
  if (entry.size !== undefined && size !== entry.size) return { algorithm: 'size', expected: `${entry.size} bytes`, found: `${size} bytes` };
  return digestMismatch(entry, await digestFile(file));
}

const fail = (mismatch: Mismatch): Outcome => ({ ok: false, mismatch });

// `rel` is the file's name in the cache (the file itself may be an import's temporary copy): a `.gz`
// name must hold gzip data, any other name the decompressed IDX bytes.
async function checkIdx(file: string, entry: DataFile, rel: string): Promise<Outcome> {
  const own = await ownMismatch(file, entry);
  if (!own) return { ok: true, form: 'archive' };
  const gz = rel.endsWith('.gz');
  let got;
  try {
    got = await digestStream(decodedStream(file, gz));
  } catch (err) {
    if (err instanceof DatasetFormatError) return fail(own); // not a gzip stream we can read: the file's own mismatch says it
    throw err;
  }
  const bad = digestMismatch(entry.payload!, got, gz ? 'decompressed payload' : undefined);
  return bad ? fail(bad) : { ok: true, form: gz ? 'regzipped' : 'decompressed' };
}

async function checkTar(file: string, entry: DataFile, rel: string): Promise<Outcome> {
  const own = await ownMismatch(file, entry);
  if (!own) return { ok: true, form: 'archive' };
  const wanted = entry.members!;
  const seen = new Map<string, ReturnType<typeof digester>>();
  try {
    await readTar(decodedStream(file, rel.endsWith('.gz')), file, (member) => {
      if (!pinsContent(wanted[member.name])) return undefined;
      const d = digester();
      seen.set(member.name, d);
      return (chunk) => d.update(chunk);
    });
  } catch (err) {
    if (err instanceof DatasetFormatError) return fail(own);
    throw err;
  }
  for (const [name, pins] of Object.entries(wanted)) {
    if (!pinsContent(pins)) continue;
    const d = seen.get(name);
    const bad = d
      ? digestMismatch(pins, d.digest(), `tar member ${name}`)
      : { algorithm: 'size' as const, expected: `${pins.size ?? 'some'} bytes`, found: 'no such member', subject: `tar member ${name}` };
    if (bad) return fail(bad);
  }
  return { ok: true, form: 'recompressed' };
}

async function checkMember(file: string, entry: DataFile, member: string): Promise<Outcome> {
  const bad = digestMismatch(entry.members![member], await digestFile(file), `member ${member} of ${entry.name}`);
  return bad ? fail(bad) : { ok: true, form: 'unpacked' };
}

/** Hashes one file as the given kind of candidate (no record involved). */
export async function checkFile(file: string, entry: DataFile, kind: CandidateKind, rel = entry.name): Promise<Outcome> {
  if (kind === 'idx') return checkIdx(file, entry, rel);
  if (kind === 'tar') return checkTar(file, entry, rel);
  if (kind === 'unpacked') return checkMember(file, entry, rel);
  const bad = await ownMismatch(file, entry);
  return bad ? fail(bad) : { ok: true, form: 'archive' };
}

export interface Failure {
  path: string;
  mismatch: Mismatch;
  /** The file as it was when it failed (so that only that file is ever moved aside). */
  stat?: fs.Stats;
}

export interface EntryVerification {
  state: 'verified' | 'mismatch' | 'missing' | 'partial';
  /** Verified: the path a loader reads (a file, or the dataset directory for unpacked members). */
  path?: string;
  form?: VerifiedForm;
  /** 'record' when every file was trusted from the verified-files record without hashing. */
  checked?: 'record' | 'hashed';
  /** Forms that exist but failed, in the order tried (a later form may still have verified). */
  failures: Failure[];
}

type CandidateResult =
  { state: 'missing' } | { state: 'verified'; form: VerifiedForm; checked: 'record' | 'hashed' } | { state: 'mismatch'; failures: Failure[] };

async function verifyCandidate(dir: string, entry: DataFile, cand: Candidate, force: boolean): Promise<CandidateResult> {
  const stats = cand.rels.map((rel) => statFile(path.join(dir, rel)));
  if (stats.every((s) => !s)) return { state: 'missing' };
  const failures: Failure[] = [];
  let form: VerifiedForm = 'archive';
  let hashed = false;
  for (let i = 0; i < cand.rels.length; i++) {
    const rel = cand.rels[i];
    const file = path.join(dir, rel);
    const st = stats[i];
    if (!st) {
      const pins = entry.members?.[rel];
      failures.push({
        path: file,
        mismatch: { algorithm: 'size', expected: `${pins?.size ?? 'some'} bytes`, found: 'no file (the unpacked directory is incomplete)' },
      });
      continue;
    }
    const pin = pinFor(entry, cand.kind, rel);
    const known = force ? undefined : lookupRecord(dir, rel, pin, st);
    let outcome: Outcome;
    if (known) outcome = known.ok ? { ok: true, form: known.form ?? 'archive' } : fail(known.mismatch ?? { algorithm: 'size', expected: '?', found: '?' });
    else {
      outcome = await checkFile(file, entry, cand.kind, rel);
      hashed = true;
      remember(dir, rel, pin, outcome.ok ? { ok: true, form: outcome.form } : { ok: false, mismatch: outcome.mismatch });
    }
    if (outcome.ok) form = outcome.form;
    else failures.push({ path: file, mismatch: outcome.mismatch, stat: st });
  }
  if (failures.length) return { state: 'mismatch', failures };
  return { state: 'verified', form, checked: hashed ? 'hashed' : 'record' };
}

/**
 * Finds and verifies `entry` in `dir`, trying each accepted form in turn; hashes only what the record
 * cannot vouch for (or everything with `force`). Moves nothing: callers decide what to do with failures.
 */
export async function verifyEntry(dir: string, entry: DataFile, opts: { force?: boolean } = {}): Promise<EntryVerification> {
  const failures: Failure[] = [];
  for (const cand of candidates(entry)) {
    const r = await verifyCandidate(dir, entry, cand, opts.force ?? false);
    if (r.state === 'verified')
      return { state: 'verified', path: cand.kind === 'unpacked' ? dir : path.join(dir, cand.rels[0]), form: r.form, checked: r.checked, failures };
    if (r.state === 'mismatch') failures.push(...r.failures);
  }
  if (failures.length) return { state: 'mismatch', failures };
  return { state: statFile(partPath(path.join(dir, entry.name))) ? 'partial' : 'missing', failures };
}

/** Records a file this library just wrote and verified itself (a download), so the next load does not hash it. */
export function rememberVerified(dir: string, entry: DataFile, rel: string, form: VerifiedForm): void {
  const cand = candidates(entry).find((c) => c.rels.includes(rel));
  if (cand) remember(dir, rel, pinFor(entry, cand.kind, rel), { ok: true, form });
}

export type EntryCacheState = 'verified' | 'unverified' | 'corrupt' | 'partial' | 'missing';

/** What the record says about an entry, without hashing: the first verified form, else the first present one. */
export function entryCacheState(dir: string, entry: DataFile): { state: EntryCacheState; path: string; size?: number } {
  let fallback: { state: EntryCacheState; path: string; size?: number } | undefined;
  for (const cand of candidates(entry)) {
    const stats = cand.rels.map((rel) => statFile(path.join(dir, rel)));
    if (stats.every((s) => !s)) continue;
    const size = stats.reduce((s, st) => s + (st?.size ?? 0), 0);
    const where = cand.kind === 'unpacked' ? path.join(dir, cand.rels[0].split('/')[0]) : path.join(dir, cand.rels[0]);
    const known = cand.rels.map((rel, i) => (stats[i] ? lookupRecord(dir, rel, pinFor(entry, cand.kind, rel), stats[i]) : undefined));
    if (known.every((k) => k?.ok)) return { state: 'verified', path: where, size };
    const state: EntryCacheState = known.some((k) => k && !k.ok) ? 'corrupt' : 'unverified';
    fallback ??= { state, path: where, size };
  }
  if (fallback) return fallback;
  const part = statFile(partPath(path.join(dir, entry.name)));
  if (part) return { state: 'partial', path: path.join(dir, entry.name), size: part.size };
  return { state: 'missing', path: path.join(dir, entry.name) };
}
