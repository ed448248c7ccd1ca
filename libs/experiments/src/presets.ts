import * as fs from 'node:fs';
import * as path from 'node:path';
import { didYouMean } from '@sugar-lab/core';
import { PluginError, SpecError } from './errors';
import { loadPlugins, requireSource } from './plugins';
import { loadSpecFile, parseSpec, pluginSpecError, readSpecFile, specPluginSource, type Spec } from './spec';

// presets/ sits beside src/ and dist/, so this path holds for the sources and the build.
const PRESET_DIR = path.join(__dirname, '..', 'presets');

/** The shipped preset specs, by file name order: each one's name, description ('' when it has none) and file path. */
export function listPresets(): { name: string; description: string; file: string }[] {
  return fs
    .readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const spec = loadSpecFile(path.join(PRESET_DIR, f));
      return { name: spec.name, description: spec.description ?? '', file: path.join(PRESET_DIR, f) };
    });
}

/** The file of a spec named by its path or as a shipped preset (`quick`, `dying-relu`, `paper-cifar10`, ...). */
export function specFileOf(nameOrFile: string): string {
  if (fs.existsSync(nameOrFile) && fs.statSync(nameOrFile).isFile()) return nameOrFile;
  const preset = path.join(PRESET_DIR, `${nameOrFile}.yaml`);
  if (fs.existsSync(preset)) return preset;
  const names = fs
    .readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''));
  const message = `no spec file '${nameOrFile}' and no preset of that name; presets: ${names.join(', ')}${didYouMean(nameOrFile, names)}`;
  throw new SpecError(nameOrFile, [{ path: '', parts: [], message }]);
}

/**
 * A spec from a file path, or a shipped preset by name (`quick`, `dying-relu`, `paper-cifar10`, ...).
 *
 * @param nameOrFile a preset's name or a spec file
 */
export function resolveSpec(nameOrFile: string): Spec {
  return loadSpecFile(specFileOf(nameOrFile));
}

export interface LoadSpecOptions {
  /** More plugins (`--require`): paths and packages from the cwd, loaded after the spec's own and recorded with them. */
  require?: readonly string[];
}

/**
 * `resolveSpec` as the CLI does it: the spec's plugins and `require` are loaded first (CommonJS or ES modules,
 * top-level await included), then the spec is validated; its `plugins` lists both, as absolute files.
 *
 * @param nameOrFile a preset's name or a spec file
 * @param opts `require`: more plugins to load first (paths and packages from the cwd)
 */
export async function loadSpec(nameOrFile: string, opts: LoadSpecOptions = {}): Promise<Spec> {
  const file = specFileOf(nameOrFile);
  const raw = readSpecFile(file);
  const baseDir = path.dirname(path.resolve(file));
  const record = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  const plugins = record?.plugins;
  const own: unknown[] = Array.isArray(plugins) ? plugins : [];
  for (const [i, p] of own.entries()) {
    if (typeof p !== 'string' || !p.trim()) continue; // parseSpec names the bad entry
    try {
      await loadPlugins([p], specPluginSource(file, baseDir));
    } catch (err) {
      throw err instanceof PluginError ? pluginSpecError(file, i, err) : err;
    }
  }
  const extra = (await loadPlugins(opts.require ?? [], requireSource())).map((r) => r.file);
  const listed = record !== undefined && (record.plugins === undefined || Array.isArray(record.plugins));
  if (!listed || !extra.length) return parseSpec(raw, file, { baseDir });
  return parseSpec({ ...(record ?? {}), plugins: [...own, ...extra] }, file, { baseDir });
}
