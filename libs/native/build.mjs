// Compiles sugar-lab's TensorFlow kernels (kernels/*.cc) into <state dir>/sugar-ops.node, against the libtensorflow
// the tfjs-node binding uses and a BLAS for the products: the system's OpenBLAS where it has one, else Eigen's product
// (headers only: the TensorFlow include tree, the tensorflow-cpu wheel setup.mjs downloads, or libeigen3-dev), so a
// machine without root still gets the kernels. SUGAR_BLAS=openblas|eigen forces one. Called by setup.mjs after the
// binding loads, and by this package's `build`; never fatal to an install: without a compiler or a BLAS the
// tensorflow backend runs tfjs-node's own kernels.
//
// Portable x86-64 code: the elementwise loops carry AVX-512 and AVX2 clones picked at load time (common.h), Eigen's
// product is compiled once per x86-64 level and picked the same way (blas_eigen_select.cc), OpenBLAS dispatches by CPU
// itself; so an install shared by machines with different CPUs works on all of them. The output is rebuilt when the
// sources, the flags, the compiler, the BLAS or the TensorFlow libraries change (a stamp beside it holds the key).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const KERNELS = path.join(HERE, 'kernels');
// By family: registration, dense and matmul, activation gradients, optimizers, pooling and bias, probes, fused step.
export const SOURCES = ['module.cc', 'dense.cc', 'activation_grads.cc', 'optimizers.cc', 'pool_bias.cc', 'probes.cc', 'mlp_step.cc'];
const HEADERS = ['common.h', 'blas.h'];
export const OUTPUT_NAME = 'sugar-ops.node';
export const BLAS_CHOICES = ['openblas', 'eigen'];
const FLAGS = ['-std=c++17', '-O3', '-mprefer-vector-width=512', '-ffp-contract=off', '-fno-math-errno', '-fopenmp', '-fPIC', '-Wall'];
const BLAS_INCLUDES = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include/openblas', '/usr/include'];
const SYSTEM_EIGEN = ['/usr/include/eigen3', '/usr/local/include/eigen3'];
// Eigen's copies (blas_eigen.cc): the namespace each is compiled into and its -march; x86-64 gets one per level.
const EIGEN_COPIES =
  process.arch === 'x64'
    ? [
        ['eigen_base', []],
        ['eigen_v3', ['-march=x86-64-v3']],
        ['eigen_v4', ['-march=x86-64-v4']],
      ]
    : [['eigen_base', []]];

function compilerVersion(cxx) {
  const r = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

/** OpenBLAS as the compiler sees it: cblas.h and a libopenblas to link, or why not. */
export function findOpenBlas(cxx = process.env.CXX || 'g++') {
  const include = BLAS_INCLUDES.find((d) => fs.existsSync(path.join(d, 'cblas.h')));
  // -print-file-name echoes the bare name when the library is not on the compiler's search path.
  const lib = spawnSync(cxx, ['-print-file-name=libopenblas.so'], { encoding: 'utf8' }).stdout?.trim();
  const linkable = Boolean(lib && path.isAbsolute(lib) && fs.existsSync(lib));
  if (include && linkable) return { ok: true, include, lib };
  const missing = [include ? undefined : 'cblas.h', linkable ? undefined : 'libopenblas.so'].filter(Boolean).join(' and ');
  return { ok: false, reason: `no OpenBLAS (${missing} not found; apt-get install libopenblas-dev)` };
}

/** The first directory holding Eigen/Core among `candidates`, the tfjs-node TensorFlow include tree, and the system's. */
export function findEigen(tfjsNodeDir, candidates = []) {
  const dirs = [...candidates, tfjsNodeDir && path.join(tfjsNodeDir, 'deps', 'include'), ...SYSTEM_EIGEN].filter(Boolean);
  const include = dirs.find((d) => fs.existsSync(path.join(d, 'Eigen', 'Core')));
  return include ? { ok: true, include } : { ok: false, reason: `no Eigen headers (Eigen/Core) in ${dirs.join(', ')}` };
}

/**
 * Which BLAS to build with: SUGAR_BLAS when set, else OpenBLAS where the system has it, else Eigen.
 * Returns { ok, blas, include } or { ok: false, reason }.
 */
export function chooseBlas(tfjsNodeDir, { eigenDirs = [], cxx = process.env.CXX || 'g++', wanted = process.env.SUGAR_BLAS?.trim() || 'auto' } = {}) {
  if (wanted !== 'auto' && !BLAS_CHOICES.includes(wanted))
    return { ok: false, reason: `SUGAR_BLAS=${wanted} is not a BLAS this build knows; expected ${BLAS_CHOICES.join(' or ')} (or unset)` };
  const openblas = wanted === 'eigen' ? undefined : findOpenBlas(cxx);
  if (openblas?.ok) return { ok: true, blas: 'openblas', include: openblas.include };
  if (wanted === 'openblas') return { ok: false, reason: `SUGAR_BLAS=openblas but ${openblas.reason}` };
  const eigen = findEigen(tfjsNodeDir, eigenDirs);
  if (eigen.ok) return { ok: true, blas: 'eigen', include: eigen.include };
  return { ok: false, reason: wanted === 'eigen' ? `SUGAR_BLAS=eigen but ${eigen.reason}` : `${openblas.reason}, and ${eigen.reason}` };
}

/** The compiler runs: one object per source (Eigen's product once per copy), in parallel, then one link. */
function compileUnits(choice, common) {
  const units = SOURCES.map((f) => ({ src: f, args: [] }));
  if (choice.blas === 'openblas') units.push({ src: 'blas_openblas.cc', args: [`-I${choice.include}`] });
  else {
    const levels = EIGEN_COPIES.length > 1 ? 1 : 0;
    units.push({ src: 'blas_eigen_select.cc', args: [`-DSUGAR_EIGEN_LEVELS=${levels}`] });
    for (const [copy, march] of EIGEN_COPIES)
      units.push({
        src: 'blas_eigen.cc',
        obj: `${copy}.o`,
        copy,
        // GCC 12 warns about the intrinsics' own _mm512_undefined_ps inside Eigen (a known false positive).
        args: [...march, `-DEigen=Eigen_${copy}`, `-DSUGAR_EIGEN_COPY=${copy}`, '-isystem', choice.include, '-Wno-maybe-uninitialized'],
      });
  }
  return units.map((u) => ({ ...u, obj: u.obj ?? u.src.replace(/\.cc$/, '.o'), args: [...FLAGS, ...common, ...u.args] }));
}

function runCompiler(cxx, args) {
  return new Promise((resolve) => {
    const child = spawn(cxx, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', (err) => (out += err.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, out });
    });
  });
}

