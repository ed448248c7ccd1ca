// dataset-files.ts in a page (package.json's "browser" field): a page has no dataset cache, so a dataset read from
// files is an error that says what loads instead.
import { DatasetError } from './errors';
import { datasetFiles } from './manifest';

export function ensureDatasetFiles(dataset: string): Promise<Record<string, string>> {
  const files = datasetFiles(dataset).map((f) => f.name);
  return Promise.reject(
    new DatasetError(
      `dataset '${dataset}' is read from files (${files.join(', ')}), which only Node can do; in a browser, load a synthetic dataset ` +
        `(spirals, moons, blobs, xor, checkerboard, teacher), register one whose load() returns the arrays, or pass tensors to fit`,
    ),
  );
}
