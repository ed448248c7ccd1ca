#!/usr/bin/env node
'use strict';
// The sugar-lab Jupyter kernel: tslab, taught to find this workspace's packages from a
// notebook anywhere on disk, with the compute backend chosen before the first cell runs.
// Jupyter starts it as `node tools/kernel/start.js {connection_file}` (see `sugar kernel install`).
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { SugarKernel } = require('./server');

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

// Workspace packages are links in ROOT/node_modules (to libs/*, apps/*); npm may have left some
// of their dependencies unhoisted in the package's own node_modules (nodejs-polars under
// libs/experiments).
function workspacePackages() {
  const hasPackages = (dir) => {
    try {
      return fs.readdirSync(dir).some((n) => !n.startsWith('.'));
    } catch {
      return false;
    }
  };
  const found = [];
  const visit = (dir, scope) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (!scope && e.name.startsWith('@') && e.isDirectory()) visit(full, e.name);
      if (!e.isSymbolicLink()) continue;
      let real;
      try {
        real = fs.realpathSync(full);
      } catch {
        continue;
      }
      const rel = path.relative(ROOT, real);
      if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules')) continue;
      let types;
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8'));
        types = pkg.types || pkg.typings;
      } catch {
        continue;
      }
      const name = scope ? `${scope}/${e.name}` : e.name;
      found.push({ name, rel: rel.split(path.sep).join('/'), types, nested: hasPackages(path.join(real, 'node_modules')) });
    }
  };
  visit(NODE_MODULES);
  return found;
}

// `paths` here never resolves anything (resolution below runs without it); it is what lets
// declaration emit name a module the cell did not import itself. tslab compiles each cell with
// `declaration: true`; a workspace file seen from a notebook outside ROOT (or a dependency left
// in libs/x/node_modules) otherwise only has a relative path through node_modules, and TypeScript
// refuses it ("The inferred type of 'f' cannot be named without a reference to ...").
// Patterns are relative to ROOT (pathsBasePath); "*" comes first so that an unhoisted dependency
// is named as itself, not as a path inside its workspace package.
function declarationPaths(packages) {
  const paths = { '*': [] };
  for (const p of packages.filter((x) => x.nested)) paths['*'].push(`./${p.rel}/node_modules/*`, `./node_modules/${p.name}/node_modules/*`);
  paths['*'].push('./node_modules/*');
  for (const p of packages) {
    if (p.types) paths[p.name] = [`./${path.posix.join(p.rel, p.types)}`];
    paths[`${p.name}/*`] = [`./${p.rel}/*`];
  }
  return paths;
}

// tslab type-checks cells with its own TypeScript, resolving imports from the notebook's
// directory only. Wrap the compiler host it builds so that an import that does not resolve
// there is resolved again as if it were written at the workspace root, and, for the
// declarations tslab carries from cell to cell (which may name an unhoisted dependency), inside
// each workspace package. The module object's exports are non-configurable getters, so tslab is
// handed a copy with one member replaced.
// No resolution cache: a cached miss would hide a module file the user creates afterwards.
function patchTslabTypeScript(tslabDir) {
  const tsFile = require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] });
  const ts = require(tsFile);
  const packages = workspacePackages();
  const paths = declarationPaths(packages);
  const fallbackFile = path.join(ROOT, '__sugar_lab_kernel__.ts');
  const packageFallbacks = packages.filter((p) => p.nested).map((p) => path.join(ROOT, p.rel, '__sugar_lab_kernel__.ts'));
  const createWatchCompilerHost = (rootFiles, options, ...rest) => {
    const host = ts.createWatchCompilerHost(rootFiles, { ...options, paths, pathsBasePath: ROOT }, ...rest);
    host.resolveModuleNames = (names, containingFile, _reused, redirected, programOptions) => {
      const { paths: _p, pathsBasePath: _b, ...options } = programOptions;
      const resolve = (name, from) => ts.resolveModuleName(name, from, options, host, undefined, redirected).resolvedModule;
      return names.map((name) => {
        const local = resolve(name, containingFile);
        if (local || name.startsWith('.') || path.isAbsolute(name)) return local;
        const candidates = containingFile.endsWith('.d.ts') ? [fallbackFile, ...packageFallbacks] : [fallbackFile];
        for (const from of candidates) {
          const found = resolve(name, from);
          if (found) return found;
        }
        return undefined;
      });
    };
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
    return undefined;
  }
  try {
    await core.initBackend();
  } catch (err) {
    console.error(`sugar-lab kernel: initBackend failed: ${firstLine(err)}`);
  }
  return core;
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
  const core = await initBackend();
  const connection = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const kernel = new SugarKernel({ tslabDir, core, connection });
  // Jupyter interrupts by SIGINT to the kernel's process group (sweep workers included); it must never kill the kernel.
  process.on('SIGINT', () => kernel.interrupt('SIGINT'));
  process.on('uncaughtException', (err) => console.error('uncaught exception (the kernel goes on):', err));
  process.on('unhandledRejection', (reason) => console.error('unhandled promise rejection (the kernel goes on):', reason));
  await kernel.start();
}

main().catch((err) => fail(err instanceof Error ? err.stack : String(err)));
