// The public API of @sugar-lab/core in Node, by name: what is not listed here is internal to the lib. It is the
// browser's API (browser.ts) plus what only Node has; the names listed here replace the browser's of the same name.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.

// The peers' versions are checked before TensorFlow.js loads (a page's bundler resolves them when it builds).
import './peers';
export * from './browser';

// the backend: Node's choice (tensorflow through tfjs-node with sugar-lab's native kernels, wasm, cpu), not the page's
export {
  BACKENDS,
  backendInfo,
  describeBackend,
  initBackend,
  readNativeState,
  type BackendAttempt,
  type BackendInfo,
  type BackendName,
  type InitBackendOptions,
  type NativeState,
} from './backend';

// threads and native ops (sugar-ops.node)
export { appliedThreadSettings, availableCores, describeThreads, threadSettings, userThreadEnv, type ThreadSettings, type ThreadSource } from './threads';
export { describeNativeOps, nativeOpsBuilt, nativeOpsInfo, setNativeOpsEnabled, type NativeOpsInfo } from './native-ops';

// model files, atomic writes, locks, the cache directory
export { fileHandler } from './file-handler';
export { fileWriteError, fsyncDir, isProcessAlive, writeAllSync, writeFileAtomic } from './fs-safe';
export { checkWriteFence, setWriteFence, type WriteFence } from './write-fence';
export { acquireLock, withLock, type HeldLock, type LockOptions, type LockOwner, type WaitLockOptions } from './lock';
export { cacheDir } from './paths';

// errors
export { LockHeldError } from './lock';
export { ThreadConfigError } from './threads';
