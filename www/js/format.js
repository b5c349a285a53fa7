// Number, size and time formatting for the page (English, tabular).

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345 → "12,345". */
export const int = (x) => intFmt.format(x);

/** Bytes → "3.2" (MB, 10^6, one decimal). */
export const mb = (bytes) => (bytes / 1e6).toFixed(1);

/** Accuracy as the book's log shows it, four decimals: 0.1045. */
export const acc = (x) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(4));

/** A loss: four significant digits, or the non-finite value as is. */
export function loss(x) {
  if (x == null) return '—';
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1e4) return x.toExponential(2);
  return x.toPrecision(4);
}

/** Iterations per second: "850", "12.3k". */
export function rate(x) {
  if (!Number.isFinite(x) || x <= 0) return '—';
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return intFmt.format(x);
}

/** Milliseconds → "0.8 s", "42 s", "3 min 05 s". */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const r = Math.round(s - 60 * m);
  return `${m} min ${String(r).padStart(2, '0')} s`;
}

/** Where the worker runs the per-epoch evaluations → words for the page. */
export function evaluator(state) {
  switch (state) {
    case 'ready':
      return 'in a second worker, beside training';
    case 'loading':
      return 'second worker starting…';
    case 'inline':
      return 'in the training worker';
    default:
      return state || '—';
  }
}

/** kernelName() → words for the page. */
export function kernel(name) {
  switch (name) {
    case 'relaxed-simd':
      return 'relaxed SIMD';
    case 'simd128':
      return 'SIMD (128-bit)';
    case 'scalar':
      return 'scalar';
    default:
      return name || '—';
  }
}

// ---------------------------------------------------------------------------
// Numbers as the book's Python prints them (a port of crates/cli/src/format.rs)
// ---------------------------------------------------------------------------
//
// An array prints as numpy's print(array) with default options: precision 8,
// floatmode 'maxprec', line width 75. Every element is rounded to at most 8
// decimals, one layout holds for the whole array, and it switches to
// scientific notation when the non-zero magnitudes span more than 1000× or
// leave [1e-4, 1e8): [6. 8.], [-6.11110793e-10  8.14814391e-10].
// JS's toExponential() without an argument gives the shortest digits that
// read back to the same double (as numpy's Dragon4 does); toFixed(n) and
// toExponential(n) round the exact binary value. These functions only lay
// digits out: no arithmetic of the chapter happens here.

const NP_PRECISION = 8;
const NP_LINE_WIDTH = 75;

/** Digits of a toExponential() string: x = ±0.d₁d₂… × 10^decpt. */
function parseExp(s, negativeZero = false) {
  const [m, e] = s.split('e');
  const digits = m.replace(/[^0-9]/g, '').replace(/(?<=.)0+$/, '');
  return { negative: m.startsWith('-') || negativeZero, digits, decpt: Number(e) + 1 };
}
const shortest = (x) => parseExp(x.toExponential(), Object.is(x, -0));
const fractionLen = (d) => Math.max(d.digits.length - d.decpt, 0);

/** Shortest digits, but at most `p` after the decimal point (positional). */
function positional(x, p) {
  const d = shortest(x);
  if (fractionLen(d) <= p) return d;
  const fixed = x.toFixed(p);
  if (/^-?[0.]*$/.test(fixed)) return { negative: x < 0, digits: '0', decpt: 1 };
  const sig = fixed.replace(/[^0-9]/g, '');
  const intLen = fixed.replace(/^-/, '').split('.')[0].length;
  const stripped = sig.replace(/^0+/, '');
  return { negative: x < 0, digits: stripped.replace(/(?<=.)0+$/, ''), decpt: intLen - (sig.length - stripped.length) };
}

/** Shortest digits, but at most `p` after the first (scientific). */
function scientific(x, p) {
  const d = shortest(x);
  return d.digits.length <= p + 1 ? d : parseExp(x.toExponential(p), Object.is(x, -0));
}

