// The built-in synthetic datasets: generated from the seed, no files, in Node and in a page.
import { withOptions } from './builtin-options';
import { blobs, checkerboard, moons, spirals, teacher, xor } from './synthetic';
import type { DatasetDefinition } from './types';

export const SYNTHETIC_DATASETS: DatasetDefinition[] = [spirals, moons, blobs, xor, checkerboard, teacher].map(withOptions);
