import * as fs from 'node:fs';
import pl from 'nodejs-polars';
import { fromJsonLine } from '@sugar-lab/train';
import type { PlannedRun } from './grid';
import type { ResultsStore } from './store';

/** A run of the directory without summary.json: planned (config.json), maybe training or interrupted. */
export interface UnfinishedRun {
  id: string;
  variant: string;
  seed: number;
  point: Record<string, unknown>;
  /** The last epoch its metrics.jsonl records (0: measured before training), null when it has none. */
  epoch: number | null;
  /** The epochs it is to train, from its config.json. */
  epochs: number | null;
  /** `in progress`: it has a metrics log or a checkpoint (training now, or interrupted); else `not started`. */
  state: 'in progress' | 'not started';
}

// The last whole epoch record of a metrics log; lines cut by a crash mid-write are skipped.
function lastEpoch(file: string): number | null {
  if (!fs.existsSync(file)) return null;
  let last: number | null = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const m = fromJsonLine<{ epoch?: unknown; type?: string }>(line);
      if ((m.type === undefined || m.type === 'epoch') && typeof m.epoch === 'number') last = Math.max(last ?? 0, m.epoch);
    } catch {
      continue;
    }
  }
  return last;
}

/** The directory's planned runs that have no summary.json yet, in id order. Their numbers are never averaged. */
export function unfinishedRuns(store: ResultsStore): UnfinishedRun[] {
  return store.listRunIds().flatMap((id) => {
    if (fs.existsSync(store.summaryFile(id))) return [];
    const run = store.savedRun<Partial<PlannedRun>>(id);
    if (!run || typeof run.variant !== 'string') return [];
    const epochs = typeof run.config?.epochs === 'number' ? run.config.epochs : null;
    return [
      {
        id,
        variant: run.variant,
        seed: typeof run.seed === 'number' ? run.seed : Number(run.point?.seed),
        point: run.point ?? {},
        epoch: lastEpoch(store.metricsFile(id)),
        epochs,
        state: store.hasStarted(id) ? 'in progress' : 'not started',
      },
    ];
  });
}

/** One row per unfinished run: its progress as `epoch k/N` (k the last epoch logged). */
export function unfinishedTable(runs: UnfinishedRun[], order: string[]): pl.DataFrame {
  if (!runs.length) return pl.DataFrame({ id: [] as string[] });
  const rank = (v: string) => (order.includes(v) ? order.indexOf(v) : order.length);
  const sorted = [...runs].sort((a, b) => rank(a.variant) - rank(b.variant) || a.seed - b.seed);
  return pl
    .DataFrame(
      sorted.map((r) => ({
        id: r.id,
        variant: r.variant,
        seed: r.seed,
        state: r.state,
        progress: `epoch ${r.epoch ?? 0}/${r.epochs ?? '?'}`,
      })),
    )
    .withColumns(pl.col('seed').cast(pl.Int64));
}

/** What every table of a report of an incomplete sweep says about it. */
export function incompleteNote(unfinished: number, total: number): string {
  return `Incomplete sweep: ${unfinished} of ${total} runs have not finished (listed under Unfinished runs); the statistics here are over the ${total - unfinished} finished ones.`;
}
