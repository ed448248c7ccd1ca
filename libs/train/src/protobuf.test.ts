import { describe, expect, it } from 'vitest';
import { bytesField, concat, doubleField, floatField, messageField, packedDoubles, stringField, varintField } from './protobuf';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('protobuf encoding', () => {
  it('writes varints as unsigned LEB128 after the key (field << 3 | wire type)', () => {
    expect(hex(varintField(1, 150))).toBe('089601'); // the protobuf documentation's example
    expect(hex(varintField(2, 300))).toBe('10ac02');
    expect(hex(varintField(2, 2 ** 40))).toBe('10808080808020');
    // int64 -1: ten bytes, as protobuf writes a negative int64
    expect(hex(varintField(1, -1))).toBe('08ffffffffffffffffff01');
  });

  it('writes doubles and floats little-endian, floats rounded to float32', () => {
    expect(hex(doubleField(1, 1.25))).toBe('09000000000000f43f');
    expect(hex(floatField(2, 0.1))).toBe('15cdcccc3d');
    expect(hex(floatField(2, NaN))).toBe('150000c07f');
  });

  it('writes strings, bytes and messages with their length, and packs repeated doubles', () => {
    expect(hex(stringField(1, 'é'))).toBe('0a02c3a9');
    expect(hex(bytesField(4, new Uint8Array(0)))).toBe('2200');
    expect(hex(messageField(7, [varintField(1, 1)]))).toBe('3a020801');
    expect(hex(packedDoubles(6, [0.5, 2]))).toBe('3210000000000000e03f0000000000000040');
    expect(hex(concat([varintField(1, 1), varintField(2, 2)]))).toBe('08011002');
  });

  it('writes a field number above 15 with a two-byte key', () => {
    expect(hex(varintField(16, 1))).toBe('800101');
  });
});
