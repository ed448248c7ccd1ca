import { expect, it } from 'vitest';
import { ensureDatasetFiles } from './dataset-files.browser';
import { DatasetError } from './errors';

// What a page's loadDataset says for a dataset read from files (a registered one with files; the built-in ones read
// from files are not registered in a page).
it('refuses a dataset read from files, naming its files and what loads in a browser', async () => {
  const err = await ensureDatasetFiles('mnist').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DatasetError);
  expect((err as Error).message).toBe(
    "dataset 'mnist' is read from files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz), " +
      'which only Node can do; in a browser, load a synthetic dataset (spirals, moons, blobs, xor, checkerboard, teacher), ' +
      'register one whose load() returns the arrays, or pass tensors to fit',
  );
});