function positionalParts(d) {
  const sign = d.negative ? '-' : '';
  const n = d.digits.length;
  if (d.decpt <= 0) return [`${sign}0`, '0'.repeat(-d.decpt) + d.digits];
  if (d.decpt >= n) return [sign + d.digits + '0'.repeat(d.decpt - n), ''];
  return [sign + d.digits.slice(0, d.decpt), d.digits.slice(d.decpt)];
}

function scientificParts(d) {
  return [(d.negative ? '-' : '') + d.digits[0], d.digits.slice(1), d.decpt - 1];
}

/** numpy's FloatingFormat for `values`: one layout for every element. */
function floatFormat(values) {
  const finite = values.filter(Number.isFinite);
  const nonzero = finite.map(Math.abs).filter((v) => v !== 0);
  let exp = false;
  if (nonzero.length) {
    const max = Math.max(...nonzero);
    const min = Math.min(...nonzero);
    exp = max >= 1e8 || min < 1e-4 || max / min > 1000;
  }
  const f = { exp, padLeft: 0, padRight: 0, precision: 0, expSize: 0 };
  for (const v of finite) {
    if (exp) {
      const [int, frac, e] = scientificParts(scientific(v, NP_PRECISION));
      f.padLeft = Math.max(f.padLeft, int.length);
      f.precision = Math.max(f.precision, frac.length);
      f.expSize = Math.max(f.expSize, String(Math.abs(e)).length, 2);
    } else {
      const [int, frac] = positionalParts(positional(v, NP_PRECISION));
      f.padLeft = Math.max(f.padLeft, int.length);
      f.padRight = Math.max(f.padRight, frac.length);
    }
  }
  if (exp) f.padRight = f.expSize + 2 + f.precision;
  if (finite.length < values.length) {
    const infLen = values.includes(-Infinity) ? 4 : 3;
    f.padLeft = Math.max(f.padLeft, infLen - (f.padRight + 1));
  }
  return f;
}

function formatOne(f, x) {
  if (!Number.isFinite(x)) {
    const s = Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
    return s.padStart(f.padLeft + f.padRight + 1);
  }
  if (f.exp) {
    const [int, frac, e] = scientificParts(scientific(x, NP_PRECISION));
    return `${int.padStart(f.padLeft)}.${frac.padEnd(f.precision, '0')}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(f.expSize, '0')}`;
  }
  const [int, frac] = positionalParts(positional(x, NP_PRECISION));
  return `${int.padStart(f.padLeft)}.${frac.padEnd(f.padRight)}`;
}

/** One bracketed row, wrapped as numpy wraps it at `width`. */
function formatRow(words, indent, width) {
  const elemWidth = width - 1; // the closing bracket must fit after the last element
  let out = '';
  let line = indent;
  words.forEach((w, i) => {
    if (line.length + w.length > elemWidth && line.length > indent.length) {
      out += line.trimEnd() + '\n';
      line = indent;
    }
    line += w;
    if (i + 1 < words.length) line += ' ';
  });
  out += line;
  return `[${out.slice(indent.length)}]`;
}

/** print(np.array(v)) for a 1-D array: "[6. 8.]", "[-6.11110793e-10  8.14814391e-10]". */
export function npArray(v) {
  const values = Array.from(v);
  const f = floatFormat(values);
  return formatRow(values.map((x) => formatOne(f, x)), ' ', NP_LINE_WIDTH);
}

/** print(m) for a 2-D array of `cols` columns stored row by row. */
export function npMatrix(data, cols) {
  const values = Array.from(data);
  const f = floatFormat(values);
  const rows = [];
  for (let i = 0; i < values.length; i += cols) {
    rows.push(formatRow(values.slice(i, i + cols).map((x) => formatOne(f, x)), '  ', NP_LINE_WIDTH - 1));
  }
  return `[${rows.join('\n ')}]`;
}

/** A small positive quantity in scientific notation with 2 decimals ("3.14e-9"); 0 as "0". */
export function sci(x, digits = 2) {
  if (x == null || Number.isNaN(x)) return '—';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(digits).replace('e+', 'e');
}

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 10^k as "10⁻⁴" (k an integer). */
export function pow10(k) {
  if (k === 0) return '1';
  if (k === 1) return '10';
  return '10' + String(k).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}
