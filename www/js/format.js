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
