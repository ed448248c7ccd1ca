// The table under the heatmap: for each run, now (at the last probe), its dead units, those brought back from the
// dead, its loss and test accuracy.
import type { RunHistory } from './session';

/** Dead units, resurrected units and units probed, summed over layers, at a run's last probe. */
export function lastCounts(run: RunHistory): { step: number; dead: number; resurrected: number; units: number } | undefined {
  const last = [...run.epochs].reverse().find((e) => e.probes);
  if (!last?.probes) return undefined;
  const layers = last.probes.layers;
  return {
    step: last.step,
    dead: layers.reduce((a, l) => a + l.dead, 0),
    resurrected: layers.reduce((a, l) => a + l.resurrected, 0),
    units: layers.reduce((a, l) => a + l.units, 0),
  };
}

const cell = (tag: 'td' | 'th', text: string) => Object.assign(document.createElement(tag), { textContent: text });

/**
 * The table of every run's counts.
 *
 * @param runs the session's runs
 */
export function countsTable(runs: RunHistory[]): HTMLTableElement {
  const table = document.createElement('table');
  const head = ['activation', 'dead units', 'resurrected', 'at step', 'train loss', 'test accuracy', 'status'];
  table.append(Object.assign(document.createElement('tr'), {}), ...runs.map(() => document.createElement('tr')));
  table.rows[0].append(...head.map((h) => cell('th', h)));
  runs.forEach((r, i) => {
    const c = lastCounts(r);
    const acc = [...r.epochs].reverse().find((e) => e.evalAcc !== null)?.evalAcc;
    const loss = r.losses.length ? r.losses.slice(-20).reduce((a, b) => a + b, 0) / Math.min(20, r.losses.length) : undefined;
    table.rows[i + 1].append(
      cell('td', r.label),
      cell('td', c ? `${c.dead} / ${c.units}` : '–'),
      cell('td', c ? String(c.resurrected) : '–'),
      cell('td', c ? String(c.step) : '–'),
      cell('td', loss !== undefined ? loss.toFixed(4) : '–'),
      cell('td', acc != null ? `${(100 * acc).toFixed(1)}%` : '–'),
      cell('td', r.error ? `${r.status}: ${r.error}` : r.status),
    );
  });
  return table;
}
