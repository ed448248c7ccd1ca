#!/usr/bin/env node
// The dying-ReLU experiment: the `dying-relu` preset (ReLU vs SUGAR(bsilu) in deep narrow MLPs on 3-class
// spirals), run and read through the experiments API, the same path as `sugar run dying-relu`.
// Build the libs first (npm run build), then from the repository root:
//   node examples/dying-relu/run.js [--out runs/dying-relu] [--backend wasm|tensorflow|cpu] [--workers N]
//                                   [--only 'seed=0'] [--resume]
// Finished runs in --out are kept and skipped, so a second call only prints the tables.
'use strict';
const path = require('node:path');
const { expandGrid, loadResults, pl, reportTables, resolveSpec, runSweep, toMarkdown } = require('@sugar-lab/experiments');

const USAGE = 'usage: node examples/dying-relu/run.js [--out DIR] [--backend NAME] [--workers N] [--only FILTER] [--resume]';

function args(argv) {
  const out = { out: path.join('runs', 'dying-relu'), resume: false };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (key === '--resume') out.resume = true;
    else if (['--out', '--backend', '--workers', '--only'].includes(key) && argv[i + 1] !== undefined) out[key.slice(2)] = argv[++i];
    else throw new Error(`${USAGE}\nfound '${key}' at position ${i + 1}`);
  }
  if (out.workers !== undefined && !/^[1-9]\d*$/.test(out.workers)) throw new Error(`--workers: expected a whole number >= 1; found '${out.workers}'`);
  return out;
}

const pct = (x) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const net = (s) => `${s.point.model.depth} x ${s.point.model.width}`;
const act = (s) => s.variant.split(' | ')[1];

/** Rows in the order the spec plans its variants (network, then activation), seeds ascending. */
function inSpecOrder(spec, rows, variantOf = (r) => r.variant) {
  const order = [...new Set(expandGrid(spec).map((r) => r.variant))];
  const rank = (r) => order.indexOf(variantOf(r));
  return [...rows].sort((a, b) => rank(a) - rank(b) || (a.seed ?? 0) - (b.seed ?? 0));
}

/** Mean [95% interval] of the headline metrics per variant, and the paired SUGAR - ReLU differences (reportTables). */
function summaryTables(spec, results, tables) {
  const first = (variant) => results.summaries.find((s) => s.variant === variant);
  const label = (variant) => ({ MLP: net(first(variant)), activation: act(first(variant)) });
  const ci = (r, m) => (r[`${m}_ci_lo`] === null ? pct(r[`${m}_mean`]) : `${pct(r[`${m}_mean`])} [${pct(r[`${m}_ci_lo`])}, ${pct(r[`${m}_ci_hi`])}]`);
  const variants = pl.DataFrame(
    inSpecOrder(spec, tables.variants.toRecords()).map((r) => ({
      ...label(r.variant),
      n: r.n,
      'dead at init': pct(r.deadFractionInit_mean),
      'dead at end': ci(r, 'deadFraction'),
      'test accuracy': ci(r, 'testAccuracy'),
    })),
  );
  const paired = pl.DataFrame(
    inSpecOrder(spec, tables.paired.toRecords())
      .filter((r) => ['deadFraction', 'testAccuracy'].includes(r.metric))
      .map((r) => ({
        metric: r.metric,
        MLP: net(first(r.variant)),
        comparison: `${act(first(r.variant))} - ${act(first(r.baseline))}`,
        pairs: r.pairs,
        difference: pct(r.meanDiff),
        '95% CI': r.ciLo === null ? '' : `[${pct(r.ciLo)}, ${pct(r.ciHi)}]`,
        p: r.p,
      })),
  );
  return [toMarkdown(variants), toMarkdown(paired)];
}

/** One row per run: dead units before training, the most at any epoch, at the end; revived units; accuracy. */
function runRows(spec, results) {
  return inSpecOrder(spec, results.summaries).map((s) => {
    const dead = (results.curves.get(s.id) ?? []).map((p) => p.scalars.deadFraction);
    const units = s.point.model.depth * s.point.model.width;
    const f = s.final;
    return `| ${net(s)} | ${act(s)} | ${s.seed} | ${s.status} | ${pct(f.deadFractionInit)} | ${pct(Math.max(...dead))} | ${pct(f.deadFraction)} | ${f.resurrected} of ${units} | ${pct(f.testAccuracy)} | ${f.trainLoss.toFixed(4)} | ${s.seconds.toFixed(1)} |`;
  });
}

/** Dead fraction / test accuracy at a few epochs, mean over seeds. */
function overTraining(spec, results, epochs) {
  const at = [...new Set(expandGrid(spec).map((r) => r.variant))].map((variant) => {
    const runs = results.summaries.filter((s) => s.variant === variant && s.status === 'completed');
    if (!runs.length) return undefined;
    const cell = (e) => {
      const pts = runs.map((s) => (results.curves.get(s.id) ?? []).find((p) => p.epoch === e)).filter(Boolean);
      return pts.length ? `${pct(mean(pts.map((p) => p.scalars.deadFraction)))} / ${pct(mean(pts.map((p) => p.scalars.testAccuracy)))}` : '';
    };
    return `| ${net(runs[0])} ${act(runs[0])} | ${epochs.map(cell).join(' | ')} |`;
  });
  return [
    `| network, activation | ${epochs.map((e) => `epoch ${e}`).join(' | ')} |`,
    `| --- | ${epochs.map(() => '---').join(' | ')} |`,
    ...at.filter(Boolean),
  ].join('\n');
}

async function main() {
  const a = args(process.argv.slice(2));
  const spec = resolveSpec('dying-relu');
  const t0 = Date.now();
  const sweep = await runSweep(spec, {
    out: a.out,
    backend: a.backend,
    workers: a.workers === undefined ? undefined : Number(a.workers),
    only: a.only,
    resume: a.resume,
    onEvent: (e) => {
      if (e.type === 'run-end' && e.summary) {
        const f = e.summary.final;
        console.error(
          `${e.run.variant} seed ${e.run.seed}: ${e.summary.status}, dead ${pct(f.deadFraction)}, test acc ${pct(f.testAccuracy)}, ${e.summary.seconds.toFixed(1)} s`,
        );
      } else if (e.type === 'log') console.error(e.message);
    },
  });
  console.error(
    `${sweep.completed} completed, ${sweep.diverged} diverged, ${sweep.failed} failed, ${sweep.skipped} already finished, in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );

  const results = loadResults(a.out);
  const [variants, paired] = summaryTables(spec, results, reportTables(results));
  console.log(
    [
      `Backend: ${[...new Set(results.summaries.map((s) => s.backend))].join(', ')}; ${spec.base.epochs} epochs of ${Math.ceil(spec.base.dataset.nTrain / spec.base.batchSize)} steps; results in ${a.out}.`,
      '',
      variants,
      '',
      paired,
      '',
      '| MLP | activation | seed | status | dead at init | max dead | dead at end | resurrected at end | test acc | train loss | seconds |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...runRows(spec, results),
      '',
      overTraining(spec, results, [0, 1, 5, 10, 25, spec.base.epochs]),
    ].join('\n'),
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
