import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendError } from './errors';
import * as tf from './tf';
import { registerWasmConvGradKernels } from './wasm-kernels';
import { applyThreadSettings, threadSettings } from './threads';
import { nativeStateDirs } from './native-ops';
import { registerTensorflowKernels } from './tensorflow-kernels';

export { BackendError };

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
  /**
   * The backend asked for (`prefer` or `SUGAR_BACKEND`) must load: a BackendError naming the reason instead of a
   * fallback. For runs whose numbers must come from the backend they name (`--backend`, a spec's `backend`).
   */
  strict?: boolean;
}

let current: BackendInfo | undefined;

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].trim();
}

function isBackendName(x: string): x is BackendName {
  return (BACKENDS as readonly string[]).includes(x);
}

// tfjs-node and the wasm backend are optional peers: resolved at run time, so that the libs load
// without them, and from the host project first (its working directory and main module), so that
// a host's own tfjs-node is used even where sugar-lab's install cannot see it.
const nodeRequire: NodeRequire = require;

/** A backend package that runs on sugar-lab's engine: its name, real directory and entry file. */
export interface PeerPackage {
  pkg: string;
  dir: string;
  main: string;
}

function resolveIn(request: string, base: string): string | undefined {
  try {
    return nodeRequire.resolve(request, { paths: [base] });
  } catch {
    return undefined;
  }
}

function realDir(file: string): string {
  return fs.realpathSync(path.dirname(file));
}

/** Where packages resolve from, host first: the working directory, the main module's directory, then sugar-lab itself. */
export function packageSearchBases(): string[] {
  const main = require.main?.filename;
  return [...new Set([process.cwd(), ...(main ? [path.dirname(main)] : []), __dirname])];
}

// The tfjs-core this module runs on; a backend package must load exactly this one, or it would
// start a second engine whose kernels and variables collide with ours.
const OWN_CORE = realDir(nodeRequire.resolve('@tensorflow/tfjs-core/package.json'));

/**
 * Finds `pkg` from each of `bases` in turn and returns the first copy whose `@tensorflow/tfjs-core`
 * (reached through the packages in `via`) is `core`. Throws a BackendError naming every copy found
 * and why it was passed over.
 */
export function findPeerPackage(pkg: string, via: readonly string[], bases = packageSearchBases(), core = OWN_CORE): PeerPackage {
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const base of bases) {
    const manifest = resolveIn(`${pkg}/package.json`, base);
    if (!manifest) continue;
    const dir = realDir(manifest);
    if (seen.has(dir)) continue;
    seen.add(dir);
    let at = dir;
    for (const hop of [...via, '@tensorflow/tfjs-core']) {
      const next = resolveIn(`${hop}/package.json`, at);
      at = next ? realDir(next) : '';
      if (!at) break;
    }
    if (at === core) return { pkg, dir, main: nodeRequire.resolve(pkg, { paths: [base] }) };
    const found = at ? `@tensorflow/tfjs-core at ${at}` : 'no @tensorflow/tfjs-core';
    skipped.push(`${pkg} at ${dir} loads ${found}, not sugar-lab's (${core}); loading it would start a second engine`);
  }
  throw new BackendError(skipped.length ? skipped.join('; ') : `${pkg} is not installed`);
}

/** Package directories of every @tensorflow/tfjs-core loaded into this process; more than one means two engines' classes. */
export function loadedTfjsCoreCopies(): string[] {
  const roots = new Set<string>();
  for (const file of Object.keys(nodeRequire.cache)) {
    const m = /^(.*[\\/]@tensorflow[\\/]tfjs-core)[\\/]/.exec(file);
    if (m) roots.add(m[1]);
  }
  return [...roots];
}

function versionAt(dir: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown version';
  }
}

// Two tfjs-core copies share the process-wide engine and kernel registry but not their classes, so
// variables, layers and kernels collide later with errors that do not name the cause.
function checkOneTfjsCore(): void {
  const copies = loadedTfjsCoreCopies();
  if (copies.length < 2) return;
  throw new BackendError(
    `${copies.length} copies of @tensorflow/tfjs-core are loaded (${copies.map((d) => `${versionAt(d)} at ${d}`).join('; ')}); ` +
      `sugar-lab and your TensorFlow.js must share one: \`npm ls @tensorflow/tfjs-core\` shows which package brings which, ` +
      `and installing @tensorflow/tfjs-core, -layers and -backend-cpu at your tfjs version (or \`npm dedupe\`) leaves one`,
  );
}

