import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, nobodyCanRead, tmpDir } from '../test-utils/cli-process';

// Debian's dataset-fashion-mnist: real files in a directory only root may write, used by another user.
const SHARED = '/usr/share/datasets';
const DATASETS = path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'datasets');

function asNobody(args: string[], cache: string) {
  const env = { ...process.env, SUGAR_DATA_DIR: SHARED, SUGAR_CACHE_DIR: cache, SUGAR_QUIET: '1' };
  const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, ...args], { encoding: 'utf8', env });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('verified data in a read-only directory', () => {
  it('is verified and trained from by a user who cannot write there; the record goes to their cache', (ctx) => {
    const present = fs.existsSync(path.join(SHARED, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'));
    // CI installs the dataset (SUGAR_REQUIRE_REAL_DATA): there it must be present.
    expect(present || process.env.SUGAR_REQUIRE_REAL_DATA !== '1').toBe(true);
    if (!present || !nobodyCanRead(CLI, path.join(DATASETS, 'dist', 'index.js'))) return ctx.skip();
    const cache = tmpDir('sugar-ro-cache-');
    fs.chmodSync(cache, 0o777);
    const before = fs.readdirSync(path.join(SHARED, 'fashion-mnist')).sort();
    const verify = asNobody([CLI, 'data', 'verify', 'fashion-mnist'], cache);
    expect(verify.status, verify.out).toBe(0);
    expect(verify.out).toMatch(/^fashion-mnist: ok/);
    expect(fs.readdirSync(path.join(cache, 'verified'))).toEqual([expect.stringMatching(/^fashion-mnist-[0-9a-f]{16}\.json$/)]);
    const load = asNobody(
      ['-e', `require(${JSON.stringify(DATASETS)}).loadDataset('fashion-mnist').then((d) => console.log('loaded ' + d.train.y.length))`],
      cache,
    );
    expect(load.status, load.out).toBe(0);
    expect(load.out).toMatch(/loaded 60000/);
    expect(fs.readdirSync(path.join(SHARED, 'fashion-mnist')).sort()).toEqual(before); // nothing written there
  }, 120_000);
});
