// The public API of @sugar-lab/train in Node, by name: what is not listed here is internal to the lib. It is the
// browser's API (browser.ts) plus checkpoints, JSON Lines files and signal handling.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.
export * from './browser';

// checkpoints
export { latestCheckpoint, loadCheckpoint, type CheckpointManifest, type LoadedCheckpoint, type NamedTensorData, type TensorEntry } from './checkpoint';
export { loadLatestIntactCheckpoint, type IntactCheckpoint } from './checkpoint-recovery';

// JSON Lines files (metrics.jsonl)
export { readJsonl } from './jsonl';

// stopping on a signal
export { interruptOnSigint, interruptOnSignals, type InterruptHandle, type InterruptOptions, type StopSignal } from './interrupt';
