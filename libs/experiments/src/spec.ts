import * as fs from 'node:fs';
import { z } from 'zod';
import YAML from 'yaml';
import { validateActivation } from '@sugar-lab/core';
import { datasetNames } from '@sugar-lab/datasets';
import { listModels } from '@sugar-lab/models';
import { resolveTrainConfig, TrainConfigError, type TrainConfig } from '@sugar-lab/train';
import { SpecError } from './errors';
import { formatPath } from './path-format';

const activation = z
  .object({ kind: z.string().min(1) })
  .passthrough()
  .superRefine((spec, ctx) => {
    try {
      validateActivation(spec as never, '@');
    } catch (err) {
      // core names the spec path in its message ('@.surrogate: alpha must be > 0 ...'); re-root it here.
      const msg = err instanceof Error ? err.message : String(err);
      const m = /^@([\w.]*): ([\s\S]*)$/.exec(msg);
      const sub = m && m[1] ? m[1].slice(1).split('.') : [];
      const text = m ? m[2] : msg;
      const param = /parameter (\w+)/.exec(text)?.[1];
      const leaf = param ?? (/^unknown surrogate/.test(text) && sub[sub.length - 1] === 'surrogate' ? 'name' : undefined);
      ctx.addIssue({ code: 'custom', message: text, path: leaf && !sub.includes(leaf) ? [...sub, leaf] : sub });
    }
  });

const named = (what: string, names: () => string[]) =>
  z
    .object({ name: z.string().min(1) })
    .passthrough()
    .superRefine((v, ctx) => {
      const known = names();
      if (!known.includes(v.name)) ctx.addIssue({ code: 'custom', path: ['name'], message: `unknown ${what} '${v.name}'; expected one of: ${known.join(', ')}` });
    });

/** Fields `fit` reads (validated by @sugar-lab/train itself, so the two never disagree). */
const TRAIN_FIELDS = ['seed', 'epochs', 'batchSize', 'dropLast', 'optimizer', 'schedule', 'warmup', 'data', 'eval', 'probes'] as const;

export const runConfigSchema = z
  .object({
    dataset: named('dataset', datasetNames),
    model: named('model', listModels),
    activation,
    seed: z.number().int().min(0),
    epochs: z.unknown(),
    batchSize: z.unknown(),
    dropLast: z.unknown().optional(),
    optimizer: z.unknown(),
    schedule: z.unknown().optional(),
    warmup: z.unknown().optional(),
    data: z.unknown().optional(),
    eval: z.unknown().optional(),
    probes: z.unknown().optional(),
    /** Loss-landscape scalars at the end of a completed run: sharpness, Hessian extremes, convexity ratio. */
    landscape: z
      .object({
        enabled: z.boolean().default(true),
        samples: z.number().int().positive().optional(),
        directions: z.number().int().positive().optional(),
        radius: z.number().positive().optional(),
        powerIterations: z.number().int().positive().optional(),
        method: z.enum(['lanczos', 'power']).optional(),
        /** Seeds the directions; one value for the whole sweep cuts every run along the same raw directions. */
        seed: z.number().int().min(0).default(0),
      })
      .strict()
      .optional(),
    backend: z.enum(['tensorflow', 'wasm', 'cpu']).optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const train = Object.fromEntries(TRAIN_FIELDS.filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]]));
    try {
      resolveTrainConfig(train as unknown as TrainConfig);
    } catch (err) {
      if (!(err instanceof TrainConfigError)) throw err;
      ctx.addIssue({ code: 'custom', path: err.path.split('.').filter(Boolean), message: err.message.replace(/^train config: '[^']*' /, '') });
    }
  });

/** The part of a run config that `fit` takes. */
export function trainConfigOf(cfg: RunConfig): TrainConfig {
  return Object.fromEntries(TRAIN_FIELDS.filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]])) as unknown as TrainConfig;
}

type TrainField = (typeof TRAIN_FIELDS)[number];

/** A resolved run: dataset, model, activation and the `fit` fields (typed as @sugar-lab/train declares them). */
export type RunConfig = Omit<z.infer<typeof runConfigSchema>, TrainField> &
  Pick<TrainConfig, 'epochs' | 'batchSize' | 'optimizer'> &
  Partial<Pick<TrainConfig, 'dropLast' | 'schedule' | 'warmup' | 'data' | 'eval' | 'probes'>> & { seed: number };

export const specSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    base: z.record(z.string(), z.unknown()),
    /** Axes: dotted config paths (`activation`, `optimizer.lr`, `seed`) to lists of values. */
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).default({}),
    /** The variant the others are compared with (its label, e.g. `relu`). */
    baseline: z.string().optional(),
    /** The headline metric of tables and plots. */
    metric: z.string().default('testAccuracy'),
    /** Worker processes this sweep suits (small models: one per core); `--workers` overrides. */
    workers: z.number().int().positive().optional(),
  })
  .strict();

export type Spec = z.infer<typeof specSchema>;

function issuesOf(err: z.ZodError, prefix: (string | number)[]): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: formatPath([...prefix, ...(i.path as (string | number)[])]), message: i.message }));
}

/** Parses and validates a spec object; every grid value is checked where it stands, before any training. */
export function parseSpec(raw: unknown, source = 'spec'): Spec {
  const parsed = specSchema.safeParse(raw);
  if (!parsed.success) throw new SpecError(source, issuesOf(parsed.error, []));
  const spec = parsed.data;
  const axes = Object.keys(spec.grid);
  const first = Object.fromEntries(axes.map((k) => [k, spec.grid[k][0]]));
  const issues = new Map<string, string>();
  const known = Object.keys(runConfigSchema.shape);
  for (const axis of axes) {
    if (!known.includes(axis.split('.')[0])) {
      issues.set(`grid.${axis}`, `unknown config field '${axis}'; expected one of ${known.join(', ')} or a dotted path into them`);
    }
  }
  // Every grid value is checked in a full config (the other axes at their first value), so an
  // error is reported where it stands: `grid.activation[2].surrogate.alpha`, or `base.epochs`.
  const points = axes.length ? axes.flatMap((axis) => spec.grid[axis].map((v, i) => ({ axis, i, point: { ...first, [axis]: v } }))) : [{ axis: '', i: 0, point: {} }];
  for (const { axis, i, point } of points) {
    if (issues.has(`grid.${axis}`)) continue;
    const r = runConfigSchema.safeParse(resolveRun(spec, point));
    if (r.success) continue;
    for (const issue of r.error.issues) {
      const p = formatPath(issue.path as (string | number)[]);
      const owner = axes.find((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`));
      if (owner && owner !== axis) continue; // reported when that axis is checked
      const at = owner ? `grid.${owner}[${i}]${p.slice(owner.length)}` : `base.${p}`;
      if (!issues.has(at)) issues.set(at, issue.message);
    }
  }
  if (issues.size) throw new SpecError(source, [...issues].map(([path, message]) => ({ path, message })));
  return spec;
}

/** Base config with grid values set at their dotted paths (deep copy). */
export function resolveRun(spec: Spec, point: Record<string, unknown>): Record<string, unknown> {
  const cfg = structuredClone(spec.base) as Record<string, unknown>;
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

/** Loads a spec from a YAML or JSON file; errors name the file. */
export function loadSpecFile(file: string): Spec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpecError(file, [{ path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true });
  } catch (err) {
    throw new SpecError(file, [{ path: '', message: `not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message}` }]);
  }
  return parseSpec(raw, file);
}
