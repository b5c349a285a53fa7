// The settings form, rendered from the core's schema of the training settings
// (descent_core::schema::FIELDS, through descent-web's configSchema()): each
// field's name, label, hint, bounds and default are defined once, in Rust, and
// the CLI reads the same table for its flags.
//
// Invalid values never reach the worker: each field is checked as it is typed,
// by the core's own check (checkSetting, the CLI's too) once the text reads as
// a number; its message is shown beside it (aria-invalid + aria-describedby),
// and `read()` returns null while any field is invalid.

import { describe, loadWasm } from './chapter/wasm.js';

const TRAIN_SIZE = 60000;

const fmtInt = (x) => x.toLocaleString('en-US');

/** "The learning rate must be …, got -1." from the core's "the learning rate must be …, got -1". */
const sentence = (s) => s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.');

/**
 * Reads one field's text as a number: `{ value }` or `{ error }` (a sentence for
 * a person). Accepts decimal and exponent notation ("0.1", "1e-3") and thousands
 * commas ("10,000"). Only the text is read here; its bounds are the core's
 * (`check`, the schema's one check).
 */
export function parseField(field, text, check) {
  const what = sentence(field.what).slice(0, -1);
  // "10,000" is ten thousand; "0,1" stays invalid rather than becoming 1.
  const s = String(text).trim().replace(/,(?=\d{3}(?!\d))/g, '');
  if (s === '') return { error: `${what} is empty: enter a number.` };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) {
    return { error: `${what} must be a number; “${String(text).trim()}” is not one.` };
  }
  const x = Number(s);
  if (!Number.isFinite(x)) return { error: `${what} is too large to be a finite number.` };
  const problem = check(field.name, x);
  return problem ? { error: sentence(problem) } : { value: x };
}

/** Text for a value in a field ("0.1", "10000"). */
export function formatValue(x) {
  return String(x);
}

/** The hint with the bounds a person may type: "neurons in the hidden layer (1 to 10,000)". */
function hintText(f) {
  // A bound past a trillion (the seed's 2⁵³ − 1) says nothing a person needs.
  if (f.kind === 'int' && f.max >= 1e12) return `${f.hint} (a whole number ≥ ${fmtInt(f.min)})`;
  if (f.kind === 'int') return `${f.hint} (${fmtInt(f.min)} to ${fmtInt(f.max)})`;
  if (f.kind === 'size') return `${f.hint} (${fmtInt(f.min)} to the training set's size)`;
  if (f.kind === 'positive') return `${f.hint} (> 0)`;
  return `${f.hint} (≥ 0)`;
}

/** One field's markup, from its schema entry. */
function renderField(f) {
  const id = `f-${f.name}`;
  const div = document.createElement('div');
  div.className = 'field';
  div.dataset.field = f.name;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = f.label;
  const input = document.createElement('input');
  Object.assign(input, { id, name: f.name, type: 'text', autocomplete: 'off', spellcheck: false, value: formatValue(f.default) });
  input.inputMode = f.kind === 'int' || f.kind === 'size' ? 'numeric' : 'decimal';
  input.dataset.testid = `field-${f.name}`;
  input.setAttribute('aria-describedby', `${id}-hint ${id}-msg`);
  const hint = document.createElement('p');
  hint.className = 'hint';
  hint.id = `${id}-hint`;
  hint.textContent = hintText(f);
  const msg = document.createElement('p');
  msg.className = 'field-msg';
  msg.id = `${id}-msg`;
  msg.dataset.testid = `msg-${f.name}`;
  div.append(label, input, hint, msg);
  return div;
}

/**
 * Binds the form. `container` receives the fields once the schema is here;
 * `onChange(valid)` runs after every edit and once the fields are ready.
 */
