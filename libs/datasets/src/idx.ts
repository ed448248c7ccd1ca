import { IdxFormatError } from './errors';

/** IDX element types (third magic byte), as in LeCun's MNIST page. */
const DTYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

export interface IdxExpect {
  /** Required rank (3 for images, 1 for labels). */
  rank: number;
  /** Required sizes per dimension after the first; the first (the count) is checked against `count`. */
  dims?: number[];
  /** Required number of items (first dimension), when known. */
  count?: number;
}

export interface IdxArray {
  dims: number[];
  /** The uint8 payload, copied out of the decompressed buffer. */
  data: Uint8Array;
}

/**
 * Parses a decompressed IDX buffer holding uint8 data (the only type the MNIST family uses), checking the
 * magic, element type, rank, every dimension and the exact byte length. Offsets are into the decompressed stream.
 */
export function parseIdxUint8(buf: Uint8Array, file: string, expect: IdxExpect): IdxArray {
  const ctx = 'decompressed IDX stream';
  const fail = (code: ConstructorParameters<typeof IdxFormatError>[0], expected: string, found: string, offset?: number) =>
    new IdxFormatError(code, file, expected, found, offset, ctx);
  if (buf.length < 4) throw fail('idx-length', 'a 4-byte IDX magic number', `${buf.length} bytes`, buf.length);
  if (buf[0] !== 0 || buf[1] !== 0) {
    const found = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw fail('idx-magic', 'IDX magic 00 00 <type> <rank>', found, 0);
  }
  const dtype = DTYPES[buf[2]];
  if (!dtype) throw fail('idx-dtype', 'an IDX type code (08, 09, 0b, 0c, 0d, 0e)', `0x${buf[2].toString(16)}`, 2);
  if (dtype.bytes !== 1 || dtype.name !== 'uint8') throw fail('idx-dtype', 'type 0x08 (uint8)', `0x${buf[2].toString(16)} (${dtype.name})`, 2);
  const rank = buf[3];
  if (rank !== expect.rank) throw fail('idx-rank', `rank ${expect.rank}`, `rank ${rank}`, 3);
  const header = 4 + 4 * rank;
  if (buf.length < header) throw fail('idx-length', `a ${header}-byte header`, `${buf.length} bytes`, buf.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (expect.count !== undefined && dims[0] !== expect.count) throw fail('idx-count', `${expect.count} items`, `${dims[0]} items`, 4);
  (expect.dims ?? []).forEach((d, i) => {
    if (dims[i + 1] !== d)
      throw fail(
        'idx-dims',
        `dimension ${i + 1} = ${d} (shape ${[dims[0], ...expect.dims!].join('x')})`,
        `${dims[i + 1]} (shape ${dims.join('x')})`,
        8 + 4 * i,
      );
  });
  const items = dims.reduce((a, b) => a * b, 1);
  const want = header + items * dtype.bytes;
  if (buf.length < want) throw fail('idx-length', `${want} bytes for shape ${dims.join('x')}`, `${buf.length} bytes (truncated)`, buf.length);
  if (buf.length > want) throw fail('idx-length', `${want} bytes for shape ${dims.join('x')}`, `${buf.length - want} extra bytes after the data`, want);
  return { dims, data: new Uint8Array(buf.subarray(header, want)) };
}

/** Throws if a label byte is not below `numClasses`, naming the first offender's byte offset (IDX label files have an 8-byte header). */
export function checkIdxLabels(labels: Uint8Array, numClasses: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses)
      throw new IdxFormatError('label-range', file, `labels in 0..${numClasses - 1}`, `label ${labels[i]} for item ${i}`, 8 + i, 'decompressed IDX stream');
  }
}
