export { loadDataset, type LoadDatasetOptions } from './load';
export { listDatasets, datasetInfo, datasetNames, datasetOptions, registerDataset, getDatasetDefinition } from './registry';
export { LOAD_OPTIONS, datasetOptionIssues, resolveDatasetParams } from './options';
export {
  fetchDataset,
  verifyDataset,
  datasetCacheState,
  ensureDatasetFiles,
  isOffline,
  type FetchOptions,
  type DatasetCacheState,
  type DatasetState,
  type DatasetVerification,
  type FileVerification,
} from './fetch';
export { dataDir, datasetDir, type CacheOptions, type FileCacheState, type FileState } from './cache';
export { overrideDatasetFiles, datasetFiles, type DataFile, type Digests } from './manifest';
export { importDataset, type ImportOptions, type ImportResult, type ImportedFile, type ImportRejection } from './import';
export { dataSearchPath, findLocalCopies } from './locations';
export { QUARANTINE_DIR } from './quarantine';
export { RECORD_FILE, readRecord, type RecordEntry, type VerifiedForm } from './record';
export { verifyEntry, acceptedNames, type EntryVerification, type Failure } from './verify';
export { downloadFile, DownloadFailedError, type DownloadOptions } from './download';
export { digestFile, digestStream, type FileDigest, type Mismatch } from './digest';
export { batches, makeBatch, toTensors, epochOrder, numBatches, type Batch, type BatchOptions } from './batches';
export { assemble, type AssembleOptions, type AugmentOptions } from './assemble';
export { channelStats } from './stats';
export { Rng, hashSeed, type SeedPart } from './rng';
export { createTeacher, type Teacher, type TeacherLayer, type TeacherOptions } from './teacher';
export { readTar, type TarEntry, type TarVisitor } from './tar';
export { parseIdxUint8, type IdxArray, type IdxExpect } from './idx';
export { gunzipFile, gunzipStream, decodedStream, readDecoded } from './gzip';
export { CIFAR10_CLASSES, CIFAR100_FINE, CIFAR100_COARSE } from './cifar';
export * from './errors';
export type { Dataset, Split, SplitName, ChannelStats, DatasetInfo, DatasetDefinition, RawDataset, RawSplit, LoadContext } from './types';
