// The single place where sugar-lab imports TensorFlow.js. Every lib takes `tf` from
// here, so all of them (and tfjs-node, which resolves the same hoisted tfjs-core) share
// one engine instance: one backend, one tensor registry, one custom-op registry.
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
