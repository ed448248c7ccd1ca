// The public API of @sugar-lab/datasets, by name: what is not listed here is internal to the lib.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.

// loading
export { loadDataset, type LoadDatasetOptions } from './load';
export type { ChannelStats, Dataset, Split, SplitName } from './types';

// batches and tensors
export { batches, epochOrder, makeBatch, toTensors, type Batch, type BatchOptions } from './batches';
export type { AssembleOptions, AugmentOptions } from './assemble';

// the registry and its options (built-in and plugin datasets)
export { datasetInfo, datasetNames, datasetOptions, getDatasetDefinition, listDatasets, registerDataset } from './registry';
export { datasetOptionIssues, LOAD_OPTIONS } from './options';
export type { DatasetDefinition, DatasetInfo, LoadContext, RawDataset, RawSplit } from './types';
export { datasetFiles, overrideDatasetFiles, type DataFile, type Digests } from './manifest';

// building blocks of synthetic datasets
export { Rng, type SeedPart } from './rng';
export { createTeacher, type Teacher, type TeacherLayer, type TeacherOptions } from './teacher';

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

// errors
export {
  CifarFormatError,
  DatasetChecksumError,
  DatasetError,
  DatasetFormatError,
  DatasetImportError,
  DatasetOptionError,
  DatasetUnavailableError,
  GzipFormatError,
  IdxFormatError,
  TarFormatError,
  UnknownDatasetError,
  type DigestAlgorithm,
  type ExpectedFile,
  type FormatErrorCode,
} from './errors';
