#!/usr/bin/env node
// Provisions the native TensorFlow backend (@tensorflow/tfjs-node) without its own download step,
// which needs a host that offline and firewalled machines cannot reach, then builds sugar-lab's kernels
// (build.mjs). The `sugar-native-setup` command of @sugar-lab/native, run in the project that uses
// tfjs-node (`npx sugar-native-setup`); in the sugar-lab repository it runs on `npm install` (postinstall,
// never fatal) and as `npm run native:setup`. Its state goes to the project's node_modules/.sugar-lab (paths.mjs).
//
// Order: tfjs-node already loads -> nothing to do. Else build its binding against an existing
// TensorFlow: LIBTENSORFLOW_DIR; the libraries of an importable Python TensorFlow; the
// tensorflow-cpu wheel fetched with `pip download --no-deps` into the user cache. A built binding
// is cached by (tfjs-node version, N-API version, TensorFlow libraries), so a re-install restores
// it in seconds. The binding finds libtensorflow through its rpath ($ORIGIN/../../deps/lib), where
// this tool links the libraries, so nobody has to set LD_LIBRARY_PATH.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSugarOps, chooseBlas, findEigen } from './build.mjs';
import { projectPaths, TFJS_NODE as PKG } from './paths.mjs';

const { root: ROOT, stateDir: STATE_DIR } = projectPaths();
const TF_VERSION = process.env.SUGAR_TF_VERSION || '2.21.0';
const STATE = path.join(STATE_DIR, 'native.json');
const postinstall = process.argv.includes('--postinstall');
const verbose = process.argv.includes('--verbose') || process.env.SUGAR_NATIVE_VERBOSE === '1';
const cacheRoot = () =>
  path.join(process.env.SUGAR_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'sugar-lab'), 'native');

const say = (msg) => console.log(`sugar-lab native: ${msg}`);
const debug = (msg) => verbose && console.log(`  ${msg}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (verbose)
    process.stdout.write(
      out
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n') + '\n',
    );
  return { ok: r.status === 0 && !r.error, out, error: r.error };
}

function lastLines(text, n = 3) {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => /error|Error|ERR/.test(l))
      .slice(-n)
      .join(' | ') || text.trim().split('\n').slice(-n).join(' | ')
  );
}

function writeState(state) {
  fs.mkdirSync(path.dirname(STATE), { recursive: true });
  fs.writeFileSync(STATE, JSON.stringify({ ...state, at: new Date().toISOString() }, null, 2) + '\n');
}

function readState() {
  try {
    return JSON.parse(fs.readFileSync(STATE, 'utf8'));
  } catch {
    return undefined;
  }
}

function pkgDir() {
  try {
    return path.dirname(resolveFromRoot(`${PKG}/package.json`));
  } catch {
    return undefined;
  }
}

/** Resolves a module exactly as the libs will: from the workspace root. */
function resolveFromRoot(id) {
  const r = spawnSync(process.execPath, ['-p', `require.resolve(${JSON.stringify(id)})`], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot resolve ${id}`);
  return r.stdout.trim();
}

/** Loads tfjs-node in a fresh process and runs one op: the only test that counts. */
function loads() {
  const code = `const tf=require('${PKG}');const y=tf.relu(tf.tensor([1,-1])).dataSync();if(tf.getBackend()!=='tensorflow'||y[0]!==1||y[1]!==0)process.exit(3)`;
  const r = run(process.execPath, ['-e', code], { cwd: ROOT, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, timeout: 120_000 });
  return r.ok ? { ok: true } : { ok: false, reason: lastLines(r.out, 1) };
}

/** The tfjs-node to install: the project's own pin, else the version of its tfjs-core (tfjs-node pins tfjs). */
function wantedVersion() {
  let pkg = {};
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  } catch {
    // no package.json: no pin
  }
  const pinned = ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies'].map((k) => pkg[k]?.[PKG]).find(Boolean);
  if (pinned) return pinned;
  try {
    return JSON.parse(fs.readFileSync(resolveFromRoot('@tensorflow/tfjs-core/package.json'), 'utf8')).version;
  } catch {
    return '4';
  }
}

