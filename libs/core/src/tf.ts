// The single place where sugar-lab imports TensorFlow.js. tfjs-core, tfjs-layers and the
// backends are peer dependencies: they resolve to the host project's copies, so sugar-lab, the
// host's own `@tensorflow/tfjs` and tfjs-node share one engine instance (one backend, one tensor
// and variable registry, one kernel and layer-class registry). Node's entry (index.ts) checks the peers'
// versions first (peers.ts); a page's bundler resolves them when it builds, or names the one missing.
import * as tfc from '@tensorflow/tfjs-core';
import { registerChainedOps } from './chained-ops';
// Brings the chained-op typings (t.sum(), t.mul(y), ...) that tfjs-core's index.d.ts leaves out;
// the methods themselves are attached by ./chained-ops.
export type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

// The kernel registry is global to the process. Where the host already registered a cpu backend
// (its @tensorflow/tfjs loaded first, possibly from another copy), loading ours again would
// re-register every cpu kernel and print one "already registered" warning per kernel.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when no cpu backend exists, synchronously, before any op
if (!tfc.findBackendFactory('cpu')) require('@tensorflow/tfjs-backend-cpu');

registerChainedOps();
