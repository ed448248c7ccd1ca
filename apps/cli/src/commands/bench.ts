import * as os from 'node:os';
import type { Command } from 'commander';
import {
  BACKENDS,
  type ActivationSpec,
  type BackendName,
  canonicalActivation,
  describeNativeOps,
  initBackend,
  listSurrogates,
  getSurrogate,
  nativeOpsInfo,
  tf,
} from '@sugar-lab/core';
import { buildModel, getModelInfo, listModels } from '@sugar-lab/models';
import { measureTrainingStep, measureTrainingSteps, type StepTiming } from '../bench/measure-step';
import { REFERENCE_SHAPES, referenceModel } from '../bench/reference-models';
import { probeCost } from '../bench/probe-cost';
import { zooStepModel, ZOO_BENCH } from '../bench/zoo-models';
import { bestOf, formatSweepTiming, sweepReference, torchStepTimes } from '../bench/reference';
import { formatProfile, PROFILE_MODELS, runProfiles, type ProfileModel } from '../bench/profile-table';

export interface BenchResult extends StepTiming {
  backend: BackendName;
  model: string;
  activation: string;
  batch: number;
  /** Cost relative to plain ReLU on the same backend and model (1.02 = 2% slower). */
  vsRelu?: number;
  /** Cost relative to forward GELU on the same backend and model, when GELU was timed too. */
  vsGelu?: number;
  /** For model `probes`: probe pass time / training time of an epoch. */
  probeFraction?: number;
}

export interface BenchOptions {
  backends: BackendName[] | 'all' | 'default';
  models: string[];
  /**
   * Activation labels: `relu`, `sugar:NAME` (SUGAR with that surrogate's default params) and surrogate names.
   * A bare name means SUGAR with that surrogate, unless the list has a `sugar:` label: then it is the forward
   * activation (`gelu,relu,sugar:nelu` = GELU, ReLU, SUGAR(NeLU)).
   */
  activations: string[];
  steps: number;
  warmup: number;
  onResult?: (r: BenchResult) => void;
  log?: (line: string) => void;
}

/** PyTorch ms/step by `model|activation`, filled by `--reference` (tools/bench/torch_reference.py). */
export type ReferenceTimes = Record<string, number>;

/** Runs the PyTorch reference script when torch imports; returns undefined (with the reason logged) otherwise. */
export function torchReference(models: string[], steps: number, warmup: number, log: (l: string) => void): ReferenceTimes | undefined {
  const out = torchStepTimes(models, steps, warmup, log);
  if (out) log(`PyTorch reference: torch ${out.torch}, the faster of ${out.threads} threads (its default) and 1 thread per configuration`);
  return out?.times;
}

export function activationFromLabel(label: string, bareIsForward = false): ActivationSpec {
  if (label === 'relu') return { kind: 'relu' };
  const sugar = label.startsWith('sugar:');
  const s = getSurrogate(sugar ? label.slice('sugar:'.length) : label);
  if (bareIsForward && !sugar) return { kind: s.name, ...s.params };
  return { kind: 'sugar', surrogate: { name: s.name, ...s.params } };
}

/** The specs of a list of labels (see `BenchOptions.activations`). */
export function activationsFromLabels(labels: string[]): ActivationSpec[] {
  const bareIsForward = labels.some((l) => l.startsWith('sugar:'));
  return labels.map((l) => activationFromLabel(l, bareIsForward));
}

/** The registry's ConvNeXt, ViT and Swin models, timed at CIFAR shapes (32x32x3, 10 classes, batch 64). */
export function modernBenchModels(): string[] {
  return listModels().filter((n) => ['convnext', 'vit', 'swin'].includes(getModelInfo(n).family));
}

function buildBenchModel(model: string, act: ActivationSpec): { model: tf.LayersModel; batch: number } {
  if (model === 'mlp' || model === 'cnn') return { model: referenceModel(model, act), batch: REFERENCE_SHAPES[model].batch };
  if (modernBenchModels().includes(model))
    return { model: buildModel(model, { activation: act, inputShape: [32, 32, 3], numClasses: 10, seed: 0 }), batch: 64 };
  return zooStepModel(model, act);
}

/** The backends a `BenchOptions.backends` value names: the one sugar picks, all of them, or the list. */
async function resolveBackends(backends: BenchOptions['backends']): Promise<BackendName[]> {
  if (backends === 'default') return [await initBackend(undefined, { quiet: true })];
  if (backends === 'all') return [...BACKENDS];
  return backends;
}

