import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { parseSpec } from './spec';
import { childrenOf, startSweep } from './test-utils/sweep-process';
import { tinySpec } from './test-utils/tiny-spec';

const until = async (cond: () => boolean, ms: number) => {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) if (cond()) return true;
  return cond();
};
describe('a sweep worker', () => {
  it('dies with its runner, even inside a long synchronous step (SIGKILL of the runner alone)', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'orphan-'));
    // cpu and width 3000: one step takes seconds in one synchronous call, so 'disconnect' cannot be delivered.
    const spec = parseSpec(
      tinySpec({ base: { backend: 'cpu', model: { depth: 2, width: 3000 }, epochs: 2, probes: { enabled: false } }, grid: { seed: [0] } }),
    );
    const runner = startSweep(spec, out, { workers: 1 });
    let worker: number | undefined;
    try {
      expect(await until(() => (worker = childrenOf(runner.pid!)[0]) !== undefined, 20_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1500)); // into training
      process.kill(runner.pid!, 'SIGKILL');
      expect(await until(() => !isProcessAlive(worker!), 3000)).toBe(true);
    } finally {
      try {
        process.kill(-runner.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, 60_000);
});
