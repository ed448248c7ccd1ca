#!/usr/bin/env node
// Runs the workspace's own TypeScript (root devDependency). `tsc` on PATH may be tslab's bundled
// older copy (@tslab/typescript-for-tslab also installs a `tsc` bin), which type-checks differently.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(import.meta.url));
process.argv.splice(1, 1, require.resolve('typescript/bin/tsc'));
require('typescript/lib/tsc.js');