export async function runBench(opts: BenchOptions): Promise<BenchResult[]> {
  const log = opts.log ?? (() => {});
  const results: BenchResult[] = [];
  const add = (r: BenchResult) => {
    results.push(r);
    opts.onResult?.(r);
  };
  for (const want of await resolveBackends(opts.backends)) {
    const got = await initBackend(want, { quiet: true });
    if (got !== want) {
      log(`skip ${want}: it does not load here (using it fell back to ${got})`);
      continue;
    }
    for (const modelName of opts.models) {
      if (modelName === 'probes') await benchProbes(want, opts.activations, add);
      else for (const r of benchModel(want, modelName, opts, log)) add(r);
    }
  }
  return results;
}

/** Model `probes`: the probe pass's cost on the 12x24 MLP, for ReLU and B-SiLU when the list has them (each row handed to `add` as it is measured). */
async function benchProbes(backend: BackendName, labels: string[], add: (r: BenchResult) => void): Promise<void> {
  for (const label of labels.filter((a) => a === 'relu' || a === 'bsilu')) {
    const act = activationFromLabel(label);
    const before = tf.memory().numTensors;
    const c = await probeCost(act);
    add({
      backend,
      model: 'probes',
      activation: canonicalActivation(act),
      batch: 64,
      msPerStep: c.trainMsPerEpoch / c.stepsPerEpoch,
      msMin: NaN,
      msMax: NaN,
      samplesPerSec: (64 * 1000 * c.stepsPerEpoch) / c.trainMsPerEpoch,
      tensorsBefore: before,
      tensorsAfter: tf.memory().numTensors,
      peakBytes: tf.memory().numBytes,
      rssBytes: process.memoryUsage().rss,
      fused: false,
      probeFraction: c.probeFraction,
    });
  }
}

/** Every activation of one model on one backend, each row with its cost against ReLU and GELU; [] when skipped. */
function benchModel(backend: BackendName, modelName: string, opts: BenchOptions, log: (line: string) => void): BenchResult[] {
  const modern = modernBenchModels().includes(modelName);
  const slowZoo = (ZOO_BENCH.includes(modelName) || modern) && backend !== 'tensorflow';
  if (slowZoo && opts.models.length > 2) {
    log(`skip ${modelName} on ${backend}: a step takes minutes there (ask for it alone with --models ${modelName})`);
    return [];
  }
  const labels = ZOO_BENCH.includes(modelName) ? opts.activations.filter((a) => a === 'relu' || a === 'bsilu') : opts.activations;
  const specs = activationsFromLabels(labels);
  {
    // The first timed configuration otherwise pays for the backend's own warm-up (thread pools, kernel
    // caches) and reads slower than the rest: warm up once on a throwaway model.
    const { model, batch } = buildBenchModel(modelName, { kind: 'relu' });
    measureTrainingStep(model, batch, 10, opts.warmup);
    model.dispose();
  }
  // All activations of a model are timed together, step by step in turn, so each row's cost against ReLU and GELU
  // is measured under the same conditions.
  const built = specs.map((act) => buildBenchModel(modelName, act));
  const timings = measureTrainingSteps(built, opts.steps, opts.warmup);
  built.forEach((b) => b.model.dispose());
  const rows: BenchResult[] = specs.map((act, i) => ({
    backend,
    model: modelName,
    activation: canonicalActivation(act),
    batch: built[i].batch,
    ...timings[i],
  }));
  const ms = (a: string) => rows.find((r) => r.activation === a)?.msPerStep;
  const [reluMs, geluMs] = [ms('relu'), ms('gelu')];
  for (const r of rows) {
    if (reluMs) r.vsRelu = r.msPerStep / reluMs;
    if (geluMs) r.vsGelu = r.msPerStep / geluMs;
  }
  return rows;
}

const fmt = (x: number, d = 1) => x.toFixed(d);
const pct = (ratio?: number) => (ratio ? `${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100)}%` : '');

export function formatBenchRow(r: BenchResult, reference?: ReferenceTimes): string {
  const ref = reference?.[`${r.model}|${r.activation}`];
  return [
    r.backend.padEnd(10),
    (r.fused ? `${r.model} (fused)` : r.model).padEnd(14),
    r.activation.padEnd(28),
    `${fmt(r.msPerStep)} ms`.padStart(11),
    (Number.isFinite(r.msMin) ? `[${fmt(r.msMin)}-${fmt(r.msMax)}]` : '').padStart(17),
    `${fmt(r.samplesPerSec, 0)}/s`.padStart(9),
    pct(r.vsRelu).padStart(8),
    pct(r.vsGelu).padStart(8),
    `${r.tensorsBefore}->${r.tensorsAfter}`.padStart(10),
    `${fmt(r.peakBytes / 2 ** 20)} MiB`.padStart(11),
    r.probeFraction !== undefined ? `probes ${fmt(r.probeFraction * 100)}% of an epoch` : ref ? `torch ${fmt(ref)} ms (x${fmt(r.msPerStep / ref, 2)})` : '',
  ].join(' ');
}

