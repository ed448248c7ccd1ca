import { applyDefaults, canonicalActivation, canonicalJSON, didYouMean } from '@sugar-lab/core';
import { datasetOptions, LOAD_OPTIONS } from '@sugar-lab/datasets';
import { modelOptions } from '@sugar-lab/models';
import { resolveTrainConfig } from '@sugar-lab/train';
import type { SpecIssue } from './errors';
import { axisLabel, baselineAxis, expandGrid, gridIndices, type PlannedRun } from './grid';
import { KNOWN_METRICS, metricsOf } from './metrics';
import { formatPath } from './path-format';
import { LANDSCAPE_OPTIONS, trainConfigOf, type RunConfig } from './run-config';
import type { Spec } from './spec';

const issue = (parts: (string | number)[], message: string): SpecIssue => ({ path: formatPath(parts), parts, message });

/**
 * What a run computes, with every default filled in (dataset, model, activation, train config, landscape):
 * two grid points with the same meaning are one run, whatever their spelling.
 */
function meaningOf(cfg: RunConfig): string {
  const { name: dataset, ...datasetOpts } = cfg.dataset;
  const { name: model, ...modelOpts } = cfg.model;
  const { logPath: _l, checkpointDir: _c, resume: _r, keepCheckpoints: _k, progress: _p, ...train } = resolveTrainConfig(trainConfigOf(cfg));
  return canonicalJSON({
    dataset: { name: dataset, ...applyDefaults({ ...LOAD_OPTIONS, ...datasetOptions(dataset) }, datasetOpts) },
    model: { name: model, ...applyDefaults(modelOptions(model) ?? {}, modelOpts) },
    activation: canonicalActivation(cfg.activation),
    train,
    landscape: cfg.landscape ? applyDefaults(LANDSCAPE_OPTIONS, { ...cfg.landscape }) : undefined,
    backend: cfg.backend,
  });
}

type Point = { run: PlannedRun; indices: Record<string, number> };

/** Where the later of two grid points sits: its value on the one axis where they differ, or `grid` when several differ. */
function pointsDiffer(a: Point, b: Point): (string | number)[] {
  const axes = Object.keys(b.indices).filter((axis) => a.indices[axis] !== b.indices[axis]);
  return axes.length === 1 ? ['grid', axes[0], b.indices[axes[0]]] : ['grid'];
}

const describePoint = (r: PlannedRun) => `${r.variant}, seed ${r.seed}`;

/** Two grid points that are one run (same resolved config, or the same variant label and seed) are an error naming both. */
function duplicateIssues(points: Point[]): SpecIssue[] {
  const byMeaning = new Map<string, Point>();
  const byLabel = new Map<string, Point>();
  const issues: SpecIssue[] = [];
  for (const p of points) {
    const r = p.run;
    const meaning = meaningOf(r.config);
    const label = `${r.variant}\n${r.seed}`;
    const same = byMeaning.get(meaning);
    const sameLabel = byLabel.get(label);
    if (same) {
      issues.push(
        issue(
          pointsDiffer(same, p),
          `the grid points (${describePoint(same.run)}) and (${describePoint(r)}) are the same run once defaults are filled in; remove one`,
        ),
      );
    } else if (sameLabel) {
      const ids = `${sameLabel.run.id}, ${r.id}`;
      issues.push(
        issue(
          pointsDiffer(sameLabel, p),
          `two different runs would share the variant label '${r.variant}' and seed ${r.seed} (run ids ${ids}); make their grid values differ visibly`,
        ),
      );
    }
    if (!same) byMeaning.set(meaning, p);
    if (!sameLabel) byLabel.set(label, p);
  }
  return issues;
}

/** The labels a `baseline:` may name: the baseline axis's values as tables show them. */
export function baselineChoices(spec: Spec, runs: PlannedRun[]): string[] {
  const axis = baselineAxis(spec);
  if (!(axis in spec.grid)) return [...new Set(runs.map((r) => r.variant))];
  return [...new Set(spec.grid[axis].map((v) => axisLabel(axis, v)))];
}

function baselineIssues(spec: Spec, runs: PlannedRun[]): SpecIssue[] {
  if (spec.baseline === undefined) return [];
  const choices = baselineChoices(spec, runs);
  if (choices.includes(spec.baseline)) return [];
  const axis = baselineAxis(spec);
  return [
    issue(
      ['baseline'],
      `'${spec.baseline}' is not a variant on the ${axis} axis; expected one of: ${choices.map((c) => `'${c}'`).join(', ')}${didYouMean(spec.baseline, choices)}`,
    ),
  ];
}

function metricIssues(spec: Spec, runs: PlannedRun[]): SpecIssue[] {
  const known = KNOWN_METRICS as readonly string[];
  if (!known.includes(spec.metric)) {
    return [issue(['metric'], `unknown metric '${spec.metric}'; expected one of: ${known.join(', ')}${didYouMean(spec.metric, known)}`)];
  }
  const measured = new Set(runs.flatMap((r) => metricsOf(r.config)));
  if (measured.has(spec.metric as (typeof KNOWN_METRICS)[number])) return [];
  const hint = /^val/.test(spec.metric)
    ? ' (runs evaluate on a validation split only with dataset.validation > 0 or eval.split: val)'
    : /^test/.test(spec.metric)
      ? ' (eval.split is val or none)'
      : ['deadFraction', 'deadFractionInit', 'sparsity', 'resurrected'].includes(spec.metric)
        ? ' (probes are disabled)'
        : ' (it needs the landscape probe: add landscape: {} to base)';
  return [issue(['metric'], `'${spec.metric}' is not measured by this spec's runs${hint}; they measure: ${[...measured].join(', ')}`)];
}

/** The checks that need the whole expanded sweep: duplicate points, the baseline label, the metric. */
export function sweepIssues(spec: Spec): SpecIssue[] {
  const runs = expandGrid(spec);
  const indices = gridIndices(spec); // the same order as expandGrid
  const points = runs.map((run, i) => ({ run, indices: indices[i] }));
  return [...duplicateIssues(points), ...baselineIssues(spec, runs), ...metricIssues(spec, runs)];
}
