import { describe, expect, it } from 'vitest';
import { encode } from './protobuf';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('writes varints as unsigned LEB128 after the key (field << 3 | wire type)', () => {
    expect(hex(encode((w) => w.varint(1, 150)))).toBe('089601'); // the protobuf documentation's example
    expect(hex(encode((w) => w.varint(2, 300)))).toBe('10ac02');
    expect(hex(encode((w) => w.varint(2, 2 ** 40)))).toBe('10808080808020');
    expect(hex(encode((w) => w.varint(2, 2n ** 63n)))).toBe('1080808080808080808001');
    // int64 -1: ten bytes, as protobuf writes a negative int64
    expect(hex(encode((w) => w.varint(1, -1)))).toBe('08ffffffffffffffffff01');
  });

  it('writes doubles and floats little-endian, floats rounded to float32', () => {
    expect(hex(encode((w) => w.double(1, 1.25)))).toBe('09000000000000f43f');
    expect(hex(encode((w) => w.float(2, 0.1)))).toBe('15cdcccc3d');
    expect(hex(encode((w) => w.float(2, NaN)))).toBe('150000c07f');
  });

  it('writes strings, bytes and messages with their length, and packs repeated doubles', () => {
    expect(hex(encode((w) => w.string(1, 'é')))).toBe('0a02c3a9');
    expect(hex(encode((w) => w.bytes(4, new Uint8Array(0))))).toBe('2200');
    expect(hex(encode((w) => w.message(7, (m) => m.varint(1, 1))))).toBe('3a020801');
    expect(hex(encode((w) => w.message(2, () => {})))).toBe('1200');
    expect(hex(encode((w) => w.packedDoubles(6, [0.5, 2])))).toBe('3210000000000000e03f0000000000000040');
    expect(hex(encode((w) => w.varint(1, 1).varint(2, 2)))).toBe('08011002');
  });

  it('writes a field number above 15 with a two-byte key, and a message of 128 bytes or more with a two-byte length', () => {
    expect(hex(encode((w) => w.varint(16, 1)))).toBe('800101');
    const long = 'x'.repeat(200);
    const bytes = encode((w) =>
      w
        .varint(1, 7)
        .message(2, (m) => m.string(1, long))
        .varint(3, 9),
    );
    // 08 07 | 12 <len 203 = cb 01> 0a <len 200 = c8 01> x*200 | 18 09
    expect(hex(bytes.subarray(0, 8))).toBe('080712cb010ac801');
    expect(bytes.length).toBe(2 + 3 + 3 + 200 + 2);
    expect(hex(bytes.subarray(-2))).toBe('1809');
  });

  it('grows past its first buffer', () => {
    const values = Array.from({ length: 100 }, (_, i) => i / 7);
    const bytes = encode((w) => w.packedDoubles(6, values));
    expect(bytes.length).toBe(1 + 2 + 800);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getFloat64(3 + 8 * 99, true)).toBe(99 / 7);
  });
});