async function inParallel(tasks, width) {
  const results = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, tasks.length)) }, lane));
  return results;
}

/**
 * The code an Eigen copy defines must all be its own (its namespace, renamed Eigen): code it shared with another copy
 * (an inline function outside Eigen emitted out of line) would be kept once by the linker, perhaps the AVX-512 one
 * on a CPU without AVX-512. Skipped where nm is missing.
 */
function sharedSymbols(obj, copy) {
  const r = spawnSync('nm', ['-C', '--defined-only', obj], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return { ok: true, out: '' };
  const foreign = r.stdout
    .split('\n')
    .filter((l) => / [TWV] /.test(l) && !l.includes(`Eigen_${copy}`) && !l.includes(`sugar::${copy}::`) && !l.includes('DW.ref.'));
  return foreign.length ? { ok: false, out: `error: ${copy} defines code outside its namespace: ${foreign.slice(0, 3).join('; ')}` } : { ok: true, out: '' };
}

const firstErrors = (text) =>
  text
    .split('\n')
    .filter((l) => /error/.test(l))
    .slice(0, 2)
    .join(' | ');

/**
 * Builds (or keeps) `<outDir>/sugar-ops.node` for the tfjs-node package at `tfjsNodeDir` (its deps/ holds the
 * TensorFlow headers and libraries setup.mjs linked). `eigenDirs`: more places to look for Eigen headers; `blas`:
 * 'openblas', 'eigen' or 'auto' (SUGAR_BLAS, else auto).
 * Returns { ok, built, path, blas } or { ok: false, reason, blas? }.
 */
export async function buildSugarOps(tfjsNodeDir, outDir, { verbose = false, eigenDirs = [], blas = process.env.SUGAR_BLAS?.trim() || 'auto' } = {}) {
  if (process.env.SUGAR_OPS === '0') return { ok: false, reason: 'disabled by SUGAR_OPS=0' };
  const cxx = process.env.CXX || 'g++';
  const version = compilerVersion(cxx);
  if (!version) return { ok: false, reason: `no C++ compiler (${cxx}); install g++ to build sugar-lab's native kernels` };
  const deps = path.join(tfjsNodeDir, 'deps');
  const framework = path.join(deps, 'lib', 'libtensorflow_framework.so.2');
  if (!fs.existsSync(framework) || !fs.existsSync(path.join(deps, 'include', 'tensorflow', 'c', 'ops.h'))) {
    return { ok: false, reason: `no TensorFlow headers and libraries in ${deps} (tfjs-node was not built by setup.mjs)` };
  }
  const choice = chooseBlas(tfjsNodeDir, { eigenDirs, cxx, wanted: blas });
  if (!choice.ok) return { ok: false, reason: choice.reason };
  const nodeInclude = path.resolve(process.execPath, '..', '..', 'include', 'node');
  if (!fs.existsSync(path.join(nodeInclude, 'node_api.h'))) return { ok: false, reason: `no node_api.h in ${nodeInclude}` };

  const libDir = path.dirname(fs.realpathSync(framework));
  const units = compileUnits(choice, [`-I${nodeInclude}`, `-I${path.join(deps, 'include')}`]);
  const sources = [...new Set([...units.map((u) => u.src), ...HEADERS])].map((f) => fs.readFileSync(path.join(KERNELS, f), 'utf8'));
  const st = fs.statSync(fs.realpathSync(framework));
  const key = createHash('sha256')
    .update([...sources, JSON.stringify(units.map((u) => u.args)), version, libDir, st.size, st.mtimeMs, process.versions.napi].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const out = path.join(outDir, OUTPUT_NAME);
  const stamp = `${out}.key`;
  if (fs.existsSync(out) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === key)
    return { ok: true, built: false, path: out, blas: choice.blas };

  fs.mkdirSync(outDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ops-'));
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    const results = await inParallel(
      units.map((u) => () => runCompiler(cxx, [...u.args, '-c', path.join(KERNELS, u.src), '-o', path.join(work, u.obj)])),
      os.availableParallelism?.() ?? os.cpus().length,
    );
    for (const [i, u] of units.entries()) if (u.copy && results[i].ok) results[i] = sharedSymbols(path.join(work, u.obj), u.copy);
    const failed = units.map((u, i) => ({ u, r: results[i] })).filter(({ r }) => !r.ok);
    if (verbose) for (const [i, u] of units.entries()) process.stdout.write(`${cxx} ${u.args.join(' ')} -c ${u.src}\n${results[i].out}`);
    if (failed.length)
      return {
        ok: false,
        blas: choice.blas,
        reason: `compiling ${failed.map(({ u }) => u.obj.replace(/\.o$/, '')).join(', ')} failed: ${firstErrors(failed[0].r.out) || 'see --verbose'}`,
      };
    const link = [
      '-shared',
      '-fopenmp',
      ...units.map((u) => path.join(work, u.obj)),
      '-o',
      tmp,
      `-L${libDir}`,
      '-l:libtensorflow_framework.so.2',
      ...(choice.blas === 'openblas' ? ['-lopenblas'] : []),
      `-Wl,-rpath,${libDir}`,
    ];
    const r = await runCompiler(cxx, link);
    if (verbose) process.stdout.write(`${cxx} ${link.join(' ')}\n${r.out}`);
    if (!r.ok) return { ok: false, blas: choice.blas, reason: `linking ${OUTPUT_NAME} failed: ${firstErrors(r.out) || r.out.trim().split('\n').pop()}` };
    fs.renameSync(tmp, out);
    fs.writeFileSync(stamp, `${key}\n`);
    return { ok: true, built: true, path: out, blas: choice.blas };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(tmp, { force: true });
  }
}

/** Updates what setup recorded about the kernels (native.json's `ops`, which `sugar doctor` prints), if it ran here. */
function recordBuild(stateDir, r) {
  const file = path.join(stateDir, 'native.json');
  if (!fs.existsSync(file)) return;
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8'));
    state.ops = r.ok ? { ok: true, path: r.path, blas: r.blas } : { ok: false, reason: r.reason };
    fs.writeFileSync(file, JSON.stringify(state, null, 2) + '\n');
  } catch (err) {
    console.log(`sugar-lab native kernels: could not update ${file}: ${err.message}`);
  }
}

// `node build.mjs [--verbose] [--if-provisioned]` (this package's `build`): builds for the tfjs-node and the state
// directory of the project in the working directory. --if-provisioned: exit 0, saying why, unless the compiler or
// linker failed (a build of the workspace must not fail on a machine without the native backend or a BLAS).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { projectPaths } = await import('./paths.mjs');
  const paths = projectPaths();
  const soft = process.argv.includes('--if-provisioned');
  const deps = paths.tfjsNode && path.join(paths.tfjsNode, 'deps', 'lib', 'libtensorflow_framework.so.2');
  if (soft && !(deps && fs.existsSync(deps))) {
    console.log(`sugar-lab native kernels: not built: tfjs-node is not provisioned here (run sugar-native-setup first)`);
    process.exit(0);
  }
  const r = paths.tfjsNode
    ? await buildSugarOps(paths.tfjsNode, paths.stateDir, { verbose: process.argv.includes('--verbose') })
    : { ok: false, reason: `@tensorflow/tfjs-node is not installed in ${paths.root}` };
  recordBuild(paths.stateDir, r);
  console.log(
    r.ok
      ? `sugar-lab native kernels: ${r.built ? 'built' : 'up to date'} with ${r.blas === 'eigen' ? 'Eigen' : 'OpenBLAS'} (${r.path})`
      : `sugar-lab native kernels: not built: ${r.reason}`,
  );
  process.exit(r.ok || (soft && !/^(compiling|linking)/.test(r.reason)) ? 0 : 1);
}
