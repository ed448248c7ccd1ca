// A run's TensorBoard log, as TensorBoard itself reads it (tools/tensorboard/check_events.py): the values of every
// epoch equal metrics.jsonl's, through a fresh run, an interrupted and resumed one, and a resume that trains again
// epochs an earlier process had already written (a crash between the events and the checkpoint).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { checkEvents, tensorboardMissing } from '../../../tools/tensorboard/check-events';
import { eventFiles } from './event-file';
import type { EpochMetrics } from './metrics';
import { sessionStartEvent, summaryEvent } from './tensorboard-events';
import { configMarkdown, TensorBoardSink } from './tensorboard-sink';
import { epochSummary } from './tensorboard-tags';
import { tinyRun } from './test-utils/fixture';
import { readRecords, withoutWallTime } from './test-utils/tfrecords';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-tb-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const timing = { trainMs: 0, evalMs: 0, probeMs: 0, checkpointMs: 0 };
const epoch = (e: number): EpochMetrics => ({ epoch: e, step: 3 * e, lr: e ? 0.1 : null, trainLoss: e ? 1 / e : null, trainAcc: e ? 0.5 : null, timing });
const records = (file: string) => readRecords(file).slice(1).map(withoutWallTime); // after the file version
const hex = (event: Uint8Array) => withoutWallTime(event);
const configEvent = summaryEvent(0, 0, [{ tag: 'config', text: configMarkdown({ a: 1 }) }]);

describe('TensorBoardSink', () => {
  it('a fresh run: the config text at step 0, then each epoch at step = its epoch', () => {
    const dir = path.join(tmp, 'fresh');
    const sink = new TensorBoardSink(dir, [], configMarkdown({ a: 1 }));
    sink.epoch(epoch(0));
    sink.epoch(epoch(1));
    sink.close();
    expect(records(sink.file)).toEqual([hex(configEvent), hex(summaryEvent(0, 0, epochSummary(epoch(0)))), hex(summaryEvent(0, 1, epochSummary(epoch(1))))]);
  });

  it('a resumed run: a new file that starts a session at the next epoch, without the config or the restored epochs', () => {
    const dir = path.join(tmp, 'resumed');
    const first = new TensorBoardSink(dir, [], configMarkdown({ a: 1 }));
    [0, 1, 2].forEach((e) => first.epoch(epoch(e)));
    first.close();
    const before = fs.readFileSync(first.file);
    const second = new TensorBoardSink(dir, [epoch(0), epoch(1)], configMarkdown({ a: 1 }));
    second.epoch(epoch(2));
    second.close();
    expect(eventFiles(dir)).toEqual([path.basename(first.file), path.basename(second.file)]);
    expect(fs.readFileSync(first.file)).toEqual(before);
    expect(records(second.file)).toEqual([hex(sessionStartEvent(0, 2)), hex(summaryEvent(0, 2, epochSummary(epoch(2))))]);
  });

  it('a run restarted from scratch over earlier files starts its session at 0 and writes its config again', () => {
    const dir = path.join(tmp, 'restarted');
    new TensorBoardSink(dir, [], configMarkdown({ a: 1 })).close();
    const again = new TensorBoardSink(dir, [], configMarkdown({ a: 1 }));
    again.close();
    expect(records(again.file)).toEqual([hex(sessionStartEvent(0, 0)), hex(configEvent)]);
  });

  it('a resumed run whose directory has no events yet (TensorBoard was off) writes the restored epochs first', () => {
    const sink = new TensorBoardSink(path.join(tmp, 'late'), [epoch(0), epoch(1)], configMarkdown({ a: 1 }));
    sink.close();
    expect(records(sink.file)).toEqual([hex(configEvent), hex(summaryEvent(0, 0, epochSummary(epoch(0)))), hex(summaryEvent(0, 1, epochSummary(epoch(1))))]);
  });
});

function needTensorBoard(ctx: TestContext): void {
  const missing = tensorboardMissing();
  if (missing) ctx.skip(missing);
}

