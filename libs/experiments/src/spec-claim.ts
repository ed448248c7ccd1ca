import * as fs from 'node:fs';
import { canonicalHash, canonicalJSON, describeValue, writeFileAtomic } from '@sugar-lab/core';
import { readJSON } from './atomic';
import { SpecConflictError } from './errors';
import { expandGrid, type PlannedRun } from './grid';
import { parseSpecFields, type Spec } from './spec';
import { ResultsStore, type VariantOrder } from './store';

/**
 * What makes two specs the same sweep: everything but `description` and `workers`, which change neither
 * a run nor how results are compared.
 */
export function specIdentity(spec: Spec): Omit<Spec, 'description' | 'workers'> {
  const { description: _d, workers: _w, ...identity } = spec;
  return identity;
}

/** The spec's hash (SHA-256 of its identity's canonical JSON), recorded in DIR/spec.sha256. */
export function specHash(spec: Spec): string {
  return canonicalHash(specIdentity(spec));
}

export interface ClaimOptions {
  /**
   * Accept a spec whose grid is a superset of the stored one: allowed only when every run the directory
   * already has (or planned) keeps its id, variant label and grid point; the new points are added.
   */
  extend?: boolean;
}

export interface SpecClaim {
  hash: string;
  /** 'created': a new directory; 'same': the stored spec; 'extended': new grid points added. */
  mode: 'created' | 'same' | 'extended';
}

const short = (hash: string) => hash.slice(0, 12);

/** The first few places where two JSON values differ, as `base.epochs: 3 -> 5`. */
export function specDifferences(a: unknown, b: unknown, at = '', out: string[] = [], max = 5): string[] {
  if (out.length >= max || canonicalJSON(a) === canonicalJSON(b)) return out;
  const obj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (obj(a) && obj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) specDifferences(a[k], b[k], at ? `${at}.${k}` : k, out, max);
    return out;
  }
  const show = (x: unknown) => (x === undefined ? '(unset)' : describeValue(x));
  out.push(`${at || '(root)'}: ${show(a)} -> ${show(b)}`);
  return out;
}

/** The stored spec of a results directory and its hash; undefined for a directory without one. */
function storedSpec(store: ResultsStore): { spec: Spec; hash: string } | undefined {
  if (!fs.existsSync(store.specFile)) return undefined;
  const raw = readJSON<unknown>(store.specFile);
  if (raw === undefined) throw new SpecConflictError(`${store.specFile} is not readable JSON; move it aside or choose another --out`);
  const spec = parseSpecFields(raw, store.specFile);
  // Directories written before spec.sha256 existed: the hash of the spec they hold.
  const recorded = fs.existsSync(store.specHashFile) ? fs.readFileSync(store.specHashFile, 'utf8').trim() : '';
  return { spec, hash: recorded || specHash(spec) };
}

/** Runs of the stored sweep: those its spec plans (when today's code can still expand it) and every run directory. */
function existingRuns(store: ResultsStore, spec: Spec): Pick<PlannedRun, 'id' | 'variant' | 'point'>[] {
  const runs = new Map<string, Pick<PlannedRun, 'id' | 'variant' | 'point'>>();
  try {
    for (const r of expandGrid(spec)) runs.set(r.id, r);
  } catch {
    // An old spec today's registries cannot label: its run directories still say what they are.
  }
  for (const id of store.listRunIds()) {
    const r = store.plannedRun(id);
    if (r) runs.set(id, r);
  }
  return [...runs.values()];
}

/** Why the new spec would change existing runs ([] when it only adds grid points). */
function extensionProblems(store: ResultsStore, old: Spec, spec: Spec): string[] {
  const planned = new Map(expandGrid(spec).map((r) => [r.id, r]));
  const problems: string[] = [];
  for (const r of existingRuns(store, old)) {
    const now = planned.get(r.id);
    if (!now) problems.push(`run ${r.id} (${r.variant}) is not in the new grid (its config changed or its point was removed)`);
    else if (now.variant !== r.variant || canonicalJSON(now.point) !== canonicalJSON(r.point)) {
      problems.push(`run ${r.id} would be relabelled '${r.variant}' -> '${now.variant}' (an axis was added, removed or reordered)`);
    }
  }
  return problems;
}

/** The spec's variant labels (first axis slowest) and axes in its own order: spec.json's sorted keys lose both. */
export function variantOrder(spec: Spec): VariantOrder {
  return { axes: Object.keys(spec.grid), variants: [...new Set(expandGrid(spec).map((r) => r.variant))] };
}

function record(store: ResultsStore, spec: Spec, hash: string, mode: SpecClaim['mode'], from?: string): void {
  const text = canonicalJSON(spec) + '\n';
  if (!fs.existsSync(store.specFile) || fs.readFileSync(store.specFile, 'utf8') !== text) writeFileAtomic(store.specFile, text);
  store.writeVariantOrder(variantOrder(spec));
  if (!fs.existsSync(store.specHashFile) || fs.readFileSync(store.specHashFile, 'utf8').trim() !== hash) writeFileAtomic(store.specHashFile, hash + '\n');
  if (mode !== 'same' || !fs.existsSync(store.specHistoryFile)) {
    const entry = { at: new Date().toISOString(), mode, hash, ...(from ? { from } : {}), spec };
    fs.appendFileSync(store.specHistoryFile, JSON.stringify(entry) + '\n');
  }
}

/**
 * Binds a results directory to one spec, before anything is written for a sweep (`sugar run`, `--resume`,
 * `--emit slurm`): a new directory records the spec (spec.json, spec.sha256, spec-history.jsonl); the same
 * spec again is fine; another spec is refused with a SpecConflictError naming both, unless `extend` and the
 * new spec only adds grid points. So one directory never pools runs of two specs under one label.
 */
export function claimSpec(dir: string, spec: Spec, opts: ClaimOptions = {}): SpecClaim {
  const store = new ResultsStore(dir);
  fs.mkdirSync(dir, { recursive: true });
  const hash = specHash(spec);
  const stored = storedSpec(store);
  if (!stored) {
    record(store, spec, hash, 'created');
    return { hash, mode: 'created' };
  }
  if (stored.hash === hash) {
    record(store, spec, hash, 'same');
    return { hash, mode: 'same' };
  }
  const both = `'${stored.spec.name}' (spec ${short(stored.hash)}), not '${spec.name}' (spec ${short(hash)})`;
  const diff = specDifferences(specIdentity(stored.spec), specIdentity(spec)).join('; ');
  if (!opts.extend) {
    throw new SpecConflictError(
      `${dir} holds the sweep of spec ${both}; they differ in ${diff}. Run this spec with a new --out, or pass --extend to add its new grid points to this sweep (allowed when every existing run stays as it is).`,
    );
  }
  const problems = extensionProblems(store, stored.spec, spec);
  if (problems.length) {
    const list = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
    throw new SpecConflictError(
      `--extend: ${dir} holds the sweep of spec ${both}, and the new spec changes existing runs: ${list} (differences: ${diff}). --extend only adds grid points; run this spec with a new --out.`,
    );
  }
  record(store, spec, hash, 'extended', stored.hash);
  return { hash, mode: 'extended' };
}
