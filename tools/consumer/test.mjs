#!/usr/bin/env node
// Consumer test: the libraries as another TensorFlow.js project gets them. Packs every lib with
// `npm pack`, checks each tarball holds only what a user needs, then installs the tarballs into a
// fresh project outside the workspace (under the OS temp dir) next to that project's own tfjs:
// once with @tensorflow/tfjs 4.20.0 (not the workspace's version) and once with the workspace's
// version plus tfjs-node, whose binding and sugar-lab's kernels come from @sugar-lab/native's own
// `npx sugar-native-setup` (offline). There app.cjs sugarizes a user-built model, checks gradients
// against the reference vectors, fits one step, desugarizes and saves/loads through tf.io. A third
// project installs @sugar-lab/core alone (core-app.cjs). Any "already registered" line (a second
// engine, or kernels/classes registered twice) fails the run.
//
//   node tools/consumer/test.mjs [--tfjs 4.20.0,workspace] [--keep] [--results FILE]
//
// Needs the libs built (`npm run build`) and the npm registry (or npm's cache: installs use
// --prefer-offline, so a second run reuses what the first downloaded).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const LIBS = ['core', 'models', 'train', 'analysis', 'datasets', 'plots', 'experiments'];
const REFERENCE = path.join(ROOT, 'tools', 'reference', 'surrogates', 'surrogate-grads.json');
const DUPLICATE = /already registered|was already|registered twice|Overriding the gradient/i;
const OLD_TFJS = '4.20.0';

function parseArgs(argv) {
  const opts = { tfjs: [OLD_TFJS, 'workspace'], keep: false, results: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') opts.keep = true;
    else if (a === '--tfjs')
      opts.tfjs = String(argv[++i] ?? '')
        .split(',')
        .filter(Boolean);
    else if (a === '--results') opts.results = argv[++i];
    else {
      console.error(`consumer test: unknown argument '${a}'; expected --tfjs V1,V2 (a version or 'workspace'), --keep, --results FILE`);
      process.exit(2);
    }
  }
  return opts;
}

function workspaceVersion(pkg) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '', error: r.error };
}

const tail = (s, n = 40) => s.trimEnd().split('\n').slice(-n).join('\n');

/** Files a published lib may contain: its build (no maps, tests or fixtures), README, LICENSE, package.json. */
function unexpectedFiles(lib, files) {
  const extra = lib === 'experiments' ? /^presets\/[^/]+\.ya?ml$/ : /^$/;
  return files.filter(
    (f) =>
      !(/^dist\/.+\.(js|d\.ts)$/.test(f) && !/(\.test\.|test-utils|fixtures)/.test(f)) &&
      !['package.json', 'README.md', 'LICENSE'].includes(f) &&
      !extra.test(f),
  );
}

