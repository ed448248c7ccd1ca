import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockError } from './errors';
import { expandGrid } from './grid';
import { acquireLock } from './lock';
import { writeReport } from './report';
import { runSingle } from './run-one';
import { runSweep } from './runner';
import { emitSlurm } from './slurm';
import { parseSpec } from './spec';
import { ResultsStore } from './store';
import { killGroupWhen, startSweep } from './test-utils/sweep-process';
import { deepMerge, tinySpec, type TinySpecParts } from './test-utils/tiny-spec';

// relu against sugar(bsilu) on two seeds, 3 epochs with probes; `parts.base` is merged into that run config.
function sweepSpec(parts: TinySpecParts = {}) {
  return parseSpec(
    tinySpec({
      grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }], seed: [0, 1] },
      baseline: 'relu',
      ...parts,
      base: deepMerge({ model: { depth: 3 }, epochs: 3, probes: { size: 64, gradEvery: 2 } }, parts.base ?? {}),
    }),
  );
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));

function snapshot(dir: string): Map<string, string> {
  const store = new ResultsStore(dir);
  const out = new Map<string, string>();
  for (const id of store.listRunIds()) {
    for (const f of ['summary.json', 'metrics.jsonl', 'config.json']) {
      const p = path.join(store.runDir(id), f);
      if (fs.existsSync(p)) out.set(`${id}/${f}`, fs.readFileSync(p, 'utf8'));
    }
  }
  return out;
}

