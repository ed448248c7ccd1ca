import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSpec } from './presets';
import { runSweep } from './runner';
import { checkSweepOptions } from './sweep-options';

describe('runSweep options', () => {
  it('accepts what the CLI and notebooks pass', () => {
    expect(() =>
      checkSweepOptions({ out: 'x', workers: 2, resume: true, pack: false, progress: false, onEvent: () => {}, signal: new AbortController().signal }),
    ).not.toThrow();
  });

  it('refuses a typo with the key it meant, a wrong type with what was expected, and a missing out', () => {
    expect(() => checkSweepOptions({ out: 'x', progres: false })).toThrow(/^runSweep: unknown option 'progres'; did you mean 'progress'\? \(options: out, /);
    expect(() => checkSweepOptions({ out: 'x', workers: 0 })).toThrow("runSweep: option 'workers' must be an integer >= 1; found 0");
    expect(() => checkSweepOptions({ out: 'x', backend: 'webgl' })).toThrow(/option 'backend' must be 'tensorflow', 'wasm' or 'cpu'; found .*webgl/);
    expect(() => checkSweepOptions({ resume: true })).toThrow(/'out' \(the results directory\) is required/);
  });

  it('is checked before the results directory is touched', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-opts-')), 'sweep');
    await expect(runSweep(resolveSpec('quick'), { out, resum: true } as never)).rejects.toThrow(/did you mean 'resume'/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
