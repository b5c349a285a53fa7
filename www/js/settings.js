// The settings form: parsing and validation of the training config.
//
// Invalid values never reach the worker: each field is checked as it is typed,
// its message is shown beside it (aria-invalid + aria-describedby), and
// `read()` returns null while any field is invalid.

/** The book's values (ch04/train_neuralnet.py). */
export const BOOK_DEFAULTS = Object.freeze({
  hidden: 50,
  lr: 0.1,
  batch: 100,
  iters: 10000,
  initStd: 0.01,
  seed: 42,
});

const TRAIN_SIZE = 60000;

/**
 * One entry per field: `int` fields take whole numbers in [min, max]; `positive`
 * fields any finite number > 0 (the learning rate may be absurdly large on
 * purpose: watching a run diverge is part of the lesson); `nonnegative` also 0
 * (init std 0 starts every weight at zero, a lesson of its own).
 * The hidden-size and iteration caps are the page's, to keep memory and time sane.
 */
export const FIELDS = [
  { name: 'hidden', what: 'The hidden size', kind: 'int', min: 1, max: 4096 },
  { name: 'lr', what: 'The learning rate', kind: 'positive', example: '0.1' },
  { name: 'batch', what: 'The batch size', kind: 'int', min: 1, max: TRAIN_SIZE },
  { name: 'iters', what: 'The number of iterations', kind: 'int', min: 1, max: 1_000_000 },
  { name: 'initStd', what: 'The init std', kind: 'nonnegative', example: '0.01' },
  { name: 'seed', what: 'The seed', kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
];

const fmtInt = (x) => x.toLocaleString('en-US');

/**
 * Parses one field's text. Returns `{ value }` or `{ error }` (a sentence for a person).
 * Accepts decimal and exponent notation ("0.1", "1e-3") and thousands commas ("10,000").
 */
export function parseField(field, text) {
  // "10,000" is ten thousand; "0,1" stays invalid rather than becoming 1.
  const s = String(text).trim().replace(/,(?=\d{3}(?!\d))/g, '');
  if (s === '') return { error: `${field.what} is empty: enter a number.` };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) {
    return { error: `${field.what} must be a number; “${String(text).trim()}” is not one.` };
  }
  const x = Number(s);
  if (!Number.isFinite(x)) return { error: `${field.what} is too large to be a finite number.` };
  if (field.kind === 'int') {
    if (!Number.isInteger(x)) return { error: `${field.what} must be a whole number, got ${s}.` };
    if (x < field.min || x > field.max) {
      return { error: `${field.what} must be from ${fmtInt(field.min)} to ${fmtInt(field.max)}, got ${fmtInt(x)}.` };
    }
    return { value: x };
  }
  if (field.kind === 'nonnegative' && x < 0) {
    return { error: `${field.what} must be 0 or a positive number (e.g. ${field.example}), got ${s}.` };
  }
  if (field.kind === 'positive' && x <= 0) {
    return { error: `${field.what} must be a positive number (e.g. ${field.example}), got ${s}.` };
  }
  return { value: x };
}

/** Text for a value in a field ("0.1", "10000"). */
export function formatValue(x) {
  return String(x);
}

/** Binds the form; `onChange(valid)` runs after every edit. */
export class SettingsForm {
  constructor(form, onChange) {
    this.form = form;
    this.onChange = onChange;
    this.inputs = new Map(FIELDS.map((f) => [f.name, form.elements.namedItem(f.name)]));
    this.errors = new Map();
    for (const f of FIELDS) {
      const input = this.inputs.get(f.name);
      input.addEventListener('input', () => {
        this.check(f);
        this.onChange(this.valid);
      });
      input.addEventListener('blur', () => this.check(f));
      this.check(f);
    }
  }

  get valid() {
    return this.errors.size === 0;
  }

  /** Validates one field and shows or clears its message. */
  check(f) {
    const input = this.inputs.get(f.name);
    const { error } = parseField(f, input.value);
    this.show(f.name, error || '');
    return !error;
  }

  /** Shows `message` beside a field ('' clears it). Also used for errors the wasm reports. */
  show(name, message) {
    const input = this.inputs.get(name);
    if (!input) return false;
    const msg = document.getElementById(`${input.id}-msg`);
    msg.textContent = message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      this.errors.set(name, message);
    } else {
      input.removeAttribute('aria-invalid');
      this.errors.delete(name);
    }
    input.closest('.field')?.classList.toggle('invalid', Boolean(message));
    return true;
  }

  /** The config, or null when a field is invalid (then the first bad field is focused). */
  read({ focus = false } = {}) {
    const config = {};
    let firstBad = null;
    for (const f of FIELDS) {
      const input = this.inputs.get(f.name);
      const r = parseField(f, input.value);
      this.show(f.name, r.error || '');
      if (r.error) firstBad ??= input;
      else config[f.name] = r.value;
    }
    if (firstBad) {
      if (focus) firstBad.focus();
      return null;
    }
    return config;
  }

  /** Puts values into the fields (e.g. the book's defaults). */
  fill(values) {
    for (const f of FIELDS) {
      if (values[f.name] != null) this.inputs.get(f.name).value = formatValue(values[f.name]);
      this.check(f);
    }
    this.onChange(this.valid);
  }

  /** Iterations per epoch: ⌈60000 / batch⌉ (600 for the book's run), as the trainer counts them. */
  static itersPerEpoch(batch) {
    return Math.max(Math.ceil(TRAIN_SIZE / batch), 1);
  }
}
