import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { describeValue, didYouMean, optionIssues, type OptionSchema } from '@sugar-lab/core';
import { PluginError, SpecError, type SpecIssue } from './errors';
import { gridIndices, resolveRun } from './grid';
import { formatPath } from './path-format';
import { loadPluginsSync, type PluginSource } from './plugins';
import { RUN_FIELDS, runConfigIssues, type RunIssue } from './run-config';
import { sweepIssues } from './spec-checks';
import { decodeSpecText } from './spec-text';

/** An ablation: a `base` run config plus `grid` axes (dotted config paths to lists of values). */
export interface Spec {
  /** Names the default results directory `runs/<name>`: a plain directory name. */
  name: string;
  description?: string;
  /**
   * Modules loaded before the spec is validated, in the runner, every worker, `run-one` and `report`: they
   * register custom surrogates, models and datasets. Written as paths (relative to the spec's directory) or
   * package names; once parsed, the absolute files they resolved to (absent when there are none).
   */
  plugins?: string[];
  base: Record<string, unknown>;
  /** Axes: dotted config paths (`activation`, `optimizer.lr`, `seed`) to lists of values. */
  grid: Record<string, unknown[]>;
  /** The variant the others are compared with (its label on the baseline axis, e.g. `relu`). */
  baseline?: string;
  /** The headline metric of tables and plots. */
  metric: string;
  /** Worker processes this sweep suits (small models: one per core); `--workers` overrides. */
  workers?: number;
}

export const SPEC_FIELDS = ['name', 'description', 'plugins', 'base', 'grid', 'baseline', 'metric', 'workers'] as const;

const SPEC_SCALARS: OptionSchema = {
  name: { type: 'string', required: true },
  description: { type: 'string' },
  baseline: { type: 'string' },
  metric: { type: 'string' },
  workers: { type: 'number', integer: true, min: 1 },
};

/** A name that stays one directory below the results root: no separators, no `..`, not absolute. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

const issue = (parts: (string | number)[], message: string): SpecIssue => ({ path: formatPath(parts), parts, message });

function nameIssues(name: unknown): SpecIssue[] {
  if (typeof name !== 'string' || NAME_RE.test(name)) return [];
  return [
    issue(
      ['name'],
      `must be a plain directory name (letters, digits, '.', '_', '-'; no '/' or '..'; at most 100 characters), since results go to runs/<name>; found ${describeValue(name)}`,
    ),
  ];
}

function gridShapeIssues(grid: unknown): SpecIssue[] {
  if (grid === undefined) return [];
  if (!isObject(grid)) return [issue(['grid'], `must be a mapping of config paths to lists of values; found ${describeValue(grid, 'object')}`)];
  return Object.entries(grid).flatMap(([axis, values]) => {
    if (!Array.isArray(values)) return [issue(['grid', axis], `must be a list of values; found ${describeValue(values)}`)];
    return values.length ? [] : [issue(['grid', axis], 'must list at least one value')];
  });
}

function pluginListIssues(plugins: unknown): SpecIssue[] {
  if (plugins === undefined) return [];
  if (!Array.isArray(plugins)) return [issue(['plugins'], `must be a list of plugin paths (./my-plugin.js) or package names; found ${describeValue(plugins)}`)];
  return plugins.flatMap((p, i) =>
    typeof p === 'string' && p.trim() ? [] : [issue(['plugins', i], `must be a path (./my-plugin.js) or a package name; found ${describeValue(p, 'string')}`)],
  );
}

/** The spec's own fields (not the run configs inside it): what a stored spec.json needs to be read. */
function envelopeIssues(raw: unknown): SpecIssue[] {
  if (!isObject(raw)) return [issue([], `must be a mapping with name, base and grid; found ${describeValue(raw, 'object')}`)];
  const issues: SpecIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (!(SPEC_FIELDS as readonly string[]).includes(key)) {
      issues.push(issue([key], `is not a spec field; expected one of: ${SPEC_FIELDS.join(', ')}${didYouMean(key, SPEC_FIELDS)}`));
    }
  }
  const scalars = Object.fromEntries(Object.keys(SPEC_SCALARS).map((k) => [k, raw[k]]));
  issues.push(...optionIssues(SPEC_SCALARS, scalars).map((i) => issue(i.path, i.reason)));
  issues.push(...nameIssues(raw.name));
  issues.push(...pluginListIssues(raw.plugins));
  if (!isObject(raw.base))
    issues.push(issue(['base'], `must be a run config mapping (dataset, model, activation, optimizer, ...); found ${describeValue(raw.base, 'object')}`));
  issues.push(...gridShapeIssues(raw.grid));
  return issues;
}

/**
 * Reads a spec's own fields without checking its run configs against today's registries: what reading the
 * spec.json of existing results needs (a validator tightened since must not make them unreadable).
 */
