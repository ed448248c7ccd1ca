// Compiles sugar_ops.cc and mlp_step.cc (sugar-lab's TensorFlow kernels: BLAS matmul, one-pass SUGAR(bsilu) and SUGAR(nelu)
// gradients, Adam and SGD steps) into node_modules/.sugar-lab/sugar-ops.node, against the libtensorflow the binding uses
// and the system's OpenBLAS. Called by setup.mjs after the binding loads; never fatal: without a compiler or
// OpenBLAS (`apt-get install g++ libopenblas-dev`) the tensorflow backend runs tfjs-node's own kernels.
//
// Portable x86-64 code whose elementwise loops carry AVX-512 and AVX2 clones picked at load time (sugar_ops.cc), so
// an install shared by machines with different CPUs works on all of them; BLAS is OpenBLAS's own dynamic dispatch.
// The output lives in this install's node_modules and is rebuilt when the source, the flags, the compiler or the
// TensorFlow libraries change (a stamp beside it holds the key).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SOURCES = ['sugar_ops.cc', 'mlp_step.cc'].map((f) => path.join(HERE, f));
const HEADER = path.join(HERE, 'sugar_ops.h');
export const OUTPUT_NAME = 'sugar-ops.node';
const FLAGS = ['-std=c++17', '-O3', '-mprefer-vector-width=512', '-ffp-contract=off', '-fno-math-errno', '-fopenmp', '-fPIC', '-shared', '-Wall'];
const BLAS_INCLUDES = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include/openblas', '/usr/include'];

function compilerVersion(cxx) {
  const r = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

/**
 * Builds (or keeps) `<outDir>/sugar-ops.node` for the tfjs-node package at `tfjsNodeDir` (its deps/ holds the
 * TensorFlow headers and libraries setup.mjs linked). Returns { ok, built, path, reason }.
 */
export function buildSugarOps(tfjsNodeDir, outDir, { verbose = false } = {}) {
  if (process.env.SUGAR_OPS === '0') return { ok: false, reason: 'disabled by SUGAR_OPS=0' };
  const cxx = process.env.CXX || 'g++';
  const version = compilerVersion(cxx);
  if (!version) return { ok: false, reason: `no C++ compiler (${cxx}); install g++ to build sugar-lab's native kernels` };
  const deps = path.join(tfjsNodeDir, 'deps');
  const framework = path.join(deps, 'lib', 'libtensorflow_framework.so.2');
  if (!fs.existsSync(framework) || !fs.existsSync(path.join(deps, 'include', 'tensorflow', 'c', 'ops.h'))) {
    return { ok: false, reason: `no TensorFlow headers and libraries in ${deps} (tfjs-node was not built by setup.mjs)` };
  }
  const blasInclude = BLAS_INCLUDES.find((d) => fs.existsSync(path.join(d, 'cblas.h')));
  if (!blasInclude) return { ok: false, reason: 'no cblas.h; install OpenBLAS (`apt-get install libopenblas-dev`) for the BLAS matmul' };
  const nodeInclude = path.resolve(process.execPath, '..', '..', 'include', 'node');
  if (!fs.existsSync(path.join(nodeInclude, 'node_api.h'))) return { ok: false, reason: `no node_api.h in ${nodeInclude}` };

  const libDir = path.dirname(fs.realpathSync(framework));
  const st = fs.statSync(fs.realpathSync(framework));
  const key = createHash('sha256')
    .update(
      [...[...SOURCES, HEADER].map((f) => fs.readFileSync(f, 'utf8')), FLAGS.join(' '), version, libDir, st.size, st.mtimeMs, process.versions.napi].join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  const out = path.join(outDir, OUTPUT_NAME);
  const stamp = `${out}.key`;
  if (fs.existsSync(out) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === key) return { ok: true, built: false, path: out };

  fs.mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const args = [
    ...FLAGS,
    `-I${nodeInclude}`,
    `-I${path.join(deps, 'include')}`,
    `-I${blasInclude}`,
    ...SOURCES,
    '-o',
    tmp,
    `-L${libDir}`,
    '-l:libtensorflow_framework.so.2',
    '-lopenblas',
    `-Wl,-rpath,${libDir}`,
  ];
  const r = spawnSync(cxx, args, { encoding: 'utf8', timeout: 300_000 });
  if (verbose) process.stdout.write(`${cxx} ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    const err = `${r.stderr || r.error?.message || ''}`
      .split('\n')
      .filter((l) => /error/.test(l))
      .slice(0, 2)
      .join(' | ');
    return { ok: false, reason: `compiling ${SOURCES.map((f) => path.basename(f)).join(' and ')} failed: ${err || `exit ${r.status}`}` };
  }
  fs.renameSync(tmp, out);
  fs.writeFileSync(stamp, `${key}\n`);
  return { ok: true, built: true, path: out };
}

// `node tools/native/sugar-ops/build.mjs [--verbose]`: build for the workspace's tfjs-node.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(HERE, '..', '..', '..');
  const tfjsNode = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  const r = buildSugarOps(tfjsNode, path.join(root, 'node_modules', '.sugar-lab'), { verbose: process.argv.includes('--verbose') });
  console.log(r.ok ? `sugar-lab native kernels: ${r.built ? 'built' : 'up to date'} (${r.path})` : `sugar-lab native kernels: not built: ${r.reason}`);
  process.exit(r.ok ? 0 : 1);
}
