import type { ActivationSpec, SugarRegion, SurrogateSpec } from './activation-spec';
import { describeValue } from './describe-value';
import { didYouMean } from './did-you-mean';
import { ActivationSpecError, SurrogateError } from './errors';
import { formatNumber, getSurrogate, listSurrogates, type Surrogate, type SurrogateParams } from './surrogate';
import './surrogates-builtin';

export const SUGAR_REGIONS: readonly SugarRegion[] = ['all', 'negative'];

/** A validated ActivationSpec with its surrogate resolved (params defaulted). */
export type ResolvedActivation = { kind: 'relu' } | { kind: 'sugar'; surrogate: Surrogate; region: SugarRegion } | { kind: 'forward'; surrogate: Surrogate };

function describe(x: unknown): string {
  return x === undefined ? 'undefined' : describeValue(x);
}

/** An error at `path` inside the spec whose root the caller calls `prefix` (`activation`, `spec.model.activation`). */
function specError(prefix: string, path: readonly string[], reason: string, unknownKey = false): ActivationSpecError {
  const where = [prefix, ...path].filter(Boolean).join('.');
  return new ActivationSpecError(`${where ? `${where}: ` : ''}${reason}`, { path, reason, unknownKey });
}

/**
 * Resolves the surrogate at `at` (its name at `nameAt`). A SurrogateError keeps the message it always had
 * (`activation.surrogate: surrogate 'bsilu': parameter alpha must be > 0 ...`) and gets the exact key as `path`.
 */
function surrogateAt(name: unknown, params: Record<string, unknown>, prefix: string, at: readonly string[], nameAt: readonly string[]): Surrogate {
  if (typeof name !== 'string') {
    throw specError(prefix, nameAt, `expected a surrogate name (one of: ${listSurrogates().join(', ')}); found ${describe(name)}`);
  }
  try {
    return getSurrogate(name, params as SurrogateParams);
  } catch (err) {
    if (!(err instanceof SurrogateError)) throw err;
    const where = [prefix, ...at].filter(Boolean).join('.');
    const path = err.param !== undefined ? [...at, err.param] : nameAt;
    throw new ActivationSpecError(`${where ? `${where}: ` : ''}${err.message}`, { path, reason: err.message, unknownKey: err.unknownParam });
  }
}

const KINDS = () => ['relu', 'sugar', ...listSurrogates()];

function unknownKind(prefix: string, kind: unknown): ActivationSpecError {
  const found = typeof kind === 'string' ? `'${kind}'` : describe(kind);
  return specError(
    prefix,
    ['kind'],
    `expected 'relu', 'sugar' or a surrogate name (${listSurrogates().join(', ')}); found ${found}${didYouMean(kind, KINDS())}`,
  );
}

/**
 * Checks an ActivationSpec and resolves its surrogate. Throws an ActivationSpecError that names
 * the spec path (`activation.surrogate.alpha`), what was expected and what was found; its `path`
 * and `reason` carry the same without the prefix.
 *
 * @param spec the activation to check and resolve
 * @param path where the spec sits, for error messages (default `activation`)
 */
export function resolveActivation(spec: ActivationSpec, path = 'activation'): ResolvedActivation {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw specError(path, [], `expected an object { kind, ... }; found ${describe(spec)}`);
  }
  const { kind, ...rest } = spec as Record<string, unknown>;
  if (typeof kind !== 'string') throw unknownKind(path, kind);
  const extra = (allowed: string[]) => {
    const bad = Object.keys(rest).filter((k) => !allowed.includes(k));
    if (bad.length) {
      const expected = allowed.length ? `only ${allowed.join(', ')}` : 'no other keys';
      throw specError(path, [bad[0]], `unknown key for kind '${kind}'; expected ${expected}${didYouMean(bad[0], allowed)}`, true);
    }
  };
  if (kind === 'relu') {
    extra([]);
    return { kind: 'relu' };
  }
  if (kind === 'sugar') {
    extra(['surrogate', 'region']);
    const s = rest.surrogate as SurrogateSpec | undefined;
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      throw specError(path, ['surrogate'], `expected { name, alpha? }; found ${describe(s)}`);
    }
    const { name, ...params } = s as unknown as Record<string, unknown>;
    const region = rest.region ?? 'all';
    if (!SUGAR_REGIONS.includes(region as SugarRegion)) {
      throw specError(path, ['region'], `expected one of: ${SUGAR_REGIONS.join(', ')}; found ${describe(region)}${didYouMean(region, SUGAR_REGIONS)}`);
    }
    return { kind: 'sugar', surrogate: surrogateAt(name, params, path, ['surrogate'], ['surrogate', 'name']), region: region as SugarRegion };
  }
  if (!listSurrogates().includes(kind)) throw unknownKind(path, kind);
  return { kind: 'forward', surrogate: surrogateAt(kind, rest, path, [], ['kind']) };
}