export function parseSpecFields(raw: unknown, source = 'spec'): Spec {
  const issues = envelopeIssues(raw);
  if (issues.length) throw new SpecError(source, issues);
  const r = raw as Record<string, unknown>;
  const spec: Spec = {
    name: r.name as string,
    base: r.base as Record<string, unknown>,
    grid: (r.grid ?? {}) as Record<string, unknown[]>,
    metric: (r.metric as string | undefined) ?? 'testAccuracy',
  };
  if (r.description !== undefined) spec.description = r.description as string;
  // An empty list is no list: the spec hash and run ids of specs without plugins stay what they were.
  if (Array.isArray(r.plugins) && r.plugins.length) spec.plugins = [...(r.plugins as string[])];
  if (r.baseline !== undefined) spec.baseline = r.baseline as string;
  if (r.workers !== undefined) spec.workers = r.workers as number;
  return spec;
}

/** Every grid path names a place a value can go: a run config field, through objects only, not overwritten by a later axis. */
function gridPathIssues(spec: Spec): SpecIssue[] {
  const axes = Object.keys(spec.grid);
  return axes.flatMap((axis, i): SpecIssue[] => {
    const keys = axis.split('.');
    if (keys.some((k) => k === '')) return [issue(['grid', axis], `is not a config path (dotted field names such as 'optimizer.lr')`)];
    if (!RUN_FIELDS.includes(keys[0])) {
      return [issue(['grid', axis], `'${keys[0]}' is not a run config field; expected one of: ${RUN_FIELDS.join(', ')}${didYouMean(keys[0], RUN_FIELDS)}`)];
    }
    let v: unknown = spec.base;
    for (let k = 0; k < keys.length - 1; k++) {
      v = isObject(v) ? v[keys[k]] : undefined;
      if (v !== undefined && !isObject(v)) {
        const at = keys.slice(0, k + 1).join('.');
        return [issue(['grid', axis], `base.${at} is ${describeValue(v)}, not a mapping, so '${axis}' names no field`)];
      }
    }
    const later = axes.slice(i + 1).find((b) => axis.startsWith(`${b}.`));
    return later ? [issue(['grid', axis], `is replaced by the later axis '${later}' (it sets all of ${later}); list '${later}' first`)] : [];
  });
}

const startsWith = (path: (string | number)[], prefix: string[]) => prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

/**
 * Where in the spec a run config issue belongs: inside the value of the deepest axis that sets it
 * (`grid.activation[2].surrogate.alpha`), at the axis itself when the axis path names no field
 * (`grid.optimizer.lrr`), else in `base`.
 */
function placeIssue(spec: Spec, indices: Record<string, number>, i: RunIssue): SpecIssue {
  const owner = Object.keys(spec.grid)
    .map((axis) => ({ axis, keys: axis.split('.') }))
    .filter(({ keys }) => startsWith(i.path, keys))
    .sort((a, b) => b.keys.length - a.keys.length)[0];
  if (!owner) return issue(['base', ...i.path], i.reason);
  if (i.unknownKey && owner.keys.length === i.path.length) return issue(['grid', owner.axis], i.reason);
  const parts: (string | number)[] = ['grid', owner.axis, indices[owner.axis], ...i.path.slice(owner.keys.length)];
  return issue(parts, i.reason);
}

/** Every point of the full grid is checked, so a combination (a model axis with an option axis) cannot slip through. */
function gridPointIssues(spec: Spec): SpecIssue[] {
  const found = new Map<string, SpecIssue>();
  for (const indices of gridIndices(spec)) {
    const point = Object.fromEntries(Object.entries(indices).map(([axis, i]) => [axis, spec.grid[axis][i]]));
    for (const i of runConfigIssues(resolveRun(spec, point))) {
      const placed = placeIssue(spec, indices, i);
      const key = `${placed.path}\n${placed.message}`;
      if (!found.has(key)) found.set(key, placed);
    }
  }
  return [...found.values()];
}

/** Where a spec's plugins resolve from: a relative path from its directory; a package from there, then the cwd. */
export function specPluginSource(source: string, baseDir: string): PluginSource {
  return { from: [baseDir, process.cwd()], where: (i) => `plugins[${i}] of spec ${source}` };
}

/** A spec's plugins that could not be found or loaded, as the spec's issue at `plugins[i]`. */
export function pluginSpecError(source: string, index: number, err: PluginError): SpecError {
  return new SpecError(source, [issue(['plugins', index], `cannot load plugin '${err.plugin}': ${err.reason}`)]);
}

/** Loads the spec's plugins (each once per process) and returns the files they resolved to. */
function loadSpecPlugins(plugins: string[], source: string, baseDir: string): string[] {
  const files = plugins.map((p, i) => {
    try {
      return loadPluginsSync([p], specPluginSource(source, baseDir))[0].file;
    } catch (err) {
      throw err instanceof PluginError ? pluginSpecError(source, i, err) : err;
    }
  });
  return [...new Set(files)];
}

export interface ParseSpecOptions {
  /** Where the spec's relative plugin paths point from (and its packages resolve first): default the cwd. */
  baseDir?: string;
  /** The most runs a spec's grid may expand to (default SUGAR_MAX_RUNS, else 100,000). */
  maxRuns?: number;
}

