import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The per-user cache directory for downloads and build products: `SUGAR_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/sugar-lab`, else `~/.cache/sugar-lab`.
 */
export function cacheDir(): string {
  if (process.env.SUGAR_CACHE_DIR) return path.resolve(process.env.SUGAR_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'sugar-lab');
}
