// The four MNIST files, where they are, and the words for what can be wrong with one.

/** `gzSize`: the gzip files placed by scripts/setup.sh (gzip -9), used for the
 *  progress total until the server's Content-Length is known. `size`: the MNIST
 *  file once decompressed (IDX header + data), the most bytes it can have: the
 *  download and the decompression stop there, so a small file that inflates to
 *  gigabytes (a "gzip bomb") costs no more memory than the real one. */
export const FILES = [
  { key: 'trainImages', file: 'train-images-idx3-ubyte.gz', kind: 'images', gzSize: 9719462, size: 47040016 },
  { key: 'trainLabels', file: 'train-labels-idx1-ubyte.gz', kind: 'labels', gzSize: 28881, size: 60008 },
  { key: 'testImages', file: 't10k-images-idx3-ubyte.gz', kind: 'images', gzSize: 1616531, size: 7840016 },
  { key: 'testLabels', file: 't10k-labels-idx1-ubyte.gz', kind: 'labels', gzSize: 4540, size: 10008 },
];
/** Most bytes a download may have: the decompressed size plus room for gzip's
 *  own overhead on data that does not compress (a few bytes per 16 KB block). */
export const maxDownload = (f) => f.size + Math.ceil(f.size / 1024) + 1024;
/** IDX header lengths: images (magic + 3 dimensions), labels (magic + 1). Once the
 *  core has checked the files (load.js), the pixels and labels start there. */
export const IMAGES_HEADER = 16;
export const LABELS_HEADER = 8;
/** Relative to the worker's script (worker.js, in dist/'s root). */
export const DATA_DIR = 'data/';
export const CACHE_NAME = 'descent-mnist-v1';
export const FIX_HINT =
  'The MNIST files are put in www/data by scripts/setup.sh and copied to dist/data by ' +
  '"trunk build"; check that the server serves them, then press Retry.';

/** A problem with one data file: the message says what is wrong and what to do. */
export class DataError extends Error {
  constructor(file, message) {
    super(message);
    this.file = file;
  }
}

/** The message for a data file bigger than its MNIST file: `how` says how we know. */
export function tooLarge(f, how) {
  return (
    `${DATA_DIR}${f.file} is larger than an MNIST file can be: ${how}. Reading it stopped there. ` +
    `It is not the MNIST file (another file under its name, or a damaged one). ${FIX_HINT}`
  );
}

/** "the real train-images-idx3-ubyte (47,040,016 bytes)" */
export const realSize = (f) => `the real ${f.file.replace(/\.gz$/, '')} (${f.size.toLocaleString('en-US')} bytes)`;

/** 47040016 → "47.0 MB", 60008 → "60.0 kB", 5 → "5 bytes". */
export function fmtBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}
