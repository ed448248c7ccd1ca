import { ActivationProbe, ci95, pairedTTest, type ConfidenceInterval, type TTestResult } from '@sugar-lab/analysis';
import { initBackend, tf, type ActivationSpec, type BackendName } from '@sugar-lab/core';
import { loadDataset, toTensors } from '@sugar-lab/datasets';
import { activationLayerNames, buildModel } from '@sugar-lab/models';
import * as path from 'node:path';
import { fit } from './fit';
import type { FitStatus } from './metrics';

/**
 * The dying-ReLU experiment of the SUGAR paper in miniature: deep narrow MLPs on 3-class spirals,
 * ReLU against SUGAR (B-SiLU surrogate), several seeds; dead units, accuracy and resurrection.
 */
export interface DyingReluOptions {
  /** Default [0, 1, 2, 3]; each seed drives the data, the initialization and the shuffling. */
  seeds?: number[];
  /** Default [{ depth: 12, width: 24 }, { depth: 20, width: 8 }]. */
  architectures?: { depth: number; width: number }[];
  /** Default ReLU and SUGAR(bsilu). */
  activations?: { label: string; spec: ActivationSpec }[];
  /** Optimizer steps per run (default 1500). */
  steps?: number;
  batchSize?: number;
  /** Adam learning rate (default 3e-3). */
  lr?: number;
  nTrain?: number;
  nTest?: number;
  /** Probe set size (default 512). */
  probeSize?: number;
  /** Default: the fastest that loads (initBackend()). */
  backend?: BackendName;
  /** Per-run JSONL logs go here when set. */
  outDir?: string;
  /** Progress of each run (default 'none'). */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
  onRun?: (run: DyingReluRun) => void;
}

export interface DyingReluRun {
  depth: number;
  width: number;
  activation: string;
  seed: number;
  status: FitStatus;
  /** Dead hidden units (never positive on the probe set), before training and at the end. */
  deadAtInit: number;
  deadFinal: number;
  /** Dead at the end, measured on the whole training set. */
  deadFinalFullTrain: number;
  /** The largest dead fraction seen at any epoch. */
  deadMax: number;
  /** Units alive at the end that were dead at some earlier epoch (epoch 0, before training, included). */
  resurrected: number;
  /** Hidden units in all. */
  units: number;
  testAcc: number;
  trainLoss: number;
  /** Mean over epochs of probe time / training time. */
  probeCost: number;
  msPerStep: number;
}

export interface DyingReluGroup {
  depth: number;
  width: number;
  activation: string;
  dead: ConfidenceInterval;
  acc: ConfidenceInterval;
}

export interface DyingReluComparison {
  depth: number;
  width: number;
  /** Paired by seed: first activation minus second. */
  a: string;
  b: string;
  dead: TTestResult;
  acc: TTestResult;
}

export interface DyingReluResult {
  backend: BackendName;
  epochs: number;
  stepsPerEpoch: number;
  runs: DyingReluRun[];
  groups: DyingReluGroup[];
  comparisons: DyingReluComparison[];
  probeCost: { mean: number; max: number };
}

