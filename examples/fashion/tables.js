#!/usr/bin/env node
// The tables of examples/fashion/README.md, from a finished (or partial) `fashion` sweep:
//   npm run sugar -- run fashion --report          # the sweep into runs/fashion
//   node examples/fashion/tables.js [runs/fashion] > examples/fashion/results/fashion.md
// Reads the results through the experiments API (loadResults, reportTables, lrGridTable, bestLrTable), the same
// numbers `sugar report` writes; nothing is trained here.
'use strict';
const { axisLabel, bestLrTable, compactBestLr, loadResults, lrGridTable, pl, referenceLr, reportTables, toMarkdown } = require('@sugar-lab/experiments');

const dir = process.argv[2] ?? 'runs/fashion';
if (process.argv.length > 3 || dir.startsWith('-')) throw new Error('usage: node examples/fashion/tables.js [RESULTS_DIR]');

const r = loadResults(dir);
const tables = reportTables(r);
const paperLr = referenceLr(r);
const f3 = (x) => (typeof x === 'number' ? x.toFixed(3) : '');
const pct = (x) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '');
const withCi = (row, m, fmt = f3) =>
  typeof row[`${m}_mean`] !== 'number'
    ? ''
    : `${fmt(row[`${m}_mean`])}${row[`${m}_ci_lo`] === null ? '' : ` [${fmt(row[`${m}_ci_lo`])}, ${fmt(row[`${m}_ci_hi`])}]`}`;
const pText = (p) => (typeof p !== 'number' ? '' : p < 0.001 ? p.toExponential(1) : p.toFixed(3));

// A variant label is `model | activation | optimizer={...}`: its parts, from a run of it.
const byVariant = new Map(r.summaries.map((s) => [s.variant, s]));
const parts = (variant) => {
  const s = byVariant.get(variant);
  const o = s.point.optimizer;
  return {
    model: axisLabel('model', s.point.model),
    activation: axisLabel('activation', s.point.activation),
    recipe: `${o.name === 'sgd' ? 'SGD' : 'Adam'} ${o.lr}`,
    opt: o,
  };
};
const recipes = [`SGD ${paperLr}`, 'Adam 0.001'];
const models = [...new Set(r.summaries.map((s) => axisLabel('model', s.point.model)))];
const out = [];
const section = (title, ...body) => out.push(`## ${title}`, '', ...body.flatMap((b) => [b, '']));

const counts = ['completed', 'diverged', 'failed'].map((st) => `${r.summaries.filter((s) => s.status === st).length} ${st}`).join(', ');
const seconds = (m) => r.summaries.filter((s) => axisLabel('model', s.point.model) === m).map((s) => s.seconds);
out.push(`# ${r.spec.name}: ${r.summaries.length} runs (${counts})`, '');
out.push(
  models
    .map(
      (m) =>
        `- ${m}: ${seconds(m).length} runs, ${(seconds(m).reduce((a, b) => a + b, 0) / seconds(m).length).toFixed(1)} s per run on average (${Math.min(...seconds(m)).toFixed(1)}-${Math.max(...seconds(m)).toFixed(1)} s)`,
    )
    .join('\n'),
  '',
);

// 1. Test accuracy on the lr grid.
const grid = lrGridTable(r).toRecords();
const cols = [...new Set(grid.map((g) => `${g.optimizer} ${g.lr}`))].sort((a, b) =>
  a.startsWith('sgd') === b.startsWith('sgd') ? 0 : a.startsWith('sgd') ? -1 : 1,
);
const keys = [...new Set(grid.map((g) => JSON.stringify([g.setting, g.variant])))];
section(
  'Test accuracy at every learning rate',
  'Mean [95% Student-t interval] over seeds; runs that diverged or failed are counted, not averaged.',
  toMarkdown(
    pl.DataFrame(
      keys.map((k) => {
        const [setting, variant] = JSON.parse(k);
        const row = { model: setting, activation: variant };
        for (const c of cols) {
          const g = grid.find((x) => x.setting === setting && x.variant === variant && `${x.optimizer} ${x.lr}` === c);
          row[c] = !g
            ? ''
            : g.mean === null
              ? `all ${g.lost} lost`
              : `${f3(g.mean)}${g.ci_lo === null ? '' : ` [${f3(g.ci_lo)}, ${f3(g.ci_hi)}]`}${g.lost ? ` (${g.lost} lost)` : ''}`;
        }
        return row;
      }),
    ),
  ),
);

