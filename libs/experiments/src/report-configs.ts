import { canonicalJSON } from '@sugar-lab/core';
import { MixedConfigError, type MixedConfig } from './errors';
import type { ResultsStore, RunSummary } from './store';

/** A config as dotted paths to leaf values (arrays are leaves), without the seed, which may differ. */
function leaves(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!prefix && k === 'seed') continue;
      for (const [p, leaf] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, leaf);
    }
  } else if (value !== undefined) out.set(prefix, canonicalJSON(value));
  return out;
}

// The fields whose values are not the same in every run of a group (missing counts as a value).
function differingFields(configs: Map<string, string>[]): string[] {
  const paths = [...new Set(configs.flatMap((c) => [...c.keys()]))].sort();
  return paths.filter((p) => new Set(configs.map((c) => c.get(p) ?? 'undefined')).size > 1);
}

function conflictOf(variant: string, runs: { summary: RunSummary; config: Map<string, string> }[]): MixedConfig | undefined {
  const fields = differingFields(runs.map((r) => r.config));
  if (!fields.length) return undefined;
  return {
    variant,
    fields: fields.map((field) => ({
      field,
      values: [...new Set(runs.map((r) => r.config.get(field) ?? 'undefined'))].map((value) => ({
        value,
        runs: runs.filter((r) => (r.config.get(field) ?? 'undefined') === value).map((r) => `${r.summary.id} (seed ${r.summary.seed})`),
      })),
    })),
  };
}

/**
 * Refuses to report a directory where runs under one variant label differ in anything but their seed
 * (e.g. a sweep resumed after its spec was edited): their mean would average two different experiments.
 * Compares each run's resolved config as recorded in runs/<id>/config.json.
 */
export function checkOneConfigPerVariant(store: ResultsStore, summaries: RunSummary[]): void {
  const groups = new Map<string, { summary: RunSummary; config: Map<string, string> }[]>();
  for (const s of summaries) {
    const saved = store.savedRun<{ config?: unknown }>(s.id);
    const g = groups.get(s.variant) ?? [];
    g.push({ summary: s, config: leaves(saved?.config) });
    groups.set(s.variant, g);
  }
  const bySeed = (a: { summary: RunSummary }, b: { summary: RunSummary }) => a.summary.seed - b.summary.seed || a.summary.id.localeCompare(b.summary.id);
  const conflicts = [...groups].flatMap(([variant, runs]) => conflictOf(variant, runs.sort(bySeed)) ?? []);
  if (conflicts.length) throw new MixedConfigError(store.dir, conflicts);
}
