// A Vite (Rollup) plugin that records every Node built-in a browser bundle would import, except those a package
// itself maps to `false` for browsers in its package.json "browser" field (tfjs-core's Node platform, seedrandom's
// crypto: guarded at run time). Plain JavaScript so that both the in-repo browser test (bundle.ts) and the consumer
// test's fresh project (tools/consumer) use this one copy.
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (id) => BUILTINS.has(id) || id.startsWith('node:') || BUILTINS.has(id.split('/')[0]);

// The package.json nearest to `file`, and whether its "browser" field maps `id` to false.
function mappedAway(file, id) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const browser = JSON.parse(fs.readFileSync(manifest, 'utf8')).browser;
    return typeof browser === 'object' && browser !== null && browser[id] === false;
  }
  return false;
}

/** @param {string[]} found receives `id imported by file` for each built-in the bundle would import */
export function noNodeBuiltins(found) {
  return {
    name: 'sugar-no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (importer && isBuiltin(id) && !mappedAway(importer, id)) found.push(`${id} imported by ${importer}`);
      return null;
    },
  };
}
