// The backend in a page. TensorFlow.js' browser backends register themselves when the page imports their package
// (`import '@tensorflow/tfjs-backend-webgl'`, ...), so the page decides which can run and bundles only those;
// initBackend picks among them the way backend.ts does in Node: the one asked for, else the fastest that
// initializes (webgpu where the browser has it, webgl, wasm, cpu), each failure's reason kept.
import { BackendError } from './errors';
import * as tf from './tf';
import { registerWasmConvGradKernels } from './wasm-kernels';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** The backends a page can use, fastest first. */
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

const PACKAGES: Record<BackendName, string> = {
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it could not be used (first line of the error), when it failed. */
  reason?: string;
}

export interface BackendInfo {
  backend: BackendName;
  /** Where the choice came from. */
  requestedBy: 'argument' | 'default';
  attempts: BackendAttempt[];
}

export interface InitBackendOptions {
  /** No log line. */
  quiet?: boolean;
  /** The backend asked for must initialize: a BackendError naming the reason instead of a fallback. */
  strict?: boolean;
}

let current: BackendInfo | undefined;

function isBackendName(x: unknown): x is BackendName {
  return (BACKENDS as readonly unknown[]).includes(x);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
}

// Why `name` cannot even be tried in this page, or undefined when it can.
function unavailable(name: BackendName): string | undefined {
  if (!tf.findBackendFactory(name)) return `not registered: the page must import '${PACKAGES[name]}'${name === 'wasm' ? ' (and call its setWasmPaths)' : ''}`;
  if (name === 'webgpu' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return 'this browser has no WebGPU (navigator.gpu)';
  return undefined;
}

async function tryBackend(name: BackendName): Promise<BackendAttempt> {
  const why = unavailable(name);
  if (why) return { backend: name, ok: false, reason: why };
  try {
    if (name === 'wasm') registerWasmConvGradKernels();
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) throw new BackendError(`tf.setBackend('${name}') did not initialize`);
    await tf.ready();
    return { backend: name, ok: true };
  } catch (err) {
    return { backend: name, ok: false, reason: firstLine(err) };
  }
}

/**
 * Selects the page's compute backend: `prefer`, else the fastest registered one that initializes (webgpu, webgl,
 * wasm, cpu). A requested backend that fails falls back along the same order (unless `strict`). Logs one line
 * (console.info) naming the backend and, on a fallback, the reason.
 *
 * @param prefer the backend to try first (`webgpu`, `webgl`, `wasm` or `cpu`)
 * @param opts `strict` (refuse a named backend that cannot initialize instead of falling back), `quiet` (no log line)
 */
export async function initBackend(prefer?: BackendName, opts: InitBackendOptions = {}): Promise<BackendName> {
  if (prefer !== undefined && !isBackendName(prefer)) {
    const node = (prefer as string) === 'tensorflow' ? ' (tensorflow is the Node backend, @tensorflow/tfjs-node)' : '';
    throw new BackendError(`initBackend: in a browser the backend must be one of ${BACKENDS.join(', ')}; found '${String(prefer)}'${node}`);
  }
  // Unasked, only the backends the page registered are tried: a page that bundles only wasm does not log webgl's absence.
  const others = BACKENDS.filter((b) => b !== prefer && tf.findBackendFactory(b));
  const order = prefer ? [prefer, ...(opts.strict ? [] : others)] : others;
  const requestedBy: BackendInfo['requestedBy'] = prefer ? 'argument' : 'default';
  if (current && current.backend === order[0] && tf.getBackend() === order[0]) {
    current = { ...current, requestedBy };
    return current.backend;
  }
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const attempt = await tryBackend(name);
    attempts.push(attempt);
    if (attempt.ok) break;
  }
  const chosen = attempts[attempts.length - 1];
  if (!chosen?.ok && opts.strict && prefer) throw new BackendError(`backend '${prefer}' was asked for and could not be initialized: ${chosen.reason}`);
  if (!chosen?.ok) {
    const tried = attempts.length ? attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ') : 'the page registered none';
    throw new BackendError(
      `no TensorFlow.js backend could be initialized: ${tried}; import ${BACKENDS.map((b) => `'${PACKAGES[b]}'`).join(', ')} or '@tensorflow/tfjs'`,
    );
  }
  current = { backend: chosen.backend, requestedBy, attempts };
  if (!opts.quiet) console.info(describeBackend(current));
  return chosen.backend;
}

/** The outcome of the last `initBackend`, with the reason for every backend skipped. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/**
 * One line: the backend in use and, where it is not the first choice, why.
 *
 * @param info what `backendInfo()` returns after `initBackend`
 */
export function describeBackend(info: BackendInfo): string {
  const failed = info.attempts.filter((a) => !a.ok);
  const why = failed.length ? `; fell back because ${failed.map((a) => `${a.backend}: ${a.reason}`).join('; ')}` : '';
  return `sugar-lab: backend ${info.backend}${why}`;
}
