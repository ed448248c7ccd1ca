import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSugarOps, chooseBlas, findEigen } from '../build.mjs';
import { projectPaths } from '../paths.mjs';

// CI builds the native kernels (and so has tfjs-node provisioned) and sets this, so these tests run there.
const REQUIRED = process.env.SUGAR_REQUIRE_NATIVE_OPS === '1';
const PACKAGE = path.resolve(__dirname, '..');
const { tfjsNode } = projectPaths(PACKAGE);
const provisioned = Boolean(tfjsNode && fs.existsSync(path.join(tfjsNode, 'deps', 'lib', 'libtensorflow_framework.so.2')));

describe('the BLAS the kernels are built with', () => {
  it('refuses an unknown SUGAR_BLAS and a forced BLAS that is missing, saying what was expected and found', () => {
    expect(chooseBlas(tfjsNode, { wanted: 'mkl' })).toEqual({
      ok: false,
      reason: 'SUGAR_BLAS=mkl is not a BLAS this build knows; expected openblas or eigen (or unset)',
    });
    const none = fs.mkdtempSync(path.join(os.tmpdir(), 'no-eigen-'));
    // Eigen forced where no candidate holds it: the reason lists where it looked.
    const eigen = chooseBlas(none, { wanted: 'eigen', eigenDirs: [none] });
    if (!eigen.ok) expect(eigen.reason).toMatch(new RegExp(`^SUGAR_BLAS=eigen but no Eigen headers \\(Eigen/Core\\) in ${none}`));
    else expect(findEigen(none, [none]).ok).toBe(true); // the system's Eigen (libeigen3-dev) was found
    fs.rmSync(none, { recursive: true, force: true });
  });

  // Where the kernels in use link OpenBLAS, Eigen's build is checked here: the same native-op tests, in a fresh
  // process loading a build made with SUGAR_BLAS=eigen (where they already use Eigen, the main run checks it).
  it.skipIf(!provisioned && !REQUIRED)(
    'an Eigen build passes every native-op test',
    async (ctx) => {
      if (!provisioned) throw new Error(`SUGAR_REQUIRE_NATIVE_OPS=1 but tfjs-node is not provisioned (${tfjsNode ?? 'not installed'})`);
      const auto = chooseBlas(tfjsNode, { wanted: 'auto' });
      if (auto.ok && auto.blas === 'eigen') return ctx.skip();
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ops-eigen-'));
      try {
        const built = await buildSugarOps(tfjsNode!, out, { blas: 'eigen' });
        expect(built, JSON.stringify(built)).toMatchObject({ ok: true, blas: 'eigen' });
        const env = { ...process.env, SUGAR_OPS: path.join(out, 'sugar-ops.node'), SUGAR_BLAS: 'eigen', SUGAR_REQUIRE_NATIVE_OPS: '1' };
        const r = spawnSync(
          process.execPath,
          [path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs'), 'run', 'src/native-ops.test.ts', '--reporter=dot'],
          {
            cwd: PACKAGE,
            env,
            encoding: 'utf8',
            timeout: 600_000,
          },
        );
        expect(r.status, `${r.stdout}${r.stderr}`.slice(-4000)).toBe(0);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    },
    900_000,
  );
});
