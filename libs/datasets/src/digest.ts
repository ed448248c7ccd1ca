import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { Digests } from './manifest';
import { DatasetChecksumError, type DigestAlgorithm } from './errors';

export interface FileDigest {
  size: number;
  sha256: string;
  md5: string;
}

/** Size, SHA-256 and MD5 of a stream of bytes in one pass, in constant memory. */
export async function digestStream(source: AsyncIterable<Buffer>): Promise<FileDigest> {
  const sha = crypto.createHash('sha256');
  const md5 = crypto.createHash('md5');
  let size = 0;
  for await (const chunk of source) {
    sha.update(chunk);
    md5.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: sha.digest('hex'), md5: md5.digest('hex') };
}

/** Size, SHA-256 and MD5 of a file in one streaming pass. */
export function digestFile(file: string): Promise<FileDigest> {
  return digestStream(fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>);
}

/** Incremental digests for bytes that arrive in pieces (a tar member). */
export function digester(): { update(chunk: Buffer): void; digest(): FileDigest } {
  const sha = crypto.createHash('sha256');
  const md5 = crypto.createHash('md5');
  let size = 0;
  return {
    update(chunk) {
      sha.update(chunk);
      md5.update(chunk);
      size += chunk.length;
    },
    digest: () => ({ size, sha256: sha.digest('hex'), md5: md5.digest('hex') }),
  };
}

export interface Mismatch {
  algorithm: DigestAlgorithm;
  expected: string;
  found: string;
  /** What was compared, when not the file's own bytes ('decompressed payload', 'tar member ...'). */
  subject?: string;
}

/** The first recorded check that `got` fails, or undefined when all recorded checks pass. */
export function digestMismatch(expected: Digests, got: FileDigest, subject?: string): Mismatch | undefined {
  const at = subject ? { subject } : {};
  if (expected.size !== undefined && expected.size !== got.size)
    return { algorithm: 'size', expected: `${expected.size} bytes`, found: `${got.size} bytes`, ...at };
  if (expected.sha256 && expected.sha256.toLowerCase() !== got.sha256) return { algorithm: 'sha256', expected: expected.sha256, found: got.sha256, ...at };
  if (expected.md5 && expected.md5.toLowerCase() !== got.md5) return { algorithm: 'md5', expected: expected.md5, found: got.md5, ...at };
  return undefined;
}

/** Whether any digest is pinned at all (a size alone identifies nothing). */
export function pinsContent(d: Digests | undefined): d is Digests {
  return Boolean(d && (d.sha256 || d.md5));
}

export function checksumError(file: string, mismatch: Mismatch, opts: { removed?: boolean; url?: string; hint?: string; quarantined?: string } = {}) {
  return new DatasetChecksumError(file, mismatch.algorithm, mismatch.expected, mismatch.found, opts.removed ?? false, opts.url, opts.hint, {
    subject: mismatch.subject,
    quarantined: opts.quarantined,
  });
}
