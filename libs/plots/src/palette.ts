/**
 * One color per variant, the same in every figure: a new variant's color is picked by a hash of
 * its string (its canonical activation string, e.g. `sugar(bsilu,alpha=1.67)`) and then kept for
 * the process, so ReLU vs SUGAR look the same in the learning curves, the bars and the
 * histograms of one report or notebook. `assignVariantColors` fixes them up front.
 */

// matplotlib's tab10 without its gray (kept for the ReLU baseline), then darker tab20b hues that
// are used only once the vivid ones are taken (hashes pick among the first 9).
export const VARIANT_PALETTE: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
  '#8c6d31',
  '#843c39',
  '#7b4173',
  '#5254a3',
];

const VIVID = 9;
const DEFAULTS: [string, string][] = [['relu', '#4d4d4d']];

// Every variant keeps the first color it was given for the rest of the process: a notebook or a
// report shows it in the same color in every figure, whatever else each figure shows.
const assigned = new Map<string, string>(DEFAULTS);

/**
 * Pin a variant's color (any CSS color) for every later figure in this process.
 *
 * @param variant the variant's label
 * @param color any CSS color
 */
export function setVariantColor(variant: string, color: string): void {
  assigned.set(variant, color);
}

/** Forget all colors given so far (back to the built-in `relu` gray). */
export function resetVariantColors(): void {
  assigned.clear();
  for (const [v, c] of DEFAULTS) assigned.set(v, c);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Pin distinct colors for a known list of variants, in order (e.g. the variants of one ablation,
 * baseline first), so that no two of them share a color and the choice does not depend on which
 * figure is drawn first. Variants that already have a color keep it.
 *
 * @param variants the variant labels, in the order colors are handed out
 */
export function assignVariantColors(variants: readonly string[]): Map<string, string> {
  const used = new Set([...assigned.values()].map((c) => c.toLowerCase()));
  const free = VARIANT_PALETTE.filter((c) => !used.has(c));
  let k = 0;
  for (const v of variants) {
    if (!assigned.has(v)) assigned.set(v, free.length ? free[k++ % free.length] : VARIANT_PALETTE[fnv1a(v) % VIVID]);
  }
  return new Map(variants.map((v) => [v, assigned.get(v)!]));
}

/**
 * Colors for the variants of one figure. A variant seen before keeps its color; a new one gets
 * the color its name hashes to among the vivid hues, or the next one not yet taken (new
 * variants are handled in sorted order, so the result does not depend on the input order).
 */
export function variantColors(variants: Iterable<string>): Map<string, string> {
  const unique = [...new Set(variants)];
  const inFigure = new Set(unique.filter((v) => assigned.has(v)).map((v) => assigned.get(v)!.toLowerCase()));
  for (const v of unique.filter((u) => !assigned.has(u)).sort()) {
    const taken = new Set([...assigned.values()].map((c) => c.toLowerCase()));
    const start = fnv1a(v) % VIVID;
    const order = VARIANT_PALETTE.map((_, k) => VARIANT_PALETTE[(start + k) % VARIANT_PALETTE.length]);
    // Prefer a color nobody has; past 15 variants, at least one not in this figure.
    const pick = order.find((c) => !taken.has(c)) ?? order.find((c) => !inFigure.has(c)) ?? order[0];
    assigned.set(v, pick);
    inFigure.add(pick);
  }
  return new Map(unique.map((v) => [v, assigned.get(v)!]));
}

/** The color of one variant (assigning it now if it has none yet). */
export function variantColor(variant: string): string {
  return variantColors([variant]).get(variant)!;
}

/** `#rrggbb` (or `#rgb`) with an alpha channel, as `rgba(...)`, for bands and overlays. */
export function withAlpha(color: string, alpha: number): string {
  let hex = color.replace(/^#/, '');
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) return color;
  const n = parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

// Viridis control points; layers are ordered, so they get an ordered (sequential) scale.
const VIRIDIS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** `n` colors along viridis (stopping short of its pale yellow end), for ordered things like layers. */
export function sequentialColors(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? 0 : (0.88 * i) / (n - 1);
    const f = t * (VIRIDIS.length - 1);
    const k = Math.min(Math.floor(f), VIRIDIS.length - 2);
    const u = f - k;
    const rgb = VIRIDIS[k].map((a, j) => Math.round(a + (VIRIDIS[k + 1][j] - a) * u));
    out.push('#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join(''));
  }
  return out;
}
