import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'apps', 'cli', 'dist', 'main.js');
const tfjsNode = path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs-node');
const NATIVE = path.join(ROOT, 'libs', 'native');

/**
 * A throwaway workspace that shares the real node_modules except for a fresh copy of tfjs-node
 * without its binding, so libs/native/setup.mjs can be run for real without touching ours.
 */
function sandbox(): string {
  const t = fs.mkdtempSync(path.join(os.tmpdir(), 'native-'));
  fs.mkdirSync(path.join(t, 'libs', 'native'), { recursive: true });
  for (const f of ['setup.mjs', 'build.mjs', 'paths.mjs']) fs.copyFileSync(path.join(NATIVE, f), path.join(t, 'libs', 'native', f));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(t, 'package.json'));
  const nm = path.join(t, 'node_modules');
  fs.mkdirSync(path.join(nm, '@tensorflow'), { recursive: true });
  for (const e of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (e !== '@tensorflow' && e !== '.sugar-lab') fs.symlinkSync(path.join(ROOT, 'node_modules', e), path.join(nm, e));
  }
  for (const e of fs.readdirSync(path.join(ROOT, 'node_modules', '@tensorflow'))) {
    if (e !== 'tfjs-node') fs.symlinkSync(path.join(ROOT, 'node_modules', '@tensorflow', e), path.join(nm, '@tensorflow', e));
  }
  fs.cpSync(tfjsNode, path.join(nm, '@tensorflow', 'tfjs-node'), {
    recursive: true,
    filter: (src) => !/[/\\](lib|deps|build)$/.test(src),
  });
  return t;
}

// The kernels' build is checked in libs/native; here SUGAR_OPS=0 skips it, so each run stays about the binding.
function setup(dir: string, env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(process.execPath, [path.join(dir, 'libs', 'native', 'setup.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, SUGAR_OPS: '0', ...env },
    timeout: 600_000,
  });
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '.sugar-lab', 'native.json'), 'utf8'));
  return { status: r.status, out: `${r.stdout}${r.stderr}`, state };
}

describe('native backend provisioning (libs/native/setup.mjs)', () => {
  it.skipIf(!fs.existsSync(tfjsNode))('fails in one clear line, never fatally on install, and records the reason', () => {
    const dir = sandbox();
    const r = setup(dir, { LIBTENSORFLOW_DIR: '/nonexistent/libtensorflow', SUGAR_NATIVE_SOURCES: 'env,python', PYTHON: '/nonexistent/python' }, [
      '--postinstall',
    ]);
    expect(r.status).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('sugar-lab native:'));
    expect(lines, r.out).toHaveLength(1);
    expect(lines[0]).toMatch(
      /could not provide the native backend \(LIBTENSORFLOW_DIR=\/nonexistent\/libtensorflow does not exist; .*\); the wasm\/cpu backends will be used/,
    );
    expect(r.state).toMatchObject({ ok: false });
    expect(r.state.reason).toMatch(/LIBTENSORFLOW_DIR/);
    // Run by hand (npm run native:setup), the same failure is an error exit.
    expect(setup(dir, { LIBTENSORFLOW_DIR: '/nonexistent', SUGAR_NATIVE_SOURCES: 'env' }).status).toBe(1);
  });

  const wheelDir = path.join(
    process.env.SUGAR_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'sugar-lab'),
    'native',
    'tensorflow-cpu-2.21.0',
  );
  it.skipIf(!fs.existsSync(path.join(wheelDir, '.complete')))(
    'builds a binding from LIBTENSORFLOW_DIR that loads without LD_LIBRARY_PATH; a second run is a no-op',
    () => {
      const dir = sandbox();
      const env = { LIBTENSORFLOW_DIR: wheelDir, SUGAR_NATIVE_SOURCES: 'env', SUGAR_CACHE_DIR: path.join(dir, 'cache'), LD_LIBRARY_PATH: '' };
      const r = setup(dir, env);
      expect(r.status, r.out).toBe(0);
      expect(r.state).toMatchObject({ ok: true, source: 'LIBTENSORFLOW_DIR' });
      const load = spawnSync(process.execPath, ['-e', "const tf=require('@tensorflow/tfjs-node');console.log(tf.getBackend())"], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, LD_LIBRARY_PATH: '' },
      });
      expect(load.stdout.trim()).toBe('tensorflow');
      const again = setup(dir, env);
      expect(again.out).toMatch(/loads \(TensorFlow from LIBTENSORFLOW_DIR\); nothing to do/);
    },
  );

  it('sugar doctor names the backend, why, and the tfjs-node state', () => {
    const r = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { encoding: 'utf8', env: { ...process.env, SUGAR_BACKEND: 'cpu' }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.backend).toBe('cpu');
    expect(report.backendReason).toMatch(/SUGAR_BACKEND/);
    expect(typeof report.tfjsNode.loaded).toBe('boolean');
    expect(report.backends.cpu.available).toBe(true);
    if (!report.tfjsNode.loaded) expect(report.tfjsNode.reason).toBeTruthy();
  });
});