export class SettingsForm {
  constructor(form, container, note, onChange) {
    this.form = form;
    this.container = container;
    this.note = note;
    this.onChange = onChange;
    /** The schema's entries, in the order shown ([] until loaded). */
    this.fields = [];
    this.inputs = new Map();
    this.errors = new Map();
    /** The book's values, from the schema (null until loaded). */
    this.defaults = null;
    this.check = () => null;
    /** Resolves once the fields are on the page (or the schema failed to load); null after a failure. */
    this.loading = null;
    this.load();
  }

  /**
   * Fetches the schema from the wasm module and renders the fields; after a
   * failure (the module could not load), call it again, e.g. once the worker
   * has loaded the module. Resolves when done either way.
   */
  load() {
    // Rendered, or on its way: once is enough (a failed load is tried again).
    if (this.loading) return this.loading;
    this.loading = loadWasm().then(
      (mod) => this.render(mod.configSchema(), (name, x) => mod.checkSetting(name, x), () => mod.newSeed()),
      (e) => {
        this.loading = null;
        this.failed(e);
      },
    );
    return this.loading;
  }

  render(schema, check, newSeed) {
    this.fields = schema;
    this.check = check;
    this.defaults = Object.fromEntries(schema.map((f) => [f.name, f.default]));
    this.container.replaceChildren(...schema.map(renderField));
    this.container.removeAttribute('aria-busy');
    this.inputs = new Map(schema.map((f) => [f.name, this.form.elements.namedItem(f.name)]));
    for (const f of schema) {
      const input = this.inputs.get(f.name);
      input.addEventListener('input', () => {
        this.checkField(f);
        this.onChange(this.valid);
      });
      input.addEventListener('blur', () => this.checkField(f));
      this.checkField(f);
    }
    // A fresh seed (the browser's cryptographic generator, through getrandom in wasm).
    const seed = this.inputs.get('seed');
    if (seed && newSeed) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'linklike new-seed';
      button.id = 'btn-new-seed';
      button.textContent = 'New seed';
      button.setAttribute('aria-describedby', 'f-seed-hint');
      button.addEventListener('click', () => {
        seed.value = formatValue(newSeed());
        this.checkField(schema.find((f) => f.name === 'seed'));
        this.onChange(this.valid);
      });
      seed.closest('.field').querySelector('.hint').after(button);
    }
    const book = schema.filter((f) => f.name !== 'seed').map((f) => `${f.label.toLowerCase()} ${fmtInt(f.default)}`);
    this.note.textContent = `The book's values: ${book.join(', ')}.`;
    this.form.querySelector('#btn-defaults')?.removeAttribute('disabled');
    this.onChange(this.valid);
  }

  failed(e) {
    this.container.removeAttribute('aria-busy');
    const p = document.createElement('p');
    p.className = 'field-msg';
    p.setAttribute('role', 'alert');
    p.textContent = `The settings could not be loaded (${describe(e)}); they load again when the worker restarts, or reload the page.`;
    this.container.replaceChildren(p);
    this.onChange(false);
  }

  /** Whether every field is on the page and valid. */
  get valid() {
    return this.fields.length > 0 && this.errors.size === 0;
  }

  /** Validates one field and shows or clears its message. */
  checkField(f) {
    const { error } = parseField(f, this.inputs.get(f.name).value, this.check);
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

  /** The config, or null when a field is invalid or the fields are not here yet (then the first bad field is focused). */
  read({ focus = false } = {}) {
    if (this.fields.length === 0) return null;
    const config = {};
    let firstBad = null;
    for (const f of this.fields) {
      const input = this.inputs.get(f.name);
      const r = parseField(f, input.value, this.check);
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
    for (const f of this.fields) {
      if (values[f.name] != null) this.inputs.get(f.name).value = formatValue(values[f.name]);
      this.checkField(f);
    }
    this.onChange(this.valid);
  }

  /** Iterations per epoch: ⌈60000 / batch⌉ (600 for the book's run), as the trainer counts them. */
  static itersPerEpoch(batch) {
    return Math.max(Math.ceil(TRAIN_SIZE / batch), 1);
  }
}
