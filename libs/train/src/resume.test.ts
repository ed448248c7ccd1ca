// Resuming a run whose checkpoints were damaged on disk, as a user meets it: train with
// checkpoints, stop, break the latest checkpoint, resume. Never silent, never from wrong weights.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf } from '@sugar-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from './jsonl';
import { withoutTiming, type EpochMetrics, type FitResult } from './metrics';
import { tinyRun, type TinyRunOptions } from './test-utils/fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-resume-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const numbers = (r: FitResult) => r.epochs.map(withoutTiming);
const loggedEpochs = (logPath: string) =>
  readJsonl<{ type: string } & EpochMetrics>(logPath)
    .filter((l) => l.type === 'epoch')
    .map(({ type: _t, ...l }) => withoutTiming(l));

let full: FitResult;
beforeAll(async () => {
  full = await tinyRun({}, { backend: 'cpu' });
});

interface Stopped {
  name: string;
  ckpt: string;
  logPath: string;
  latest: string;
}

// Trains the fixture run with checkpoints and stops it after epoch `at` (of 4).
async function stoppedRun(name: string, at = 3, config: object = {}, opts: TinyRunOptions = {}): Promise<Stopped> {
  const ckpt = path.join(tmp, name, 'checkpoint');
  const logPath = path.join(tmp, name, 'metrics.jsonl');
  const ctl = new AbortController();
  const r = await tinyRun(
    { checkpointDir: ckpt, logPath, ...config },
    { backend: 'cpu', signal: ctl.signal, callbacks: { onEpochEnd: (m) => void (m.epoch === at && ctl.abort()) }, ...opts },
  );
  expect(r.final!.epoch).toBe(at);
  return { name, ckpt, logPath, latest: path.join(ckpt, `epoch-00000${at}`) };
}

// Resumes with another initialization (so weights that did not come from a checkpoint would show).
async function resume(s: Stopped, config: object = {}): Promise<FitResult & { warned: string[] }> {
  const warned: string[] = [];
  const r = await tinyRun(
    { checkpointDir: s.ckpt, logPath: s.logPath, resume: true, ...config },
    { backend: 'cpu', modelSeed: 99, onWarning: (m) => void warned.push(m) },
  );
  return { ...r, warned };
}

const quarantined = (s: Stopped) => fs.readdirSync(s.ckpt).filter((n) => n.includes('.corrupt-'));

const corruptions: [string, (s: Stopped) => void | Promise<void>][] = [
  [
    'a flipped byte in tensors.bin',
    (s) => {
      const file = path.join(s.latest, 'tensors.bin');
      const b = fs.readFileSync(file);
      b[Math.floor(b.length / 2)] ^= 0x10;
      fs.writeFileSync(file, b);
    },
  ],
  ['a truncated tensors.bin', (s) => fs.truncateSync(path.join(s.latest, 'tensors.bin'), 1000)],
  [
    'a number edited in manifest.json',
    (s) => {
      const file = path.join(s.latest, 'manifest.json');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('"optimizerStep":18');
      fs.writeFileSync(file, text.replace('"optimizerStep":18', '"optimizerStep":12'));
    },
  ],
  ['a deleted tensors.bin', (s) => fs.rmSync(path.join(s.latest, 'tensors.bin'))],
  [
    "another run's tensors.bin (same shapes) copied over",
    async (s) => {
      const other = await stoppedRun(`${s.name}-other`, 3, {}, { modelSeed: 5 });
      const theirs = fs.readFileSync(path.join(other.latest, 'tensors.bin'));
      expect(theirs.length).toBe(fs.statSync(path.join(s.latest, 'tensors.bin')).size);
      fs.writeFileSync(path.join(s.latest, 'tensors.bin'), theirs);
    },
  ],
];

