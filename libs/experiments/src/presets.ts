import * as fs from 'node:fs';
import * as path from 'node:path';
import { didYouMean } from '@sugar-lab/core';
import { SpecError } from './errors';
import { loadSpecFile, type Spec } from './spec';

// presets/ sits beside src/ and dist/, so this path holds for the sources and the build.
const PRESET_DIR = path.join(__dirname, '..', 'presets');

export function listPresets(): { name: string; description: string; file: string }[] {
  return fs
    .readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const spec = loadSpecFile(path.join(PRESET_DIR, f));
      return { name: spec.name, description: spec.description ?? '', file: path.join(PRESET_DIR, f) };
    });
}

/** A spec from a file path, or a shipped preset by name (`quick`, `dying-relu`, `paper-cifar10`, ...). */
export function resolveSpec(nameOrFile: string): Spec {
  if (fs.existsSync(nameOrFile) && fs.statSync(nameOrFile).isFile()) return loadSpecFile(nameOrFile);
  const preset = path.join(PRESET_DIR, `${nameOrFile}.yaml`);
  if (fs.existsSync(preset)) return loadSpecFile(preset);
  const names = fs.readdirSync(PRESET_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
  const message = `no spec file '${nameOrFile}' and no preset of that name; presets: ${names.join(', ')}${didYouMean(nameOrFile, names)}`;
  throw new SpecError(nameOrFile, [{ path: '', parts: [], message }]);
}
