// Where setup and build put their state for the project they serve: the node_modules that holds the project's
// @tensorflow/tfjs-node, as @sugar-lab/core's loader looks there (beside the tfjs-node it loaded). The project is the
// one of the working directory (npm runs scripts and npx in the project's root), never this package's own folder,
// which is inside the project's node_modules once installed.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TFJS_NODE = '@tensorflow/tfjs-node';
export const STATE_DIR_NAME = '.sugar-lab';

function nearest(start, test) {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (test(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The project's root, its tfjs-node (undefined when not installed) and the state directory. tfjs-node is looked up as
 * Node does from `start`, but without following symlinks: with a linked node_modules (pnpm, a shared install) the
 * state stays in the project's own node_modules, where core also looks (its module search path).
 */
export function projectPaths(start = process.cwd()) {
  const modules = nearest(start, (d) => fs.existsSync(path.join(d, 'node_modules', TFJS_NODE, 'package.json')));
  const root =
    modules ??
    nearest(start, (d) => fs.existsSync(path.join(d, 'node_modules'))) ??
    nearest(start, (d) => fs.existsSync(path.join(d, 'package.json'))) ??
    path.resolve(start);
  return {
    root,
    tfjsNode: modules ? path.join(modules, 'node_modules', TFJS_NODE) : undefined,
    stateDir: path.join(root, 'node_modules', STATE_DIR_NAME),
  };
}
