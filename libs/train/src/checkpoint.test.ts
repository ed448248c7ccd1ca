import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { CheckpointError } from './errors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ckpt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('checkpoints', () => {
  it('round-trips tensors bit for bit and keeps only the newest', () => {
    const root = path.join(tmp, 'a');
    const w = tf.tensor2d([[1.5, -2], [Math.PI, 1e-30]]);
    const b = tf.tensor1d([7, -8], 'int32');
    for (const epoch of [1, 2, 3]) saveCheckpoint(root, epoch, { epoch }, [{ name: 'w', tensor: w }], [{ name: 'm/0', tensor: b }], 2);
    expect(fs.readdirSync(root).sort()).toEqual(['LATEST', 'epoch-000002', 'epoch-000003']);
    const dir = latestCheckpoint(root)!;
    expect(path.basename(dir)).toBe('epoch-000003');
    const c = loadCheckpoint<{ epoch: number }>(dir);
    expect(c.manifest.state.epoch).toBe(3);
    expect(c.model[0].data).toEqual(w.dataSync());
    expect(c.model[0].shape).toEqual([2, 2]);
    expect(Array.from(c.optimizer[0].data)).toEqual([7, -8]);
    expect(c.optimizer[0].dtype).toBe('int32');
    // a new run in the same directory: stale later checkpoints go
    saveCheckpoint(root, 1, { epoch: 1 }, [], [], 2);
    expect(fs.readdirSync(root).sort()).toEqual(['LATEST', 'epoch-000001']);
  });

  it('falls back to the newest complete checkpoint when LATEST is missing, ignoring unfinished temp dirs', () => {
    const root = path.join(tmp, 'b');
    saveCheckpoint(root, 4, {}, [], []);
    fs.rmSync(path.join(root, 'LATEST'));
    fs.mkdirSync(path.join(root, '.tmp-epoch-000005-1-1'));
    fs.mkdirSync(path.join(root, 'epoch-000006')); // no manifest: a crash before it was complete
    expect(path.basename(latestCheckpoint(root)!)).toBe('epoch-000004');
    expect(latestCheckpoint(path.join(tmp, 'none'))).toBeUndefined();
  });

  it('says where a truncated tensor file ends', () => {
    const root = path.join(tmp, 'c');
    const dir = saveCheckpoint(root, 1, {}, [{ name: 'w', tensor: tf.ones([4]) }], []);
    fs.truncateSync(path.join(dir, 'tensors.bin'), 10);
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(dir)).toThrow(/tensor 'w' expected bytes 0\.\.16; the file ends at byte 10/);
  });

  it('rejects a foreign manifest', () => {
    const dir = path.join(tmp, 'd');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":"other","version":9}');
    fs.writeFileSync(path.join(dir, 'tensors.bin'), '');
    expect(() => loadCheckpoint(dir)).toThrow(/expected format 'sugar-lab.checkpoint' version 1; found 'other' version 9/);
  });
});
