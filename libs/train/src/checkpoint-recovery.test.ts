import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { saveCheckpoint } from './checkpoint';
import { loadLatestIntactCheckpoint } from './checkpoint-recovery';
import { CheckpointError } from './errors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ckpt-recovery-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Epochs `epochs` of a one-tensor run whose weight holds its epoch number.
function run(name: string, epochs: number[], keep = 3): string {
  const root = path.join(tmp, name);
  for (const epoch of epochs) {
    const w = tf.fill([8], epoch);
    saveCheckpoint(root, epoch, { epoch }, [{ name: 'w', tensor: w }], [], keep);
    w.dispose();
  }
  return root;
}

const flipByte = (file: string, at = 3) => {
  const b = fs.readFileSync(file);
  b[at] ^= 0xff;
  fs.writeFileSync(file, b);
};
const entries = (root: string) => fs.readdirSync(root).sort();

describe('loadLatestIntactCheckpoint', () => {
  it('falls back past a corrupt latest to the previous one and moves the corrupt one aside with its reason', () => {
    const root = run('fallback', [1, 2, 3]);
    flipByte(path.join(root, 'epoch-000003', 'tensors.bin'));
    const r = loadLatestIntactCheckpoint<{ epoch: number }>(root);
    expect(r.checkpoint!.manifest.state.epoch).toBe(2);
    expect(Array.from(r.checkpoint!.model[0].data)).toEqual(new Array(8).fill(2));
    expect(r.quarantined).toHaveLength(1);
    expect(path.basename(r.quarantined[0])).toMatch(/^epoch-000003\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(fs.readFileSync(path.join(r.quarantined[0], 'REASON.txt'), 'utf8')).toMatch(/tensor 'w' \(bytes 0\.\.32\) has sha256/);
    expect(fs.existsSync(path.join(r.quarantined[0], 'tensors.bin'))).toBe(true); // kept, not deleted
    expect(r.warnings.join('\n')).toMatch(/epoch-000003 is corrupt and was not used: .*; moved it to .*epoch-000003\.corrupt-/);
    expect(r.warnings[r.warnings.length - 1]).toBe('resuming from epoch-000002, the newest intact checkpoint');
    // training on from epoch 2 never prunes the moved checkpoint
    run('fallback', [3, 4, 5, 6], 1);
    expect(entries(root).filter((n) => n.includes('corrupt'))).toEqual([path.basename(r.quarantined[0])]);
  });

  it('returns nothing (start over) when no checkpoint is intact, and keeps every one of them', () => {
    const root = run('none-left', [1, 2]);
    flipByte(path.join(root, 'epoch-000002', 'tensors.bin'));
    fs.truncateSync(path.join(root, 'epoch-000001', 'manifest.json'), 20);
    const r = loadLatestIntactCheckpoint(root);
    expect(r.checkpoint).toBeUndefined();
    expect(r.quarantined).toHaveLength(2);
    expect(r.warnings[r.warnings.length - 1]).toBe(`no intact checkpoint left in ${root}: the run starts over from epoch 0`);
    expect(
      entries(root)
        .filter((n) => n.startsWith('epoch-'))
        .map((n) => n.slice(0, 21)),
    ).toEqual(['epoch-000001.corrupt-', 'epoch-000002.corrupt-']);
  });

  it('uses the newest intact checkpoint, with a warning, when LATEST is missing or garbage', () => {
    const root = run('no-latest', [1, 2]);
    fs.rmSync(path.join(root, 'LATEST'));
    let r = loadLatestIntactCheckpoint<{ epoch: number }>(root);
    expect(r.checkpoint!.manifest.state.epoch).toBe(2);
    expect(r.warnings).toEqual([`${path.join(root, 'LATEST')} is missing; trying the checkpoints in ${root} newest first`]);
    fs.writeFileSync(path.join(root, 'LATEST'), 'garbage\n');
    r = loadLatestIntactCheckpoint<{ epoch: number }>(root);
    expect(r.checkpoint!.manifest.state.epoch).toBe(2);
    expect(r.warnings[0]).toMatch(/LATEST holds "garbage", not a checkpoint name/);
  });

  it('trusts LATEST over a higher-numbered leftover, and warns when LATEST names a deleted checkpoint', () => {
    const root = run('pointer', [1, 2, 3]);
    fs.writeFileSync(path.join(root, 'LATEST'), 'epoch-000002\n'); // a crash between the rename of 3 and LATEST
    let r = loadLatestIntactCheckpoint<{ epoch: number }>(root);
    expect(r.checkpoint!.manifest.state.epoch).toBe(2);
    expect(r.warnings).toEqual([]);
    fs.rmSync(path.join(root, 'epoch-000002'), { recursive: true });
    r = loadLatestIntactCheckpoint<{ epoch: number }>(root);
    expect(r.checkpoint!.manifest.state.epoch).toBe(1);
    expect(r.warnings[0]).toMatch(/LATEST names epoch-000002, which does not exist; trying the older checkpoints/);
  });

  it('uses a version-1 checkpoint with a warning that it cannot be verified', () => {
    const root = run('v1', [1]);
    const file = path.join(root, 'epoch-000001', 'manifest.json');
    const { manifestSha256: _m, tensorsByteLength: _t, tensors, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...rest, version: 1, tensors: tensors.map(({ sha256: _s, ...e }: { sha256: string }) => e) }));
    const r = loadLatestIntactCheckpoint(root);
    expect(r.checkpoint!.verified).toBe(false);
    expect(r.warnings).toEqual([
      `${path.join(root, 'epoch-000001')} is a version 1 checkpoint without checksums: its tensors cannot be verified (the next checkpoint written will have them)`,
    ]);
  });

  it('refuses (does not move) a checkpoint of another format', () => {
    const root = run('foreign', [1]);
    fs.writeFileSync(path.join(root, 'epoch-000001', 'manifest.json'), '{"format":"someone-else","version":1}');
    expect(() => loadLatestIntactCheckpoint(root)).toThrow(CheckpointError);
    expect(entries(root)).toContain('epoch-000001');
  });

  it('finds nothing, silently, where nothing was ever saved', () => {
    expect(loadLatestIntactCheckpoint(path.join(tmp, 'never'))).toEqual({ checkpoint: undefined, warnings: [], quarantined: [] });
  });
});