/**
 * Throws an ActivationSpecError if `spec` is not a valid ActivationSpec; returns it unchanged.
 *
 * @param spec the activation to check
 * @param path where the spec sits, for error messages (default `activation`)
 */
export function validateActivation<T extends ActivationSpec>(spec: T, path = 'activation'): T {
  resolveActivation(spec, path);
  return spec;
}

/**
 * The canonical string of a spec (what tables and plots show): `relu`, `sugar(bsilu,alpha=1.67)`,
 * `sugar(nelu,alpha=0.01,region=negative)`, `gelu`, `bsilu(alpha=1.67)`. Parameters are always
 * written with defaults filled in, so equal meanings give equal strings.
 *
 * @param spec the activation to name (checked first)
 */
export function canonicalActivation(spec: ActivationSpec): string {
  const r = resolveActivation(spec);
  if (r.kind === 'relu') return 'relu';
  if (r.kind === 'forward') return r.surrogate.toString();
  const parts = [r.surrogate.name, ...Object.entries(r.surrogate.params).map(([k, v]) => `${k}=${formatNumber(v)}`)];
  if (r.region !== 'all') parts.push(`region=${r.region}`);
  return `sugar(${parts.join(',')})`;
}

const CALL_RE = /^([A-Za-z][A-Za-z0-9_]*)(?:\((.*)\))?$/;

function parseArgs(body: string, input: string): { positional: string[]; named: [string, string][] } {
  const positional: string[] = [];
  const named: [string, string][] = [];
  if (body.trim() === '') return { positional, named };
  for (const raw of body.split(',')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (named.length) throw new ActivationSpecError(`parseActivation('${input}'): positional '${part}' after key=value arguments`);
      positional.push(part);
    } else {
      named.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
    }
  }
  return { positional, named };
}

function parseNumber(key: string, value: string, input: string): number {
  const v = value === '' ? NaN : Number(value);
  if (!Number.isFinite(v)) {
    throw new ActivationSpecError(`parseActivation('${input}'): ${key} must be a finite number; found '${value}'`);
  }
  return v;
}

/**
 * Inverse of `canonicalActivation`: `sugar(bsilu,alpha=1.67)` -> `{ kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } }`.
 *
 * @param text a canonical string as `canonicalActivation` writes it
 */
export function parseActivation(text: string): ActivationSpec {
  if (typeof text !== 'string') throw new ActivationSpecError(`parseActivation: expected a string; found ${describe(text)}`);
  const input = text.trim();
  const m = CALL_RE.exec(input.replace(/\s+/g, ''));
  if (!m) {
    throw new ActivationSpecError(`parseActivation: expected 'relu', 'sugar(NAME,k=v,...)' or 'NAME(k=v,...)'; found '${text}'`);
  }
  const [, head, body] = m;
  const { positional, named } = parseArgs(body ?? '', input);
  let spec: ActivationSpec;
  if (head === 'relu' && body === undefined) {
    spec = { kind: 'relu' };
  } else if (head === 'sugar') {
    if (positional.length !== 1) {
      throw new ActivationSpecError(`parseActivation('${input}'): sugar(...) takes the surrogate name first; found ${positional.length} names`);
    }
    const surrogate: Record<string, unknown> = { name: positional[0] };
    let region: SugarRegion | undefined;
    for (const [k, v] of named) {
      if (k === 'region') region = v as SugarRegion;
      else surrogate[k] = parseNumber(k, v, input);
    }
    spec =
      region === undefined
        ? { kind: 'sugar', surrogate: surrogate as unknown as SurrogateSpec }
        : { kind: 'sugar', surrogate: surrogate as unknown as SurrogateSpec, region };
  } else {
    if (positional.length) throw new ActivationSpecError(`parseActivation('${input}'): ${head}(...) takes only key=value arguments`);
    const out: Record<string, unknown> = { kind: head };
    for (const [k, v] of named) out[k] = parseNumber(k, v, input);
    spec = out as ActivationSpec;
  }
  return validateActivation(spec, `activation '${input}'`);
}