function pack(dest) {
  const missing = LIBS.filter((l) => !fs.existsSync(path.join(ROOT, 'libs', l, 'dist', 'index.js')));
  if (missing.length) throw new Error(`libs not built (${missing.join(', ')}): run 'npm run build' first`);
  const args = ['pack', '--json', '--pack-destination', dest, ...[...LIBS, 'native'].flatMap((l) => ['-w', `libs/${l}`])];
  const r = run('npm', args, { cwd: ROOT });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${tail(r.out)}`);
  const packed = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  const problems = [];
  const tarballs = {};
  for (const p of packed) {
    const lib = p.name.replace('@sugar-lab/', '');
    const files = p.files.map((f) => f.path);
    tarballs[p.name] = path.join(dest, p.filename);
    if (lib === 'native') {
      // Sources and build scripts, built in the user's project by its sugar-native-setup.
      for (const need of ['setup.mjs', 'build.mjs', 'README.md']) if (!files.includes(need)) problems.push(`${p.name}: missing ${need}`);
      if (!files.some((f) => /^kernels\/.+\.cc$/.test(f))) problems.push(`${p.name}: no kernels/*.cc`);
      if (files.some((f) => /\.test\.|\.node$/.test(f))) problems.push(`${p.name}: tests or a built binary packed`);
      console.log(`  ${p.filename}: ${files.length} files, ${(p.size / 1024).toFixed(0)} kB`);
      continue;
    }
    const bad = unexpectedFiles(lib, files);
    if (bad.length) problems.push(`${p.name}: unexpected files ${bad.join(', ')}`);
    for (const need of ['README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) if (!files.includes(need)) problems.push(`${p.name}: missing ${need}`);
    console.log(`  ${p.filename}: ${files.length} files, ${(p.size / 1024).toFixed(0)} kB`);
  }
  return { tarballs, problems };
}

function consumerProject(dir, tarballs, tfjs, withNode) {
  fs.mkdirSync(dir, { recursive: true });
  const deps = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  if (!withNode) delete deps['@sugar-lab/native'];
  deps['@tensorflow/tfjs'] = tfjs;
  deps['@tensorflow/tfjs-backend-wasm'] = tfjs;
  if (withNode) deps['@tensorflow/tfjs-node'] = tfjs;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tfjs-consumer', version: '1.0.0', private: true, dependencies: deps }, null, 2));
  fs.copyFileSync(path.join(HERE, 'app.cjs'), path.join(dir, 'app.cjs'));
}

const install = (dir) => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'], { cwd: dir });

/**
 * tfjs-node's own install step downloads libtensorflow from a host offline machines cannot reach (so the install
 * above skips scripts); the user's one documented command, from the published @sugar-lab/native, provides the
 * binding offline and builds sugar-lab's kernels. Its binding cache (the user cache) makes a second run quick.
 */
function nativeSetup(dir) {
  const t0 = Date.now();
  const r = run('npx', ['--no-install', 'sugar-native-setup'], { cwd: dir, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  return { ok: r.status === 0, seconds: ((Date.now() - t0) / 1000).toFixed(1), out: r.out };
}

function runVariant(base, tarballs, which) {
  const ws = workspaceVersion('@tensorflow/tfjs-core');
  const tfjs = which === 'workspace' ? ws : which;
  const withNode = which === 'workspace';
  const name = `tfjs ${tfjs}${withNode ? ' + tfjs-node' : ''}${which === 'workspace' ? ' (workspace version)' : ''}`;
  const dir = path.join(base, `tfjs-${tfjs}`);
  consumerProject(dir, tarballs, tfjs, withNode);
  const t0 = Date.now();
  // --ignore-scripts: no download step for tfjs-node; nothing else here needs an install script.
  const installed = install(dir);
  const installS = ((Date.now() - t0) / 1000).toFixed(1);
  if (installed.status !== 0) return { name, ok: false, why: `npm install failed (${installS} s):\n${tail(installed.out)}` };
  let native = false;
  if (withNode) {
    const setup = nativeSetup(dir);
    if (!setup.ok) return { name, ok: false, why: `npx sugar-native-setup failed (${setup.seconds} s):\n${tail(setup.out)}` };
    native = true;
    console.log(`  npx sugar-native-setup: ${setup.seconds} s; ${tail(setup.out, 3).replace(/\n/g, ' | ')}`);
  }
  const env = {
    ...process.env,
    CONSUMER_REFERENCE: REFERENCE,
    CONSUMER_TFJS_NODE: withNode ? '1' : '0',
    CONSUMER_EXPECT_BACKEND: native ? 'tensorflow' : 'wasm',
  };
  delete env.SUGAR_BACKEND;
  delete env.NODE_PATH;
  const t1 = Date.now();
  const app = run(process.execPath, ['app.cjs'], { cwd: dir, env });
  const appS = ((Date.now() - t1) / 1000).toFixed(1);
  const dup = app.out.split('\n').filter((l) => DUPLICATE.test(l));
  const summary = app.stdout.trim().split('\n').pop();
  if (app.status !== 0) return { name, ok: false, why: `app failed (install ${installS} s, run ${appS} s):\n${tail(app.out)}` };
  if (dup.length) return { name, ok: false, why: `${dup.length} duplicate-registration lines, e.g.:\n${dup.slice(0, 5).join('\n')}` };
  return {
    name,
    ok: true,
    why: `install ${installS} s, run ${appS} s; ${summary}`,
  };
}

/** A project without any TensorFlow.js: loading @sugar-lab/core must say what to install. */
function runWithoutTfjs(base, tarballs) {
  const name = 'no TensorFlow.js in the project: @sugar-lab/core says what to install';
  const dir = path.join(base, 'no-tfjs');
  fs.mkdirSync(dir);
  const deps = { '@sugar-lab/core': `file:${tarballs['@sugar-lab/core']}` };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'no-tfjs', version: '1.0.0', private: true, dependencies: deps }));
  const installed = install(dir);
  if (installed.status !== 0) return { name, ok: false, why: `npm install failed:\n${tail(installed.out)}` };
  const load = run(process.execPath, ['-e', "require('@sugar-lab/core')"], { cwd: dir });
  const said = /SugarError: @sugar-lab\/core needs @tensorflow\/tfjs-core >=4\.20\.0 <5; it is not installed: install @tensorflow\/tfjs/.test(load.out);
  return {
    name,
    ok: load.status !== 0 && said,
    why: said ? '' : `expected a SugarError naming @tensorflow/tfjs-core; got (exit ${load.status}):\n${tail(load.out, 8)}`,
  };
}

