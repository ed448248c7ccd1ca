// A sweep worker: runs one run (or one pack of runs) per process, reports over IPC, exits when its parent goes away
// (so a killed runner never leaves orphans writing into the results directory).
import { runOne } from './run-one';
import { runPack } from './run-pack';
import type { FromWorker, ToWorker } from './worker-protocol';

const controller = new AbortController();
const reply = (m: FromWorker, then?: () => void) => process.send?.(m, undefined, {}, () => then?.());

process.on('disconnect', () => process.exit(130));
// The terminal's Ctrl-C reaches the whole process group; Slurm's scancel / time limit sends SIGTERM to every
// process of the job: either way the run finishes its epoch, checkpoints and reports 'interrupted'.
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());

const errorText = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));
const sent = (m: FromWorker) => new Promise<void>((resolve) => reply(m, resolve));

// Every member's ending is reported (and delivered) before the process exits.
async function pack(m: Extract<ToWorker, { type: 'pack' }>): Promise<void> {
  let results: Awaited<ReturnType<typeof runPack>>;
  try {
    results = await runPack(m.runs, m.dirs, {
      backend: m.backend,
      signal: controller.signal,
      onEpoch: (id, epoch, epochs, metrics) => reply({ type: 'epoch', id, epoch, epochs, metrics }),
    });
  } catch (err) {
    for (const r of m.runs) await sent({ type: 'error', id: r.id, error: errorText(err) });
    process.exit(1);
  }
  for (const [i, r] of results.entries())
    await sent(r === 'interrupted' ? { type: 'interrupted', id: m.runs[i].id } : { type: 'done', id: m.runs[i].id, summary: r });
  process.exit(0);
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    controller.abort();
    return;
  }
  if (m.type === 'pack') {
    void pack(m);
    return;
  }
  runOne(m.run, m.dir, {
    backend: m.backend,
    signal: controller.signal,
    onEpoch: (epoch, epochs, metrics) => reply({ type: 'epoch', id: m.run.id, epoch, epochs, metrics }),
  })
    .then((r) => reply(r === 'interrupted' ? { type: 'interrupted', id: m.run.id } : { type: 'done', id: m.run.id, summary: r }, () => process.exit(0)))
    .catch((err: unknown) =>
      reply({ type: 'error', id: m.run.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
    );
});