function ensurePackage() {
  if (pkgDir()) return true;
  // npm versions that run tfjs-node's download script drop the package when that script fails;
  // reinstall it without scripts (the root package.json's allowScripts does this on npm >= 11.x).
  const version = wantedVersion();
  say(`${PKG} is not installed; installing ${PKG}@${version} without its download script`);
  const r = run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${PKG}@${version}`], { cwd: ROOT });
  if (!r.ok) debug(lastLines(r.out));
  return Boolean(pkgDir());
}

// ---- where an existing TensorFlow can come from -------------------------------------------------

const CC_NAMES = ['libtensorflow_cc.so.2', 'libtensorflow.so.2', 'libtensorflow.so'];
const FW_NAMES = ['libtensorflow_framework.so.2', 'libtensorflow_framework.so'];

/** Checks a directory laid out like the libtensorflow tarball (lib/, include/) or a Python TF package. */
function tensorflowAt(dir, source, version) {
  const libDirs = [dir, path.join(dir, 'lib'), path.join(dir, 'lib64')];
  const find = (names) => {
    for (const d of libDirs) for (const n of names) if (fs.existsSync(path.join(d, n))) return path.join(d, n);
    return undefined;
  };
  const cc = find(CC_NAMES);
  const fw = find(FW_NAMES);
  const include = path.join(dir, 'include');
  const missing = [];
  if (!cc) missing.push(`one of ${CC_NAMES.join('/')}`);
  if (!fw) missing.push(`one of ${FW_NAMES.join('/')}`);
  if (!fs.existsSync(path.join(include, 'tensorflow', 'c', 'c_api.h'))) missing.push('include/tensorflow/c/c_api.h');
  if (missing.length) return { ok: false, reason: `${source} ${dir} lacks ${missing.join(', ')}` };
  return { ok: true, source, version, dir, cc, fw, include };
}

function fromEnv() {
  const dir = process.env.LIBTENSORFLOW_DIR;
  if (!dir) return { ok: false, reason: 'LIBTENSORFLOW_DIR is not set' };
  if (!fs.existsSync(dir)) return { ok: false, reason: `LIBTENSORFLOW_DIR=${dir} does not exist` };
  return tensorflowAt(path.resolve(dir), 'LIBTENSORFLOW_DIR', undefined);
}

function pythons() {
  const list = [process.env.PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(Boolean);
  return [...new Set(list)];
}

function fromPython() {
  // find_spec locates the package without importing it (an import takes seconds and may fail).
  const code = [
    'import importlib.util',
    "s = importlib.util.find_spec('tensorflow')",
    "print(s.submodule_search_locations[0] if s and s.submodule_search_locations else '')",
  ].join('\n');
  const reasons = [];
  for (const py of pythons()) {
    const r = run(py, ['-c', code], { timeout: 60_000 });
    if (!r.ok) {
      reasons.push(`${py}: ${r.error ? 'not found' : lastLines(r.out, 1)}`);
      continue;
    }
    const dir = r.out.trim().split('\n').pop();
    if (!dir) {
      reasons.push(`${py} has no tensorflow package`);
      continue;
    }
    const version = run(py, [
      '-c',
      "import importlib.metadata as m\nfor d in ('tensorflow','tensorflow-cpu','tensorflow-gpu'):\n  try: print(m.version(d)); break\n  except Exception: pass",
    ]).out.trim();
    const found = tensorflowAt(dir, 'python', version || undefined);
    if (found.ok) return found;
    reasons.push(found.reason);
  }
  return { ok: false, reason: `no importable Python TensorFlow (${reasons.join('; ')})` };
}

// Headers the binding includes (tensorflow/c/*.h) and the few trees those include; Eigen's (headers only) for the
// kernels' products where the system has no OpenBLAS (build.mjs).
const WHEEL_PREFIXES = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/platform/', 'tsl/c/', 'xla/tsl/c/', 'xla/tsl/platform/'];
const EIGEN_PREFIXES = ['Eigen/', 'unsupported/Eigen/'];
// What an extraction holds, in its .layout file: 1 (none: before Eigen) the C API headers and the libraries, 2 Eigen
// too. An older extraction is extended in place, so a binding built against its libraries stays valid.
const LAYOUT = 2;

function layoutOf(dest) {
  if (!fs.existsSync(path.join(dest, '.complete'))) return 0;
  try {
    return Number(fs.readFileSync(path.join(dest, '.layout'), 'utf8').trim()) || 1;
  } catch {
    return 1;
  }
}

/** Downloads the wheel into a temp dir under the cache and extracts the `prefixes` (and the libraries if `libs`). */
function extractWheel(prefixes, libs) {
  const py = pythons().find((p) => run(p, ['-m', 'pip', '--version'], { timeout: 60_000 }).ok);
  if (!py) return { ok: false, reason: 'no Python with pip to download the tensorflow-cpu wheel' };
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheRoot(), '.wheel-'));
  say(`downloading tensorflow-cpu==${TF_VERSION} (about 270 MB) with pip into ${cacheRoot()}`);
  const dl = run(py, ['-m', 'pip', 'download', `tensorflow-cpu==${TF_VERSION}`, '--no-deps', '--only-binary=:all:', '-d', tmp], { timeout: 1_800_000 });
  const wheel = fs.readdirSync(tmp).find((f) => f.endsWith('.whl'));
  if (!dl.ok || !wheel) return { ok: false, tmp, reason: `pip download tensorflow-cpu==${TF_VERSION} failed: ${lastLines(dl.out, 1)}` };
  const out = path.join(tmp, 'out');
  // Only the two libraries and the headers named: ~850 MB instead of the whole 1.5 GB package.
  const extract = [
    'import sys, zipfile, os',
    'wheel, out, prefixes, want_libs = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4] == "1"',
    'libs = {"tensorflow/libtensorflow_cc.so.2": "lib/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2": "lib/libtensorflow_framework.so.2"} if want_libs else {}',
    'with zipfile.ZipFile(wheel) as z:',
    '    for i in z.infolist():',
    '        n = i.filename',
    '        rel = libs.get(n) or (n[len("tensorflow/"):] if n.startswith("tensorflow/include/") and any(n[len("tensorflow/include/"):].startswith(p) for p in prefixes) and not n.endswith("/") else None)',
    '        if rel is None: continue',
    '        t = os.path.join(out, rel); os.makedirs(os.path.dirname(t), exist_ok=True)',
    '        with z.open(i) as src, open(t, "wb") as dst:',
    '            while True:',
    '                b = src.read(1 << 20)',
    '                if not b: break',
    '                dst.write(b)',
  ].join('\n');
  const ex = run(py, ['-c', extract, path.join(tmp, wheel), out, prefixes.join(','), libs ? '1' : '0'], { timeout: 600_000 });
  if (!ex.ok) return { ok: false, tmp, reason: `extracting ${wheel} failed: ${lastLines(ex.out, 1)}` };
  return { ok: true, tmp, out, wheel };
}

function fromWheel() {
  const dest = path.join(cacheRoot(), `tensorflow-cpu-${TF_VERSION}`);
  const layout = layoutOf(dest);
  if (layout >= LAYOUT) return tensorflowAt(dest, 'wheel', TF_VERSION);
  const ex = layout ? extractWheel(EIGEN_PREFIXES, false) : extractWheel([...WHEEL_PREFIXES, ...EIGEN_PREFIXES], true);
  try {
    if (!ex.ok) return { ok: false, reason: ex.reason };
    if (layout) {
      say(`adding Eigen's headers to ${dest}`);
      for (const top of ['Eigen', 'unsupported']) {
        fs.rmSync(path.join(dest, 'include', top), { recursive: true, force: true });
        fs.renameSync(path.join(ex.out, 'include', top), path.join(dest, 'include', top));
      }
    } else {
      fs.writeFileSync(path.join(ex.out, '.complete'), `${ex.wheel}\n`);
      fs.rmSync(dest, { recursive: true, force: true });
      fs.renameSync(ex.out, dest);
    }
    fs.writeFileSync(path.join(dest, '.layout'), `${LAYOUT}\n`);
    return tensorflowAt(dest, 'wheel', TF_VERSION);
  } finally {
    if (ex.tmp) fs.rmSync(ex.tmp, { recursive: true, force: true });
  }
}

