import { IdxFormatError } from './errors';
import { readDecoded } from './gzip';
import { checkIdxLabels, parseIdxUint8 } from './idx';
import type { DatasetDefinition, LoadContext, RawSplit } from './types';

const HW = 28;

function loadIdxSplit(ctx: LoadContext, images: string, labels: string): RawSplit {
  const entry = (n: string) => ctx.files.find((f) => f.name === n);
  const count = (n: string) => {
    const r = entry(n)?.records;
    return typeof r === 'number' ? r : undefined;
  };
  // The verified file: the published .gz, a re-gzipped copy, or the decompressed IDX file.
  const imgFile = ctx.paths[images];
  const labFile = ctx.paths[labels];
  const img = parseIdxUint8(readDecoded(imgFile), imgFile, { rank: 3, dims: [HW, HW], count: count(images) });
  const lab = parseIdxUint8(readDecoded(labFile), labFile, { rank: 1, count: count(labels) });
  if (lab.dims[0] !== img.dims[0])
    throw new IdxFormatError('idx-count', labFile, `${img.dims[0]} labels (one per image in ${images})`, `${lab.dims[0]} labels`, 4, 'decompressed IDX stream');
  checkIdxLabels(lab.data, 10, labFile);
  return { x: img.data, y: Int32Array.from(lab.data) };
}

/** MNIST, Fashion-MNIST and KMNIST share the IDX layout: 28x28 uint8 images, 10 classes, 60000/10000. */
function idxDataset(name: string, title: string, homepage: string, classNames: string[], description: string): DatasetDefinition {
  return {
    info: {
      name,
      title,
      kind: 'image',
      description,
      shape: [HW, HW, 1],
      numClasses: 10,
      classNames,
      trainSize: 60000,
      testSize: 10000,
      homepage,
      defaults: {},
    },
    load(_options, _seed, ctx) {
      return {
        train: loadIdxSplit(ctx, 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
        test: loadIdxSplit(ctx, 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'),
        shape: [HW, HW, 1],
        numClasses: 10,
        classNames,
      };
    },
  };
}

export const mnist = idxDataset(
  'mnist',
  'MNIST',
  'https://yann.lecun.com/exdb/mnist/',
  ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'Handwritten digits, 28x28 grey, 10 classes (IDX, gzip).',
);

export const fashionMnist = idxDataset(
  'fashion-mnist',
  'Fashion-MNIST',
  'https://github.com/zalandoresearch/fashion-mnist',
  ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  'Zalando article images, 28x28 grey, 10 classes (IDX, gzip).',
);

export const kmnist = idxDataset(
  'kmnist',
  'Kuzushiji-MNIST',
  'https://github.com/rois-codh/kmnist',
  ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
  'Cursive Japanese (Kuzushiji) hiragana, 28x28 grey, 10 classes (IDX, gzip).',
);
