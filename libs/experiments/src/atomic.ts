import * as fs from 'node:fs';

// The function is core's; store.ts still imports it from here (the last caller of this re-export).
export { writeFileAtomic } from '@sugar-lab/core';

export function readJSON<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
