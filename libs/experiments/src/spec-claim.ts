import * as fs from 'node:fs';
import { canonicalHash, canonicalJSON, describeValue, writeFileAtomic } from '@sugar-lab/core';
import { readJSON } from './atomic';
import { pluginDifference, pluginHashes } from './engine';
import { resolvePlugins } from './plugins';
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
  /** `--backend`: recorded by the first claim; a later command without it continues on it, one with another is refused. */
  backend?: string;
  /** SHA-256 of each plugin file the spec loads (engine.ts pluginHashes): an edited plugin is refused. */
  plugins?: Record<string, string>;
}

/** DIR/claim.json: what a sweep's runs were trained with besides their configs. */
interface ClaimRecord {
  /** The --backend override, or null for the fastest that loads. */
  backend: string | null;
  plugins: Record<string, string>;
}

export interface SpecClaim {
  hash: string;
  /** 'created': a new directory; 'same': the stored spec; 'extended': new grid points added. */
  mode: 'created' | 'same' | 'extended';
  /** The backend the sweep's runs must train on: --backend, else the one recorded; undefined: the fastest that loads. */
  backend?: string;
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
    const backend = claimEnvironment(store, spec, opts, true);
    record(store, spec, hash, 'created');
    return { hash, mode: 'created', ...backend };
  }
  if (stored.hash === hash) {
    const backend = claimEnvironment(store, spec, opts, false);
    record(store, spec, hash, 'same');
    return { hash, mode: 'same', ...backend };
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
  const backend = claimEnvironment(store, spec, opts, false);
  record(store, spec, hash, 'extended', stored.hash);
  return { hash, mode: 'extended', ...backend };
}

/** The --backend a sweep directory was claimed with (DIR/claim.json), undefined for none. */
export function claimedBackend(dir: string): string | undefined {
  return readJSON<ClaimRecord>(new ResultsStore(dir).claimFile)?.backend ?? undefined;
}

/** The plugin hashes a sweep directory was claimed with (DIR/claim.json), undefined where none were recorded. */
export function claimedPlugins(dir: string): Record<string, string> | undefined {
  return readJSON<ClaimRecord>(new ResultsStore(dir).claimFile)?.plugins;
}

/** SHA-256 of each plugin a spec loads (its `plugins` are resolved files), by specifier. */
export function specPluginHashes(spec: Spec, dir: string): Record<string, string> {
  return pluginHashes(resolvePlugins(spec.plugins ?? [], { from: [dir], where: (i) => `plugins[${i}] of spec '${spec.name}'` }));
}

/**
 * Checks (and on a new directory records) the --backend override and plugin hashes against DIR/claim.json: a
 * different --backend or an edited plugin would put two engines' numbers under one label, so it is refused with the
 * difference named. A directory from before claim.json records what this command brings.
 */
function claimEnvironment(store: ResultsStore, spec: Spec, opts: ClaimOptions, fresh: boolean): { backend?: string } {
  const plugins = opts.plugins ?? {};
  const was = fresh ? undefined : readJSON<ClaimRecord>(store.claimFile);
  if (!was) {
    writeFileAtomic(store.claimFile, JSON.stringify({ backend: opts.backend ?? null, plugins } satisfies ClaimRecord, null, 2) + '\n');
    return opts.backend ? { backend: opts.backend } : {};
  }
  const named = (b: string | null | undefined) => (b ? `--backend ${b}` : 'no --backend (the fastest backend that loads)');
  // Without a recorded --backend each run trains on its own `backend`: a --backend that every run names already
  // changes nothing (a spec with backend: cpu, emitted for Slurm, then run with --backend cpu).
  const same = was.backend === null && expandGrid(spec).every((r) => r.config.backend === opts.backend);
  if (opts.backend !== undefined && opts.backend !== was.backend && !same) {
    throw new SpecConflictError(
      `${store.dir} was run with ${named(was.backend)}; this command asks for ${named(opts.backend)}. Its runs would mix two backends under one label: leave --backend out to continue on the recorded one, or use a new --out.`,
    );
  }
  const edited = pluginDifference(was.plugins ?? {}, plugins);
  if (edited) {
    throw new SpecConflictError(
      `${store.dir}: ${edited} since its sweep started (${store.claimFile}); new runs would pool two versions of the code under one label. Restore the plugin, or train into a new --out.`,
    );
  }
  return was.backend ? { backend: was.backend } : {};
}
