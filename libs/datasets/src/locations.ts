import * as fs from 'node:fs';
import * as path from 'node:path';
import { acceptedNames } from './verify';
import { datasetFiles } from './manifest';

// Where distributions' dataset packages put their files (Debian's dataset-fashion-mnist:
// /usr/share/datasets/fashion-mnist/), and the usual local equivalents.
const SYSTEM_ROOTS = ['/usr/share/datasets', '/usr/local/share/datasets', '/opt/datasets'];

/** The roots searched for system copies: `SUGAR_DATA_SEARCH_PATH` (colon-separated) if set, else the system ones. */
export function dataSearchPath(): string[] {
  const env = process.env.SUGAR_DATA_SEARCH_PATH;
  return env !== undefined ? env.split(path.delimiter).filter(Boolean) : SYSTEM_ROOTS;
}

/**
 * Directories `<root>/<dataset>` on this machine that hold at least one file with a name the dataset
 * accepts (nothing is hashed here: `sugar data import` verifies what it brings in).
 *
 * @param dataset the dataset's name
 */
export function findLocalCopies(dataset: string): string[] {
  const names = new Set(datasetFiles(dataset).flatMap((e) => acceptedNames(e)));
  if (names.size === 0) return [];
  return dataSearchPath()
    .map((root) => path.join(root, dataset))
    .filter((dir) => {
      try {
        return fs.readdirSync(dir).some((n) => names.has(n));
      } catch {
        return false;
      }
    });
}