export const BENCH_HEADER = [
  'backend'.padEnd(10),
  'model'.padEnd(14),
  'activation'.padEnd(28),
  'ms/step'.padStart(11),
  '[min-max]'.padStart(17),
  'samples'.padStart(9),
  'vs relu'.padStart(8),
  'vs gelu'.padStart(8),
  'tensors'.padStart(10),
  'peak mem'.padStart(11),
  'reference',
].join(' ');

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('time one training step per backend, model and activation (median after warm-up)')
    .option('--json', 'print { results: [...] } as JSON')
    .option('--backend <name>', `one of ${BACKENDS.join(', ')}, or "all" (default: the backend sugar picks)`)
    .option(
      '--models <list>',
      `comma-separated: mlp, cnn, probes (probe cost on the 12x24 MLP), ${[...ZOO_BENCH, ...modernBenchModels()].join(', ')}`,
      'mlp,cnn,probes',
    )
    .option(
      '--activations <list>',
      'comma-separated: relu, sugar:NAME (SUGAR with default params) and surrogate names; a bare name means SUGAR with it, ' +
        'or the forward activation when the list has a sugar: label (gelu,relu,sugar:nelu)',
      defaultActivations(),
    )
    .option('--steps <n>', 'timed steps (median reported)', '10')
    .option('--warmup <n>', 'untimed warm-up steps', '3')
    .option('--reference', 'also time the same steps in PyTorch (tools/bench/torch_reference.py; needs torch), and the --sweep against a plain PyTorch script')
    .option(
      '--rounds <n>',
      'with --reference: alternate sugar and PyTorch this many times, report the fastest of each (a shared machine runs fast and slow in phases of seconds)',
      '5',
    )
    .option('--sweep <preset>', 'with --reference: the sweep timed against tools/bench/torch_quick_sweep.py (quick), or none', 'quick')
    .option('--profile', 'split a step of the reference MLP and CNN into kernels by op, dispatch, transfer and JS (tensorflow and wasm unless --backend)')
    .action((o: BenchCliOptions) => benchAction(o));
}

interface BenchCliOptions {
  json?: boolean;
  backend?: string;
  models: string;
  activations: string;
  steps: string;
  warmup: string;
  reference?: boolean;
  rounds: string;
  sweep: string;
  profile?: boolean;
}

/** The command line's options checked and parsed (before anything is timed). */
interface BenchArgs {
  backends: BenchOptions['backends'];
  models: string[];
  labels: string[];
  steps: number;
  warmup: number;
  rounds: number;
}

const splitList = (list: string) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function parseBenchArgs(o: BenchCliOptions): BenchArgs {
  const backends = !o.backend ? 'default' : o.backend === 'all' ? 'all' : ([o.backend] as BackendName[]);
  if (Array.isArray(backends) && !BACKENDS.includes(backends[0])) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, all; found '${o.backend}'`);
  const steps = Number(o.steps);
  if (!Number.isInteger(steps) || steps < 10) throw new Error(`--steps must be an integer >= 10 (a median needs them); found '${o.steps}'`);
  const rounds = Number(o.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer; found '${o.rounds}'`);
  return { backends, models: splitList(o.models), labels: splitList(o.activations), steps, warmup: Number(o.warmup), rounds };
}

const loadAverage = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const machine = () => ({ cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg(), nativeOps: nativeOpsInfo() });

// Which kernels the tensorflow rows ran on (sugar-lab's native ones or tfjs-node's), once it was initialized.
const printKernels = () => nativeOpsInfo() && console.log(describeNativeOps());

const log = (l: string) => console.error(l);

/** `sugar bench`: the step table (or with --reference, beside PyTorch and its sweep), or with --profile the breakdown. */
async function benchAction(o: BenchCliOptions): Promise<void> {
  const args = parseBenchArgs(o);
  if (o.profile) return profileCommand(o, args);
  if (!o.json) {
    console.log(
      `sugar bench on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; median of ${args.steps} steps after ${o.warmup} warm-up${o.reference ? `, fastest of ${args.rounds} rounds beside PyTorch` : ''}; load average ${loadAverage()}`,
    );
  }
  const { results, reference } = o.reference ? await benchBesideTorch(args, !o.json) : { results: await benchTable(args, !o.json), reference: undefined };
  if (!o.json) printKernels();
  let sweep: Awaited<ReturnType<typeof sweepReference>> | undefined;
  if (o.reference && o.sweep !== 'none') {
    const loadBefore = os.loadavg()[0];
    sweep = await sweepReference(o.sweep, Array.isArray(args.backends) ? args.backends[0] : undefined, log);
    if (!o.json) console.log(`${formatSweepTiming(sweep)}; load average ${loadBefore.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)}`);
  }
  if (o.json) console.log(JSON.stringify({ machine: machine(), results, reference, sweep }, null, 2));
}