// 2. Each variant at the paper's lr and at its own best lr.
const best = bestLrTable(r);
section(
  'At the paper\u2019s lr and at each variant\u2019s best SGD lr',
  `Best lr: the SGD lr with the highest mean test accuracy (picked on the test set: the same optimistic selection for every variant). Paired differences against ReLU by seed, with a two-sided paired t-test (3 seeds: 2 degrees of freedom).`,
  toMarkdown(compactBestLr(best, r.spec.baseline ?? 'relu').drop('optimizer')),
);

// 3. Headline numbers per recipe: accuracy, dead units, sparsity, paired against ReLU.
// Rows by model, then activation, in the spec's order.
const actOrder = (r.spec.grid.activation ?? []).map((a) => axisLabel('activation', a));
const inOrder = (rows) =>
  [...rows].sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model) || actOrder.indexOf(a.activation) - actOrder.indexOf(b.activation));
const variants = inOrder(tables.variants.toRecords().map((v) => ({ ...parts(v.variant), v })));
const paired = tables.paired.toRecords();
const pair = (variant, metric) => paired.find((p) => p.variant === variant && p.metric === metric);
const diff = (p, fmt) => (!p || p.meanDiff === null ? '' : `${p.meanDiff >= 0 ? '+' : ''}${fmt(p.meanDiff)} [${fmt(p.ciLo)}, ${fmt(p.ciHi)}], p ${pText(p.p)}`);
for (const recipe of recipes) {
  section(
    `${recipe}: accuracy, dead units, sparsity`,
    'Mean [95% interval] over seeds at the end of training; dead: units never positive on the 1024-image probe set (a conv unit is a channel); sparsity: fraction of activation outputs exactly 0. Differences: variant minus ReLU, paired by seed.',
    toMarkdown(
      pl.DataFrame(
        variants
          .filter((x) => x.recipe === recipe)
          .map(({ model, activation, v }) => ({
            model,
            activation,
            n: v.n,
            'test accuracy': withCi(v, 'testAccuracy'),
            '\u0394 acc vs relu': diff(pair(v.variant, 'testAccuracy'), f3),
            'dead at init': pct(v.deadFractionInit_mean),
            dead: withCi(v, 'deadFraction', pct),
            '\u0394 dead vs relu': diff(pair(v.variant, 'deadFraction'), pct),
            sparsity: f3(v.sparsity_mean),
          })),
      ),
    ),
  );
}

// 4. Dead units per layer.
const layers = tables.layers.toRecords().map((l) => ({ ...parts(l.variant), l }));
for (const recipe of recipes) {
  for (const model of models) {
    const mine = layers.filter((x) => x.recipe === recipe && x.model === model);
    const names = [...new Set(mine.map((x) => x.l.layer))];
    const acts = actOrder.filter((a) => mine.some((x) => x.activation === a));
    section(
      `${model}, ${recipe}: dead units per layer`,
      'Fraction of the layer\u2019s units dead at the end of training, mean over seeds (probe set).',
      toMarkdown(
        pl.DataFrame(
          acts.map((a) => ({
            activation: a,
            ...Object.fromEntries(names.map((n) => [n, pct(mine.find((x) => x.activation === a && x.l.layer === n)?.l.deadFraction)])),
          })),
        ),
      ),
    );
  }
}

process.stdout.write(out.join('\n'));