/** The largest grid a spec may have unless SUGAR_MAX_RUNS (or parseSpec's maxRuns) says otherwise. */
const DEFAULT_MAX_RUNS = 100_000;

function maxRunsOf(opts: ParseSpecOptions): number {
  if (opts.maxRuns !== undefined) return opts.maxRuns;
  const env = process.env.SUGAR_MAX_RUNS?.trim();
  if (!env) return DEFAULT_MAX_RUNS;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new SpecError('SUGAR_MAX_RUNS', [issue([], `expected an integer >= 1; found '${env}'`)]);
  return n;
}

// The grid's size from its axes' lengths, before anything is expanded: a 10^8-point grid is refused at once.
function gridSizeIssues(spec: Spec, maxRuns: number): SpecIssue[] {
  const lengths = Object.entries(spec.grid).map(([axis, values]) => ({ axis, n: values.length }));
  const total = lengths.reduce((p, { n }) => p * n, 1);
  if (total <= maxRuns) return [];
  const product = lengths.map(({ axis, n }) => `${axis} ${n}`).join(' x ');
  return [
    issue(
      ['grid'],
      `expands to ${total.toLocaleString('en-US')} runs (${product}); the limit is ${maxRuns.toLocaleString('en-US')} (SUGAR_MAX_RUNS raises it)`,
    ),
  ];
}

/**
 * Parses and validates a spec: its own fields, then its plugins are loaded (so what they register is known),
 * then every grid path, every run config of the full grid (registry schemas of models, datasets and
 * surrogates; train's config; the landscape probe; the backend), duplicate grid points, the baseline and the
 * metric. Nothing trains on a spec that does not pass. The returned spec lists its plugins as absolute files.
 *
 * @param raw the spec as parsed from YAML or JSON
 * @param source where it came from, for error messages (default `spec`)
 * @param opts the directory its relative plugin paths point from, and the most runs its grid may expand to
 */
export function parseSpec(raw: unknown, source = 'spec', opts: ParseSpecOptions = {}): Spec {
  const spec = parseSpecFields(raw, source);
  const sizeIssues = gridSizeIssues(spec, maxRunsOf(opts));
  if (sizeIssues.length) throw new SpecError(source, sizeIssues);
  if (spec.plugins) spec.plugins = loadSpecPlugins(spec.plugins, source, opts.baseDir ?? process.cwd());
  const pathIssues = gridPathIssues(spec);
  if (pathIssues.length) throw new SpecError(source, pathIssues);
  const issues = gridPointIssues(spec);
  if (issues.length) throw new SpecError(source, issues);
  const more = sweepIssues(spec);
  if (more.length) throw new SpecError(source, more);
  return spec;
}

/** A spec file's content, not yet checked (YAML or JSON, UTF-8, a byte-order mark allowed); errors name the file. */
export function readSpecFile(file: string): unknown {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new SpecError(file, [{ path: '', parts: [], message: `cannot read: ${(err as Error).message}` }]);
  }
  const decoded = decodeSpecText(bytes);
  if ('invalidAt' in decoded) {
    const hex = decoded.byte.toString(16).padStart(2, '0');
    const where = `line ${decoded.line}, column ${decoded.column} (byte ${decoded.invalidAt})`;
    throw new SpecError(file, [{ path: '', parts: [], message: `not valid UTF-8 at ${where}: byte 0x${hex}; save the file as UTF-8` }]);
  }
  const json = /\.json$/i.test(file);
  let raw: unknown;
  try {
    raw = json ? JSON.parse(decoded.text) : YAML.parse(decoded.text, { prettyErrors: true });
  } catch (err) {
    throw new SpecError(file, [{ path: '', parts: [], message: `not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message}` }]);
  }
  const deep = tooDeep(raw);
  if (deep)
    throw new SpecError(file, [issue(deep, `nested more than ${MAX_SPEC_DEPTH} levels deep below here; a spec's values are at most ${MAX_SPEC_DEPTH} levels`)]);
  return raw;
}

/** How deep a spec's values may nest: far beyond any real config, far below what recursive checks can take. */
const MAX_SPEC_DEPTH = 64;

// The path to the first value nested deeper than MAX_SPEC_DEPTH, found without recursion (a hostile or generated file
// can nest 10^5 levels, which every recursive walk after this would overflow on).
function tooDeep(root: unknown): (string | number)[] | undefined {
  const stack: { value: unknown; parts: (string | number)[] }[] = [{ value: root, parts: [] }];
  while (stack.length) {
    const { value, parts } = stack.pop()!;
    if (parts.length > MAX_SPEC_DEPTH) return parts.slice(0, 3);
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) stack.push({ value: v, parts: [...parts, Array.isArray(value) ? Number(k) : k] });
    }
  }
  return undefined;
}

/**
 * Loads a spec from a YAML or JSON file: its plugins (relative to the file's directory), then validation.
 *
 * @param file a YAML or JSON spec file
 */
export function loadSpecFile(file: string): Spec {
  return parseSpec(readSpecFile(file), file, { baseDir: path.dirname(path.resolve(file)) });
}