const benchArgs = (a: BenchArgs, onResult?: (r: BenchResult) => void): BenchOptions => ({
  backends: a.backends,
  models: a.models,
  activations: a.labels,
  steps: a.steps,
  warmup: a.warmup,
  onResult,
  log,
});

/** One pass, each row printed (when `print`) as it is measured. */
async function benchTable(a: BenchArgs, print: boolean): Promise<BenchResult[]> {
  if (print) console.log(BENCH_HEADER);
  return runBench(benchArgs(a, print ? (r) => console.log(formatBenchRow(r)) : undefined));
}

/** `--reference`: rounds of PyTorch and sugar, the fastest of each configuration kept, printed (when `print`) at the end. */
async function benchBesideTorch(a: BenchArgs, print: boolean): Promise<{ results: BenchResult[]; reference?: ReferenceTimes }> {
  // Alternate the two so that both see the same machine; other load only ever slows a round down.
  const torchRounds: Record<string, number>[] = [];
  const sugarRounds: BenchResult[][] = [];
  for (let i = 0; i < a.rounds; i++) {
    const t = torchReference(a.models, a.steps, a.warmup, i === 0 ? log : () => {});
    if (t) torchRounds.push(t);
    sugarRounds.push(await runBench(benchArgs(a)));
  }
  const reference = torchRounds.length ? bestOf(torchRounds) : undefined;
  const results = bestRuns(sugarRounds);
  if (print) {
    console.log(BENCH_HEADER);
    for (const r of results) console.log(formatBenchRow(r, reference));
  }
  return { results, reference };
}

/** Per configuration, the round with the fastest step (its own vs-ReLU / vs-GELU recomputed from the best rows). */
function bestRuns(rounds: BenchResult[][]): BenchResult[] {
  const best = new Map<string, BenchResult>();
  for (const round of rounds) {
    for (const r of round) {
      const key = `${r.backend}|${r.model}|${r.activation}`;
      const had = best.get(key);
      if (!had || r.msPerStep < had.msPerStep) best.set(key, r);
    }
  }
  const rows = [...best.values()];
  for (const r of rows) {
    const same = (a: string) => best.get(`${r.backend}|${r.model}|${a}`)?.msPerStep;
    const [relu, gelu] = [same('relu'), same('gelu')];
    if (r.probeFraction === undefined) {
      r.vsRelu = relu ? r.msPerStep / relu : undefined;
      r.vsGelu = gelu ? r.msPerStep / gelu : undefined;
    }
  }
  return rows;
}

async function profileCommand(o: BenchCliOptions, { backends, models, labels, steps, warmup }: BenchArgs): Promise<void> {
  const chosen: BackendName[] = backends === 'all' ? [...BACKENDS] : backends === 'default' ? ['tensorflow', 'wasm'] : backends;
  const refModels = models.filter((m): m is ProfileModel => (PROFILE_MODELS as readonly string[]).includes(m));
  if (!refModels.length)
    throw new Error(`--profile profiles ${PROFILE_MODELS.join(', ')} (the reference MLP and CNN, the quick sweep's MLP); found --models '${o.models}'`);
  // The default --activations lists every surrogate; a profile is about ReLU against SUGAR's reference surrogate.
  const acts = activationsFromLabels(o.activations === defaultActivations() ? ['relu', 'bsilu'] : labels);
  if (!o.json)
    console.log(
      `sugar bench --profile on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; wall = median of ${steps} steps, split by medians over 5 profiled steps; load average ${loadAverage()}`,
    );
  const rows = await runProfiles({ backends: chosen, models: refModels, activations: acts, steps, warmup, log }, (r) => {
    if (!o.json) console.log(formatProfile(r));
  });
  if (!o.json) printKernels();
  if (o.json) console.log(JSON.stringify({ machine: machine(), profiles: rows }, null, 2));
}

function defaultActivations(): string {
  return ['relu', ...listSurrogatesForBench()].join(',');
}

function listSurrogatesForBench(): string[] {
  return listSurrogates().filter((n) => n !== 'relu');
}
