import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readJsonl } from '@sugar-lab/train';
import { describe, expect, it } from 'vitest';
import { expandGrid } from './grid';
import { runLockFile } from './lock';
import { packingMessage, planUnits } from './packing';
import { resolveSpec } from './presets';
import { runSweep, type SweepEvent } from './runner';
import { parseSpec } from './spec';
import { ResultsStore } from './store';
import { killGroupWhen, startSweep } from './test-utils/sweep-process';
import { deepMerge, tinySpec } from './test-utils/tiny-spec';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pack-sweep-'));

// On wasm (where small MLPs pack): relu against sugar(bsilu) on three seeds, 3 epochs with probes.
function packSpec(base: Record<string, unknown> = {}, grid?: Record<string, unknown[]>, baseline = 'relu') {
  return parseSpec(
    tinySpec({
      name: 'tiny-pack',
      base: deepMerge({ model: { depth: 3 }, epochs: 3, probes: { size: 64, gradEvery: 2 }, backend: 'wasm' }, base),
      grid: grid ?? { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }], seed: [0, 1, 2] },
      baseline,
    }),
  );
}

type Epoch = { type: string; epoch: number; timing?: unknown } & Record<string, unknown>;
const epochsOf = (out: string, id: string) =>
  readJsonl<Epoch>(path.join(new ResultsStore(out).runDir(id), 'metrics.jsonl'))
    .filter((l) => l.type === 'epoch')
    .map(({ timing: _t, ...rest }) => rest);

function maxRelDiff(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    let m = 0;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      m = Math.max(m, maxRelDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
    return m;
  }
  return a === b ? 0 : Infinity;
}

