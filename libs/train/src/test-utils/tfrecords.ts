// Reads back what EventFileWriter writes, for the tests that look inside an events file without TensorBoard.
import * as fs from 'node:fs';
import { maskedCrc32c } from '../crc32c';

/** The payloads of a TFRecord file, each record's length and both checksums verified. */
export function readRecords(file: string): Buffer[] {
  const bytes = fs.readFileSync(file);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const len = Number(bytes.readBigUInt64LE(at));
    if (bytes.readUInt32LE(at + 8) !== maskedCrc32c(bytes.subarray(at, at + 8))) throw new Error(`${file}@${at}: length checksum`);
    const data = bytes.subarray(at + 12, at + 12 + len);
    if (data.length !== len || bytes.readUInt32LE(at + 12 + len) !== maskedCrc32c(data)) throw new Error(`${file}@${at}: data checksum`);
    out.push(data);
    at += 16 + len;
  }
  return out;
}

/** An Event without its wall time (always the first field, 9 bytes), to compare with what an encoder gives. */
export const withoutWallTime = (event: Uint8Array): string => Buffer.from(event.subarray(9)).toString('hex');
