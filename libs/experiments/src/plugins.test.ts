import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getSurrogate, listSurrogates, tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { PluginError, SpecError } from './errors';
import { expandGrid } from './grid';
import { loadPlugins, loadPluginsSync, requireSource } from './plugins';
import { loadSpec } from './presets';
import { writeReport } from './report';
import { runSweep } from './runner';
import { emitSlurm } from './slurm';
import { loadSpecFile, parseSpec } from './spec';
import { specHash } from './spec-claim';
import { ResultsStore } from './store';
import { tinyBase } from './test-utils/tiny-spec';

// Plugins as users write them: real files (CommonJS and ES modules, inside and outside the workspace) loaded by
// the real loader, a sweep whose worker processes train with a plugin surrogate, run-one in a fresh process.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'plugins', 'custom-surrogate', 'fast-sigmoid.js');
const DIST = path.resolve(__dirname, '..', 'dist');
const tmp = (prefix = 'plugins-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

const base = tinyBase({ model: { depth: 3 } });

/** A plugin registering surrogate `name` (a step surrogate), counting its loads on globalThis. */
function surrogatePlugin(name: string, esm = false): string {
  const body = `registerSurrogate({ name: '${name}', fn: (x) => tf.relu(x), grad: (x) => tf.step(x) });
globalThis.__pluginLoads = { ...globalThis.__pluginLoads, ${name}: (globalThis.__pluginLoads?.${name} ?? 0) + 1 };\n`;
  return esm
    ? `import { registerSurrogate, tf } from '@sugar-lab/core';\nawait Promise.resolve();\n${body}`
    : `const { registerSurrogate, tf } = require('@sugar-lab/core');\n${body}`;
}

const loads = (name: string) => (globalThis as unknown as { __pluginLoads?: Record<string, number> }).__pluginLoads?.[name] ?? 0;

function writeSpec(dir: string, spec: Record<string, unknown>, file = 'spec.json'): string {
  const p = path.join(dir, file);
  fs.writeFileSync(p, JSON.stringify(spec));
  return p;
}

describe('the example plugin: fastSigmoid', () => {
  it('registers a surrogate whose closed-form derivative is the derivative of its function', () => {
    loadPluginsSync([EXAMPLE], requireSource());
    for (const beta of [0.5, 1, 4]) {
      const s = getSurrogate('fastSigmoid', { beta });
      const x = tf.tensor1d([-5, -1, -0.25, 0.25, 1, 5]);
      const grad = s.grad(x).arraySync() as number[];
      const auto = tf
        .grad((t: tf.Tensor) => s.fn(t))(x)
        .arraySync() as number[];
      grad.forEach((g, i) => expect(g).toBeCloseTo(auto[i], 5));
      expect(s.fn(tf.scalar(0)).arraySync() as number).toBe(0);
      expect(s.grad(tf.scalar(0)).arraySync() as number).toBeCloseTo(0.5, 6);
    }
    // Steeper beta: closer to ReLU and its step.
    const steep = getSurrogate('fastSigmoid', { beta: 1000 });
    expect(steep.fn(tf.scalar(2)).arraySync() as number).toBeCloseTo(2, 2);
    expect(steep.grad(tf.scalar(-2)).arraySync() as number).toBeLessThan(0.001);
  });
});

describe('plugins in a spec', () => {
  it('are loaded before validation, resolved against the spec file, and recorded as absolute files', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'p.cjs'), surrogatePlugin('specRelative'));
    const file = writeSpec(dir, {
      name: 's',
      plugins: ['./p.cjs'],
      base,
      grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'specRelative' } }] },
    });
    const spec = loadSpecFile(file);
    expect(spec.plugins).toEqual([fs.realpathSync(path.join(dir, 'p.cjs'))]);
    const runs = expandGrid(spec);
    expect(runs.map((r) => r.variant)).toEqual(['relu', 'sugar(specRelative)']);
    for (const r of runs) expect(r.config.plugins).toEqual(spec.plugins);
  });

  it('leave the spec hash and run ids of specs without plugins as they were (an empty list is no list)', () => {
    const raw = {
      name: 'pinned',
      base: tinyBase({ model: { depth: 2, width: 8 }, dataset: { noise: undefined } }),
      grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }], seed: [0, 1] },
      baseline: 'relu',
    };
    // Computed by the code before plugins existed.
    const ids = ['7abe75056f87', 'ee07cca0cab6', 'a3fb9cab1865', '77ef029d1d86'];
    const hash = '3dc333e87cfa12942e2011456488e83abd43f0d543c6587650273884c15a37f3';
    for (const spec of [parseSpec(raw), parseSpec({ ...raw, plugins: [] })]) {
      expect(spec.plugins).toBeUndefined();
      expect(expandGrid(spec).map((r) => r.id)).toEqual(ids);
      expect(specHash(spec)).toBe(hash);
    }
    const withPlugin = parseSpec({ ...raw, plugins: [EXAMPLE] });
    expect(expandGrid(withPlugin).map((r) => r.id)).not.toEqual(ids);
    expect(specHash(withPlugin)).not.toBe(hash);
  });

  it('a missing plugin fails validation with the spec, the entry and the path it looked at', () => {
    const dir = tmp();
    const file = writeSpec(dir, { name: 's', plugins: ['./fast-sigmoid.js'], base, grid: {} });
    let err: unknown;
    try {
      loadSpecFile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).source).toBe(file);
    expect((err as SpecError).issues.map((i) => i.path)).toEqual(['plugins[0]']);
    expect((err as SpecError).message).toContain(
      `cannot load plugin './fast-sigmoid.js': not found: no file or package directory at ${path.join(dir, 'fast-sigmoid.js')}`,
    );
    // A bare name is a package; a file of that name beside the spec gets a hint.
    fs.writeFileSync(path.join(dir, 'local.js'), '');
    expect(() => parseSpec({ name: 's', plugins: ['local.js'], base, grid: {} }, file, { baseDir: dir })).toThrow(
      /no package 'local.js' resolvable from .*; to load the file .*local\.js, write '\.\/local\.js'/,
    );
  });

  it('a plugin that throws or does not parse names the file and the line', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'throws.js'), "\n\nthrow new TypeError('no GPU here');\n");
    fs.writeFileSync(path.join(dir, 'broken.js'), 'const x = ;\n');
    const spec = (p: string) => ({ name: 's', plugins: [p], base, grid: {} });
    expect(() => parseSpec(spec('./throws.js'), 'my.yaml', { baseDir: dir })).toThrow(
      new RegExp(`plugins\\[0\\]: cannot load plugin './throws.js': loading .*throws\\.js failed: TypeError: no GPU here \\(at .*throws\\.js:3:7\\)`),
    );
    expect(() => parseSpec(spec('./broken.js'), 'my.yaml', { baseDir: dir })).toThrow(/loading .*broken\.js failed: SyntaxError: .* \(at .*broken\.js:1\)/);
  });

  it('checks the list itself: a list of non-empty strings', () => {
    expect(() => parseSpec({ name: 's', plugins: './p.js', base, grid: {} })).toThrow(/plugins: must be a list of plugin paths/);
    expect(() => parseSpec({ name: 's', plugins: ['ok', 3, ''], base, grid: {} })).toThrow(/plugins\[1\]: must be a path .*\n.*plugins\[2\]: must be a path/);
  });
});