/** A project that installs only @sugar-lab/core (and tfjs): the op, the layer and sugarize work without the other libs. */
function runCoreOnly(base, tarballs) {
  const name = 'a project with @sugar-lab/core alone: sugarRelu exact and matching the references, sugarize';
  const dir = path.join(base, 'core-only');
  fs.mkdirSync(dir);
  const tfjs = workspaceVersion('@tensorflow/tfjs-core');
  const deps = { '@sugar-lab/core': `file:${tarballs['@sugar-lab/core']}`, '@tensorflow/tfjs': tfjs };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'core-only', version: '1.0.0', private: true, dependencies: deps }));
  fs.copyFileSync(path.join(HERE, 'core-app.cjs'), path.join(dir, 'app.cjs'));
  const installed = install(dir);
  if (installed.status !== 0) return { name, ok: false, why: `npm install failed:\n${tail(installed.out)}` };
  const installedNames = fs.readdirSync(path.join(dir, 'node_modules', '@sugar-lab'));
  if (installedNames.join() !== 'core') return { name, ok: false, why: `installed more than core: ${installedNames.join(', ')}` };
  const app = run(process.execPath, ['app.cjs'], { cwd: dir, env: { ...process.env, CONSUMER_REFERENCE: REFERENCE } });
  return { name, ok: app.status === 0, why: app.status === 0 ? app.stdout.trim().split('\n').pop() : tail(app.out) };
}

/**
 * Each lib's README says what to install with it (its `npm install` line): a project that installs exactly that
 * must load the lib. Catches a dependency a README does not name (train needs analysis and datasets).
 */
