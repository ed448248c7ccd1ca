import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { DataFile } from './manifest';
import { DatasetChecksumError, type DigestAlgorithm } from './errors';

export interface FileDigest {
  size: number;
  sha256: string;
  md5: string;
}

/** Size, SHA-256 and MD5 of a file in one streaming pass. */
export async function digestFile(file: string): Promise<FileDigest> {
  const sha = crypto.createHash('sha256');
  const md5 = crypto.createHash('md5');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    sha.update(chunk as Buffer);
    md5.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: sha.digest('hex'), md5: md5.digest('hex') };
}

/** The first recorded check that `got` fails, or undefined when all recorded checks pass. */
export function digestMismatch(
  expected: Pick<DataFile, 'size' | 'sha256' | 'md5'>,
  got: FileDigest,
): { algorithm: DigestAlgorithm; expected: string; found: string } | undefined {
  if (expected.size !== undefined && expected.size !== got.size)
    return { algorithm: 'size', expected: `${expected.size} bytes`, found: `${got.size} bytes` };
  if (expected.sha256 && expected.sha256.toLowerCase() !== got.sha256) return { algorithm: 'sha256', expected: expected.sha256, found: got.sha256 };
  if (expected.md5 && expected.md5.toLowerCase() !== got.md5) return { algorithm: 'md5', expected: expected.md5, found: got.md5 };
  return undefined;
}

export function checksumError(file: string, mismatch: NonNullable<ReturnType<typeof digestMismatch>>, removed: boolean, url?: string, hint?: string) {
  return new DatasetChecksumError(file, mismatch.algorithm, mismatch.expected, mismatch.found, removed, url, hint);
}
