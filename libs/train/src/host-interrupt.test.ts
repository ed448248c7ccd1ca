// A notebook's interrupt button, as the kernel delivers it: the host's AbortSignal, aborted while fit trains.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InterruptedError, setHost, tf } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fitPacked } from './packed-fit';
import { BASE_CONFIG, tinyRun } from './test-utils/fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-host-int-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => setHost(undefined));

/** A host whose interrupt fires after `steps` optimizer steps (counted by onBatchEnd, as a person's click would land). */
function interruptAfter(steps: number) {
  const ctl = new AbortController();
  setHost({ interrupt: ctl.signal });
  let seen = 0;
  return { onBatchEnd: () => void (++seen === steps && ctl.abort()), seen: () => seen };
}

describe('the host interrupt (a notebook kernel)', () => {
  it('stops fit at the next step, not the epoch, and throws InterruptedError naming the checkpoint kept', async () => {
    const dir = path.join(tmp, 'fit');
    const host = interruptAfter(9); // epoch 2, batch 3 of 6
    const before = tf.memory().numTensors;
    const err = await tinyRun(
      { checkpointDir: dir, logPath: path.join(dir, 'log.jsonl') },
      { backend: 'cpu', callbacks: { onBatchEnd: host.onBatchEnd } },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as Error).message).toMatch(
      /^fit interrupted at step 9, after epoch 1; its checkpoint of epoch 1 is kept \(.*\); the same call with `resume: true` continues from it$/,
    );
    expect(host.seen()).toBe(9);
    expect(tf.memory().numTensors).toBe(before);
    const log = fs
      .readFileSync(path.join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; status?: string });
    expect(log.at(-1)).toMatchObject({ type: 'end', status: 'interrupted' });

    setHost(undefined); // the next cell: resume from the checkpoint, to the end
    const r = await tinyRun({ checkpointDir: dir, logPath: path.join(dir, 'log.jsonl'), resume: true }, { backend: 'cpu' });
    expect(r.status).toBe('completed');
    expect(r.resumedFrom).toBe(1);
    expect(r.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops every member of a pack at the same step', async () => {
    const ds = await loadDataset('spirals', { nTrain: 192, nTest: 96, seed: 1 });
    const models = [0, 1].map((s) => buildModel('mlp', { activation: { kind: 'relu' }, inputShape: [2], numClasses: 3, seed: s, depth: 3, width: 16 }));
    const host = interruptAfter(4);
    const err = await fitPacked(
      ds,
      models.map((model, k) => ({ model, config: { ...BASE_CONFIG, seed: k }, options: k === 0 ? { callbacks: { onBatchEnd: host.onBatchEnd } } : {} })),
    ).catch((e: unknown) => e);
    models.forEach((m) => m.dispose());
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as Error).message).toMatch(/^fitPacked: member 0 interrupted at step 4, after epoch 0; .*; member 1 interrupted at step 4, after epoch 0; /);
  });

  it('leaves a run that the user did not interrupt alone', async () => {
    setHost({ interrupt: new AbortController().signal });
    const r = await tinyRun({ epochs: 1 }, { backend: 'cpu' });
    expect(r.status).toBe('completed');
  });
});
