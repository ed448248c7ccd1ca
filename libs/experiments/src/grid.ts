import { canonicalActivation, closestName, type ActivationSpec } from '@sugar-lab/core';
import { OnlyError } from './errors';
import { runId } from './canonical-json';
import { normalizeRunConfig, type RunConfig } from './run-config';
import type { Spec } from './spec';

/** One point of a sweep: its resolved config, stable id, and the labels tables group by. */
export interface PlannedRun {
  id: string;
  config: RunConfig;
  /** The grid values of this run, by axis. */
  point: Record<string, unknown>;
  /** Everything but the seed, as tables show it (e.g. `sugar(bsilu,alpha=1.67)`). */
  variant: string;
  seed: number;
}

/**
 * How an axis value reads in a table.
 *
 * @param axis the axis's path in the spec (e.g. `activation`, `optimizer.lr`)
 * @param value one of its values
 */
export function axisLabel(axis: string, value: unknown): string {
  if (axis === 'activation') return canonicalActivation(value as ActivationSpec);
  if ((axis === 'model' || axis === 'dataset') && value && typeof value === 'object') {
    const { name, ...rest } = value as Record<string, unknown>;
    const opts = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return opts.length ? `${String(name)}(${opts.join(',')})` : String(name);
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- grid values are JSON: what is not an object is a scalar
  return `${axis}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
}

/** Base config with grid values set at their dotted paths (deep copy). */
export function resolveRun(spec: Spec, point: Record<string, unknown>): Record<string, unknown> {
  const cfg = structuredClone<Record<string, unknown>>(spec.base);
  for (const [axis, value] of Object.entries(point)) {
    const keys = axis.split('.');
    let obj = cfg;
    for (const k of keys.slice(0, -1)) {
      if (!obj[k] || typeof obj[k] !== 'object') obj[k] = {};
      obj = obj[k] as Record<string, unknown>;
    }
    obj[keys[keys.length - 1]] = structuredClone(value);
  }
  return cfg;
}

/** Every point of the grid as axis -> value index, in spec order (the last axis varies fastest). */
export function gridIndices(spec: Spec): Record<string, number>[] {
  let points: Record<string, number>[] = [{}];
  for (const [axis, values] of Object.entries(spec.grid)) points = points.flatMap((p) => values.map((_, i) => ({ ...p, [axis]: i })));
  return points;
}

/** The axis the baseline is a value of: `activation` when it is an axis, else the first non-seed axis. */
export function baselineAxis(spec: Spec): string {
  const axes = Object.keys(spec.grid).filter((k) => k !== 'seed');
  return axes.includes('activation') ? 'activation' : (axes[0] ?? 'activation');
}

// A command expands its spec's grid once: validation, the directory claim and the runner share the result.
const expanded = new WeakMap<Spec, readonly PlannedRun[]>();

/**
 * The cartesian product of the grid axes, in spec order (last axis varies fastest), for a spec that
 * `parseSpec` accepted (its configs are not checked again here). Computed once per spec object; the runs are
 * frozen, so no caller can change what another one sees.
 *
 * @param spec a spec `parseSpec` accepted
 */
export function expandGrid(spec: Spec): PlannedRun[] {
  let runs = expanded.get(spec);
  if (!runs) expanded.set(spec, (runs = Object.freeze(expandPoints(spec).map((r) => Object.freeze(r)))));
  return runs as PlannedRun[];
}

function expandPoints(spec: Spec): PlannedRun[] {
  return gridIndices(spec).map((indices) => {
    const point = Object.fromEntries(Object.entries(indices).map(([axis, i]) => [axis, spec.grid[axis][i]]));
    // The spec's plugins are part of what a run is (omitted when none, so ids without plugins stay the same).
    const config = normalizeRunConfig({ ...resolveRun(spec, point), ...(spec.plugins?.length ? { plugins: spec.plugins } : {}) });
    const labels = Object.entries(point)
      .filter(([axis]) => axis !== 'seed')
      .map(([axis, v]) => axisLabel(axis, v));
    const variant = labels.length ? labels.join(' | ') : canonicalActivation(config.activation);
    return { id: runId(config), config, point, variant, seed: config.seed };
  });
}

/** The grid values of `runs` by axis, as `--only` terms name them (`seed` included). */
function axisValues(runs: readonly PlannedRun[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const r of runs) {
    for (const [axis, value] of Object.entries(r.point)) {
      const full = axisLabel(axis, value);
      const label = full.startsWith(`${axis}=`) ? full.slice(axis.length + 1) : full;
      if (!out.has(axis)) out.set(axis, new Set());
      out.get(axis)!.add(label);
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

function termMatches(r: PlannedRun, t: string): boolean {
  const eq = t.indexOf('=');
  if (eq > 0) {
    const axis = t.slice(0, eq);
    const want = t.slice(eq + 1);
    if (axis === 'seed') return String(r.seed) === want;
    if (axis in r.point) {
      const label = axisLabel(axis, r.point[axis]);
      return label === want || label === `${axis}=${want}` || label.startsWith(`${want}(`);
    }
  }
  return r.id.startsWith(t) || r.variant.includes(t);
}

// ` (did you mean activation=relu?)` for a term whose axis or value is a near miss of the grid's.
function onlyHint(term: string, axes: Map<string, string[]>): string {
  const eq = term.indexOf('=');
  if (eq <= 0) return '';
  const axis = term.slice(0, eq);
  const value = term.slice(eq + 1);
  const values = axes.get(axis);
  const guess = values ? closestName(value, values) : closestName(axis, [...axes.keys()]);
  if (guess === undefined) return '';
  return ` (did you mean ${values ? `${axis}=${guess}` : `${guess}=${value}`}?)`;
}

/**
 * Keeps the runs an `--only` filter names: comma-separated terms, each `key=value` on a grid axis label
 * (`activation=relu`), a run id prefix, or a substring of the variant label. Terms on the same axis are
 * alternatives (`seed=0,seed=1`: either seed); everything else must match too. A filter that keeps no run is an
 * OnlyError listing each axis's values, so a typo never runs an empty sweep.
 */
export function filterRuns(runs: PlannedRun[], only?: string): PlannedRun[] {
  if (!only) return runs;
  // Commas inside parentheses belong to a label (`sugar(bsilu,alpha=1.67)`), not between terms.
  const terms = only
    .split(/,(?![^(]*\))/)
    .map((t) => t.trim())
    .filter(Boolean);
  const axes = axisValues(runs);
  const byAxis = new Map<string, string[]>();
  for (const t of terms) {
    const axis = t.indexOf('=') > 0 && axes.has(t.slice(0, t.indexOf('='))) ? t.slice(0, t.indexOf('=')) : `\0${t}`;
    byAxis.set(axis, [...(byAxis.get(axis) ?? []), t]);
  }
  const kept = runs.filter((r) => [...byAxis.values()].every((alternatives) => alternatives.some((t) => termMatches(r, t))));
  if (kept.length || !runs.length) return kept;
  const hints = terms.map((t) => onlyHint(t, axes)).join('');
  const listing = [...axes].map(([axis, values]) => `${axis}: ${values.join(', ')}`).join('; ');
  throw new OnlyError(`--only '${only}' matches none of the ${runs.length} runs${hints}; the grid holds ${listing}`);
}
