import type { Annotation, Axis, Layout } from './figure';

/**
 * The widest a figure is drawn by default: it fits the report's 1100 px column (and a notebook's output area)
 * with room to spare; the HTML fragment shrinks it further to its container (html.ts).
 */
export const MAX_FIGURE_WIDTH = 1060;

/** A default width, capped at MAX_FIGURE_WIDTH. */
export function figureWidth(wanted: number): number {
  return Math.min(MAX_FIGURE_WIDTH, Math.round(wanted));
}

/**
 * The look every builder shares: white background, light grid, and the legend in rows below the plot, left
 * aligned: inside the figure at any width (entries wrap onto more rows and the bottom margin grows to hold
 * them), where a legend to the right was cut off once the figure was wider than its column.
 */
export function baseLayout(title: string | undefined): Partial<Layout> {
  return {
    ...(title ? { title: { text: title, x: 0.5, xanchor: 'center' } } : {}),
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    font: { family: 'Liberation Sans, Arial, Helvetica, sans-serif', size: 13, color: '#222' },
    margin: { l: 70, r: 30, t: title ? 70 : 40, b: 60 },
    legend: { bgcolor: 'rgba(255,255,255,0.8)', orientation: 'h', x: 0, xanchor: 'left', y: -0.2, yanchor: 'top' },
    hovermode: 'closest',
  };
}

/**
 * The y range that shows a fraction's differences: [0, top] with top the data's maximum plus a tenth,
 * rounded up to a step of 5% (at least 5%, at most 100%), so values under 25% do not sit flat at the bottom
 * of a 0-100% axis.
 */
export function fractionRange(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  const top = finite.length ? Math.max(...finite) : 1;
  return [0, Math.min(1, Math.max(0.05, Math.ceil((top * 1.1) / 0.05 - 1e-9) * 0.05))];
}

export function axis(title: string, extra: Partial<Axis> = {}): Axis {
  return {
    title: { text: title },
    gridcolor: '#e6e6e6',
    zerolinecolor: '#bdbdbd',
    linecolor: '#888',
    showline: true,
    mirror: false,
    ...extra,
  };
}

/** Plotly's names for subplot k (0-based): trace refs `x2`/`y2`, layout keys `xaxis2`/`yaxis2`. */
export function subplotAxes(k: number): { x: string; y: string; xKey: string; yKey: string } {
  const n = k === 0 ? '' : String(k + 1);
  return { x: `x${n}`, y: `y${n}`, xKey: `xaxis${n}`, yKey: `yaxis${n}` };
}

/** A title above subplot k, placed in that subplot's own domain coordinates. */
export function subplotTitle(k: number, text: string, subtitle?: string): Annotation {
  const { x, y } = subplotAxes(k);
  return {
    text: `<b>${escapeText(text)}</b>` + (subtitle ? `<br><span style="font-size:11px">${escapeText(subtitle)}</span>` : ''),
    xref: `${x} domain`,
    yref: `${y} domain`,
    x: 0.5,
    y: 1.02,
    xanchor: 'center',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 13 },
  };
}

/** Plotly renders a subset of HTML in text; names coming from data must not be read as markup. */
export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function gridShape(n: number, columns?: number): { rows: number; columns: number } {
  // 4 panels read better as 2 x 2 than as 3 + 1.
  const c = Math.max(1, Math.min(n, columns ?? (n === 4 ? 2 : Math.min(n, 3))));
  return { rows: Math.ceil(n / c), columns: c };
}
