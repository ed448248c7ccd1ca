import { inflateSync } from 'node:zlib';

/** A decoded 8-bit PNG: `channels` is 3 (RGB) or 4 (RGBA), pixels row-major. */
export interface DecodedPNG {
  width: number;
  height: number;
  channels: 3 | 4;
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes non-interlaced 8-bit RGB/RGBA PNGs (what Chromium writes), for tests only. */
export function decodePNG(buf: Buffer): DecodedPNG {
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('decodePNG: expected the PNG signature at byte 0');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels: 3 | 4 = 4;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, color, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) {
        throw new Error(
          `decodePNG: expected 8-bit RGB/RGBA non-interlaced at byte ${off + 16}, found depth ${depth}, color type ${color}, interlace ${interlace}`,
        );
      }
      channels = color === 2 ? 3 : 4;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : NaN;
      if (Number.isNaN(pred)) throw new Error(`decodePNG: unknown filter type ${filter} on row ${y}`);
      pixels[y * stride + i] = (line[i] + pred) & 255;
    }
  }
  return { width, height, channels, pixels };
}

/** Distinct colors and the fraction of pixels that are not (near) white, over opaque pixels. */
export function pixelStats(img: DecodedPNG): { distinctColors: number; nonWhiteFraction: number } {
  const colors = new Set<number>();
  let nonWhite = 0;
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    const o = p * img.channels;
    const [r, g, b] = [img.pixels[o], img.pixels[o + 1], img.pixels[o + 2]];
    const alpha = img.channels === 4 ? img.pixels[o + 3] : 255;
    colors.add((r << 16) | (g << 8) | b);
    if (alpha > 0 && (r < 240 || g < 240 || b < 240)) nonWhite++;
  }
  return { distinctColors: colors.size, nonWhiteFraction: nonWhite / n };
}
