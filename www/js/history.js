// The page's copy of a run's history: the loss of every iteration (the book's
// train_loss_list) and the per-epoch evaluations (train_acc_list, test_acc_list).

/** A growable Float32Array of losses with prefix sums for O(1) window means. */
export class LossHistory {
  constructor() {
    this.clear();
  }

  clear() {
    this.values = new Float32Array(16384);
    this.length = 0;
    // sums[i] / counts[i]: sum and number of the finite losses among the first i
    // (non-finite losses are left out of every mean)
    this.sums = new Float64Array(16384 + 1);
    this.counts = new Uint32Array(16384 + 1);
    this.prefixMax = -Infinity; // max of the finite values so far
  }

  /** Appends a batch of losses (copied). */
  push(losses) {
    if (!losses || losses.length === 0) return;
    const need = this.length + losses.length;
    if (need > this.values.length) {
      let cap = this.values.length;
      while (cap < need) cap *= 2;
      this.values = grow(this.values, cap, this.length);
      this.sums = grow(this.sums, cap + 1, this.length + 1);
      this.counts = grow(this.counts, cap + 1, this.length + 1);
    }
    this.values.set(losses, this.length);
    for (let i = this.length; i < need; i++) {
      const v = this.values[i];
      const ok = Number.isFinite(v);
      this.sums[i + 1] = this.sums[i] + (ok ? v : 0);
      this.counts[i + 1] = this.counts[i] + (ok ? 1 : 0);
      if (ok && v > this.prefixMax) this.prefixMax = v;
    }
    this.length = need;
  }

  /** Mean of the finite losses among iterations [i0, i1) (clamped); NaN when none. */
  mean(i0, i1) {
    const a = Math.max(0, i0);
    const b = Math.min(this.length, i1);
    if (b <= a) return NaN;
    const n = this.counts[b] - this.counts[a];
    return n > 0 ? (this.sums[b] - this.sums[a]) / n : NaN;
  }

  /**
   * Centred moving average over `window` iterations at iteration i (the window
   * shrinks at both ends, so the newest points are averaged over what exists).
   */
  movingAverage(i, window) {
    const half = Math.floor(window / 2);
    return this.mean(i - half, i + half + 1);
  }

  /** Largest finite loss among iterations [i0, i1); -Infinity when none. */
  maxFinite(i0, i1) {
    if (i0 <= 0 && i1 >= this.length) return this.prefixMax;
    let m = -Infinity;
    const v = this.values;
    for (let i = Math.max(i0, 0); i < Math.min(i1, this.length); i++) if (Number.isFinite(v[i]) && v[i] > m) m = v[i];
    return m;
  }
}

function grow(a, cap, keep) {
  const b = new a.constructor(cap);
  b.set(a.subarray(0, keep));
  return b;
}
