// The page's copy of a run's history: the loss of every iteration (the book's
// train_loss_list) and the per-epoch evaluations (train_acc_list, test_acc_list).

/** A growable Float32Array of losses with cached moving averages and maxima. */
export class LossHistory {
  constructor() {
    this.clear();
  }

  clear() {
    this.values = new Float32Array(16384);
    this.length = 0;
    this.averages = new Map(); // window → { out: Float32Array, len, sum, count }
    this.prefixMax = -Infinity; // max of the finite values seen so far
  }

  /** Appends a batch of losses (copied). */
  push(losses) {
    if (!losses || losses.length === 0) return;
    const need = this.length + losses.length;
    if (need > this.values.length) {
      let cap = this.values.length;
      while (cap < need) cap *= 2;
      const grown = new Float32Array(cap);
      grown.set(this.values.subarray(0, this.length));
      this.values = grown;
    }
    this.values.set(losses, this.length);
    for (let i = 0; i < losses.length; i++) {
      const v = losses[i];
      if (Number.isFinite(v) && v > this.prefixMax) this.prefixMax = v;
    }
    this.length = need;
  }

  /** Largest finite loss among iterations [i0, i1); -Infinity when none. */
  maxFinite(i0, i1) {
    if (i0 === 0 && i1 >= this.length) return this.prefixMax;
    let m = -Infinity;
    const v = this.values;
    for (let i = i0; i < Math.min(i1, this.length); i++) if (Number.isFinite(v[i]) && v[i] > m) m = v[i];
    return m;
  }

  /**
   * Trailing moving average over `window` iterations (non-finite losses are left
   * out of the mean). Kept per window and extended incrementally, so calling it
   * on every frame costs only the new points.
   */
  movingAverage(window) {
    let a = this.averages.get(window);
    if (!a) {
      a = { out: new Float32Array(0), len: 0, sum: 0, count: 0 };
      this.averages.set(window, a);
    }
    if (a.out.length < this.values.length) {
      const grown = new Float32Array(this.values.length);
      grown.set(a.out.subarray(0, a.len));
      a.out = grown;
    }
    const v = this.values;
    for (let i = a.len; i < this.length; i++) {
      const x = v[i];
      if (Number.isFinite(x)) {
        a.sum += x;
        a.count++;
      }
      if (i >= window) {
        const y = v[i - window];
        if (Number.isFinite(y)) {
          a.sum -= y;
          a.count--;
        }
      }
      a.out[i] = a.count > 0 ? a.sum / a.count : NaN;
    }
    a.len = this.length;
    return a.out;
  }
}
