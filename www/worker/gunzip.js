// gzip → IDX bytes, streamed, with the size cap. Only decompression is checked
// here: what the bytes hold (the IDX header, lengths, labels) is the core's to
// check (Trainer.loadMnist, see load.js).

import { DATA_DIR, DataError, FIX_HINT, fmtBytes, realSize, tooLarge } from './files.js';
import { describe } from './runtime.js';

/** gzip → IDX bytes. Accepts an already decoded IDX file too (a server that sent
 *  the .gz with Content-Encoding: gzip): its first bytes are told apart here only
 *  to decide whether to decompress, and to name a file that is neither. */
export async function decode(f, gz) {
  const where = DATA_DIR + f.file;
  if (gz.length >= 2 && gz[0] === 0x1f && gz[1] === 0x8b) return gunzip(f, gz);
  if (gz.length >= 4 && gz[0] === 0 && gz[1] === 0 && gz[2] === 0x08) {
    if (gz.length > f.size) throw new DataError(f.file, tooLarge(f, `it is ${gz.length.toLocaleString('en-US')} bytes long, more than ${realSize(f)}`));
    return gz;
  }
  const head = Array.from(gz.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new DataError(
    f.file,
    `${where} is neither gzip nor IDX data (it starts with ${head || 'nothing: it is empty'}); ` +
      `the server may have sent an error page instead. ${FIX_HINT}`,
  );
}

/** Compressed bytes handed to the decompressor at a time. Deflate inflates at most
 *  about 1032 : 1, so one slice yields at most about 8 MB before the size check runs
 *  (the real training images take about 1200 slices). */
const GUNZIP_SLICE = 8192;

/**
 * gzip → bytes, streamed: the output goes into a buffer of the file's MNIST size
 * and the decompression stops as soon as it would pass that size (a "gzip bomb"
 * never gets further than the real file would). The compressed bytes go in small
 * slices, each written only once the output before it has been read: a decoder
 * given the whole file at once inflates all of it in one step, whatever the
 * reader does. A stream that ends too soon or cannot be decoded means a damaged copy.
 */
async function gunzip(f, gz) {
  const where = DATA_DIR + f.file;
  const out = new Uint8Array(f.size);
  let got = 0;
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let stopped = false;
  // The writes' own rejections (a corrupt stream, our cancel) are seen by the reader below.
  const feed = (async () => {
    for (let o = 0; o < gz.length && !stopped; o += GUNZIP_SLICE) await writer.write(gz.subarray(o, o + GUNZIP_SLICE));
    if (!stopped) await writer.close();
  })();
  feed.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length > out.length - got) {
        stopped = true;
        reader.cancel().catch(() => {});
        throw new DataError(f.file, tooLarge(f, `it decompresses to more bytes than ${realSize(f)}`));
      }
      out.set(value, got);
      got += value.length;
    }
  } catch (e) {
    stopped = true;
    if (e instanceof DataError) throw e;
    // Chromium: "Compressed input was truncated." / "The compressed data was not valid: …";
    // Firefox and Safari word it differently, so only the cut-short case is told apart.
    const cut = /truncat|unexpected end|end of (the )?(stream|input|data)/i.test(describe(e));
    throw new DataError(
      f.file,
      `${where} is damaged: ` +
        (cut
          ? `its gzip data stops short after ${fmtBytes(got)} of decompressed data (an incomplete download or copy)`
          : `its gzip data is corrupt${got > 0 ? ` after ${fmtBytes(got)} of decompressed data` : ''}`) +
        `, so it cannot be decompressed. Replace it with a good copy (scripts/setup.sh writes the MNIST files into www/data ` +
        `again, and "trunk build" copies them to dist/data), check that the server serves it whole, then press Retry.`,
    );
  }
  return got === out.length ? out : out.slice(0, got);
}
