// Bundles page.ts for the browser with Vite (Rollup-compatible, the bundler most web apps use), the way a web app
// bundles sugar-lab: each package's "browser" export and "browser" field, no Node polyfills. A Node built-in that
// the bundle would import fails the build, naming who imports it (no-node-builtins.mjs).
import { build } from 'vite';
import { noNodeBuiltins } from './no-node-builtins.mjs';

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
