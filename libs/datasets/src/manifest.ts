/** Size and digests of some bytes: a whole file, a decompressed payload, or one member of an archive. */
export interface Digests {
  size?: number;
  sha256?: string;
  md5?: string;
}

/**
 * Every file a dataset downloads: its name in the cache, where it comes from, and the pinned size and
 * digests. Verification checks every digest recorded here. SHA-256 is recorded where the published value
 * is corroborated by several independent sources; MD5 is the value the dataset authors (or torchvision)
 * publish. KMNIST has only its published MD5. docs/datasets.md names the sources of every value.
 *
 * `payload` and `members` pin the content rather than the wrapper, so that a copy that was re-gzipped
 * (a distribution's package), decompressed (torchvision's layout) or unpacked is accepted as well: the
 * decompressed bytes of an IDX file, and each member of a CIFAR archive.
 */
export interface DataFile {
  /** File name inside `<dataDir>/<dataset>/`. */
  name: string;
  /** Download URLs, tried in order. */
  urls: string[];
  size?: number;
  sha256?: string;
  md5?: string;
  /**
   * Sample counts the parser must find: a number for a single IDX file, or per tar member for an archive.
   * Left out, the parser still checks every structural rule (record size, header, dims), just not the count.
   */
  records?: number | Record<string, number>;
  /** Digests of the decompressed file (IDX files: accepts re-gzipped and decompressed copies). */
  payload?: Digests;
  /** Digests of archive members by path (CIFAR: accepts re-compressed archives and unpacked directories). */
  members?: Record<string, Digests>;
}

const MNIST_URLS = ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'];
const FASHION_URLS = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/',
];
const KMNIST_URLS = ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/'];
const CIFAR_URLS = ['https://www.cs.toronto.edu/~kriz/'];

function idx(bases: string[], name: string, records: number, d: Omit<DataFile, 'name' | 'urls' | 'records'>): DataFile {
  return { name, urls: bases.map((b) => b + name), records, ...d };
}

// Decompressed IDX sizes follow from the format: a 16-byte header and 784 bytes per image, 8 + 1 per label.
const IMAGES_60K = 16 + 60000 * 784;
const LABELS_60K = 8 + 60000;
const IMAGES_10K = 16 + 10000 * 784;
const LABELS_10K = 8 + 10000;
const CIFAR10_MEMBER_BYTES = 10000 * 3073;

const CIFAR10_MEMBERS: Record<string, number> = {
  'cifar-10-batches-bin/data_batch_1.bin': 10000,
  'cifar-10-batches-bin/data_batch_2.bin': 10000,
  'cifar-10-batches-bin/data_batch_3.bin': 10000,
  'cifar-10-batches-bin/data_batch_4.bin': 10000,
  'cifar-10-batches-bin/data_batch_5.bin': 10000,
  'cifar-10-batches-bin/test_batch.bin': 10000,
};

// MD5 of each member of cifar-10-binary.tar.gz, as several independent fetch scripts pin them (no
// SHA-256 of the members is published). CIFAR-100's members have no published digest: only its archive is pinned.
const CIFAR10_MEMBER_MD5: Record<string, string> = {
  'cifar-10-batches-bin/data_batch_1.bin': '5dd7e06a14cb22eb9f671a540d1b7c25',
  'cifar-10-batches-bin/data_batch_2.bin': '5ea93a67294ea407fff1d09f752e9692',
  'cifar-10-batches-bin/data_batch_3.bin': '942cd6a4bcdd0dd3c604fbe906cb4421',
  'cifar-10-batches-bin/data_batch_4.bin': 'ae636b3ba5c66a11e91e8cb52e771fcb',
  'cifar-10-batches-bin/data_batch_5.bin': '53f37980c15c3d472c316c40844f3f0d',
  'cifar-10-batches-bin/test_batch.bin': '803d5f7f4d78ea53de84dbe85f74fb6d',
};

