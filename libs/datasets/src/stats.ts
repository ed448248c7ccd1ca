import type { ChannelStats } from './types';

/**
 * Per-channel mean and population standard deviation over the last axis of `shape`, in units of
 * `x * scale`. uint8 data goes through a 256-bin histogram per channel, which is exact and fast; float data
 * uses two passes in float64.
 */
export function channelStats(x: Uint8Array | Float32Array, shape: readonly number[], scale: number): ChannelStats {
  const C = shape[shape.length - 1] ?? 1;
  const vectors = x.length / C;
  const mean = new Array<number>(C).fill(0);
  const std = new Array<number>(C).fill(0);
  if (vectors === 0) return { mean, std: std.fill(1) };
  if (x instanceof Uint8Array) {
    const hist = new Float64Array(C * 256);
    for (let v = 0, o = 0; v < vectors; v++) for (let c = 0; c < C; c++, o++) hist[c * 256 + x[o]]++;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let k = 0; k < 256; k++) s += k * hist[c * 256 + k];
      const m = s / vectors;
      let q = 0;
      for (let k = 0; k < 256; k++) q += (k - m) * (k - m) * hist[c * 256 + k];
      mean[c] = m * scale;
      std[c] = Math.sqrt(q / vectors) * scale;
    }
  } else {
    const sum = new Float64Array(C);
    for (let v = 0, o = 0; v < vectors; v++) for (let c = 0; c < C; c++, o++) sum[c] += x[o];
    for (let c = 0; c < C; c++) mean[c] = sum[c] / vectors;
    const sq = new Float64Array(C);
    for (let v = 0, o = 0; v < vectors; v++)
      for (let c = 0; c < C; c++, o++) {
        const d = x[o] - mean[c];
        sq[c] += d * d;
      }
    for (let c = 0; c < C; c++) {
      std[c] = Math.sqrt(sq[c] / vectors) * scale;
      mean[c] *= scale;
    }
  }
  return { mean, std };
}
