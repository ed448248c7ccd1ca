/** Per-x statistics over seeds, ignoring non-finite values (a diverged seed leaves a gap, not a NaN band). */
export interface SeedStats {
  x: number[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  n: number[];
}

export function seedStats(series: { x: number[]; y: number[] }[]): SeedStats {
  const byX = new Map<number, number[]>();
  for (const s of series) {
    s.x.forEach((x, i) => {
      const v = s.y[i];
      if (!Number.isFinite(v)) return;
      const list = byX.get(x) ?? [];
      list.push(v);
      byX.set(x, list);
    });
  }
  const out: SeedStats = { x: [], mean: [], std: [], min: [], max: [], n: [] };
  for (const x of [...byX.keys()].sort((a, b) => a - b)) {
    const vs = byX.get(x)!;
    const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
    // Sample std (n-1): the spread of seeds, matching what statistics tables report.
    const ss = vs.reduce((a, b) => a + (b - mean) ** 2, 0);
    out.x.push(x);
    out.mean.push(mean);
    out.std.push(vs.length > 1 ? Math.sqrt(ss / (vs.length - 1)) : 0);
    out.min.push(Math.min(...vs));
    out.max.push(Math.max(...vs));
    out.n.push(vs.length);
  }
  return out;
}
