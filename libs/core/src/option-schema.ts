import { describeValue } from './describe-value';
import { closestName, didYouMean } from './did-you-mean';

/**
 * The one shape in which every registry entry (surrogate, model, dataset) declares its options, as plain
 * data: validation checks values against it, and help texts and docs print it (`describeOptions`).
 */
export type OptionSpec = NumberOption | BooleanOption | StringOption | ObjectOption;
export type OptionSchema = Readonly<Record<string, OptionSpec>>;

interface OptionBase {
  /** Must be given (there is no default). */
  required?: boolean;
  description?: string;
}

export interface NumberOption extends OptionBase {
  type: 'number';
  integer?: boolean;
  min?: number;
  max?: number;
  /** `min` itself is not allowed (`> min`). */
  exclusiveMin?: boolean;
  /** `max` itself is not allowed (`< max`). */
  exclusiveMax?: boolean;
  default?: number;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
  default?: boolean;
}

export interface StringOption extends OptionBase {
  type: 'string';
  choices?: readonly string[];
  default?: string;
}

export interface ObjectOption extends OptionBase {
  type: 'object';
  options: OptionSchema;
}

/** One problem with one option; `path` is relative to the checked object (`['limit', 'train']`). */
export interface OptionIssue {
  path: string[];
  /** The message without the path: `must be an integer >= 1; found 0`, `unknown option 'dropuot'; did you mean 'dropout'? ...`. */
  reason: string;
  expected: string;
  found: unknown;
  /** Set for a key the schema does not declare (`suggestion`: the close name it probably meant). */
  unknownKey?: { key: string; known: string[]; suggestion?: string };
}

function range(o: NumberOption): string {
  const lo = o.min !== undefined;
  const hi = o.max !== undefined;
  if (lo && hi) return ` in ${o.exclusiveMin ? '(' : '['}${o.min}, ${o.max}${o.exclusiveMax ? ')' : ']'}`;
  if (lo) return ` ${o.exclusiveMin ? '>' : '>='} ${o.min}`;
  if (hi) return ` ${o.exclusiveMax ? '<' : '<='} ${o.max}`;
  return '';
}

function quoteChoices(choices: readonly string[]): string {
  const q = choices.map((c) => `'${c}'`);
  return q.length === 2 ? `${q[0]} or ${q[1]}` : `one of ${q.join(', ')}`;
}

/** What a value of this option must be, as error messages say it: `an integer >= 1`, `'fine' or 'coarse'`. */
export function expectedOf(spec: OptionSpec, found?: unknown): string {
  switch (spec.type) {
    case 'number': {
      const nonFinite = typeof found === 'number' && !Number.isFinite(found);
      return `${spec.integer ? 'an integer' : nonFinite ? 'a finite number' : 'a number'}${range(spec)}`;
    }
    case 'boolean':
      return 'a boolean';
    case 'string':
      return spec.choices ? quoteChoices(spec.choices) : 'a string';
    case 'object':
      return `an object with ${Object.keys(spec.options).join(', ') || 'no keys'}`;
  }
}

function valueOk(spec: OptionSpec, v: unknown): boolean {
  switch (spec.type) {
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v) || (spec.integer && !Number.isInteger(v))) return false;
      if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min)) return false;
      return !(spec.max !== undefined && (spec.exclusiveMax ? v >= spec.max : v > spec.max));
    }
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string' && (!spec.choices || spec.choices.includes(v));
    case 'object':
      return true; // checked key by key
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * Every problem of `value` against `schema`: unknown keys (with a "did you mean" for close names),
 * missing required options, and values of the wrong type or out of range. `allowKeys` are accepted
 * without a check (keys another layer owns, such as a model's `name`).
 *
 * @param schema the declared options
 * @param value the options given
 * @param opts `allowKeys`: keys accepted unchecked
 * @param path where `value` sits, prefixed to every issue's path
 */
export function optionIssues(schema: OptionSchema, value: unknown, opts: { allowKeys?: readonly string[] } = {}, path: string[] = []): OptionIssue[] {
  if (!isPlainObject(value)) {
    const expected = 'an object';
    return [{ path, expected, found: value, reason: `must be ${expected}; found ${describeValue(value, 'object')}` }];
  }
  const known = Object.keys(schema);
  const issues: OptionIssue[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || opts.allowKeys?.includes(key)) continue;
    const spec = schema[key];
    if (!spec) {
      const list = known.length ? `known options: ${known.join(', ')}` : 'this takes no options';
      issues.push({
        path: [...path, key],
        expected: list,
        found: v,
        reason: `unknown option '${key}'; ${list}${didYouMean(key, known)}`,
        unknownKey: { key, known, suggestion: closestName(key, known) },
      });
    } else {
      issues.push(...specIssues(spec, v, [...path, key]));
    }
  }
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.required && value[key] === undefined) issues.push(...specIssues(spec, undefined, [...path, key]));
  }
  return issues;
}

function specIssues(spec: OptionSpec, v: unknown, path: string[]): OptionIssue[] {
  if (spec.type === 'object') return optionIssues(spec.options, v, {}, path);
  if (valueOk(spec, v)) return [];
  const expected = expectedOf(spec, v);
  return [{ path, expected, found: v, reason: `must be ${expected}; found ${describeValue(v, spec.type)}` }];
}

/**
 * `value` with every declared default filled in (nested objects too); unknown keys are kept as they are.
 *
 * @param schema the declared options
 * @param value the options given
 */
export function applyDefaults(schema: OptionSchema, value: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.type === 'object') {
      const sub = out[key];
      if (isPlainObject(sub)) out[key] = applyDefaults(spec.options, sub);
    } else if (out[key] === undefined && spec.default !== undefined) {
      out[key] = spec.default;
    }
  }
  return out;
}

/** One option as help texts and docs show it; nested options follow their object with the longer `path`. */
export interface OptionRow {
  path: string[];
  /** `an integer >= 1`, `'fine' or 'coarse'`, `an object` (as error messages say it). */
  expected: string;
  required: boolean;
  /** The declared default as JSON (`2`, `"fine"`), when there is one. */
  default?: string;
  description?: string;
}

/**
 * Every option of `schema`, nested ones after their object: what `describeOptions` prints and the docs' tables show.
 *
 * @param schema the declared options
 * @param path where the schema sits, prefixed to every row's name
 */
export function optionRows(schema: OptionSchema, path: string[] = []): OptionRow[] {
  return Object.entries(schema).flatMap(([key, spec]) => {
    const row: OptionRow = { path: [...path, key], expected: spec.type === 'object' ? 'an object' : expectedOf(spec), required: Boolean(spec.required) };
    if (!spec.required && spec.type !== 'object' && spec.default !== undefined) row.default = JSON.stringify(spec.default);
    if (spec.description) row.description = spec.description;
    return spec.type === 'object' ? [row, ...optionRows(spec.options, row.path)] : [row];
  });
}

/**
 * One line per option, for help texts and docs: `width  an integer >= 1, required: units per hidden layer`.
 *
 * @param schema the declared options
 * @param indent prefix of every line
 */
export function describeOptions(schema: OptionSchema, indent = ''): string[] {
  return optionRows(schema).map((r) => {
    const facts = [r.expected, ...(r.required ? ['required'] : r.default !== undefined ? [`default ${r.default}`] : [])];
    return `${indent}${'  '.repeat(r.path.length - 1)}${r.path[r.path.length - 1]}  ${facts.join(', ')}${r.description ? `: ${r.description}` : ''}`;
  });
}