describe('loading plugins', () => {
  it('is idempotent per file: named twice, through a symlink, sync after async: loaded and registered once', async () => {
    const dir = tmp();
    const file = path.join(dir, 'once.js');
    fs.writeFileSync(file, surrogatePlugin('loadedOnce'));
    fs.symlinkSync(file, path.join(dir, 'link.js'));
    const src = { from: [dir], where: () => 'test' };
    const [first] = await loadPlugins(['./once.js', './link.js', file], src);
    expect(first.file).toBe(fs.realpathSync(file));
    loadPluginsSync(['./link.js'], src);
    await loadPlugins([file], src);
    parseSpec({ name: 's', plugins: ['./once.js'], base: { ...base, activation: { kind: 'sugar', surrogate: { name: 'loadedOnce' } } }, grid: {} }, 'x', {
      baseDir: dir,
    });
    expect(loads('loadedOnce')).toBe(1);
    expect(listSurrogates().filter((n) => n === 'loadedOnce')).toHaveLength(1);
  });

  it("from outside the workspace, CommonJS and ES modules register into this process's @sugar-lab/core, not a copy beside them", async () => {
    const dir = tmp(); // os.tmpdir(): no node_modules above it that holds @sugar-lab/*
    fs.writeFileSync(path.join(dir, 'outside.cjs'), surrogatePlugin('outsideCjs'));
    fs.writeFileSync(path.join(dir, 'outside.mjs'), surrogatePlugin('outsideEsm', true));
    // A stale copy of @sugar-lab/core beside the plugin: its registry is one nobody reads.
    const copy = path.join(dir, 'vendored', 'node_modules', '@sugar-lab', 'core');
    fs.mkdirSync(copy, { recursive: true });
    fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ name: '@sugar-lab/core', main: 'index.js' }));
    fs.writeFileSync(path.join(copy, 'index.js'), "exports.registerSurrogate = () => { throw new Error('the vendored copy'); };\n");
    fs.writeFileSync(path.join(dir, 'vendored', 'p.js'), surrogatePlugin('vendoredCjs'));
    await loadPlugins(['./outside.cjs', './outside.mjs', './vendored/p.js'], { from: [dir], where: () => 'test' });
    for (const name of ['outsideCjs', 'outsideEsm', 'vendoredCjs']) expect(listSurrogates()).toContain(name);
  });

  it('--require resolves from the cwd, and its errors say so', async () => {
    await expect(loadPlugins(['./no-such-plugin.js'], requireSource())).rejects.toThrow(
      new PluginError(
        './no-such-plugin.js',
        '--require',
        `not found: no file or package directory at ${path.resolve('no-such-plugin.js')} (a relative path is read from ${process.cwd()})`,
      ),
    );
  });
});

