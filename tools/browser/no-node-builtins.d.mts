import type { Plugin } from 'vite';
/** A Vite plugin that pushes `id imported by file` into `found` for each Node built-in the bundle would import. */
export function noNodeBuiltins(found: string[]): Plugin;
