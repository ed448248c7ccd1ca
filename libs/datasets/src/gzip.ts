import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { GzipFormatError } from './errors';

// RFC 1952: ID1 ID2 CM (8 = deflate).
function checkHeader(head: Buffer, label: string): void {
  if (head.length < 10) throw new GzipFormatError('gzip', label, 'a gzip header of 10 bytes', `${head.length} bytes`, head.length);
  if (head[0] !== 0x1f || head[1] !== 0x8b) throw new GzipFormatError('gzip', label, 'gzip magic 1f 8b', `${hex(head[0])} ${hex(head[1])}`, 0);
  if (head[2] !== 8) throw new GzipFormatError('gzip', label, 'compression method 8 (deflate)', String(head[2]), 2);
}

const hex = (b: number) => b.toString(16).padStart(2, '0');

function zlibError(err: unknown, label: string, compressedSize: number): GzipFormatError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'Z_BUF_ERROR' || /unexpected end/.test(e.message))
    return new GzipFormatError('gzip', label, 'a complete gzip stream', 'the file ends inside the compressed data (truncated)', compressedSize);
  return new GzipFormatError('gzip', label, 'valid deflate data with a matching CRC-32 and length', `zlib error "${e.message}"`);
}

/** Decompresses a whole .gz file into memory (for the MNIST-family files, at most 47 MB). */
export function gunzipFile(file: string, label = file): Buffer {
  const raw = fs.readFileSync(file);
  checkHeader(raw.subarray(0, 10), label);
  try {
    return zlib.gunzipSync(raw);
  } catch (err) {
    throw zlibError(err, label, raw.length);
  }
}

/** Streams the decompressed bytes of a .gz file (for the 170 MB CIFAR archives), with typed errors. */
export async function* gunzipStream(file: string, label = file): AsyncGenerator<Buffer> {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(10);
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, 10, 0);
  } finally {
    fs.closeSync(fd);
  }
  checkHeader(head.subarray(0, n), label);
  const size = fs.statSync(file).size;
  const src = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const gz = zlib.createGunzip({ chunkSize: 1 << 18 });
  src.on('error', (err) => gz.destroy(err));
  src.pipe(gz);
  try {
    for await (const chunk of gz) yield chunk as Buffer;
  } catch (err) {
    throw zlibError(err, label, size);
  } finally {
    src.destroy();
    gz.destroy();
  }
}

/**
 * The content of a file whose name says whether it is gzipped (`.gz`): decompressed, strictly, when it
 * is, as stored when not. The name decides, not the bytes, so a `.gz` that is not gzip is an error.
 */
export async function* decodedStream(file: string, gzipped = file.endsWith('.gz'), label = file): AsyncGenerator<Buffer> {
  if (gzipped) {
    yield* gunzipStream(file, label);
    return;
  }
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
}

/** `decodedStream` into memory, for the IDX files a loader parses whole. */
export function readDecoded(file: string, gzipped = file.endsWith('.gz'), label = file): Buffer {
  return gzipped ? gunzipFile(file, label) : fs.readFileSync(file);
}
