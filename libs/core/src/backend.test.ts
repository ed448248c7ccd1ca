import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPeerPackage, loadedTfjsCoreCopies } from './backend';
import { BACKENDS, BackendError, backendInfo, initBackend, tf } from './index';
import { ensureBuilt } from './test-utils/build';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-backend-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writePackage(dir: string, name: string, version: string, main: string, code: string): void {
  fs.mkdirSync(path.join(dir, path.dirname(main)), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, main }));
  fs.writeFileSync(path.join(dir, main), code);
}

const realTfjsNode = (): string | undefined => {
  try {
    return require.resolve('@tensorflow/tfjs-node');
  } catch {
    return undefined;
  }
};

describe('initBackend', () => {
  it('initializes each backend that loads and falls back with a reason otherwise', async () => {
    for (const want of BACKENDS) {
      const got = await initBackend(want, { quiet: true });
      const info = backendInfo()!;
      expect(tf.getBackend()).toBe(got);
      if (got !== want) {
        const failed = info.attempts.find((a) => a.backend === want)!;
        expect(failed.ok).toBe(false);
        expect(failed.reason).toBeTruthy();
      }
      expect(tf.relu(tf.tensor([1, -1])).dataSync()).toEqual(new Float32Array([1, 0]));
    }
  });

  it('always reaches cpu', async () => {
    expect(await initBackend('cpu', { quiet: true })).toBe('cpu');
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend('gpu' as never)).rejects.toThrow(BackendError);
    await expect(initBackend('gpu' as never)).rejects.toThrow(/one of tensorflow, wasm, cpu; found 'gpu'/);
  });
});

describe('backend packages of the host project', () => {
  it('passes over a tfjs-node that would bring its own tfjs-core (a second engine), saying why', () => {
    // A host project with its own tfjs 4.20.0 stack; sugar-lab runs on the workspace's tfjs-core.
    const host = path.join(tmp, 'other-engine');
    const nm = path.join(host, 'node_modules', '@tensorflow');
    writePackage(path.join(nm, 'tfjs-node'), '@tensorflow/tfjs-node', '4.20.0', 'dist/index.js', 'globalThis.__loaded = true;');
    writePackage(path.join(nm, 'tfjs'), '@tensorflow/tfjs', '4.20.0', 'dist/tf.node.js', '');
    writePackage(path.join(nm, 'tfjs-core'), '@tensorflow/tfjs-core', '4.20.0', 'dist/tf-core.node.js', '');
    expect(() => findPeerPackage('@tensorflow/tfjs-node', ['@tensorflow/tfjs'], [host])).toThrow(
      new RegExp(`tfjs-node at .*other-engine.* loads @tensorflow/tfjs-core at .*other-engine.*loading it would start a second engine`),
    );
    const own = findPeerPackage('@tensorflow/tfjs-backend-wasm', [], [host, __dirname]);
    expect(own.dir).not.toContain('other-engine');
    expect((globalThis as { __loaded?: boolean }).__loaded).toBeUndefined();
  });

  it('initBackend loads the tfjs-node of the working directory when it runs on the same engine', (ctx) => {
    const real = realTfjsNode();
    if (!real) return ctx.skip();
    // The host's tfjs-node sits in the host project only (a copy whose entry marks that it ran,
    // then loads the real binding); its @tensorflow/tfjs is the workspace's, so one engine.
    const host = path.join(tmp, 'same-engine');
    const nm = path.join(host, 'node_modules', '@tensorflow');
    writePackage(
      path.join(nm, 'tfjs-node'),
      '@tensorflow/tfjs-node',
      '4.22.0',
      'dist/index.js',
      `globalThis.__hostTfjsNode = __filename;\nmodule.exports = require(${JSON.stringify(real)});\n`,
    );
    fs.symlinkSync(path.dirname(require.resolve('@tensorflow/tfjs/package.json')), path.join(nm, 'tfjs'));
    const core = ensureBuilt();
    const script = `const c = require(${JSON.stringify(core)});
      c.initBackend('tensorflow', { quiet: true }).then((b) => console.log(JSON.stringify({ b, host: globalThis.__hostTfjsNode ?? null, info: c.backendInfo() })));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: host, encoding: 'utf8', env: { ...process.env, SUGAR_BACKEND: '' } })
        .trim()
        .split('\n')
        .pop()!,
    );
    if (out.b !== 'tensorflow') return ctx.skip();
    expect(fs.realpathSync(out.host)).toBe(fs.realpathSync(path.join(nm, 'tfjs-node', 'dist', 'index.js')));
    expect(out.info.attempts.at(-1).provider).toBe('@tensorflow/tfjs-node');
  });
});

describe('one tfjs-core per process', () => {
  it('is the case here', () => {
    expect(loadedTfjsCoreCopies()).toHaveLength(1);
  });

  it('initBackend names both copies when the host loaded a second tfjs-core', () => {
    // A host whose npm install nested another tfjs-core (its bundle, with the two packages it requires).
    const host = path.join(tmp, 'two-cores');
    const realCore = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
    const copy = path.join(host, 'node_modules', '@tensorflow', 'tfjs-core');
    fs.mkdirSync(path.join(copy, 'dist'), { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(realCore, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ ...manifest, version: '4.20.0' }));
    fs.copyFileSync(path.join(realCore, manifest.main), path.join(copy, manifest.main));
    for (const dep of ['seedrandom', 'node-fetch']) {
      const from = path.dirname(require.resolve(`${dep}/package.json`, { paths: [realCore] }));
      fs.symlinkSync(from, path.join(host, 'node_modules', dep));
    }
    const core = ensureBuilt();
    const script = `require(${JSON.stringify(copy)}); const c = require(${JSON.stringify(core)});
      c.initBackend('cpu', { quiet: true }).then(() => console.log('no error'), (e) => console.log(e.name + ': ' + e.message));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: host, encoding: 'utf8', env: { ...process.env, SUGAR_BACKEND: '' } });
    expect(out).toMatch(
      /BackendError: 2 copies of @tensorflow\/tfjs-core are loaded \(.*4\.20\.0 at .*two-cores.*\); sugar-lab and your TensorFlow\.js must share one/,
    );
  });
});
