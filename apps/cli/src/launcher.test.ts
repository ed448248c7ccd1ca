import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');

// `npx sugar` right after `npm ci`: npm links a workspace's bin at install time only if the file exists, so the bin
// is the committed launcher, and the launcher must run the command line, not just load it.
describe('the sugar bin', () => {
  it('is the committed launcher, linked by npm, and runs commands', () => {
    const bin = path.join(ROOT, 'node_modules', '.bin', 'sugar');
    expect(fs.realpathSync(bin)).toBe(path.join(ROOT, 'apps', 'cli', 'bin', 'sugar.js'));
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'apps', 'cli', 'package.json'), 'utf8')).version);
    const options = spawnSync(bin, ['options', 'surrogates', 'bsilu'], { encoding: 'utf8' });
    expect(options.status, options.stderr).toBe(0);
    expect(options.stdout).toMatch(/alpha/);
    const bad = spawnSync(bin, ['run', 'no-such-preset-or-file'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^sugar: /);
  });
});
