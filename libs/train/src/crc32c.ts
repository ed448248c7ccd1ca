// CRC-32C (Castagnoli), the checksum of TFRecord framing: TensorBoard rejects a record whose checksums do not match.
const POLY = 0x82f63b78; // reflected 0x1EDC6F41

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32C of `bytes`, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The masked CRC-32C TFRecord stores (a CRC of data that holds CRCs is weak, so TensorFlow rotates it and adds a
 * constant): ((crc >>> 15) | (crc << 17)) + 0xa282ead8, modulo 2^32.
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}