describe('planUnits', () => {
  it('groups the quick preset by seeds, 4 units of 3, and says so; --no-pack puts every run alone', () => {
    const runs = expandGrid(resolveSpec('quick'));
    const units = planUnits(runs, { backend: 'wasm', mixActivations: false });
    expect(units.map((u) => u.length)).toEqual([3, 3, 3, 3]);
    for (const u of units) expect(new Set(u.map((r) => r.variant)).size).toBe(1);
    expect(packingMessage(units)).toMatch(/^12 runs in 4 units of 3 \(each trained as one pack where it pays;/);
    expect(planUnits(runs, { enabled: false }).map((u) => u.length)).toEqual(Array(12).fill(1));
    expect(packingMessage(planUnits(runs, { enabled: false }), { enabled: false })).toMatch(/packing off/);
    // Optimizer scalars may differ within a unit; the optimizer's kind may not.
    const lrs = expandGrid(packSpec({}, { 'optimizer.lr': [0.01, 0.003], seed: [0, 1] }, 'optimizer.lr=0.01'));
    expect(planUnits(lrs).map((u) => u.length)).toEqual([4]);
    const kinds = expandGrid(
      packSpec(
        {},
        {
          optimizer: [
            { name: 'adam', lr: 0.01 },
            { name: 'sgd', lr: 0.01 },
          ],
          seed: [0, 1],
        },
        'optimizer={"name":"adam","lr":0.01}',
      ),
    );
    expect(planUnits(kinds).map((u) => u.length)).toEqual([2, 2]);
  });
});

describe('planUnits with the fused native step', () => {
  it('mixes the activations it computes, keeps the others apart, and splits units until every worker has one', () => {
    const runs = expandGrid(resolveSpec('quick'));
    const mixed = planUnits(runs, { backend: 'tensorflow', mixActivations: true });
    expect(mixed.map((u) => u.length)).toEqual([12]);
    expect(packingMessage(mixed)).toMatch(/^12 runs in 1 unit of 12 \(each trained as one pack where it pays, activations mixed in the fused native step;/);
    const two = planUnits(runs, { backend: 'tensorflow', mixActivations: true, workers: 2 });
    expect(two.map((u) => u.length)).toEqual([6, 6]);
    expect(new Set(two.flat().map((r) => r.id)).size).toBe(12);
    // ELU is not one the fused step computes: its runs go together by themselves.
    const elu = expandGrid(packSpec({}, { activation: [{ kind: 'relu' }, { kind: 'gelu' }, { kind: 'elu' }], seed: [0, 1] }));
    const units = planUnits(elu, { backend: 'tensorflow', mixActivations: true });
    expect(units.map((u) => u.map((r) => r.variant))).toEqual([
      ['relu', 'relu', 'gelu', 'gelu'],
      ['elu(alpha=1)', 'elu(alpha=1)'],
    ]);
    // Splitting stops at single runs; without `workers` nothing is split.
    expect(planUnits(elu.slice(0, 2), { backend: 'tensorflow', mixActivations: true, workers: 4 }).map((u) => u.length)).toEqual([1, 1]);
    expect(planUnits(runs, { backend: 'wasm', mixActivations: false, workers: 8 }).map((u) => u.length)).toEqual([2, 1, 2, 1, 2, 1, 2, 1]);
  });
});

describe('packed sweep', () => {
  it('gives every run the metrics of the same sweep with --no-pack, its own files and summary, locks released', async () => {
    const spec = packSpec();
    const packed = tmp();
    const plain = tmp();
    const events: SweepEvent[] = [];
    const a = await runSweep(spec, { out: packed, workers: 2, onEvent: (e) => events.push(e) });
    const b = await runSweep(spec, { out: plain, workers: 2, pack: false });
    expect(a).toMatchObject({ total: 6, completed: 6, failed: 0 });
    expect(b).toMatchObject({ total: 6, completed: 6, failed: 0 });
    expect(events.some((e) => e.type === 'log' && /^6 runs in 2 units of 3/.test(e.message))).toBe(true);
    expect(events.some((e) => e.type === 'log' && /: 3 runs as one pack \(stacked\)$/.test(e.message))).toBe(true);
    expect(events.filter((e) => e.type === 'run-end').length).toBe(6);
    const store = new ResultsStore(packed);
    for (const id of store.listRunIds()) {
      expect(fs.existsSync(runLockFile(store, id))).toBe(false);
      expect(store.summary(id)!.status).toBe('completed');
      expect(fs.existsSync(path.join(store.runDir(id), 'checkpoint', 'LATEST'))).toBe(true);
      const got = epochsOf(packed, id);
      expect(got.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
      expect(maxRelDiff(got, epochsOf(plain, id))).toBeLessThan(1e-4);
      const sa = store.summary(id)!.final;
      const sb = new ResultsStore(plain).summary(id)!.final;
      expect(maxRelDiff(sa, sb)).toBeLessThan(1e-4);
    }
  });

  it('survives SIGKILL of a packed sweep: --resume continues every member from its checkpoint', async () => {
    const out = tmp();
    const spec = packSpec({ epochs: 6, dataset: { name: 'spirals', classes: 3, nTrain: 192, nTest: 48, noise: 0.1 } });
    const child = startSweep(spec, out, { workers: 1 });
    const store = new ResultsStore(out);
    // Killed (runner and worker, the whole group) once every member of the first pack has checkpointed an epoch.
    const midway = () => store.listRunIds().filter((id) => !store.summary(id) && fs.existsSync(path.join(store.runDir(id), 'checkpoint', 'LATEST')));
    await killGroupWhen(child, () => midway().length >= 3, 20);
    await new Promise((r) => setTimeout(r, 300));
    expect(store.summaries().length).toBeLessThan(6);
    const r = await runSweep(spec, { out, workers: 2, resume: true });
    expect(r).toMatchObject({ completed: 6, failed: 0 });
    const plain = tmp();
    await runSweep(spec, { out: plain, workers: 2, pack: false });
    for (const id of store.listRunIds()) {
      const got = epochsOf(out, id);
      expect(got.map((e) => e.epoch)).toEqual(Array.from({ length: 7 }, (_, i) => i));
      expect(maxRelDiff(got, epochsOf(plain, id))).toBeLessThan(1e-4);
    }
  });
});
