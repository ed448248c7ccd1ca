import type { SurrogateSpec } from './activation-spec';
import { describeValue } from './describe-value';
import { didYouMean } from './did-you-mean';
import { SurrogateError } from './errors';
import type { OptionSchema } from './option-schema';
import type * as tf from './tf';
import type { RegisterOptions } from './register-options';

export type SurrogateParams = Record<string, number>;

/** A smooth function whose derivative SUGAR uses in place of ReLU's step. */
export interface Surrogate {
  readonly name: string;
  /** Every parameter the surrogate declares, defaults filled in. */
  readonly params: Readonly<SurrogateParams>;
  /**
   * The smooth primitive f(x) (for plots, and as a forward activation).
   *
   * @param x the inputs (pre-activations), any shape; the result has the same shape
   */
  fn(x: tf.Tensor): tf.Tensor;
  /**
   * f'(x) in closed form (x <= 0 branch at a kink).
   *
   * @param x the points to differentiate at (pre-activations), any shape; the result has the same shape
   */
  grad(x: tf.Tensor): tf.Tensor;
  /** True when f'(x) = 1 for every x > 0, so region 'negative' equals 'all'. */
  readonly unitSlopeForPositive: boolean;
  /** Canonical form, e.g. `bsilu(alpha=1.67)`, or `gelu` when there are no parameters. */
  toString(): string;
}

export interface ParamDefinition {
  default: number;
  /** Reject values <= 0 (all built-in alphas). */
  positive?: boolean;
  description?: string;
}

export interface SurrogateDefinition {
  name: string;
  description?: string;
  /** Declared parameters, in the order the canonical string lists them. */
  params?: Record<string, ParamDefinition>;
  /**
   * The smooth primitive f(x), elementwise.
   *
   * @param x the inputs (pre-activations), any shape; return the same shape
   * @param params every declared parameter by name, defaults filled in and validated
   */
  fn(x: tf.Tensor, params: SurrogateParams): tf.Tensor;
  /**
   * f'(x) in closed form, elementwise (take the x <= 0 branch at a kink).
   *
   * @param x the points to differentiate at, any shape; return the same shape
   * @param params every declared parameter by name, defaults filled in and validated
   */
  grad(x: tf.Tensor, params: SurrogateParams): tf.Tensor;
  unitSlopeForPositive?: boolean;
}

/** `registerSurrogate`'s options: the shape every registry takes (core `RegisterOptions`). */
export type RegisterSurrogateOptions = RegisterOptions;

const registry = new Map<string, SurrogateDefinition>();
const resolved = new Map<string, Surrogate>();
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

function choices(): string {
  return [...registry.keys()].join(', ');
}

/**
 * Registers a surrogate under `def.name`; `getSurrogate` and specs then accept that name.
 *
 * @param def the surrogate's name, function, derivative, parameters and description
 * @param opts `override`: replace a surrogate already registered under that name
 */
export function registerSurrogate(def: SurrogateDefinition, opts: RegisterSurrogateOptions = {}): void {
  if (typeof def?.name !== 'string' || !NAME_RE.test(def.name)) {
    throw new SurrogateError(`registerSurrogate: name must match ${NAME_RE} (letters, digits, '_'); found ${JSON.stringify(def?.name)}`);
  }
  if (def.name === 'sugar') throw new SurrogateError(`registerSurrogate: 'sugar' is reserved for the SUGAR activation kind`);
  if (registry.has(def.name) && !opts.override) {
    throw new SurrogateError(`registerSurrogate: '${def.name}' is already registered; pass { override: true } to replace it`);
  }
  if (typeof def.fn !== 'function' || typeof def.grad !== 'function') {
    throw new SurrogateError(`registerSurrogate('${def.name}'): expected fn and grad functions`);
  }
  for (const [key, p] of Object.entries(def.params ?? {})) {
    if (!NAME_RE.test(key) || key === 'name' || key === 'region') {
      throw new SurrogateError(`registerSurrogate('${def.name}'): invalid parameter name '${key}'`);
    }
    checkValue(def.name, key, p, p.default, 'default');
  }
  registry.set(def.name, def);
  for (const k of [...resolved.keys()]) if (k.startsWith(`${def.name}(`) || k === def.name) resolved.delete(k);
}

/** Names of every registered surrogate, built-ins first. */
export function listSurrogates(): string[] {
  return [...registry.keys()];
}

function unknownSurrogate(name: unknown): SurrogateError {
  return new SurrogateError(`unknown surrogate '${String(name)}'; expected one of: ${choices()}${didYouMean(name, [...registry.keys()])}`);
}

