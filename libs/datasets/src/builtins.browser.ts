// builtins.ts in a page (package.json's "browser" field): the synthetic datasets alone, since the others are read
// from files on disk.
import { SYNTHETIC_DATASETS } from './synthetic-builtins';
import type { DatasetDefinition } from './types';

export const BUILTIN_DATASETS: DatasetDefinition[] = SYNTHETIC_DATASETS;
