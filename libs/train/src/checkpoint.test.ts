import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_VERSION, latestCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointManifest } from './checkpoint';
import { CheckpointCorruptError, CheckpointError } from './errors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ckpt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A checkpoint of two tensors (w: 4 floats at bytes 0..16, m/0: 2 ints at 16..24) with a number in its state.
function sample(name: string): string {
  const w = tf.tensor1d([1.5, -2, Math.PI, 1e-30]);
  const m = tf.tensor1d([7, -8], 'int32');
  const dir = saveCheckpoint(path.join(tmp, name), 3, { epoch: 3, lr: 0.001 }, [{ name: 'w', tensor: w }], [{ name: 'm/0', tensor: m }]);
  tf.dispose([w, m]);
  return dir;
}

const corrupt = (dir: string) => {
  try {
    loadCheckpoint(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    return (err as Error).message;
  }
  throw new Error(`${dir} loaded without an error`);
};

describe('checkpoints', () => {
  it('round-trips tensors bit for bit and keeps only the newest', () => {
    const root = path.join(tmp, 'a');
    const w = tf.tensor2d([
      [1.5, -2],
      [Math.PI, 1e-30],
    ]);
    const b = tf.tensor1d([7, -8], 'int32');
    for (const epoch of [1, 2, 3]) saveCheckpoint(root, epoch, { epoch }, [{ name: 'w', tensor: w }], [{ name: 'm/0', tensor: b }], 2);
    expect(fs.readdirSync(root).sort()).toEqual(['LATEST', 'epoch-000002', 'epoch-000003']);
    const dir = latestCheckpoint(root)!;
    expect(path.basename(dir)).toBe('epoch-000003');
    const c = loadCheckpoint<{ epoch: number }>(dir);
    expect(c.verified).toBe(true);
    expect(c.manifest.state.epoch).toBe(3);
    expect(c.model[0].data).toEqual(w.dataSync());
    expect(c.model[0].shape).toEqual([2, 2]);
    expect(Array.from(c.optimizer[0].data)).toEqual([7, -8]);
    expect(c.optimizer[0].dtype).toBe('int32');
    // a new run in the same directory: stale later checkpoints go
    saveCheckpoint(root, 1, { epoch: 1 }, [], [], 2);
    expect(fs.readdirSync(root).sort()).toEqual(['LATEST', 'epoch-000001']);
  });

  it('keeps two checkpoints by default, so a corrupt latest has one to fall back to', () => {
    const root = path.join(tmp, 'keep');
    for (const epoch of [1, 2, 3]) saveCheckpoint(root, epoch, {}, [], []);
    expect(fs.readdirSync(root).sort()).toEqual(['LATEST', 'epoch-000002', 'epoch-000003']);
  });

  it('records a sha256 per tensor, the file size and the manifest checksum', () => {
    const m = JSON.parse(fs.readFileSync(path.join(sample('sums'), 'manifest.json'), 'utf8')) as CheckpointManifest;
    expect(m.version).toBe(CHECKPOINT_VERSION);
    expect(m.tensorsByteLength).toBe(24);
    expect(m.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    for (const e of m.tensors) expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
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
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointCorruptError);
    expect(() => loadCheckpoint(dir)).toThrow(/tensor 'w' expected bytes 0\.\.16; the file ends at byte 10/);
  });

  it('finds a flipped bit in a tensor by its checksum and names the tensor', () => {
    const dir = sample('flip');
    const bin = fs.readFileSync(path.join(dir, 'tensors.bin'));
    bin[17] ^= 0x01; // inside m/0
    fs.writeFileSync(path.join(dir, 'tensors.bin'), bin);
    expect(corrupt(dir)).toMatch(/tensors\.bin: tensor 'm\/0' \(bytes 16\.\.24\) has sha256 [0-9a-f]{12}…; the manifest says [0-9a-f]{12}…/);
  });

  it('finds bytes appended to tensors.bin', () => {
    const dir = sample('append');
    fs.appendFileSync(path.join(dir, 'tensors.bin'), Buffer.alloc(8));
    expect(corrupt(dir)).toMatch(/expected 24 bytes \(the manifest's tensorsByteLength\); found 32/);
  });

  it('finds a number edited in the manifest, whatever the field', () => {
    const edits = [
      ['"lr":0.001', '"lr":0.002'],
      ['"offset":16', '"offset":12'],
      ['"version":2', '"version":1'],
    ];
    edits.forEach(([from, to], i) => {
      const dir = sample(`edit-${i}`);
      const file = path.join(dir, 'manifest.json');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain(from);
      fs.writeFileSync(file, text.replace(from, to));
      expect(corrupt(dir)).toMatch(/manifest\.json: the manifest was changed after it was written/);
    });
  });

  it('accepts the manifest re-indented (the checksum is over its content, not its bytes)', () => {
    const dir = sample('indent');
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')), null, 2));
    expect(loadCheckpoint(dir).verified).toBe(true);
  });

  it('treats missing files, a truncated manifest and a stripped checksum as corrupt', () => {
    const noBin = sample('no-bin');
    fs.rmSync(path.join(noBin, 'tensors.bin'));
    expect(corrupt(noBin)).toMatch(/tensors\.bin: the file is missing/);
    const noManifest = sample('no-manifest');
    fs.rmSync(path.join(noManifest, 'manifest.json'));
    expect(corrupt(noManifest)).toMatch(/manifest\.json: the file is missing/);
    const cut = sample('cut-manifest');
    fs.truncateSync(path.join(cut, 'manifest.json'), 50);
    expect(corrupt(cut)).toMatch(/expected a JSON manifest/);
    const stripped = sample('stripped');
    const file = path.join(stripped, 'manifest.json');
    const { manifestSha256: _gone, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify(rest));
    expect(corrupt(stripped)).toMatch(/a version 2 manifest must carry manifestSha256; it has none/);
  });

  it('loads a version-1 checkpoint (no checksums) as unverified', () => {
    const dir = sample('v1');
    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointManifest;
    const v1 = { format: m.format, version: 1, createdAt: m.createdAt, state: m.state, tensors: m.tensors.map(({ sha256: _s, ...e }) => e) };
    fs.writeFileSync(file, JSON.stringify(v1));
    const c = loadCheckpoint(dir);
    expect(c.verified).toBe(false);
    expect(Array.from(c.optimizer[0].data)).toEqual([7, -8]);
  });

  it('rejects a foreign manifest as another format, not as damage', () => {
    const dir = path.join(tmp, 'd');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":"other","version":9}');
    fs.writeFileSync(path.join(dir, 'tensors.bin'), '');
    expect(() => loadCheckpoint(dir)).toThrow(/expected format 'sugar-lab.checkpoint' version 1 or 2; found 'other' version 9/);
    try {
      loadCheckpoint(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(CheckpointError);
      expect(err).not.toBeInstanceOf(CheckpointCorruptError);
    }
  });
});
