import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from './crc32c';

describe('crc32c', () => {
  it('matches the published CRC-32C check values (RFC 3720, B.4)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it("masks as TFRecord does (TensorBoard's masked_crc32c)", () => {
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe(0xc78ab0e5);
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
  });
});
