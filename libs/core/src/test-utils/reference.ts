import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ReferenceEntry {
  params: Record<string, number>;
  x: number[];
  value: number[];
  grad: number[];
}

/** Where the independent reference vectors live: SUGAR_REFERENCE_DIR, else tools/reference/surrogates in the repo. */
export function referenceDir(): string {
  return process.env.SUGAR_REFERENCE_DIR ? path.resolve(process.env.SUGAR_REFERENCE_DIR) : path.resolve(__dirname, '../../../../tools/reference/surrogates');
}

/** Reads surrogate-grads.json; throws (so the test fails, never skips) when it is missing. */
export function loadSurrogateReference(): Record<string, ReferenceEntry> {
  const file = path.join(referenceDir(), 'surrogate-grads.json');
  if (!fs.existsSync(file)) {
    throw new Error(
      `reference vectors not found at ${file}; set SUGAR_REFERENCE_DIR to the folder holding surrogate-grads.json ` +
        `(the repository's own copy is tools/reference/surrogates)`,
    );
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { surrogates?: Record<string, ReferenceEntry> };
  if (!json.surrogates || !Object.keys(json.surrogates).length) throw new Error(`${file}: expected a non-empty 'surrogates' object`);
  return json.surrogates;
}

/** 'bsilu@1.0' -> 'bsilu' (the params come from the entry). */
export function referenceSurrogateName(key: string): string {
  return key.split('@')[0];
}
