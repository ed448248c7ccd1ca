import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid } from './grid';
import { runSingle } from './run-one';
import { emitSlurm } from './slurm';
import { parseSpec } from './spec';
import { ResultsStore } from './store';
import { tinySpec } from './test-utils/tiny-spec';

describe('a run started on one engine', () => {
  it('is not continued on another: the resume fails naming the difference, and the run keeps its checkpoint', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-'));
    const spec = parseSpec(tinySpec({ base: { backend: undefined, epochs: 3 }, grid: { seed: [0] } }));
    emitSlurm(spec, { out, command: 'true' });
    const [run] = expandGrid(spec);
    const stop = new AbortController();
    const first = await runSingle(out, run.id, { backend: 'cpu', signal: stop.signal, onEpoch: (_id, epoch) => epoch >= 1 && stop.abort() });
    expect(first).toBeUndefined(); // interrupted, with a checkpoint
    const store = new ResultsStore(out);
    expect(JSON.parse(fs.readFileSync(store.files(run.id).engine, 'utf8'))).toEqual({ backend: 'cpu', kernels: 'none', plugins: {} });
    const other = await runSingle(out, run.id, { backend: 'wasm' });
    expect(other).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/was started on another engine \(backend cpu -> wasm\); continuing it here would mix two engines/),
    });
    expect(store.hasCheckpoint(run.id)).toBe(true);
    const same = await runSingle(out, run.id, { backend: 'cpu' });
    expect(same).toMatchObject({ status: 'completed', epochs: 3, engine: { backend: 'cpu', kernels: 'none' } });
  }, 60_000);
});
