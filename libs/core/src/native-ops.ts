// sugar-lab's own TensorFlow kernels (the package @sugar-lab/native, libs/native: a BLAS matmul, one-pass SUGAR(bsilu)
// and SUGAR(nelu) gradients, Adam and SGD steps as one op per weight, a fused MLP step), built by its setup
// (`npx sugar-native-setup`; `npm run native:setup` in this repository) into the project's node_modules/.sugar-lab and
// registered into the libtensorflow tfjs-node has loaded. Optional: without them the tensorflow backend runs
// tfjs-node's kernels. SUGAR_OPS=0 turns them off; SUGAR_OPS=/path/to/sugar-ops.node names another build.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const NATIVE_OPS_FILE = 'sugar-ops.node';

/** What loading the native kernels gave. */
export interface NativeOpsInfo {
  loaded: boolean;
  path?: string;
  /** The op names the library registered. */
  ops?: string[];
  /** The BLAS the kernels were built with (OpenBLAS's build string, or e.g. `Eigen 3.5.0 (AVX512)`) and its thread count. */
  blas?: string;
  blasThreads?: number;
  reason?: string;
}

interface NativeOpsModule {
  version: string;
  ops: string;
  blas: string;
  threads: string;
  error: string;
}

const nodeRequire: NodeRequire = require;
let info: NativeOpsInfo | undefined;
let enabled = true;

/**
 * The node_modules/.sugar-lab directories where the native setup leaves its state and builds: the one beside the
 * tfjs-node that was loaded (its package main), then those on tfjs-node's module search path (where setup puts it:
 * the node_modules holding the project's tfjs-node).
 */
export function nativeStateDirs(tfjsNodeMain?: string): string[] {
  const parts = tfjsNodeMain?.split(path.sep) ?? [];
  const nm = parts.lastIndexOf('node_modules');
  const near = nm > 0 ? [parts.slice(0, nm + 1).join(path.sep)] : [];
  return [...near, ...(nodeRequire.resolve.paths('@tensorflow/tfjs-node') ?? [])].map((d) => path.join(d, '.sugar-lab'));
}

function locate(tfjsNodeMain?: string): string | undefined {
  return nativeStateDirs(tfjsNodeMain)
    .map((d) => path.join(d, NATIVE_OPS_FILE))
    .find((f) => fs.existsSync(f));
}

/**
 * Loads the native kernels once, after tfjs-node has loaded libtensorflow. Never throws: a missing, stale or
 * broken build is reported in the result (and by `sugar doctor`) and tfjs-node's kernels are used.
 */
export function loadNativeOps(tfjsNodeMain?: string): NativeOpsInfo {
  if (info) return info;
  const env = process.env.SUGAR_OPS?.trim();
  if (env === '0' || env === 'off') return (info = { loaded: false, reason: `disabled by SUGAR_OPS=${env}` });
  // The kernels are CPU kernels; under tfjs-node-gpu every matmul would be copied off the GPU and back.
  if (tfjsNodeMain?.includes(`${path.sep}tfjs-node-gpu${path.sep}`) && !env)
    return (info = { loaded: false, reason: 'CPU kernels, not used with @tensorflow/tfjs-node-gpu (SUGAR_OPS=path forces them)' });
  const file = env ? path.resolve(env) : locate(tfjsNodeMain);
  if (!file)
    return (info = { loaded: false, reason: 'not built (npx sugar-native-setup builds them, npm run native:setup in the sugar-lab repository; needs g++)' });
  // OpenMP threads that spin between parallel regions (libgomp's default) take the cores from libtensorflow's
  // and OpenBLAS's pools in the ops that follow: measured 33 ms against 15 ms for a SUGAR MLP step on 2 cores.
  // libgomp reads this once, as the library loads.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    const m = nodeRequire(file) as NativeOpsModule;
    if (m.error) return (info = { loaded: false, path: file, reason: `registering failed: ${m.error}` });
    info = { loaded: true, path: file, ops: m.ops.split(','), blas: m.blas, blasThreads: Number(m.threads) };
  } catch (err) {
    info = { loaded: false, path: file, reason: `${file} does not load: ${(err as Error).message.split('\n')[0]}` };
  }
  return info;
}

/**
 * Whether a build of the native kernels is there for a tensorflow worker to load (without loading libtensorflow
 * here): what a sweep's runner plans packs by. Whether they then load is loadNativeOps' to say.
 */
export function nativeOpsBuilt(): boolean {
  const env = process.env.SUGAR_OPS?.trim();
  if (env === '0' || env === 'off') return false;
  return env ? fs.existsSync(path.resolve(env)) : locate() !== undefined;
}

/** The outcome of loadNativeOps, or undefined before the tensorflow backend was initialized. */
export function nativeOpsInfo(): NativeOpsInfo | undefined {
  return info;
}

/** Whether a native op runs now: loaded, not switched off with setNativeOpsEnabled(false). */
export function nativeOpsActive(op: string): boolean {
  return enabled && info?.loaded === true && (info.ops?.includes(op) ?? false);
}

/**
 * Switches the native kernels off (and on again) at run time, for A/B measurements and for tests that compare
 * with tfjs-node's own kernels; returns the previous setting.
 *
 * @param on whether the native kernels run
 */
export function setNativeOpsEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

/**
 * One line for `sugar doctor` and `sugar bench`.
 *
 * @param i what `loadNativeOps` found (default: this process's)
 */
export function describeNativeOps(i: NativeOpsInfo | undefined = info): string {
  if (!i) return 'native kernels: not loaded (the tensorflow backend is not in use)';
  if (!i.loaded) return `native kernels: off (${i.reason})`;
  return `native kernels: ${i.ops?.join(', ')} (${i.blas}, ${i.blasThreads} BLAS thread${i.blasThreads === 1 ? '' : 's'}; ${i.path})`;
}