describe('a sweep with a plugin surrogate', () => {
  it('trains it in worker processes, in run-one in a fresh process, and reports its label', async () => {
    const dir = tmp();
    const file = writeSpec(dir, {
      name: 'plugin-sweep',
      plugins: [path.relative(dir, EXAMPLE)], // ../../work/...: relative to the spec file
      base,
      grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'fastSigmoid', beta: 4 } }], seed: [0, 1] },
      baseline: 'relu',
    });
    const spec = await loadSpec(file);
    const out = path.join(dir, 'out');
    const sweep = await runSweep(spec, { out, workers: 2, only: 'seed=0' });
    expect(sweep).toMatchObject({ total: 2, completed: 2, failed: 0 });

    // The other seed as Slurm tasks would run it: a fresh process that has loaded nothing, reading the run's record.
    emitSlurm(spec, { out });
    const run = expandGrid(spec).find((r) => r.seed === 1 && r.variant.includes('fastSigmoid'))!;
    const script = `require(${JSON.stringify(DIST)}).runSingle(${JSON.stringify(out)}, ${JSON.stringify(run.id)}).then((s) => { console.log(s.status); if (s.status !== 'completed') console.log(s.error); })`;
    const fresh = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: os.tmpdir(), env: { ...process.env, SUGAR_QUIET: '1' } });
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stdout.trim()).toBe('completed');

    const store = new ResultsStore(out);
    const statuses = store.summaries().map((s) => `${s.variant} ${s.seed} ${s.status}`);
    expect(statuses.sort()).toEqual(['relu 0 completed', 'sugar(fastSigmoid,beta=4) 0 completed', 'sugar(fastSigmoid,beta=4) 1 completed']);
    const md = fs.readFileSync((await writeReport(out)).markdown, 'utf8');
    expect(md).toContain('sugar(fastSigmoid,beta=4)');
  });
});
