import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePNG, pixelStats } from './png';

// An independent encoder: applies each PNG filter by its definition in the spec, so the decoder's
// unfiltering is checked against the forward transform rather than against itself.
function encode(width: number, height: number, channels: 3 | 4, pixels: Uint8Array, filters: number[]): Buffer {
  const stride = width * channels;
  const rows: number[] = [];
  const px = (x: number, y: number) => (x < 0 || y < 0 ? 0 : pixels[y * stride + x]);
  for (let y = 0; y < height; y++) {
    const f = filters[y % filters.length];
    rows.push(f);
    for (let i = 0; i < stride; i++) {
      const a = px(i - channels, y);
      const b = px(i, y - 1);
      const c = i >= channels ? px(i - channels, y - 1) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a),
        pb = Math.abs(p - b),
        pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      rows.push((pixels[y * stride + i] - pred) & 255);
    }
  }
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), body, Buffer.alloc(4)]); // CRC is not checked
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, channels === 3 ? 2 : 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodePNG', () => {
  for (const channels of [3, 4] as const) {
    it(`round-trips ${channels === 3 ? 'RGB' : 'RGBA'} through all five filter types`, () => {
      const w = 7,
        h = 10;
      const pixels = new Uint8Array(w * h * channels).map((_, i) => (i * 37 + ((i * i) % 11)) & 255);
      const img = decodePNG(encode(w, h, channels, pixels, [0, 1, 2, 3, 4]));
      expect([img.width, img.height, img.channels]).toEqual([w, h, channels]);
      expect(Array.from(img.pixels)).toEqual(Array.from(pixels));
    });
  }

  it('counts colors and non-white pixels', () => {
    const pixels = new Uint8Array([255, 255, 255, 0, 0, 0, 255, 0, 0, 255, 255, 255]);
    expect(pixelStats(decodePNG(encode(2, 2, 3, pixels, [0])))).toEqual({ distinctColors: 3, nonWhiteFraction: 0.5 });
  });

  it('rejects a file that is not a PNG', () => {
    expect(() => decodePNG(Buffer.from('GIF89a......'))).toThrow(/PNG signature/);
  });
});
