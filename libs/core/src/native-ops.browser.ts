// native-ops.ts in a page (package.json "browser" maps it here): sugar-lab's native kernels are a Node addon for
// libtensorflow, so in a browser there are none to load and every op runs on the page's TensorFlow.js backend. The
// same names as native-ops.ts, so tensorflow-kernels.ts (whose hasKernel every backend asks) bundles without node:fs.

export const NATIVE_OPS_FILE = 'sugar-ops.node';

/** What loading the native kernels gave. */
export interface NativeOpsInfo {
  loaded: boolean;
  path?: string;
  ops?: string[];
  blas?: string;
  blasThreads?: number;
  reason?: string;
}

const IN_A_PAGE: NativeOpsInfo = { loaded: false, reason: 'native kernels are a Node addon; none in a browser' };
let enabled = true;

export function nativeStateDirs(): string[] {
  return [];
}

export function loadNativeOps(): NativeOpsInfo {
  return IN_A_PAGE;
}

export function nativeOpsBuilt(): boolean {
  return false;
}

export function nativeOpsInfo(): NativeOpsInfo | undefined {
  return undefined;
}

export function nativeOpsActive(): boolean {
  return false;
}

export function setNativeOpsEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

export function describeNativeOps(i: NativeOpsInfo | undefined = IN_A_PAGE): string {
  return i.loaded ? `native kernels: ${i.ops?.join(', ')}` : `native kernels: off (${i.reason})`;
}
