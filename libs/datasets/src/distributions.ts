/**
 * Datasets that operating-system distributions package, and where the package puts the files: offline, the
 * quickest way to a dataset is often the package manager (its mirror is usually reachable where the internet is
 * not) followed by `sugar data import`. Checked with `apt-cache search dataset-` (Debian 13): Debian packages only
 * Fashion-MNIST.
 */
export interface DistributionPackage {
  /** Who ships it, as said to the user. */
  distributions: string;
  /** The command that installs it. */
  install: string;
  /** Where the installed package keeps the dataset's files. */
  dir: string;
}

const PACKAGES: Record<string, DistributionPackage> = {
  'fashion-mnist': {
    distributions: 'Debian and Ubuntu',
    install: 'sudo apt-get install dataset-fashion-mnist',
    dir: '/usr/share/datasets/fashion-mnist',
  },
};

/** The distribution package holding `dataset`, if any distribution packages it. */
export function distributionPackage(dataset: string): DistributionPackage | undefined {
  return Object.hasOwn(PACKAGES, dataset) ? PACKAGES[dataset] : undefined;
}
