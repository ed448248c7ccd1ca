// TensorFlow.js is the host project's (peer dependencies of @sugar-lab/core). Where a part is
// missing or outside the tested range, say what to install instead of Node's bare "Cannot find module".
import { SugarError } from './errors';

const REQUIRED = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu'];
const RANGE = '>=4.20.0 <5';
const HOW = 'install @tensorflow/tfjs (or @tensorflow/tfjs-node) in your project, which brings all three';

function version(pkg: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a peer that may be absent, read synchronously by name at run time
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

function inRange(v: string): boolean {
  const [major, minor] = v.split('.').map(Number);
  return major === 4 && minor >= 20;
}

for (const pkg of REQUIRED) {
  const v = version(pkg);
  if (v === undefined) throw new SugarError(`@sugar-lab/core needs ${pkg} ${RANGE}; it is not installed: ${HOW}`);
  if (!inRange(v)) throw new SugarError(`@sugar-lab/core needs ${pkg} ${RANGE}; found ${v}: ${HOW} at a version in that range`);
}
