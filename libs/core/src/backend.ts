import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from './tf';
import { registerWasmConvGradKernels } from './wasm-kernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it could not be used (first line of the error), when it failed. */
  reason?: string;
  /** For `tensorflow`: which package provided it (`@tensorflow/tfjs-node` or `-gpu`). */
  provider?: string;
}

export interface BackendInfo {
  backend: BackendName;
  /** Where the choice came from. */
  requestedBy: 'SUGAR_BACKEND' | 'argument' | 'default';
  attempts: BackendAttempt[];
}

export interface InitBackendOptions {
  /** Suppress the one-line log (also `SUGAR_QUIET=1`). */
  quiet?: boolean;
}

let current: BackendInfo | undefined;

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].trim();
}

function isBackendName(x: string): x is BackendName {
  return (BACKENDS as readonly string[]).includes(x);
}

// tfjs-node is optional: resolved at run time so that the libs load without it.
const nodeRequire: NodeRequire = require;

function loadTensorflow(): string {
  // The GPU build registers the same 'tensorflow' backend; prefer it where installed.
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      nodeRequire.resolve(pkg);
    } catch {
      errors.push(`${pkg} is not installed`);
      continue;
    }
    if (!process.env.TF_CPP_MIN_LOG_LEVEL) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
    try {
      nodeRequire(pkg);
      return pkg;
    } catch (err) {
      const state = readNativeState();
      const why = state && !state.ok && state.reason ? ` (native setup: ${state.reason})` : '';
      throw new Error(`${pkg} failed to load: ${firstLine(err)}${why}`);
    }
  }
  const state = readNativeState();
  const why = state && !state.ok && state.reason ? `; native setup: ${state.reason}` : '';
  throw new Error(errors.join(', ') + why);
}

async function tryBackend(name: BackendName): Promise<BackendAttempt> {
  try {
    let provider: string | undefined;
    if (name === 'tensorflow') provider = loadTensorflow();
    if (name === 'wasm') {
      nodeRequire('@tensorflow/tfjs-backend-wasm');
      registerWasmConvGradKernels();
    }
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') did not initialize`);
    return { backend: name, ok: true, provider };
  } catch (err) {
    return { backend: name, ok: false, reason: firstLine(err) };
  }
}

/**
 * Selects the compute backend: `SUGAR_BACKEND` if set, else `prefer`, else the fastest that
 * loads (tensorflow, then wasm, then cpu). A requested backend that fails falls back along
 * the same order. Logs one line naming the backend and, on a fallback, the reason.
 */
export async function initBackend(prefer?: BackendName, opts: InitBackendOptions = {}): Promise<BackendName> {
  const env = process.env.SUGAR_BACKEND?.trim() || undefined;
  if (env && !isBackendName(env)) {
    throw new Error(`SUGAR_BACKEND must be one of ${BACKENDS.join(', ')}; found '${env}'`);
  }
  if (prefer !== undefined && !isBackendName(prefer)) {
    throw new Error(`initBackend: backend must be one of ${BACKENDS.join(', ')}; found '${String(prefer)}'`);
  }
  const wanted = (env as BackendName | undefined) ?? prefer;
  const order = wanted ? [wanted, ...BACKENDS.filter((b) => b !== wanted)] : [...BACKENDS];
  const requestedBy: BackendInfo['requestedBy'] = env ? 'SUGAR_BACKEND' : prefer ? 'argument' : 'default';
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
  if (!chosen.ok) throw new Error(`no TensorFlow.js backend could be initialized: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
  current = {
    backend: chosen.backend,
    requestedBy,
    attempts,
  };
  if (!(opts.quiet || process.env.SUGAR_QUIET === '1')) console.error(describeBackend(current));
  return chosen.backend;
}

/** The outcome of the last `initBackend`, with the reason for every backend skipped. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/** One line: the backend in use and, where it is not the first choice, why. */
export function describeBackend(info: BackendInfo): string {
  const chosen = info.attempts[info.attempts.length - 1];
  const via = chosen.provider ? ` via ${chosen.provider}` : '';
  const failed = info.attempts.filter((a) => !a.ok);
  const why = failed.length ? `; fell back because ${failed.map((a) => `${a.backend}: ${a.reason}`).join('; ')}` : '';
  return `sugar-lab: backend ${info.backend}${via}${why}`;
}

/** What `npm run native:setup` recorded about the tfjs-node binding it built (or why it could not). */
export interface NativeState {
  ok: boolean;
  /** `LIBTENSORFLOW_DIR`, `python`, `wheel`, `prebuilt` (tfjs-node loaded as installed) or `cache`. */
  source?: string;
  tensorflowVersion?: string;
  libDir?: string;
  reason?: string;
  at?: string;
}

/** Reads the state file the native setup tool writes next to tfjs-node (node_modules/.sugar-lab/native.json). */
export function readNativeState(): NativeState | undefined {
  const dirs = nodeRequire.resolve.paths('@tensorflow/tfjs-node') ?? [];
  for (const dir of dirs) {
    const file = path.join(dir, '.sugar-lab', 'native.json');
    if (fs.existsSync(file)) {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as NativeState;
      } catch {
        return { ok: false, reason: `unreadable state file ${file}` };
      }
    }
  }
  return undefined;
}
