// Bundles page.ts for the browser with Vite (Rollup-compatible, the bundler most web apps use), the way a web app
// bundles sugar-lab: each package's "browser" export and "browser" field, no Node polyfills. A Node built-in that
// the bundle would import fails the build, naming who imports it; only those a package itself maps to `false` for
// browsers (tfjs-core's Node platform, seedrandom's crypto: guarded at run time) are let through.
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { build, type Plugin } from 'vite';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (id: string) => BUILTINS.has(id) || id.startsWith('node:') || BUILTINS.has(id.split('/')[0]);

// The package.json nearest to `file`, and whether its "browser" field maps `id` to false.
function mappedAway(file: string, id: string): boolean {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const browser = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { browser?: unknown }).browser;
    return typeof browser === 'object' && browser !== null && (browser as Record<string, unknown>)[id] === false;
  }
  return false;
}

function noNodeBuiltins(found: string[]): Plugin {
  return {
    name: 'sugar-no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (importer && isBuiltin(id) && !mappedAway(importer, id)) found.push(`${id} imported by ${importer}`);
      return null;
    },
  };
}

export interface BundleResult {
  /** The directory holding index.html and the assets. */
  dir: string;
  /** Every module in the bundle (absolute paths). */
  modules: string[];
}

/**
 * Builds index.html + page.ts into `outDir`; throws when a Node built-in would be imported.
 *
 * @param outDir where the page goes (emptied first)
 */
export async function bundlePage(outDir: string): Promise<BundleResult> {
  const found: string[] = [];
  const modules = new Set<string>();
  await build({
    root: __dirname,
    configFile: false,
    logLevel: 'error',
    base: './',
    plugins: [noNodeBuiltins(found), { name: 'sugar-modules', moduleParsed: (info) => void modules.add(info.id) }],
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, chunkSizeWarningLimit: 1e9 },
  });
  if (found.length) throw new Error(`the page imports Node built-ins:\n  ${[...new Set(found)].join('\n  ')}`);
  return { dir: outDir, modules: [...modules] };
}
