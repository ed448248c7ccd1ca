import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from './report';
import { runSweep } from './runner';
import { parseSpec } from './spec';
import { ResultsStore } from './store';
import { tinySpec } from './test-utils/tiny-spec';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-partial-')));
  return made[made.length - 1];
};

const spec = parseSpec(
  tinySpec({
    name: 'partial',
    base: { epochs: 6, probes: { size: 48 } },
    grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } }], 'optimizer.lr': [0.01, 0.003], seed: [0, 1] },
    baseline: 'relu',
  }),
);

// Read as a user's pandas or polars would (variant labels hold commas, so the CSV quotes them).
const rows = (csv: string) => pl.readCSV(csv).toRecords() as Record<string, string | number | null>[];

// Interrupts the sweep (as Ctrl-C does) once some run has logged `epoch`: that run keeps its checkpoint and
// metrics.jsonl, and with one lane and no packing the next run never starts.
async function interruptedSweep(out: string, epoch: number): Promise<void> {
  const stop = new AbortController();
  await runSweep(spec, {
    out,
    workers: 1,
    pack: false,
    resume: true,
    signal: stop.signal,
    onEvent: (e) => {
      if (e.type === 'epoch' && e.epoch >= epoch) stop.abort();
    },
  });
}

describe('sugar report on a sweep that has not finished', () => {
  const out = tmp();
  let report: Awaited<ReturnType<typeof writeReport>>;
  beforeAll(async () => {
    // Seed 0 of every variant finishes; then the sweep of the rest is interrupted at epoch 2 of its first run.
    await runSweep(spec, { out, workers: 1, only: 'seed=0' });
    await interruptedSweep(out, 2);
    report = await writeReport(out);
  }, 120_000);

  it('is a directory a user has: four summaries, one run with only metrics and a checkpoint, three only planned', () => {
    const store = new ResultsStore(out);
    const ids = store.listRunIds();
    expect(ids).toHaveLength(8);
    expect(store.summaries().map((s) => s.seed)).toEqual([0, 0, 0, 0]);
    const started = ids.filter((id) => !store.summary(id) && store.hasCheckpoint(id));
    expect(started).toHaveLength(1);
  });

  it('reports the finished runs and never averages a half-finished one', () => {
    const store = new ResultsStore(out);
    const variants = rows(path.join(report.dir, 'variants.csv'));
    for (const v of variants) {
      expect(v).toMatchObject({ n: 1, unfinished: 1 });
      const done = store.summaries().find((s) => s.variant === v.variant)!;
      expect(Number(v.testAccuracy_mean)).toBe(done.final.testAccuracy);
    }
    expect(report.warnings).toContain('incomplete sweep: 4 of 8 runs have not finished; they are listed and counted, not averaged');
  });

  it('lists the unfinished runs with their progress from metrics.jsonl', () => {
    const store = new ResultsStore(out);
    const started = store.listRunIds().find((id) => !store.summary(id) && store.hasStarted(id))!;
    // The interrupted run finished the epoch it was in when the signal came: 2, or 3.
    const lines = fs.readFileSync(store.metricsFile(started), 'utf8').trim().split('\n');
    const logged = Math.max(...lines.map((l) => (JSON.parse(l) as { epoch?: number }).epoch ?? 0));
    expect(logged).toBeGreaterThanOrEqual(2);
    expect(logged).toBeLessThan(6);
    const pending = rows(path.join(report.dir, 'unfinished.csv'));
    expect(pending.map((r) => [r.id, r.seed, r.state, r.progress]).filter((r) => r[0] === started)).toEqual([[started, 1, 'in progress', `epoch ${logged}/6`]]);
    expect(pending.filter((r) => r.state === 'not started').map((r) => [r.seed, r.progress])).toEqual(Array(3).fill([1, 'epoch 0/6']));
    const runs = rows(path.join(report.dir, 'runs.csv'));
    expect(runs.filter((r) => r.status === 'unfinished').map((r) => r.epochs)).toEqual(expect.arrayContaining([0, 0, 0, logged]));
  });

  it('says on every table that the sweep is incomplete: CSV columns, Markdown and HTML notes', () => {
    const paired = rows(path.join(report.dir, 'paired.csv'));
    expect(paired.length).toBeGreaterThan(0);
    expect(paired.every((r) => r.unfinished === 1 && r.pairs === 1)).toBe(true);
    expect(rows(path.join(report.dir, 'layers.csv')).every((r) => r.unfinished === 1)).toBe(true);
    expect(rows(path.join(report.dir, 'best-lr.csv')).every((r) => r.sweepUnfinished === 4)).toBe(true);
    const md = fs.readFileSync(report.markdown, 'utf8');
    const sections = md.split('\n## ').slice(1);
    expect(sections.map((s) => s.split('\n')[0])).toEqual([
      'Variants',
      'Paired differences to the baseline',
      'Best learning rate',
      'Per layer',
      'Runs',
      'Unfinished runs',
    ]);
    for (const s of sections.slice(0, -1)) expect(s).toContain('Incomplete sweep: 4 of 8 runs have not finished');
    expect(md).toMatch(/^Incomplete sweep: 4 of 8 runs have not finished \(1 in progress or interrupted, 3 not started\)/m);
    const html = fs.readFileSync(report.html, 'utf8');
    expect(html.match(/<h2>/g)).toHaveLength(6);
    expect(html.match(/Incomplete sweep: 4 of 8 runs have not finished \(listed under Unfinished runs\)/g)).toHaveLength(5);
  });
});

describe('sugar report before any run has finished', () => {
  it('writes a report of the unfinished runs instead of refusing', async () => {
    const out = tmp();
    await interruptedSweep(out, 1);
    const report = await writeReport(out);
    const md = fs.readFileSync(report.markdown, 'utf8');
    expect(md).toMatch(/Incomplete sweep: 8 of 8 runs have not finished \(1 in progress or interrupted, 7 not started\)/);
    expect(rows(path.join(report.dir, 'unfinished.csv'))).toHaveLength(8);
    expect(fs.existsSync(path.join(report.dir, 'variants.csv'))).toBe(true);
  }, 120_000);
});