export async function dyingReluExperiment(opts: DyingReluOptions = {}): Promise<DyingReluResult> {
  const seeds = opts.seeds ?? [0, 1, 2, 3];
  const archs = opts.architectures ?? [
    { depth: 12, width: 24 },
    { depth: 20, width: 8 },
  ];
  const acts = opts.activations ?? [
    { label: 'relu', spec: { kind: 'relu' } },
    { label: 'sugar(bsilu)', spec: { kind: 'sugar', surrogate: { name: 'bsilu' } } },
  ];
  const steps = opts.steps ?? 1500;
  const batchSize = opts.batchSize ?? 100;
  const nTrain = opts.nTrain ?? 3000;
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const epochs = Math.ceil(steps / stepsPerEpoch);
  const backend = await initBackend(opts.backend, { quiet: true });
  const runs: DyingReluRun[] = [];

  for (const { depth, width } of archs) {
    for (const seed of seeds) {
      const ds = await loadDataset('spirals', { nTrain, nTest: opts.nTest ?? 1500, seed });
      const full = toTensors(ds.train);
      for (const act of acts) {
        const model = buildModel('mlp', { activation: act.spec, inputShape: [2], numClasses: 3, seed, depth, width });
        const layers = activationLayerNames(model);
        const log = opts.outDir ? path.join(opts.outDir, `mlp${depth}x${width}-${act.label.replace(/[^\w-]+/g, '_')}-seed${seed}.jsonl`) : undefined;
        const r = await fit(
          model,
          ds,
          {
            seed,
            epochs,
            batchSize,
            optimizer: { name: 'adam', lr: opts.lr ?? 3e-3 },
            eval: { split: 'test' },
            probes: { size: opts.probeSize ?? 512 },
            logPath: log,
            progress: opts.progress ?? 'none',
          },
          { activationLayers: layers },
        );
        const probe = new ActivationProbe(model, full.xs, { layers, batchSize: 1024 });
        const fullStats = probe.measure();
        probe.dispose();
        model.dispose();
        const trained = r.epochs.filter((e) => e.epoch > 0);
        const units = fullStats.reduce((a, s) => a + s.units, 0);
        const run: DyingReluRun = {
          depth,
          width,
          activation: act.label,
          seed,
          status: r.status,
          deadAtInit: r.epochs[0].probes!.deadFraction,
          deadFinal: r.final!.probes!.deadFraction,
          deadFinalFullTrain: fullStats.reduce((a, s) => a + s.deadCount, 0) / units,
          deadMax: Math.max(...r.epochs.map((e) => e.probes!.deadFraction)),
          resurrected: r.final!.probes!.resurrected,
          units,
          testAcc: r.final!.evalAcc ?? NaN,
          trainLoss: r.final!.trainLoss ?? NaN,
          probeCost: trained.reduce((a, e) => a + e.timing.probeMs / e.timing.trainMs, 0) / Math.max(1, trained.length),
          msPerStep: trained.reduce((a, e) => a + e.timing.trainMs, 0) / Math.max(1, r.step),
        };
        runs.push(run);
        opts.onRun?.(run);
      }
      tf.dispose([full.xs, full.ys]);
    }
  }

  const groups: DyingReluGroup[] = [];
  const comparisons: DyingReluComparison[] = [];
  for (const { depth, width } of archs) {
    const of = (label: string) => seeds.map((s) => runs.find((r) => r.depth === depth && r.width === width && r.activation === label && r.seed === s)!);
    for (const act of acts) {
      const rs = of(act.label);
      groups.push({ depth, width, activation: act.label, dead: ci(rs.map((r) => r.deadFinal)), acc: ci(rs.map((r) => r.testAcc)) });
    }
    if (acts.length >= 2 && seeds.length >= 2) {
      const [a, b] = [of(acts[0].label), of(acts[1].label)];
      comparisons.push({
        depth,
        width,
        a: acts[0].label,
        b: acts[1].label,
        dead: pairedTTest(a.map((r) => r.deadFinal), b.map((r) => r.deadFinal)),
        acc: pairedTTest(a.map((r) => r.testAcc), b.map((r) => r.testAcc)),
      });
    }
  }
  const costs = runs.map((r) => r.probeCost);
  return {
    backend,
    epochs,
    stepsPerEpoch,
    runs,
    groups,
    comparisons,
    probeCost: { mean: costs.reduce((a, b) => a + b, 0) / costs.length, max: Math.max(...costs) },
  };
}

// A CI needs two values; one seed still gets a point estimate.
function ci(xs: number[]): ConfidenceInterval {
  if (xs.length >= 2 && xs.every(Number.isFinite)) return ci95(xs);
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, lo: NaN, hi: NaN, halfWidth: NaN, level: 0.95, n: xs.length };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const pm = (c: ConfidenceInterval, f: (x: number) => string) => (Number.isFinite(c.halfWidth) ? `${f(c.mean)} ± ${f(c.halfWidth)}` : f(c.mean));

/** Markdown tables of an experiment's result: per group (mean ± 95% CI half-width), comparisons, every run. */
export function formatDyingReluReport(r: DyingReluResult): string {
  const lines = [
    `Backend: ${r.backend}; ${r.epochs} epochs x ${r.stepsPerEpoch} steps; probe cost ${pct(r.probeCost.mean)} of an epoch's training time on average (max ${pct(r.probeCost.max)}).`,
    '',
    '| MLP | activation | dead units (final) | test accuracy | seeds |',
    '| --- | --- | --- | --- | --- |',
    ...r.groups.map((g) => `| ${g.depth} x ${g.width} | ${g.activation} | ${pm(g.dead, pct)} | ${pm(g.acc, pct)} | ${g.dead.n} |`),
    '',
    '| MLP | paired by seed | dead units difference | p | accuracy difference | p |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.comparisons.map(
      (c) => `| ${c.depth} x ${c.width} | ${c.a} - ${c.b} | ${pct(c.dead.meanDiff)} | ${fmtP(c.dead.p)} | ${pct(c.acc.meanDiff)} | ${fmtP(c.acc.p)} |`,
    ),
    '',
    '| MLP | activation | seed | status | dead at init | dead final (probe set) | dead final (all train) | max dead | resurrected | test acc | train loss | ms/step | probe cost |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.runs.map(
      (x) =>
        `| ${x.depth} x ${x.width} | ${x.activation} | ${x.seed} | ${x.status} | ${pct(x.deadAtInit)} | ${pct(x.deadFinal)} | ${pct(x.deadFinalFullTrain)} | ${pct(x.deadMax)} | ${x.resurrected} of ${x.units} | ${pct(x.testAcc)} | ${x.trainLoss.toFixed(4)} | ${x.msPerStep.toFixed(2)} | ${pct(x.probeCost)} |`,
    ),
  ];
  return lines.join('\n');
}

function fmtP(p: number): string {
  return Number.isNaN(p) ? 'n/a' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}
