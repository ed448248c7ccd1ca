import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ReferenceEntry {
  params: Record<string, number>;
  x: number[];
  value: number[];
  grad: number[];
}

/** The independent reference vectors (PyTorch, float64): SUGAR_REFERENCE_DIR, else the repository's tools/reference/surrogates. */
export function loadSurrogateReference(): Record<string, ReferenceEntry> {
  const dir = process.env.SUGAR_REFERENCE_DIR ? path.resolve(process.env.SUGAR_REFERENCE_DIR) : path.resolve(__dirname, '../../../tools/reference/surrogates');
  const file = path.join(dir, 'surrogate-grads.json');
  if (!fs.existsSync(file))
    throw new Error(
      `reference vectors not found at ${file}; set SUGAR_REFERENCE_DIR to the folder holding surrogate-grads.json (the repository's is tools/reference/surrogates)`,
    );
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { surrogates?: Record<string, ReferenceEntry> };
  if (!json.surrogates || !Object.keys(json.surrogates).length) throw new Error(`${file}: expected a non-empty 'surrogates' object`);
  return json.surrogates;
}