/**
 * The registered definition (parameter declarations, description).
 *
 * @param name a built-in or registered surrogate name
 */
export function surrogateDefinition(name: string): SurrogateDefinition {
  const def = registry.get(name);
  if (!def) throw unknownSurrogate(name);
  return def;
}

/**
 * A surrogate's parameters in the option-schema shape every registry entry shares (for validation, help and docs).
 *
 * @param name a built-in or registered surrogate name
 */
export function surrogateOptions(name: string): OptionSchema {
  const params = surrogateDefinition(name).params ?? {};
  return Object.fromEntries(
    Object.entries(params).map(([key, p]) => [
      key,
      { type: 'number' as const, default: p.default, description: p.description, ...(p.positive ? { min: 0, exclusiveMin: true } : {}) },
    ]),
  );
}

function checkValue(name: string, key: string, p: ParamDefinition, v: unknown, what = 'value'): number {
  const found = typeof v === 'number' ? `${what} ${describeValue(v)}` : describeValue(v, 'number');
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SurrogateError(`surrogate '${name}': parameter ${key} must be a finite number; found ${found}`, key);
  }
  if (p.positive && !(v > 0)) {
    throw new SurrogateError(`surrogate '${name}': parameter ${key} must be > 0; found ${found}`, key);
  }
  return v;
}

export function formatNumber(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

/** `name(k=v,...)` with parameters in declaration order, or `name` when there are none. */
export function formatSurrogate(name: string, params: SurrogateParams): string {
  const keys = Object.keys(params);
  return keys.length ? `${name}(${keys.map((k) => `${k}=${formatNumber(params[k])}`).join(',')})` : name;
}

/**
 * Looks up a surrogate by name with optional parameters (missing ones take their defaults).
 * Throws a SurrogateError naming the valid choices for an unknown name or parameter key,
 * and for a non-finite or out-of-range value.
 *
 * @param name a built-in or registered surrogate name
 * @param params parameter values (missing ones take their defaults)
 */
export function getSurrogate(name: string, params: Partial<SurrogateParams> = {}): Surrogate {
  const def = registry.get(name);
  if (!def) throw unknownSurrogate(name);
  const declared = def.params ?? {};
  const full: SurrogateParams = {};
  for (const key of Object.keys(params)) {
    if (!(key in declared)) {
      const valid = Object.keys(declared);
      throw new SurrogateError(
        `surrogate '${name}': unknown parameter '${key}'; expected ${valid.length ? `one of: ${valid.join(', ')}` : 'no parameters'}${didYouMean(key, valid)}`,
        key,
        true,
      );
    }
  }
  for (const [key, p] of Object.entries(declared)) {
    const v = params[key];
    full[key] = v === undefined ? p.default : checkValue(name, key, p, v);
  }
  const canonical = formatSurrogate(name, full);
  const cached = resolved.get(canonical);
  if (cached) return cached;
  const frozen = Object.freeze({ ...full });
  const s: Surrogate = Object.freeze({
    name,
    params: frozen,
    fn: (x: tf.Tensor) => def.fn(x, frozen),
    grad: (x: tf.Tensor) => def.grad(x, frozen),
    unitSlopeForPositive: def.unitSlopeForPositive === true,
    toString: () => canonical,
  });
  resolved.set(canonical, s);
  return s;
}

/** The serializable form `{ name, alpha? }` (custom surrogates add their own parameter keys). */
export function surrogateToSpec(s: Surrogate): SurrogateSpec {
  return { name: s.name, ...s.params };
}

/** Inverse of `surrogateToSpec`; validates like `getSurrogate`. */
export function surrogateFromSpec(spec: SurrogateSpec): Surrogate {
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
    throw new SurrogateError(`surrogate spec must be an object { name, alpha? }; found ${JSON.stringify(spec)}`);
  }
  const { name, ...params } = spec as SurrogateSpec & Record<string, unknown>;
  return getSurrogate(name, params as SurrogateParams);
}

export type SurrogateLike = Surrogate | SurrogateSpec | string;

function isSurrogate(x: unknown): x is Surrogate {
  return typeof x === 'object' && x !== null && typeof (x as Surrogate).grad === 'function' && typeof (x as Surrogate).fn === 'function';
}

/** Accepts a Surrogate, a spec `{ name, alpha? }` or a bare name. */
export function resolveSurrogate(s: SurrogateLike): Surrogate {
  if (typeof s === 'string') return getSurrogate(s);
  if (isSurrogate(s)) return s;
  return surrogateFromSpec(s);
}
