// The few protocol-buffer encodings an events file needs (varint, 64-bit, length-delimited and 32-bit fields), so
// that writing TensorBoard's format takes no protobuf runtime. One growing buffer per message: an epoch's event
// holds a hundred values, and a buffer per field would be most of the time it takes to write them.

const WIRE_VARINT = 0;
const WIRE_64BIT = 1;
const WIRE_LEN = 2;
const WIRE_32BIT = 5;

const textEncoder = new TextEncoder();

/** Writes one message's fields, in the order called; `finish` gives its bytes. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buf.length, this.len + n));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  // Unsigned LEB128 of a non-negative safe integer (keys, lengths, steps): plain arithmetic, no BigInt.
  private uvarint(v: number): void {
    this.reserve(10);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private key(field: number, wire: number): void {
    this.uvarint(field * 8 + wire);
  }

  /** An int64, uint64, bool or enum field; a negative value is taken modulo 2^64 (ten bytes), as protobuf writes an int64. */
  varint(field: number, value: number | bigint): this {
    this.key(field, WIRE_VARINT);
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
      this.uvarint(value);
      return this;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  /** A double field (little-endian). */
  double(field: number, value: number): this {
    this.key(field, WIRE_64BIT);
    this.reserve(8);
    this.view.setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  /** A float field (the value rounded to float32, little-endian). */
  float(field: number, value: number): this {
    this.key(field, WIRE_32BIT);
    this.reserve(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A bytes field. */
  bytes(field: number, bytes: Uint8Array): this {
    this.key(field, WIRE_LEN);
    this.uvarint(bytes.length);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, text: string): this {
    return this.bytes(field, textEncoder.encode(text));
  }

  /** An embedded message field: `body` writes its fields into this writer, its length is put in front of them. */
  message(field: number, body: (w: this) => void): this {
    this.key(field, WIRE_LEN);
    const start = this.len;
    body(this);
    const size = this.len - start;
    const header = new ProtoWriter();
    header.uvarint(size);
    const n = header.len;
    this.reserve(n);
    this.buf.copyWithin(start + n, start, this.len);
    this.buf.set(header.buf.subarray(0, n), start);
    this.len += n;
    return this;
  }

  /** A packed repeated double field (proto3's encoding of `repeated double`). */
  packedDoubles(field: number, values: readonly number[]): this {
    this.key(field, WIRE_LEN);
    this.uvarint(8 * values.length);
    this.reserve(8 * values.length);
    for (const v of values) {
      this.view.setFloat64(this.len, v, true);
      this.len += 8;
    }
    return this;
  }

  /** The message's bytes (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** The bytes of a message whose fields `body` writes. */
export function encode(body: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter();
  body(w);
  return w.finish();
}
