// The few protocol-buffer encodings an events file needs (varint, 64-bit, length-delimited and 32-bit fields), so
// that writing TensorBoard's format takes no protobuf runtime. A message is the concatenation of its fields' bytes.

/** One encoded field (or several, concatenated). */
export type Encoded = Uint8Array;

const WIRE_VARINT = 0;
const WIRE_64BIT = 1;
const WIRE_LEN = 2;
const WIRE_32BIT = 5;

/** Unsigned LEB128 of a value taken modulo 2^64 (a negative int64 becomes ten bytes, as protobuf writes it). */
function varintBytes(value: number | bigint): number[] {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return smallVarint(value);
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

// Keys, lengths and steps: plain arithmetic, no BigInt (an events file writes thousands of them per epoch).
function smallVarint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

const key = (field: number, wire: number) => varintBytes(field * 8 + wire);

/** The fields' bytes, in order: the body of a message. */
export function concat(parts: readonly Encoded[]): Encoded {
  return Buffer.concat(parts);
}

/** An int64, uint64, bool or enum field. */
export function varintField(field: number, value: number | bigint): Encoded {
  return Uint8Array.from([...key(field, WIRE_VARINT), ...varintBytes(value)]);
}

/** A double field. */
export function doubleField(field: number, value: number): Encoded {
  const out = Buffer.alloc(8);
  out.writeDoubleLE(value);
  return concat([Uint8Array.from(key(field, WIRE_64BIT)), out]);
}

/** A float field (the value rounded to float32). */
export function floatField(field: number, value: number): Encoded {
  const out = Buffer.alloc(4);
  out.writeFloatLE(value);
  return concat([Uint8Array.from(key(field, WIRE_32BIT)), out]);
}

/** A bytes field, or an embedded message's (its encoded fields). */
export function bytesField(field: number, bytes: Uint8Array): Encoded {
  return concat([Uint8Array.from([...key(field, WIRE_LEN), ...varintBytes(bytes.length)]), bytes]);
}

/** A string field (UTF-8). */
export function stringField(field: number, text: string): Encoded {
  return bytesField(field, Buffer.from(text, 'utf8'));
}

/** An embedded message field. */
export function messageField(field: number, fields: readonly Encoded[]): Encoded {
  return bytesField(field, concat(fields));
}

/** A packed repeated double field (proto3's encoding of `repeated double`). */
export function packedDoubles(field: number, values: readonly number[]): Encoded {
  const out = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => out.writeDoubleLE(v, 8 * i));
  return bytesField(field, out);
}
