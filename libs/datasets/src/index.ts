// The public API of @sugar-lab/datasets in Node, by name: what is not listed here is internal to the lib. It is the
// browser's API (browser.ts) plus the data cache, which reads and writes files.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.
export * from './browser';

// the data cache: download, verify, import (`sugar data`)
export { dataDir, type CacheOptions, type FileCacheState, type FileState } from './cache';
export {
  datasetCacheState,
  fetchDataset,
  verifyDataset,
  type DatasetCacheState,
  type DatasetState,
  type DatasetVerification,
  type FetchOptions,
  type FileVerification,
} from './fetch';
export { importDataset, type ImportedFile, type ImportOptions, type ImportRejection, type ImportResult } from './import';
export { findLocalCopies } from './locations';
export { acceptedNames } from './verify';
export type { Mismatch } from './digest';
export type { VerifiedForm } from './record';