const BUILTIN: Record<string, DataFile[]> = {
  mnist: [
    idx(MNIST_URLS, 'train-images-idx3-ubyte.gz', 60000, {
      size: 9912422,
      sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      payload: { size: IMAGES_60K, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db', md5: '6bbc9ace898e44ae57da46a324031adb' },
    }),
    idx(MNIST_URLS, 'train-labels-idx1-ubyte.gz', 60000, {
      size: 28881,
      sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      md5: 'd53e105ee54ea40749a09fcbcd1e9432',
      payload: { size: LABELS_60K, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5', md5: 'a25bea736e30d166cdddb491f175f624' },
    }),
    idx(MNIST_URLS, 't10k-images-idx3-ubyte.gz', 10000, {
      size: 1648877,
      sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      md5: '9fb629c4189551a2d022fa330f9573f3',
      payload: { size: IMAGES_10K, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7', md5: '2646ac647ad5339dbf082846283269ea' },
    }),
    idx(MNIST_URLS, 't10k-labels-idx1-ubyte.gz', 10000, {
      size: 4542,
      sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      md5: 'ec29112dd5afa0611ce80d1b7f02629c',
      payload: { size: LABELS_10K, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', md5: '27ae3e4e09519cfbb04c329615203637' },
    }),
  ],
  'fashion-mnist': [
    idx(FASHION_URLS, 'train-images-idx3-ubyte.gz', 60000, {
      size: 26421880,
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      payload: { size: IMAGES_60K, sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888', md5: 'f4a8712d7a061bf5bd6d2ca38dc4d50a' },
    }),
    idx(FASHION_URLS, 'train-labels-idx1-ubyte.gz', 60000, {
      size: 29515,
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      md5: '25c81989df183df01b3e8a0aad5dffbe',
      payload: { size: LABELS_60K, sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9', md5: '9018921c3c673c538a1fc5bad174d6f9' },
    }),
    idx(FASHION_URLS, 't10k-images-idx3-ubyte.gz', 10000, {
      size: 4422102,
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      md5: 'bef4ecab320f06d8554ea6380940ec79',
      payload: { size: IMAGES_10K, sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b', md5: '8181f5470baa50b63fa0f6fddb340f0a' },
    }),
    idx(FASHION_URLS, 't10k-labels-idx1-ubyte.gz', 10000, {
      size: 5148,
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      md5: 'bb300cfdad3c16e7a12a480ee83cd310',
      payload: { size: LABELS_10K, sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34', md5: '15d484375f8d13e6eb1aabb0c3f46965' },
    }),
  ],
  kmnist: [
    idx(KMNIST_URLS, 'train-images-idx3-ubyte.gz', 60000, { size: 18165135, md5: 'bdb82020997e1d708af4cf47b453dcf7' }),
    idx(KMNIST_URLS, 'train-labels-idx1-ubyte.gz', 60000, { md5: 'e144d726b3acfaa3e44228e80efcd344' }),
    idx(KMNIST_URLS, 't10k-images-idx3-ubyte.gz', 10000, { md5: '5c965bf0a639b31b8f53240b1b52f4d7' }),
    idx(KMNIST_URLS, 't10k-labels-idx1-ubyte.gz', 10000, { md5: '7320c461ea6c1c855c0b718fb2a4b134' }),
  ],
  cifar10: [
    {
      name: 'cifar-10-binary.tar.gz',
      urls: CIFAR_URLS.map((b) => b + 'cifar-10-binary.tar.gz'),
      size: 170052171,
      sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
      md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      records: CIFAR10_MEMBERS,
      members: Object.fromEntries(Object.entries(CIFAR10_MEMBER_MD5).map(([m, md5]) => [m, { size: CIFAR10_MEMBER_BYTES, md5 }])),
    },
  ],
  cifar100: [
    {
      name: 'cifar-100-binary.tar.gz',
      urls: CIFAR_URLS.map((b) => b + 'cifar-100-binary.tar.gz'),
      size: 168513733,
      sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
      md5: '03b5dce01913d631647c71ecec9e9cb8',
      records: { 'cifar-100-binary/train.bin': 50000, 'cifar-100-binary/test.bin': 10000 },
    },
  ],
};

const overrides = new Map<string, DataFile[]>();

/**
 * The files dataset `name` needs (empty for synthetic sets), with any override applied.
 *
 * @param name the dataset's name
 */
export function datasetFiles(name: string): DataFile[] {
  return (overrides.get(name) ?? BUILTIN[name] ?? []).map((f) => ({ ...f, urls: [...f.urls] }));
}

/**
 * Replaces the file list of a dataset (tests register fixture digests this way; a lab can pin a private
 * re-release). Returns a function that restores the previous list.
 *
 * @param name the dataset's name
 * @param files the new file list, or a function from the built-in list to it
 */
export function overrideDatasetFiles(name: string, files: DataFile[] | ((builtin: DataFile[]) => DataFile[])): () => void {
  const had = overrides.has(name);
  const prev = overrides.get(name);
  const next = typeof files === 'function' ? files(datasetFiles(name)) : files;
  overrides.set(name, next);
  return () => {
    if (had) overrides.set(name, prev!);
    else overrides.delete(name);
  };
}
