import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CORE_ROOT = path.resolve(__dirname, '../..');

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ (what other processes require) when it is missing or older than src/. */
export function ensureBuilt(): string {
  const entry = path.join(CORE_ROOT, 'dist', 'index.js');
  const stale = !fs.existsSync(entry) || fs.statSync(entry).mtimeMs < newest(path.join(CORE_ROOT, 'src'));
  if (stale) execFileSync('npx', ['tsc', '-p', 'tsconfig.lib.json'], { cwd: CORE_ROOT, stdio: 'pipe' });
  return entry;
}
