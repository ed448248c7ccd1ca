#!/usr/bin/env node
'use strict';
// The sugar-lab Jupyter kernel: tslab, taught to find this workspace's packages from a
// notebook anywhere on disk, with the compute backend chosen before the first cell runs.
// Jupyter starts it as `node tools/kernel/start.js {connection_file}` (see `sugar kernel install`).
const Module = require('node:module');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');

function fail(message) {
  console.error(`sugar-lab kernel: ${message}`);
  process.exit(1);
}

function configPathFromArgs(argv) {
  const i = argv.indexOf('--config-path');
  const file = i >= 0 ? argv[i + 1] : argv.find((a) => !a.startsWith('-'));
  if (!file) fail(`expected the Jupyter connection file as the first argument; found ${JSON.stringify(argv)}`);
  return path.resolve(file);
}

// Cells run with a `require` made for the notebook's directory; NODE_PATH is the global
// fallback Node's CommonJS resolution consults after every node_modules up the tree.
function addWorkspaceToNodePath() {
  const parts = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  if (parts.includes(NODE_MODULES)) return;
  process.env.NODE_PATH = [...parts, NODE_MODULES].join(path.delimiter);
  Module._initPaths();
}

// tslab type-checks cells with its own TypeScript, resolving imports from the notebook's
// directory only. Wrap the compiler host it builds so that an import that does not resolve
// there is resolved again as if it were written at the workspace root. The module object's
// exports are non-configurable getters, so tslab is handed a copy with one member replaced.
// No resolution cache: a cached miss would hide a module file the user creates afterwards.
function patchTslabTypeScript(tslabDir) {
  const tsFile = require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] });
  const ts = require(tsFile);
  const fallbackFile = path.join(ROOT, '__sugar_lab_kernel__.ts');
  const createWatchCompilerHost = (...args) => {
    const host = ts.createWatchCompilerHost(...args);
    host.resolveModuleNames = (names, containingFile, _reused, redirected, options) =>
      names.map((name) => {
        const local = ts.resolveModuleName(name, containingFile, options, host, undefined, redirected).resolvedModule;
        if (local || name.startsWith('.') || path.isAbsolute(name)) return local;
        return ts.resolveModuleName(name, fallbackFile, options, host, undefined, redirected).resolvedModule;
      });
    return host;
  };
  const patched = {};
  for (const key of Object.keys(ts)) Object.defineProperty(patched, key, { enumerable: true, configurable: true, get: () => ts[key] });
  Object.defineProperty(patched, 'createWatchCompilerHost', { enumerable: true, value: createWatchCompilerHost });
  require.cache[tsFile].exports = patched;
}

// The backend is set on the same @sugar-lab/core module (same resolved file) that a cell's
// `import { tf } from '@sugar-lab/core'` loads, so cells find it ready. A missing build or a
// backend failure is reported but does not stop the kernel: cells can still run and explain.
async function initBackend() {
  let core;
  try {
    core = require(require.resolve('@sugar-lab/core', { paths: [ROOT] }));
  } catch (err) {
    console.error(`sugar-lab kernel: cannot load @sugar-lab/core from ${ROOT} (${firstLine(err)}); build the libs with \`npm run build\``);
    return;
  }
  try {
    await core.initBackend();
  } catch (err) {
    console.error(`sugar-lab kernel: initBackend failed: ${firstLine(err)}`);
  }
}

function firstLine(err) {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}

async function main() {
  const configPath = configPathFromArgs(process.argv.slice(2));
  if (!process.env.TF_CPP_MIN_LOG_LEVEL) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
  addWorkspaceToNodePath();
  let tslabDir;
  try {
    tslabDir = path.dirname(require.resolve('tslab/package.json', { paths: [ROOT] }));
  } catch {
    fail(`tslab is not installed under ${NODE_MODULES}; run \`npm install\` in ${ROOT}`);
  }
  patchTslabTypeScript(tslabDir);
  await initBackend();
  require(path.join(tslabDir, 'dist', 'main.js')).startKernel({ configPath, enableFindLocal: false });
}

main().catch((err) => fail(err instanceof Error ? err.stack : String(err)));
