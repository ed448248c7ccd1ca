// A sweep worker: trains one work unit (K >= 1 runs, runUnit) per process, reports over IPC, exits when its parent
// goes away (so a killed runner never leaves orphans writing into the results directory).
import { setHost } from '@sugar-lab/core';
import { dieWithParent, fenceRunWrites } from './orphan-watchdog';
import { runUnit } from './run-unit';
import type { FromWorker, ToWorker } from './worker-protocol';

const controller = new AbortController();
// The runner's "stop now" (a notebook's interrupt): this process is the host, and its training stops at the next step.
const now = new AbortController();
setHost({ interrupt: now.signal });
const sent = (m: FromWorker) => new Promise<void>((resolve) => process.send?.(m, undefined, {}, () => resolve()));

process.on('disconnect', () => process.exit(130));
dieWithParent();
// The terminal's Ctrl-C reaches the whole process group; Slurm's scancel / time limit sends SIGTERM to every
// process of the job: either way the unit finishes its epoch, checkpoints and reports 'interrupted'.
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());

// Every run's ending is reported (and delivered) before the process exits.
async function unit(m: Extract<ToWorker, { type: 'unit' }>): Promise<void> {
  fenceRunWrites(m.dirs); // the runner holds each run's lock: nothing is written into a run once it does not
  const outcomes = await runUnit(m.runs, m.dirs, {
    backend: m.backend,
    expectPlugins: m.expectPlugins,
    tensorboard: m.tensorboard,
    signal: controller.signal,
    onEpoch: (id, epoch, epochs, metrics) => void sent({ type: 'epoch', id, epoch, epochs, metrics }),
    onLog: (message) => void sent({ type: 'log', message }),
  });
  for (const [i, o] of outcomes.entries()) {
    const id = m.runs[i].id;
    if (o.kind === 'summary') await sent({ type: 'done', id, summary: o.summary });
    else if (o.kind === 'interrupted') await sent({ type: 'interrupted', id });
    else await sent({ type: 'error', id, error: o.error, ...(o.stack ? { stack: o.stack } : {}) });
  }
  process.exit(outcomes.some((o) => o.kind === 'error') ? 1 : 0);
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'stop') (m.now ? now : controller).abort();
  else void unit(m);
});