describe('runSweep', () => {
  it('runs every grid point once in parallel workers, records results, and skips finished runs', async () => {
    const out = tmp();
    const spec = sweepSpec();
    const first = await runSweep(spec, { out, workers: 2 });
    expect(first).toMatchObject({ total: 4, completed: 4, failed: 0, skipped: 0 });
    const store = new ResultsStore(out);
    expect(store.summaries().map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    for (const s of store.summaries()) {
      expect(s.final.testAccuracy).toBeGreaterThan(0);
      const lines = fs
        .readFileSync(path.join(store.runDir(s.id), 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([0, 1, 2, 3]);
    }
    const before = snapshot(out);
    const again = await runSweep(spec, { out, workers: 2, resume: true });
    expect(again).toMatchObject({ total: 4, completed: 0, skipped: 4 });
    expect(snapshot(out)).toEqual(before);

    const report = await writeReport(out);
    const md = fs.readFileSync(report.markdown, 'utf8');
    expect(md).toContain('sugar(bsilu,alpha=1.67)');
    expect(md).toMatch(/Paired differences/);
    expect(fs.readFileSync(report.html, 'utf8')).toContain('Plotly.newPlot');
    for (const t of ['runs', 'variants', 'paired', 'layers']) expect(fs.existsSync(path.join(report.dir, `${t}.parquet`))).toBe(true);
  });

  it('reports loss-landscape scalars for a sweep that enables them', async () => {
    const out = tmp();
    const spec = sweepSpec({ base: { landscape: { samples: 32, directions: 2, powerIterations: 5 } } });
    expect((await runSweep(spec, { out, workers: 2 })).completed).toBe(4);
    for (const s of new ResultsStore(out).summaries()) {
      expect(s.final.hessianTop).toBeGreaterThanOrEqual(s.final.hessianMin as number);
      expect(s.final.sharpness).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(s.final.convexityRatio)).toBe(true);
    }
    const md = fs.readFileSync((await writeReport(out)).markdown, 'utf8');
    expect(md).toMatch(/\| variant \| n \| diverged \| failed \| hessianUnconverged \| testAccuracy .*sharpness \| hessianTop \| convexityRatio \|/);
    expect(md).toMatch(/\| sugar\(bsilu,alpha=1\.67\) \| relu \| sharpness \| 2 \|/);
  });

  it('records a failing run with its error and goes on with the sweep', async () => {
    const out = tmp();
    // A valid spec whose data is not there (offline, empty cache) fails in its worker, not in validation.
    const missing = { name: 'mnist', offline: true, dataDir: tmp() };
    const spec = sweepSpec({ grid: { dataset: [missing, sweepSpec().base.dataset] }, baseline: undefined });
    const r = await runSweep(spec, { out, workers: 1 });
    expect(r).toMatchObject({ total: 2, completed: 1, failed: 1 });
    const failed = new ResultsStore(out).summaries().find((s) => s.status === 'failed')!;
    expect(failed.error).toMatch(/offline/);
  });

  it('marks a run whose loss blows up as diverged', async () => {
    const out = tmp();
    const spec = sweepSpec({ grid: { 'optimizer.lr': [1e12] }, baseline: undefined });
    const r = await runSweep(spec, { out, workers: 1 });
    expect(r.diverged).toBe(1);
  });

  it('refuses a second runner on the same directory, and an unfinished sweep without --resume', async () => {
    const out = tmp();
    const release = acquireLock(path.join(out, '.lock'), 'results directory');
    await expect(runSweep(sweepSpec(), { out })).rejects.toThrow(LockError);
    release();
    // A run that logged an epoch but has no summary is an interrupted run (a config.json alone is only a plan).
    const run = expandGrid(sweepSpec())[0];
    const store = new ResultsStore(out);
    store.writeConfig(run);
    fs.writeFileSync(store.metricsFile(run.id), '{"type":"epoch","epoch":0}\n');
    await expect(runSweep(sweepSpec(), { out })).rejects.toThrow(/interrupted run/);
  });

  it('survives SIGKILL: a rerun with --resume ends with every run exactly once and finished runs untouched', async () => {
    const out = tmp();
    const spec = sweepSpec({ base: { epochs: 6 } });
    const child = startSweep(spec, out, { workers: 1, resume: true });
    const store = new ResultsStore(out);
    // Kill it once one run has finished and the next has checkpointed at least one epoch.
    const oneDoneOneMidway = () => {
      const ids = store.listRunIds();
      return ids.some((id) => store.summary(id)) && ids.some((id) => !store.summary(id) && fs.existsSync(path.join(store.runDir(id), 'checkpoint')));
    };
    await killGroupWhen(child, oneDoneOneMidway, 50);
    await new Promise((r) => setTimeout(r, 300));
    const finishedBefore = new Map([...snapshot(out)].filter(([k]) => store.summary(k.split('/')[0])));
    const r = await runSweep(spec, { out, workers: 1, resume: true });
    expect(r.failed).toBe(0);
    const ids = store.listRunIds();
    expect(ids.sort()).toEqual(
      expandGrid(spec)
        .map((x) => x.id)
        .sort(),
    );
    expect(store.summaries()).toHaveLength(ids.length);
    const after = snapshot(out);
    for (const [k, v] of finishedBefore) expect(after.get(k)).toBe(v);
    // The resumed run logged each epoch exactly once... or repeated the killed epoch; the report dedupes.
    for (const id of ids) {
      const records = fs
        .readFileSync(path.join(store.runDir(id), 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const epochs = records.filter((l) => l.type === 'epoch').map((l) => l.epoch);
      expect(new Set(epochs)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    }
  });
});

describe('slurm', () => {
  it('writes an array script with one task per run, and run-one finishes a run by id', async () => {
    const out = tmp();
    const spec = sweepSpec();
    const { script, runs } = emitSlurm(spec, { out, partition: 'cpu', time: '01:00:00', maxParallel: 2 });
    expect(runs).toBe(4);
    const text = fs.readFileSync(script, 'utf8');
    expect(text).toContain('#SBATCH --array=0-3%2');
    expect(text).toContain('#SBATCH --partition=cpu');
    expect(text).toContain('run-one "$OUT" --task "$SLURM_ARRAY_TASK_ID"');
    const ids = fs.readFileSync(path.join(out, 'run-ids.txt'), 'utf8').trim().split('\n');
    expect(ids).toEqual(expandGrid(spec).map((r) => r.id));
    const s = await runSingle(out, ids[1]);
    expect(s?.status).toBe('completed');
    const again = await runSingle(out, ids[1]);
    expect(again).toEqual(s);
  });

  it('after --emit slurm, a plain run trains the planned runs: a config.json alone is a plan, not an interrupted run', async () => {
    const out = tmp();
    const spec = sweepSpec();
    emitSlurm(spec, { out, command: 'true' });
    const r = await runSweep(spec, { out, workers: 1 });
    expect(r).toMatchObject({ total: 4, completed: 4, interrupted: 0 });
  });

  it('says in the run log when a corrupt checkpoint was moved aside on resume', async () => {
    const out = tmp();
    const spec = sweepSpec({ base: { epochs: 4 }, grid: { seed: [0] } });
    emitSlurm(spec, { out, command: 'true' });
    const [run] = expandGrid(spec);
    const stop = new AbortController();
    await runSingle(out, run.id, { signal: stop.signal, onEpoch: (_id, epoch) => epoch >= 2 && stop.abort() });
    const ckpt = new ResultsStore(out).checkpointDir(run.id);
    const latest = fs.readFileSync(path.join(ckpt, 'LATEST'), 'utf8').trim();
    const tensors = path.join(ckpt, latest, 'tensors.bin');
    const bytes = fs.readFileSync(tensors);
    bytes[bytes.length - 1] ^= 0xff; // one flipped bit of a weight: the checksum no longer matches
    fs.writeFileSync(tensors, bytes);
    const logs: string[] = [];
    const r = await runSweep(spec, { out, resume: true, onEvent: (e) => e.type === 'log' && logs.push(e.message) });
    expect(r.completed).toBe(1);
    expect(logs.some((m) => m.startsWith(`run ${run.id}: warning: `) && m.includes(latest))).toBe(true);
  });
});