function readmeInstalls(base, tarballs) {
  const tfjs = workspaceVersion('@tensorflow/tfjs-core');
  return LIBS.map((lib) => {
    const name = `libs/${lib}/README.md's npm install line is enough to load @sugar-lab/${lib}`;
    const readme = fs.readFileSync(path.join(ROOT, 'libs', lib, 'README.md'), 'utf8');
    // Every `npm install` line of its Install section (up to the next heading).
    const section = readme.split(/^## /m).find((sec) => sec.startsWith('Install')) ?? '';
    const lines = section.split('\n').filter((l) => l.startsWith('npm install '));
    if (!lines.some((l) => l.includes('sugar-lab-')))
      return { name, ok: false, why: 'no `npm install ... sugar-lab-<lib>-<version>.tgz` line in its Install section' };
    const words = lines.flatMap((l) => l.replace(/#.*/, '').trim().split(/\s+/).slice(2));
    const libsNamed = words.flatMap((w) => {
      const m = /sugar-lab-(?:\{([a-z,]+)\}|([a-z]+))-[\d.]+\.tgz$/.exec(w);
      return m ? (m[1] ?? m[2]).split(',') : [];
    });
    const deps = Object.fromEntries(libsNamed.map((l) => [`@sugar-lab/${l}`, `file:${tarballs[`@sugar-lab/${l}`]}`]));
    for (const w of words) if (/^@tensorflow\/[a-z-]+(@[\d.]+)?$/.test(w)) deps[w.replace(/@[\d.]+$/, '')] = tfjs;
    const dir = path.join(base, `readme-${lib}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `readme-${lib}`, version: '1.0.0', private: true, dependencies: deps }));
    const installed = install(dir);
    if (installed.status !== 0) return { name, ok: false, why: `npm install ${Object.keys(deps).join(' ')} failed:\n${tail(installed.out, 8)}` };
    const load = run(process.execPath, ['-e', `require('@sugar-lab/${lib}')`], { cwd: dir, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
    return { name, ok: load.status === 0, why: load.status === 0 ? '' : `with ${Object.keys(deps).join(', ')}:\n${tail(load.out, 6)}` };
  });
}

/**
 * A web app that installs the packed libs and bundles them with Vite: the bundle imports no Node built-in (the
 * libs' "browser" exports), and the page trains a SUGAR MLP in headless Chromium on the cpu backend.
 */
async function runBrowserBundle(base, tarballs) {
  const name = 'a web app bundling the packed libs with Vite: no Node built-ins, fit trains in Chromium';
  const chromium = process.env.SUGAR_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) return { name, ok: process.env.SUGAR_REQUIRE_BROWSER !== '1', why: `skipped: no Chromium at ${chromium}` };
  const dir = path.join(base, 'browser-app');
  fs.cpSync(path.join(HERE, 'browser'), dir, { recursive: true });
  const libs = ['core', 'models', 'analysis', 'datasets', 'train', 'plots'];
  const deps = Object.fromEntries(libs.map((l) => [`@sugar-lab/${l}`, `file:${tarballs[`@sugar-lab/${l}`]}`]));
  deps['@tensorflow/tfjs'] = workspaceVersion('@tensorflow/tfjs-core');
  const devDependencies = { vite: workspaceVersion('vite') };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'browser-app', version: '1.0.0', private: true, type: 'module', dependencies: deps, devDependencies }),
  );
  const plugin = pathToFileURL(path.join(ROOT, 'tools', 'browser', 'no-node-builtins.mjs')).href;
  fs.writeFileSync(
    path.join(dir, 'vite.config.mjs'),
    `import { noNodeBuiltins } from ${JSON.stringify(plugin)};\nconst found = [];\n` +
      `export default { base: './', logLevel: 'error', build: { target: 'es2022', chunkSizeWarningLimit: 1e9 }, plugins: [noNodeBuiltins(found), ` +
      `{ name: 'fail-on-builtins', buildEnd() { if (found.length) throw new Error('the bundle imports Node built-ins: ' + [...new Set(found)].join('; ')); } }] };\n`,
  );
  const installed = install(dir);
  if (installed.status !== 0) return { name, ok: false, why: `npm install failed:\n${tail(installed.out)}` };
  const built = run('npx', ['--no-install', 'vite', 'build'], { cwd: dir });
  if (built.status !== 0) return { name, ok: false, why: `vite build failed:\n${tail(built.out, 12)}` };
  const { chromium: launcher } = await import(pathToFileURL(path.join(ROOT, 'node_modules', 'playwright-core', 'index.mjs')).href);
  const server = http.createServer((req, res) => {
    const file = path.join(dir, 'dist', decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/$/, '/index.html'));
    if (!file.startsWith(path.join(dir, 'dist')) || !fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.html') ? 'text/html' : 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launcher.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 120_000 });
    const result = await page.evaluate(() => window.result);
    const ok = !result.error && result.exact && result.status === 'completed' && result.epochs === 3 && typeof result.dead === 'number' && !errors.length;
    return { name, ok, why: `${JSON.stringify(result)}${errors.length ? `; console errors: ${errors.join(' | ')}` : ''}` };
  } finally {
    await browser.close();
    server.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-consumer-'));
  const results = [];
  const record = (name, ok, why) => {
    results.push({ name, ok });
    console.log(`${ok ? 'PASS' : 'FAIL'} consumer: ${name}${why ? `\n${why.replace(/^/gm, '  ')}` : ''}`);
  };
  try {
    console.log(`consumer test in ${base}`);
    const tarDir = path.join(base, 'tarballs');
    fs.mkdirSync(tarDir);
    let tarballs;
    try {
      const packed = pack(tarDir);
      tarballs = packed.tarballs;
      record('npm pack: every lib holds only dist (js, d.ts), README, LICENSE', packed.problems.length === 0, packed.problems.join('\n'));
    } catch (err) {
      record('npm pack', false, err.message);
    }
    if (tarballs) {
      for (const r of [runWithoutTfjs(base, tarballs), runCoreOnly(base, tarballs), ...readmeInstalls(base, tarballs), await runBrowserBundle(base, tarballs)])
        record(r.name, r.ok, r.why);
    }
    for (const which of opts.tfjs) {
      if (!tarballs) break;
      const r = runVariant(base, tarballs, which);
      record(r.name, r.ok, r.why);
    }
  } finally {
    if (opts.keep) console.log(`kept ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  if (opts.results) fs.writeFileSync(opts.results, JSON.stringify({ passed, failed }));
  console.log(`consumer: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

await main();
