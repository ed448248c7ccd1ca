import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MixedConfigError } from './errors';
import { writeReport } from './report';
import { runSweep } from './runner';
import { parseSpec } from './spec';
import { ResultsStore } from './store';
import { tinySpec } from './test-utils/tiny-spec';

const made: string[] = [];
const tmp = () => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-report-')));
  return made[made.length - 1];
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// SGD at lr 1e12 blows up in the first step of every seed: the run ends 'diverged' with its epoch-0 (untrained) numbers.
function spec(extra: { epochs?: number; seeds?: number[]; lrs?: number[]; description?: string } = {}) {
  return parseSpec(
    tinySpec({
      name: 'report-test',
      description: extra.description ?? 'tiny sweep for report tests',
      base: {
        model: { depth: 2, width: 8 },
        optimizer: { name: 'sgd', lr: 0.01 },
        epochs: extra.epochs ?? 2,
        probes: { size: 48 },
        // Capped at 3 steps: the Hessian estimates cannot converge, and the report must say so.
        landscape: { samples: 32, directions: 1, powerIterations: 3 },
      },
      grid: { 'optimizer.lr': extra.lrs ?? [0.01, 1e12], seed: extra.seeds ?? [0, 1] },
      baseline: 'optimizer.lr=0.01',
    }),
  );
}

const rows = (csv: string) => {
  const [head, ...lines] = fs.readFileSync(csv, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};

describe('writeReport on a sweep with a diverged variant', () => {
  const out = tmp();
  let report: Awaited<ReturnType<typeof writeReport>>;
  beforeAll(async () => {
    const r = await runSweep(spec({ description: 'ReLU <script>alert("x")</script> & co' }), { out, workers: 1 });
    expect(r).toMatchObject({ completed: 2, diverged: 2 });
    report = await writeReport(out);
  });

  it('averages completed runs only and counts the diverged ones beside them, in CSV, Parquet and Markdown', () => {
    const store = new ResultsStore(out);
    const done = store.summaries().filter((s) => s.status === 'completed');
    const variants = rows(path.join(report.dir, 'variants.csv'));
    const good = variants.find((v) => v.variant === 'optimizer.lr=0.01')!;
    const bad = variants.find((v) => v.variant === 'optimizer.lr=1000000000000')!;
    expect(good).toMatchObject({ n: '2', diverged: '0', failed: '0' });
    const mean = done.reduce((a, s) => a + (s.final.testAccuracy as number), 0) / 2;
    expect(Number(good.testAccuracy_mean)).toBeCloseTo(mean, 10);
    // Today's diverged runs carry epoch-0 accuracy; none of it is averaged.
    expect(bad).toMatchObject({ n: '0', diverged: '2', failed: '0', testAccuracy_mean: '' });
    const md = fs.readFileSync(report.markdown, 'utf8');
    expect(md).toMatch(/\| variant \| n \| diverged \| failed \| hessianUnconverged \| testAccuracy \|/);
    expect(md).toMatch(/\| optimizer\.lr=1000000000000 \| 0 \| 2 \| 0 \| 0 \| {2}\|/);
    expect(fs.existsSync(path.join(report.dir, 'variants.parquet'))).toBe(true);
  });

  it('pairs only completed runs: the diverged variant has 0 pairs and no t-test', () => {
    const paired = rows(path.join(report.dir, 'paired.csv')).filter((r) => r.metric === 'testAccuracy');
    expect(paired).toHaveLength(1);
    expect(paired[0]).toMatchObject({ variant: 'optimizer.lr=1000000000000', pairs: '0', diverged: '2', failed: '0', meanDiff: '', p: '' });
    const html = fs.readFileSync(report.html, 'utf8');
    expect(html).toContain('<th>pairs</th><th>diverged</th><th>failed</th>');
  });

  it('flags Hessian estimates that stopped at the iteration cap, in every table', () => {
    const runs = rows(path.join(report.dir, 'runs.csv')).filter((r) => r.status === 'completed');
    expect(runs.map((r) => r.hessianConverged)).toEqual(['false', 'false']);
    const md = fs.readFileSync(report.markdown, 'utf8');
    expect(md).toMatch(/Hessian extremes converged in 0 of 2 completed runs; \u2020 marks/);
    expect(md).toMatch(/\| optimizer\.lr=0\.01 \| 2 \| 0 \| 0 \| 2 \| [^|]+ \|.* \u2020 \|/);
    expect(rows(path.join(report.dir, 'paired.csv')).find((r) => r.metric === 'hessianTop')).toBeDefined();
  });

  it('escapes user strings in the HTML (the spec description here)', () => {
    const html = fs.readFileSync(report.html, 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('ReLU &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
  });
});

describe('writeReport on a directory that mixes configs under one label', () => {
  it('refuses, naming the variant, the differing field and the runs', async () => {
    const out = tmp();
    const other = tmp();
    await runSweep(spec({ lrs: [0.01], seeds: [0] }), { out, workers: 1 });
    await runSweep(spec({ lrs: [0.01], seeds: [1], epochs: 3 }), { out: other, workers: 1 });
    // Runs of an edited spec land beside the old ones (an older sugar's --resume, or results merged by hand).
    const [id] = new ResultsStore(other).listRunIds();
    fs.cpSync(path.join(other, 'runs', id), path.join(out, 'runs', id), { recursive: true });
    const [mine] = new ResultsStore(out).listRunIds().filter((x) => x !== id);
    const err = await writeReport(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MixedConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("variant 'optimizer.lr=0.01'");
    expect(msg).toContain(`epochs: 2 in ${mine} (seed 0); 3 in ${id} (seed 1)`);
    expect(msg).not.toMatch(/^\s+seed:/m);
    expect(msg).toMatch(/--out/);
    expect(fs.existsSync(path.join(out, 'report', 'report.md'))).toBe(false);
  });
});
