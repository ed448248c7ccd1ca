import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJSON } from '@sugar-lab/core';
import { SpecConflictError } from './errors';
import { runSweep } from './runner';
import { emitSlurm } from './slurm';
import { parseSpec, type Spec } from './spec';
import { claimSpec, specHash } from './spec-claim';
import { ResultsStore } from './store';
import { tinySpec } from './test-utils/tiny-spec';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'claim-'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test's edit reaches into nested spec fields (s.base.epochs = ...)
type RawSpec = Record<string, any>;

function spec(edit: (s: RawSpec) => void = () => {}): Spec {
  const raw: RawSpec = tinySpec({
    name: 'claim',
    base: { dataset: { nTrain: 64, nTest: 32, noise: undefined }, model: { depth: 1, width: 4 }, epochs: 1, probes: { enabled: false } },
    grid: { activation: [{ kind: 'relu' }, { kind: 'gelu' }], seed: [0] },
    baseline: 'relu',
  });
  edit(raw);
  return parseSpec(raw);
}

/** Every file under `dir` with its content (what must stay as it was). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

describe('a results directory belongs to one spec', () => {
  it('refuses to run or resume another spec there, naming both, and changes nothing', async () => {
    const out = tmp();
    await runSweep(spec(), { out, workers: 1 });
    const store = new ResultsStore(out);
    expect(fs.readFileSync(store.specHashFile, 'utf8').trim()).toBe(specHash(spec()));
    const before = snapshot(out);
    const edited = spec((s) => {
      s.name = 'claim2';
      s.base.epochs = 2;
    });
    for (const resume of [false, true]) {
      const err = await runSweep(edited, { out, workers: 1, resume }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpecConflictError);
      const msg = (err as Error).message;
      expect(msg).toContain(`'claim' (spec ${specHash(spec()).slice(0, 12)}), not 'claim2' (spec ${specHash(edited).slice(0, 12)})`);
      expect(msg).toMatch(/differ in base\.epochs: 1 -> 2; name: 'claim' -> 'claim2'/);
      expect(msg).toMatch(/new --out.*--extend/);
    }
    expect(snapshot(out)).toEqual(before);
    // The same spec, with only its description and workers changed, is the same sweep.
    await expect(
      runSweep(
        spec((s) => Object.assign(s, { description: 'now described', workers: 2 })),
        { out, workers: 1 },
      ),
    ).resolves.toMatchObject({ skipped: 2 });
  });

  it('--extend adds grid points without touching existing runs, and records the spec history', async () => {
    const out = tmp();
    await runSweep(spec(), { out, workers: 1 });
    const store = new ResultsStore(out);
    const oldRuns = Object.fromEntries(store.listRunIds().map((id) => [id, snapshot(store.runDir(id))]));
    const bigger = spec((s) => {
      s.grid.seed = [0, 1];
      s.grid.activation.push({ kind: 'sugar', surrogate: { name: 'bsilu' } });
    });
    await expect(runSweep(bigger, { out, workers: 1 })).rejects.toThrow(SpecConflictError);
    const r = await runSweep(bigger, { out, workers: 1, extend: true });
    expect(r).toMatchObject({ total: 6, skipped: 2, completed: 4 });
    for (const [id, files] of Object.entries(oldRuns)) expect(snapshot(store.runDir(id))).toEqual(files);
    expect(fs.readFileSync(store.specFile, 'utf8')).toBe(canonicalJSON(bigger) + '\n');
    const history = fs
      .readFileSync(store.specHistoryFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(history.map((h) => h.mode)).toEqual(['created', 'extended']);
    expect(history[1]).toMatchObject({ from: specHash(spec()), hash: specHash(bigger) });
    // The extended spec is now the directory's: resuming it is fine, the old one is another spec.
    await expect(runSweep(bigger, { out, workers: 1, resume: true })).resolves.toMatchObject({ skipped: 6 });
    expect(() => claimSpec(out, spec())).toThrow(SpecConflictError);
  });

  it('--extend refuses a spec that would change or relabel existing runs', () => {
    const out = tmp();
    claimSpec(out, spec());
    expect(() =>
      claimSpec(
        out,
        spec((s) => (s.base.epochs = 3)),
        { extend: true },
      ),
    ).toThrow(/--extend: .*run \w{12} \(relu\) is not in the new grid/);
    expect(() =>
      claimSpec(
        out,
        spec((s) => (s.grid.activation = [{ kind: 'relu' }])),
        { extend: true },
      ),
    ).toThrow(/is not in the new grid/);
    expect(() =>
      claimSpec(
        out,
        spec((s) => (s.grid['optimizer.lr'] = [0.01])),
        { extend: true },
      ),
    ).toThrow(/relabelled 'relu' -> 'relu \| optimizer\.lr=0\.01'/);
  });

  it('emitting a Slurm sweep claims the directory the same way', () => {
    const out = tmp();
    emitSlurm(spec(), { out });
    expect(() =>
      emitSlurm(
        spec((s) => (s.base.epochs = 2)),
        { out },
      ),
    ).toThrow(SpecConflictError);
    expect(() =>
      emitSlurm(
        spec((s) => (s.grid.seed = [0, 1])),
        { out, extend: true },
      ),
    ).not.toThrow();
    expect(fs.readFileSync(path.join(out, 'run-ids.txt'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('adopts a directory written before spec hashes were recorded', () => {
    const out = tmp();
    fs.writeFileSync(path.join(out, 'spec.json'), canonicalJSON(spec()) + '\n');
    expect(claimSpec(out, spec())).toMatchObject({ mode: 'same' });
    expect(fs.readFileSync(path.join(out, 'spec.sha256'), 'utf8').trim()).toBe(specHash(spec()));
    expect(() =>
      claimSpec(
        out,
        spec((s) => (s.base.batchSize = 16)),
      ),
    ).toThrow(/base\.batchSize: 32 -> 16/);
  });
});
