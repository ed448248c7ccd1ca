// Every run of a sweep gets its own TensorBoard events (runs/<id>/tb), packed runs included, read back by
// TensorBoard's own reader (tools/tensorboard/check_events.py) and equal to the run's metrics.jsonl, also after
// the sweep was killed and resumed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { checkEvents, tensorboardMissing } from '../../../tools/tensorboard/check-events';
import { runSweep, type SweepEvent } from './runner';
import { parseSpec } from './spec';
import { ResultsStore } from './store';
import { killGroupWhen, startSweep } from './test-utils/sweep-process';
import { deepMerge, tinySpec } from './test-utils/tiny-spec';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tb-sweep-'));

// On wasm, where these MLPs train as one pack: three seeds, probes on.
const packSpec = (base: Record<string, unknown> = {}) =>
  parseSpec(
    tinySpec({
      name: 'tiny-tb',
      base: deepMerge({ model: { depth: 3 }, epochs: 3, probes: { size: 64, gradEvery: 2 }, backend: 'wasm' }, base),
      grid: { seed: [0, 1, 2] },
    }),
  );

function needTensorBoard(ctx: TestContext): void {
  const missing = tensorboardMissing();
  if (missing) ctx.skip(missing);
}

function expectEventsEqualMetrics(out: string, epochs: number, files?: number): void {
  const store = new ResultsStore(out);
  for (const id of store.listRunIds()) {
    const f = store.files(id);
    const check = checkEvents(f.tensorboard, f.metrics, f.config);
    expect(check.problems, `run ${id}`).toEqual([]);
    expect(check.status).toBe(0);
    expect(check.summary!.epochs).toEqual(Array.from({ length: epochs + 1 }, (_, e) => e));
    if (files !== undefined) expect(check.summary!.files).toBe(files);
  }
}

describe('TensorBoard events of a sweep', () => {
  it('gives each run of a pack its own events, equal to its metrics.jsonl, with its config.json as the config text', async (ctx) => {
    needTensorBoard(ctx);
    const out = tmp();
    const events: SweepEvent[] = [];
    const r = await runSweep(packSpec(), { out, workers: 1, onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ completed: 3, failed: 0 });
    expect(events.some((e) => e.type === 'log' && /: 3 runs as one pack \(stacked\)$/.test(e.message))).toBe(true);
    expectEventsEqualMetrics(out, 3, 1);
  });

  it('stay equal to metrics.jsonl after the sweep is killed mid-pack and resumed', async (ctx) => {
    needTensorBoard(ctx);
    const out = tmp();
    const spec = packSpec({ epochs: 6, dataset: { name: 'spirals', classes: 3, nTrain: 192, nTest: 48, noise: 0.1 } });
    const child = startSweep(spec, out, { workers: 1 });
    const store = new ResultsStore(out);
    const checkpointed = () => store.listRunIds().filter((id) => fs.existsSync(path.join(store.checkpointDir(id), 'LATEST')));
    await killGroupWhen(child, () => checkpointed().length >= 3, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.summaries().length).toBe(0);
    expect(await runSweep(spec, { out, workers: 1, resume: true })).toMatchObject({ completed: 3, failed: 0 });
    expectEventsEqualMetrics(out, 6, 2);
  });

  it('writes none with tensorboard: false, and refuses a value that is not a boolean', async () => {
    const out = tmp();
    const spec = packSpec({ epochs: 1, backend: 'cpu' });
    expect(await runSweep(spec, { out, workers: 1, tensorboard: false })).toMatchObject({ completed: 3 });
    const store = new ResultsStore(out);
    for (const id of store.listRunIds()) expect(fs.existsSync(store.files(id).tensorboard)).toBe(false);
    await expect(runSweep(spec, { out: tmp(), tensorboard: 'yes' as unknown as boolean })).rejects.toThrow(
      "runSweep: option 'tensorboard' must be true or false; found 'yes'",
    );
  });
});