// The fixture run (4 epochs, probes with per-unit probabilities) with its log, checkpoints and events in `name`.
function files(name: string) {
  const dir = path.join(tmp, name);
  return { logPath: path.join(dir, 'metrics.jsonl'), checkpointDir: path.join(dir, 'checkpoint'), tensorboardDir: path.join(dir, 'tb') };
}
const PROBES = { size: 64, gradEvery: 2, perUnit: true };

describe("fit's TensorBoard log, read by TensorBoard", () => {
  it('holds every number of metrics.jsonl, the histograms and the config', async (ctx) => {
    needTensorBoard(ctx);
    const f = files('fit');
    const r = await tinyRun({ ...f, probes: PROBES }, { backend: 'cpu', tensorboardConfig: { run: 'fit' } });
    expect(r.status).toBe('completed');
    const configFile = path.join(tmp, 'fit', 'expected-config.json');
    fs.writeFileSync(configFile, JSON.stringify({ run: 'fit' }));
    const check = checkEvents(f.tensorboardDir, f.logPath, configFile);
    expect(check.problems).toEqual([]);
    expect(check.status).toBe(0);
    expect(check.summary).toMatchObject({ files: 1, epochs: [0, 1, 2, 3, 4], histograms: 5 * 3 });
    expect(check.summary!.tags).toEqual(
      expect.arrayContaining(['config', 'lr', 'loss/train', 'acc/train', 'loss/test', 'acc/test', 'dead_fraction', 'activation_probability/act1']),
    );
    // One gradient norm per kernel: three hidden layers and the output.
    expect(check.summary!.tags.filter((t) => t.startsWith('grad_norm/')).length).toBe(4);
  });

  it('differs where metrics.jsonl says another number (the check can fail)', async (ctx) => {
    needTensorBoard(ctx);
    const f = files('fit');
    const tampered = path.join(tmp, 'fit', 'tampered.jsonl');
    const lines = fs.readFileSync(f.logPath, 'utf8').split('\n');
    lines[2] = lines[2].replace(/"trainLoss":[^,]+/, '"trainLoss":12.5');
    fs.writeFileSync(tampered, lines.join('\n'));
    const check = checkEvents(f.tensorboardDir, tampered);
    expect(check.status).toBe(1);
    expect(check.problems).toEqual([expect.stringMatching(/^loss\/train step 2: events [\d.e-]+; metrics.jsonl 12.5/)]);
  });

  it('interrupted and resumed: two files, each epoch once', async (ctx) => {
    needTensorBoard(ctx);
    const f = files('resume');
    const ctl = new AbortController();
    const stop = { signal: ctl.signal, callbacks: { onEpochEnd: (m: EpochMetrics) => void (m.epoch === 2 && ctl.abort()) } };
    expect((await tinyRun({ ...f, probes: PROBES }, { backend: 'cpu', ...stop })).status).toBe('interrupted');
    expect((await tinyRun({ ...f, probes: PROBES, resume: true }, { backend: 'cpu' })).status).toBe('completed');
    const check = checkEvents(f.tensorboardDir, f.logPath);
    expect(check.problems).toEqual([]);
    expect(check.summary).toMatchObject({ files: 2, epochs: [0, 1, 2, 3, 4], histograms: 5 * 3 });
  });

  it('resumed from an older checkpoint: the epochs trained again replace those an earlier process wrote', async (ctx) => {
    needTensorBoard(ctx);
    const f = files('orphans');
    const ctl = new AbortController();
    const stop = { signal: ctl.signal, callbacks: { onEpochEnd: (m: EpochMetrics) => void (m.epoch === 3 && ctl.abort()) } };
    expect((await tinyRun({ ...f, probes: PROBES }, { backend: 'cpu', ...stop })).status).toBe('interrupted');
    // As if the process had died after writing epoch 3's events but before its checkpoint.
    fs.rmSync(path.join(f.checkpointDir, 'epoch-000003'), { recursive: true });
    const resumed = await tinyRun({ ...f, probes: PROBES, resume: true }, { backend: 'cpu', modelSeed: 99 });
    expect(resumed.resumedFrom).toBe(2);
    const check = checkEvents(f.tensorboardDir, f.logPath);
    expect(check.problems).toEqual([]);
    expect(check.summary).toMatchObject({ files: 2, epochs: [0, 1, 2, 3, 4] });
  });
});
