// Plugins: modules that register surrogates, models or datasets when loaded (they import @sugar-lab/* and call
// registerSurrogate / registerModel / registerDataset at top level). A spec's `plugins` and `--require` are loaded
// in every process that validates, trains or reports the sweep (the runner, each worker, `run-one`, `report`),
// before anything is validated, so what they register is known wherever the spec is read.
//
// One registry: a plugin must register into the @sugar-lab/core (models, datasets) this process uses. So while
// plugins are loaded, `@sugar-lab/*` resolves to this installation's packages from anywhere (a plugin's own copy
// in its node_modules would be a second registry nobody reads), and a bare import that does not resolve from a
// plugin's directory (a plugin file outside the workspace, with no node_modules) resolves from here instead.
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vm from 'node:vm';
import { PluginError } from './errors';
import { ResultsStore } from './store';

/** A plugin as it was named and the file that was loaded for it. */
export interface ResolvedPlugin {
  /** As written: `./fast-sigmoid.js`, `sugar-plugin-foo`, an absolute path. */
  specifier: string;
  /** The absolute file, symlinks resolved: what is loaded, and what a spec's resolved `plugins` records. */
  file: string;
}

/** Where a list of plugins was named, and where its entries resolve from. */
export interface PluginSource {
  /** Directories a package name resolves from, in order; a relative path resolves from the first. */
  from: readonly string[];
  /**
   * How errors name entry `index`: `plugins[0] of spec /x/spec.yaml`, `--require`.
   *
   * @param index the entry's position in the list, from 0
   */
  where: (index: number) => string;
}

interface LoaderState {
  loaded: Set<string>;
  cjsHooked: boolean;
  esmHooked: boolean;
}

// Shared through globalThis: the sources (under vitest) and the build of this lib can both be in one process.
const STATE_KEY = Symbol.for('@sugar-lab/experiments:plugins');
const globals = globalThis as unknown as Record<symbol, LoaderState | undefined>;
const state: LoaderState = (globals[STATE_KEY] ??= { loaded: new Set(), cjsHooked: false, esmHooked: false });

const nativeRequire = createRequire(__filename);
// tsc turns import() into require() for CommonJS output; ES module plugins need the real one. Where this file
// runs inside a vm context (vitest), a Function's import() has no loader: then vm's flag for Node's own loader
// (experimental, so it prints a warning: only where needed).
type Importer = (url: string) => Promise<unknown>;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed body, no user text: the one way to keep a real import() past tsc's CommonJS output
const plainImport = new Function('url', 'return import(url)') as Importer;
async function importModule(url: string): Promise<unknown> {
  try {
    return await plainImport(url);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw err;
    const vmImport = vm.runInThisContext('(url) => import(url)', { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }) as Importer;
    return vmImport(url);
  }
}

const OURS = /^@sugar-lab\/[^/]+/;
const isPath = (s: string) => s === '.' || s === '..' || /^\.\.?[\\/]/.test(s) || path.isAbsolute(s);
const isBare = (s: string) => !isPath(s) && !s.startsWith('#') && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s);
const firstLine = (err: unknown) => String(err instanceof Error ? err.message : err).split('\n')[0];

function resolvePath(specifier: string, base: string, where: string): string {
  const abs = path.resolve(base, specifier);
  try {
    return fs.realpathSync(nativeRequire.resolve(abs));
  } catch {
    const rel = path.isAbsolute(specifier) ? '' : ` (a relative path is read from ${base})`;
    throw new PluginError(specifier, where, `not found: no file or package directory at ${abs}${rel}`);
  }
}

function resolvePackage(specifier: string, from: readonly string[], where: string): string {
  for (const dir of from) {
    try {
      return fs.realpathSync(createRequire(path.join(dir, 'noop.js')).resolve(specifier));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw new PluginError(specifier, where, `cannot resolve: ${firstLine(err)}`);
    }
  }
  const sibling = path.join(from[0], specifier);
  const hint = fs.existsSync(sibling) ? `; to load the file ${sibling}, write './${specifier}'` : '';
  throw new PluginError(specifier, where, `not found: no package '${specifier}' resolvable from ${[...new Set(from)].join(' or ')}${hint}`);
}

/** Each entry's file, without loading anything (entries naming one file twice are kept once). */
export function resolvePlugins(specifiers: readonly string[], source: PluginSource): ResolvedPlugin[] {
  const out = new Map<string, ResolvedPlugin>();
  specifiers.forEach((specifier, i) => {
    const where = source.where(i);
    if (typeof specifier !== 'string' || !specifier.trim()) {
      throw new PluginError(String(specifier), where, 'expected a path (./my-plugin.js) or a package name');
    }
    const file = isPath(specifier) ? resolvePath(specifier, source.from[0], where) : resolvePackage(specifier, source.from, where);
    if (!out.has(file)) out.set(file, { specifier, file });
  });
  return [...out.values()];
}

