/** Where the first byte sequence that is not UTF-8 starts, or -1 (overlong forms and surrogates count as invalid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= bytes.length + (n ? 0 : 1)) return i;
    for (let k = 1; k <= n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1];
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

/** The 1-based line and column (in bytes) of byte `offset`. */
export function lineOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * A spec file's text: UTF-8 with an optional byte-order mark (editors on Windows write one). Returns the
 * text, or where the first invalid byte is, so the error can name the line instead of the decoder silently
 * turning it into U+FFFD.
 */
export function decodeSpecText(bytes: Uint8Array): { text: string } | { invalidAt: number; line: number; column: number; byte: number } {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) return { invalidAt: bad, byte: bytes[bad], ...lineOf(bytes, bad) };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}
