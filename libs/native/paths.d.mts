export const TFJS_NODE: string;
export const STATE_DIR_NAME: string;
/** The project's root, its tfjs-node (undefined when not installed) and its node_modules/.sugar-lab. */
export function projectPaths(start?: string): { root: string; tfjsNode: string | undefined; stateDir: string };
