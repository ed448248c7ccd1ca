// The single place where sugar-lab imports TensorFlow.js. Every lib takes `tf` from
// here, so all of them (and tfjs-node, which resolves the same hoisted tfjs-core) share
// one engine instance: one backend, one tensor registry, one custom-op registry.
import '@tensorflow/tfjs-backend-cpu';
import { registerChainedOps } from './chained-ops';
// Brings the chained-op typings (t.sum(), t.mul(y), ...) that tfjs-core's index.d.ts leaves out;
// the methods themselves are attached by ./chained-ops.
export type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

registerChainedOps();