// ---- building the binding -----------------------------------------------------------------------

function linkLibraries(dir, tf) {
  const deps = path.join(dir, 'deps');
  const lib = path.join(deps, 'lib');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(lib, { recursive: true });
  fs.symlinkSync(tf.include, path.join(deps, 'include'));
  // The link names binding.gyp asks for, plus every name the loader may look up (SONAMEs).
  const links = new Map([
    ['libtensorflow.so', tf.cc],
    ['libtensorflow_framework.so', tf.fw],
  ]);
  for (const file of [tf.cc, tf.fw]) {
    for (const f of fs.readdirSync(path.dirname(file))) {
      if (/^libtensorflow.*\.so(\.\d+)*$/.test(f) && !links.has(f)) links.set(f, path.join(path.dirname(file), f));
    }
  }
  for (const [name, target] of links) fs.symlinkSync(fs.realpathSync(target), path.join(lib, name));
}

function bindingKey(dir, tf) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const st = fs.statSync(fs.realpathSync(tf.cc));
  const id = [pkg.version, process.versions.napi, process.platform, process.arch, fs.realpathSync(tf.cc), st.size, st.mtimeMs].join('|');
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

function nodeGypEnv() {
  const env = { ...process.env };
  // Node's own headers, so node-gyp does not try to download them.
  const headers = path.resolve(process.execPath, '..', '..', 'include', 'node');
  if (!env.npm_config_nodedir && fs.existsSync(path.join(headers, 'node_api.h'))) env.npm_config_nodedir = path.resolve(headers, '..', '..');
  if (!env.npm_config_node_gyp) {
    const bundled = path.resolve(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (fs.existsSync(bundled)) env.npm_config_node_gyp = bundled;
  }
  return env;
}

function build(dir, tf) {
  linkLibraries(dir, tf);
  const key = bindingKey(dir, tf);
  const cached = path.join(cacheRoot(), 'bindings', key);
  const napiDirs = () => (fs.existsSync(path.join(dir, 'lib')) ? fs.readdirSync(path.join(dir, 'lib')).filter((d) => d.startsWith('napi-v')) : []);
  if (fs.existsSync(path.join(cached, 'tfjs_binding.node'))) {
    const napi = fs.readFileSync(path.join(cached, 'napi'), 'utf8').trim();
    fs.mkdirSync(path.join(dir, 'lib', napi), { recursive: true });
    fs.copyFileSync(path.join(cached, 'tfjs_binding.node'), path.join(dir, 'lib', napi, 'tfjs_binding.node'));
    const check = loads();
    if (check.ok) return { ok: true, fromCache: true };
    debug(`cached binding did not load (${check.reason}); rebuilding`);
  }
  const preGyp = path.join(path.dirname(resolveFromRoot('@mapbox/node-pre-gyp/package.json')), 'bin', 'node-pre-gyp');
  say(`compiling the tfjs-node binding against ${tf.source} TensorFlow${tf.version ? ` ${tf.version}` : ''} (${path.dirname(tf.cc)})`);
  const r = run(process.execPath, [preGyp, 'install', '--build-from-source'], { cwd: dir, env: nodeGypEnv(), timeout: 1_200_000 });
  if (!r.ok) return { ok: false, reason: `compiling the binding failed: ${lastLines(r.out, 2)}` };
  const check = loads();
  if (!check.ok) return { ok: false, reason: `the built binding does not load: ${check.reason}` };
  const napi = napiDirs()[0];
  fs.mkdirSync(cached, { recursive: true });
  fs.copyFileSync(path.join(dir, 'lib', napi, 'tfjs_binding.node'), path.join(cached, 'tfjs_binding.node'));
  fs.writeFileSync(path.join(cached, 'napi'), napi);
  return { ok: true, fromCache: false };
}

/**
 * Eigen's headers for a build without OpenBLAS, when neither the binding's TensorFlow include tree nor the system
 * has them: from the tensorflow-cpu wheel (downloaded once into the cache, as for the binding).
 */
function eigenDirs(dir) {
  if (process.env.SUGAR_BLAS === 'openblas' || chooseBlas(dir).ok || findEigen(dir).ok) return [];
  const tf = fromWheel();
  if (!tf.ok) debug(`no Eigen from the wheel: ${tf.reason}`);
  return tf.ok ? [tf.include] : [];
}

// sugar-lab's own TensorFlow kernels (build.mjs), built beside this state file; optional.
async function nativeKernels(dir) {
  let r;
  try {
    r =
      process.env.SUGAR_OPS === '0'
        ? { ok: false, reason: 'disabled by SUGAR_OPS=0' }
        : await buildSugarOps(dir, STATE_DIR, { verbose, eigenDirs: eigenDirs(dir) });
  } catch (err) {
    r = { ok: false, reason: `cannot build: ${err?.message ?? err}` };
  }
  say(
    r.ok
      ? `native kernels ${r.built ? 'built' : 'up to date'} with ${r.blas === 'eigen' ? 'Eigen' : 'OpenBLAS'} (${r.path})`
      : `native kernels not built (${r.reason}); tfjs-node's own kernels will be used`,
  );
  return r.ok ? { ok: true, path: r.path, blas: r.blas } : { ok: false, reason: r.reason };
}

async function main() {
  const t0 = Date.now();
  if (process.env.SUGAR_NATIVE === '0') {
    writeState({ ok: false, reason: 'disabled by SUGAR_NATIVE=0' });
    say('skipped (SUGAR_NATIVE=0); the wasm/cpu backends will be used');
    return 0;
  }
  if (!ensurePackage()) {
    writeState({ ok: false, reason: `${PKG} is not installed and could not be installed` });
    say(`${PKG} is not installed and could not be installed; the wasm/cpu backends will be used`);
    return 1;
  }
  const dir = pkgDir();
  const first = loads();
  const prev = readState();
  if (first.ok) {
    const state = prev?.ok ? prev : { ok: true, source: 'prebuilt' };
    say(`${PKG} loads (TensorFlow from ${state.source}${state.tensorflowVersion ? ` ${state.tensorflowVersion}` : ''}); nothing to do (${Date.now() - t0} ms)`);
    writeState({ ...state, ops: await nativeKernels(dir) });
    return 0;
  }
  debug(`${PKG} does not load yet: ${first.reason}`);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const reasons = [];
  const sources = { env: fromEnv, python: fromPython, wheel: fromWheel };
  const wanted = (process.env.SUGAR_NATIVE_SOURCES || 'env,python,wheel')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of wanted) {
    if (!sources[name]) {
      reasons.push(`unknown source '${name}' in SUGAR_NATIVE_SOURCES (expected env, python, wheel)`);
      continue;
    }
    const tf = sources[name]();
    if (!tf.ok) {
      reasons.push(tf.reason);
      debug(tf.reason);
      continue;
    }
    const built = build(dir, tf);
    if (built.ok) {
      const ops = await nativeKernels(dir);
      writeState({ ok: true, source: tf.source, tensorflowVersion: tf.version, libDir: path.dirname(fs.realpathSync(tf.cc)), fromCache: built.fromCache, ops });
      say(
        `${PKG} ready: binding ${built.fromCache ? 'restored from cache' : 'built'} against ${tf.source} TensorFlow${tf.version ? ` ${tf.version}` : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      return 0;
    }
    reasons.push(built.reason);
  }
  const reason = reasons.join('; ');
  writeState({ ok: false, reason });
  say(`could not provide the native backend (${reason}); the wasm/cpu backends will be used. See @sugar-lab/native's README.`);
  return 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  const reason = `unexpected error: ${err?.message ?? err}`;
  try {
    writeState({ ok: false, reason });
  } catch {
    // the state directory is not writable: the line below still says what happened
  }
  say(`${reason}; the wasm/cpu backends will be used`);
}
process.exit(postinstall ? 0 : code);
