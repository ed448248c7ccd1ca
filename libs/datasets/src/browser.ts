// The public API of @sugar-lab/datasets in a browser, by name (package.json's "browser" export): the registry, the
// synthetic datasets (loadDataset loads them in a page; a dataset read from files says it needs Node), batches.
// Node's entry (index.ts) adds the data cache. src/browser.test.ts snapshots this list (api-browser.txt).

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