/** `file:line` of the first place in the error's stack inside the plugin, if any. */
function placeIn(err: unknown, file: string): string | undefined {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const names = [file, pathToFileURL(file).href].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?:${names.join('|')}):\\d+(?::\\d+)?`).exec(stack)?.[0];
}

function loadFailure(p: ResolvedPlugin, where: string, err: unknown, sync: boolean): PluginError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const name = err instanceof Error ? err.name : 'Error';
  const at = placeIn(err, p.file);
  const hint =
    code === 'ERR_REQUIRE_ASYNC_MODULE'
      ? ' (an ES module with top-level await: load it with `await loadPlugins(...)` or through the sugar CLI)'
      : sync && code === 'ERR_MODULE_NOT_FOUND'
        ? " (loaded synchronously, an ES module's imports resolve from its own directory only: load it with `await loadPlugins(...)` or through the sugar CLI)"
        : '';
  return new PluginError(
    p.specifier,
    where,
    `loading ${p.file} failed: ${name}: ${firstLine(err)}${at && !firstLine(err).includes(at) ? ` (at ${at})` : ''}${hint}`,
  );
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }) => string;

/** CommonJS: `@sugar-lab/*` from this installation; a bare request that does not resolve from its module, from here. */
function hookCommonJS(): void {
  if (state.cjsHooked) return;
  state.cjsHooked = true;
  const M = Module as unknown as { _resolveFilename: ResolveFilename; _nodeModulePaths(dir: string): string[] };
  const original = M._resolveFilename;
  const host = { id: __filename, filename: __filename, paths: M._nodeModulePaths(path.dirname(__filename)) };
  M._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    if (OURS.test(request) && !options?.paths) {
      try {
        return original.call(this, request, host, isMain);
      } catch {
        // not installed beside this lib: resolved as usual below
      }
    }
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !isBare(request)) throw err;
      try {
        return original.call(this, request, host, isMain);
      } catch {
        throw err;
      }
    }
  };
}

// The same rule for ES modules, as a module.register resolve hook (it runs on the loader's own thread).
const ESM_HOOK = `
let host;
export function initialize(data) { host = data.host; }
const bare = (s) => !/^(\\.|\\/|#|[A-Za-z][A-Za-z0-9+.-]*:)/.test(s);
export async function resolve(specifier, context, next) {
  if (/^@sugar-lab\\//.test(specifier)) {
    try { return await next(specifier, { ...context, parentURL: host }); } catch {}
  }
  try {
    return await next(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !bare(specifier)) throw err;
    try { return await next(specifier, { ...context, parentURL: host }); } catch { throw err; }
  }
}
`;

function hookESM(): void {
  if (state.esmHooked) return;
  state.esmHooked = true;
  const register = (Module as unknown as { register?: (url: string, opts: { data: unknown }) => void }).register;
  register?.(`data:text/javascript,${encodeURIComponent(ESM_HOOK)}`, { data: { host: pathToFileURL(__filename).href } });
}

/**
 * Loads plugins (CommonJS or ES modules) into this process, in order, each file once per process however
 * often it is named: what a plugin registers at load is registered once. Throws a PluginError naming the
 * entry, where it was named, and what failed (not found, a syntax error with its line, what the plugin threw).
 *
 * @param specifiers plugin files or package names
 * @param source the directories they resolve from, and how errors name each entry
 */
export async function loadPlugins(specifiers: readonly string[], source: PluginSource): Promise<ResolvedPlugin[]> {
  const plugins = resolvePlugins(specifiers, source);
  for (const p of plugins) {
    if (state.loaded.has(p.file)) continue;
    hookCommonJS();
    hookESM();
    try {
      await importModule(pathToFileURL(p.file).href);
    } catch (err) {
      throw loadFailure(p, source.where(specifiers.indexOf(p.specifier)), err, false);
    }
    state.loaded.add(p.file);
  }
  return plugins;
}

/**
 * `loadPlugins` for synchronous callers (`parseSpec`): CommonJS plugins, and ES modules without top-level
 * await (Node's require of ES modules; their imports resolve from their own directory).
 */
export function loadPluginsSync(specifiers: readonly string[], source: PluginSource): ResolvedPlugin[] {
  const plugins = resolvePlugins(specifiers, source);
  for (const p of plugins) {
    if (state.loaded.has(p.file)) continue;
    hookCommonJS();
    try {
      nativeRequire(p.file);
    } catch (err) {
      throw loadFailure(p, source.where(specifiers.indexOf(p.specifier)), err, true);
    }
    state.loaded.add(p.file);
  }
  return plugins;
}

/** The files of every plugin loaded into this process so far, in load order. */
export function loadedPlugins(): string[] {
  return [...state.loaded];
}

/** `--require` entries: paths and packages from the current directory. */
export function requireSource(): PluginSource {
  return { from: [process.cwd()], where: () => '--require' };
}

/**
 * For reading a results directory (`sugar report`): the plugins its spec.json records, then `require`. The
 * recorded ones only help (variant labels in spec order), so one that no longer loads is a note, not an error:
 * results stay readable when a plugin has moved. `require` entries must load.
 */
export async function loadResultsPlugins(dir: string, require: readonly string[] = []): Promise<string[]> {
  const file = new ResultsStore(dir).specFile;
  let recorded: unknown;
  try {
    recorded = (JSON.parse(fs.readFileSync(file, 'utf8')) as { plugins?: unknown }).plugins;
  } catch {
    recorded = undefined; // not a results directory: the report says so
  }
  const notes: string[] = [];
  const list = Array.isArray(recorded) ? recorded.filter((p): p is string => typeof p === 'string') : [];
  for (const [i, p] of list.entries()) {
    try {
      await loadPlugins([p], { from: [dir], where: () => `plugins[${i}] of ${file}` });
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      notes.push(`${err.message}; the report uses the labels its runs recorded (pass --require to load it from elsewhere)`);
    }
  }
  await loadPlugins(require, requireSource());
  return notes;
}