describe('resume from damaged checkpoints', () => {
  corruptions.forEach(([what, damage], i) => {
    it(`falls back to the previous checkpoint past ${what}, with a warning, to the uninterrupted run's numbers`, async () => {
      const s = await stoppedRun(`fallback-${i}`);
      await damage(s);
      const r = await resume(s);
      expect(r.status).toBe('completed');
      expect(r.resumedFrom).toBe(2);
      expect(numbers(r)).toEqual(numbers(full));
      expect(loggedEpochs(s.logPath)).toEqual(numbers(full)); // epoch 3 is not logged twice
      expect(r.warned.join('\n')).toMatch(/epoch-000003 is corrupt and was not used: .*moved it to .*epoch-000003\.corrupt-/);
      expect(r.warned[r.warned.length - 1]).toBe('resuming from epoch-000002, the newest intact checkpoint');
      expect(r.warnings).toEqual(r.warned);
      expect(quarantined(s)).toHaveLength(1);
      expect(fs.readFileSync(path.join(s.ckpt, quarantined(s)[0], 'REASON.txt'), 'utf8')).not.toBe('');
    });
  });

  it('redoes the run from scratch when its only checkpoint is corrupt (keepCheckpoints 1), keeping the corrupt one', async () => {
    const s = await stoppedRun('redo', 3, { keepCheckpoints: 1 });
    expect(fs.readdirSync(s.ckpt).filter((n) => n.startsWith('epoch-'))).toEqual(['epoch-000003']);
    fs.truncateSync(path.join(s.latest, 'tensors.bin'), 0);
    const r = await resume(s, { keepCheckpoints: 1 });
    expect(r.resumedFrom).toBeUndefined();
    expect(r.warned[r.warned.length - 1]).toBe(`no intact checkpoint left in ${s.ckpt}: the run starts over from epoch 0`);
    // a fresh start from modelSeed 99: a different run, but all of it logged once and nothing from the broken one
    expect(r.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(loggedEpochs(s.logPath)).toEqual(numbers(r));
    expect(quarantined(s)).toHaveLength(1);
  });

  it('redone from scratch with the same initialization, it ends with the uninterrupted numbers', async () => {
    const s = await stoppedRun('redo-same', 2);
    for (const n of fs.readdirSync(s.ckpt).filter((d) => d.startsWith('epoch-'))) fs.rmSync(path.join(s.ckpt, n, 'manifest.json'));
    const warned: string[] = [];
    const r = await tinyRun({ checkpointDir: s.ckpt, logPath: s.logPath, resume: true }, { backend: 'cpu', onWarning: (m) => void warned.push(m) });
    expect(warned.filter((w) => /is corrupt/.test(w))).toHaveLength(2);
    expect(r.resumedFrom).toBeUndefined();
    expect(numbers(r)).toEqual(numbers(full));
    expect(loggedEpochs(s.logPath)).toEqual(numbers(full));
  });

  it('resumes from the newest intact checkpoint, with a warning, when LATEST was deleted', async () => {
    const s = await stoppedRun('no-latest');
    fs.rmSync(path.join(s.ckpt, 'LATEST'));
    const r = await resume(s);
    expect(r.resumedFrom).toBe(3);
    expect(r.warned).toEqual([`${path.join(s.ckpt, 'LATEST')} is missing; trying the checkpoints in ${s.ckpt} newest first`]);
    expect(numbers(r)).toEqual(numbers(full));
    expect(loggedEpochs(s.logPath)).toEqual(numbers(full));
  });

  it('resumes a version-1 checkpoint (no checksums) with a warning that it cannot be verified', async () => {
    const s = await stoppedRun('v1');
    const file = path.join(s.latest, 'manifest.json');
    const { manifestSha256: _m, tensorsByteLength: _t, tensors, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...rest, version: 1, tensors: tensors.map(({ sha256: _s, ...e }: { sha256: string }) => e) }));
    const r = await resume(s);
    expect(r.resumedFrom).toBe(3);
    expect(r.warned).toEqual([
      `${s.latest} is a version 1 checkpoint without checksums: its tensors cannot be verified (the next checkpoint written will have them)`,
    ]);
    expect(numbers(r)).toEqual(numbers(full));
  });

  it('writes the warnings to stderr when no onWarning is given', async () => {
    const s = await stoppedRun('stderr');
    fs.rmSync(path.join(s.ckpt, 'LATEST'));
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    try {
      await tinyRun({ checkpointDir: s.ckpt, resume: true }, { backend: 'cpu' });
    } finally {
      process.stderr.write = write;
    }
    expect(written).toContain(`warning: ${path.join(s.ckpt, 'LATEST')} is missing; trying the checkpoints in ${s.ckpt} newest first\n`);
  });
});

describe('tensors across resumes', () => {
  it('keeps tf.memory().numTensors flat over many resumes and across the epochs of a resumed run', async () => {
    const ckpt = path.join(tmp, 'leak', 'checkpoint');
    const after: number[] = [];
    const perEpoch: number[][] = [];
    // 4 runs: epochs 0-1, then one more epoch per resume
    for (let stopAt = 1; stopAt <= 4; stopAt++) {
      const ctl = new AbortController();
      const counts: number[] = [];
      await tinyRun(
        { checkpointDir: ckpt, resume: true },
        {
          backend: 'cpu',
          signal: ctl.signal,
          callbacks: {
            onEpochEnd: (m) => {
              counts.push(tf.memory().numTensors);
              if (m.epoch >= stopAt) ctl.abort();
            },
          },
        },
      );
      after.push(tf.memory().numTensors);
      perEpoch.push(counts);
    }
    expect(after).toEqual([after[0], after[0], after[0], after[0]]);
    // the first run's epoch 0 comes before the optimizer has created its moment buffers
    const trained = [perEpoch[0].slice(1), ...perEpoch.slice(1)].flat();
    expect(new Set(trained).size).toBe(1);
  });
});
