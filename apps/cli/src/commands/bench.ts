import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { BACKENDS, type ActivationSpec, type BackendName, canonicalActivation, initBackend, listSurrogates, getSurrogate, tf } from '@sugar-lab/core';
import { buildModel, getModelInfo, listModels } from '@sugar-lab/models';
import { measureTrainingStep, type StepTiming } from '../bench/measure-step';
import { REFERENCE_SHAPES, referenceModel, type ReferenceModel } from '../bench/reference-models';
import { probeCost } from '../bench/probe-cost';
import { zooStepModel, ZOO_BENCH } from '../bench/zoo-models';

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
  const script = path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'bench', 'torch_reference.py');
  const python = process.env.SUGAR_TORCH_PYTHON || 'python3';
  const r = spawnSync(python, [script, '--models', models.join(','), '--steps', String(steps), '--warmup', String(warmup)], { encoding: 'utf8', timeout: 1_800_000 });
  if (r.status !== 0) {
    log(`no PyTorch reference: ${python} ${path.basename(script)} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return undefined;
  }
  const out = JSON.parse(r.stdout) as { torch: string; threads: number; results: { model: string; activation: string; msPerStep: number }[] };
  log(`PyTorch reference: torch ${out.torch}, ${out.threads} threads`);
  return Object.fromEntries(out.results.map((x) => [`${x.model}|${x.activation}`, x.msPerStep]));
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
  if (model === 'mlp' || model === 'cnn') return { model: referenceModel(model as ReferenceModel, act), batch: REFERENCE_SHAPES[model as ReferenceModel].batch };
  if (modernBenchModels().includes(model)) return { model: buildModel(model, { activation: act, inputShape: [32, 32, 3], numClasses: 10, seed: 0 }), batch: 64 };
  return zooStepModel(model, act);
}

export async function runBench(opts: BenchOptions): Promise<BenchResult[]> {
  const log = opts.log ?? (() => {});
  let backends: BackendName[];
  if (opts.backends === 'default') backends = [await initBackend(undefined, { quiet: true })];
  else if (opts.backends === 'all') backends = [...BACKENDS];
  else backends = opts.backends;
  const results: BenchResult[] = [];
  for (const want of backends) {
    const got = await initBackend(want, { quiet: true });
    if (got !== want) {
      log(`skip ${want}: it does not load here (using it fell back to ${got})`);
      continue;
    }
    for (const modelName of opts.models) {
      if (modelName === 'probes') {
        for (const label of opts.activations.filter((a) => a === 'relu' || a === 'bsilu')) {
          const act = activationFromLabel(label);
          const before = tf.memory().numTensors;
          const c = await probeCost(act);
          const r: BenchResult = {
            backend: want,
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
            probeFraction: c.probeFraction,
          };
          results.push(r);
          opts.onResult?.(r);
        }
        continue;
      }
      const modern = modernBenchModels().includes(modelName);
      const slowZoo = (ZOO_BENCH.includes(modelName) || modern) && want !== 'tensorflow';
      if (slowZoo && opts.models.length > 2) {
        log(`skip ${modelName} on ${want}: a step takes minutes there (ask for it alone with --models ${modelName})`);
        continue;
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
      // All activations of a model are timed first, so each row can show its cost against ReLU and GELU.
      const rows: BenchResult[] = specs.map((act) => {
        const { model, batch } = buildBenchModel(modelName, act);
        const timing = measureTrainingStep(model, batch, opts.steps, opts.warmup);
        model.dispose();
        return { backend: want, model: modelName, activation: canonicalActivation(act), batch, ...timing };
      });
      const ms = (a: string) => rows.find((r) => r.activation === a)?.msPerStep;
      const [reluMs, geluMs] = [ms('relu'), ms('gelu')];
      for (const r of rows) {
        if (reluMs) r.vsRelu = r.msPerStep / reluMs;
        if (geluMs) r.vsGelu = r.msPerStep / geluMs;
        results.push(r);
        opts.onResult?.(r);
      }
    }
  }
  return results;
}

const fmt = (x: number, d = 1) => x.toFixed(d);
const pct = (ratio?: number) => (ratio ? `${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100)}%` : '');

export function formatBenchRow(r: BenchResult, reference?: ReferenceTimes): string {
  const ref = reference?.[`${r.model}|${r.activation}`];
  return [
    r.backend.padEnd(10),
    r.model.padEnd(14),
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
    .option('--models <list>', `comma-separated: mlp, cnn, probes (probe cost on the 12x24 MLP), ${[...ZOO_BENCH, ...modernBenchModels()].join(', ')}`, 'mlp,cnn,probes')
    .option(
      '--activations <list>',
      'comma-separated: relu, sugar:NAME (SUGAR with default params) and surrogate names; a bare name means SUGAR with it, ' +
        'or the forward activation when the list has a sugar: label (gelu,relu,sugar:nelu)',
      ['relu', ...listSurrogatesForBench()].join(','),
    )
    .option('--steps <n>', 'timed steps (median reported)', '10')
    .option('--warmup <n>', 'untimed warm-up steps', '3')
    .option('--reference', 'also time the same steps in PyTorch (tools/bench/torch_reference.py; needs torch)')
    .action(async (o: { json?: boolean; backend?: string; models: string; activations: string; steps: string; warmup: string; reference?: boolean }) => {
      const backends = !o.backend ? 'default' : o.backend === 'all' ? 'all' : ([o.backend] as BackendName[]);
      if (Array.isArray(backends) && !BACKENDS.includes(backends[0])) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, all; found '${o.backend}'`);
      const steps = Number(o.steps);
      if (!Number.isInteger(steps) || steps < 10) throw new Error(`--steps must be an integer >= 10 (a median needs them); found '${o.steps}'`);
      if (!o.json) {
        console.log(`sugar bench on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; median of ${steps} steps after ${o.warmup} warm-up`);
        console.log(BENCH_HEADER);
      }
      const models = o.models.split(',').map((s) => s.trim()).filter(Boolean);
      const reference = o.reference ? torchReference(models, steps, Number(o.warmup), (l) => console.error(l)) : undefined;
      const results = await runBench({
        backends,
        models,
        activations: o.activations.split(',').map((s) => s.trim()).filter(Boolean),
        steps,
        warmup: Number(o.warmup),
        onResult: o.json ? undefined : (r) => console.log(formatBenchRow(r, reference)),
        log: (l) => console.error(l),
      });
      if (o.json) console.log(JSON.stringify({ machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }, results, reference }, null, 2));
    });
}

function listSurrogatesForBench(): string[] {
  return listSurrogates().filter((n) => n !== 'relu');
}