function loadTensorflow(): { pkg: string; main: string } {
  // The GPU build registers the same 'tensorflow' backend; prefer it where installed.
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    let found: PeerPackage;
    try {
      found = findPeerPackage(pkg, ['@tensorflow/tfjs']);
    } catch (err) {
      errors.push(firstLine(err));
      continue;
    }
    if (!process.env.TF_CPP_MIN_LOG_LEVEL) process.env.TF_CPP_MIN_LOG_LEVEL = '2';
    // libtensorflow sizes its thread pools from these variables once, as the binding loads.
    applyThreadSettings();
    try {
      nodeRequire(found.main);
      return { pkg, main: found.main };
    } catch (err) {
      const state = readNativeState();
      const why = state && !state.ok && state.reason ? ` (native setup: ${state.reason})` : '';
      throw new BackendError(`${pkg} failed to load: ${firstLine(err)}${why}`);
    }
  }
  const state = readNativeState();
  const why = state && !state.ok && state.reason ? `; native setup: ${state.reason}` : '';
  throw new BackendError(errors.join(', ') + why);
}

async function tryBackend(name: BackendName): Promise<BackendAttempt> {
  try {
    let provider: string | undefined;
    if (name === 'tensorflow') {
      const loaded = loadTensorflow();
      provider = loaded.pkg;
      registerTensorflowKernels(loaded.main);
    }
    if (name === 'wasm') {
      nodeRequire(findPeerPackage('@tensorflow/tfjs-backend-wasm', []).main);
      registerWasmConvGradKernels();
    }
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) throw new BackendError(`tf.setBackend('${name}') did not initialize`);
    return { backend: name, ok: true, provider };
  } catch (err) {
    return { backend: name, ok: false, reason: firstLine(err) };
  }
}

/**
 * Selects the compute backend: `SUGAR_BACKEND` if set, else `prefer`, else the fastest that
 * loads (tensorflow, then wasm, then cpu). A requested backend that fails falls back along
 * the same order. Logs one line naming the backend and, on a fallback, the reason.
 *
 * @param prefer the backend to try first (`tensorflow`, `wasm` or `cpu`); `SUGAR_BACKEND` overrides it
 * @param opts `strict` (refuse a named backend that cannot load instead of falling back), `quiet` (no log line)
 */
export async function initBackend(prefer?: BackendName, opts: InitBackendOptions = {}): Promise<BackendName> {
  const env = process.env.SUGAR_BACKEND?.trim() || undefined;
  threadSettings(); // a bad SUGAR_THREADS / TF_* thread variable is an error, not a silent fallback to wasm
  if (env && !isBackendName(env)) {
    throw new BackendError(`SUGAR_BACKEND must be one of ${BACKENDS.join(', ')}; found '${env}'`);
  }
  if (prefer !== undefined && !isBackendName(prefer)) {
    throw new BackendError(`initBackend: backend must be one of ${BACKENDS.join(', ')}; found '${String(prefer)}'`);
  }
  checkOneTfjsCore();
  const wanted = (env as BackendName | undefined) ?? prefer;
  const order = wanted ? [wanted, ...(opts.strict ? [] : BACKENDS.filter((b) => b !== wanted))] : [...BACKENDS];
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
  if (!chosen.ok && opts.strict && wanted) {
    throw new BackendError(
      `backend '${wanted}' was asked for (${requestedBy === 'SUGAR_BACKEND' ? 'SUGAR_BACKEND' : 'explicitly'}) and could not be initialized: ${chosen.reason}`,
    );
  }
  if (!chosen.ok) throw new BackendError(`no TensorFlow.js backend could be initialized: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
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

/**
 * One line: the backend in use and, where it is not the first choice, why.
 *
 * @param info what `backendInfo()` returns after `initBackend`
 */
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
  for (const dir of nativeStateDirs()) {
    const file = path.join(dir, 'native.json');
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
