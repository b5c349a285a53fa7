// Small helpers shared by the chapter's panels.

export const $ = (id) => document.getElementById(id);

/** Sets an element's text only when it changes (keeps screen readers quiet). */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/** A finite number from text ("0.1", "1e-10", " 4 "), or null. Empty text is null. */
export function parseNumber(text) {
  const s = String(text ?? '').trim();
  if (s === '') return null;
  const x = Number(s);
  return Number.isFinite(x) ? x : null;
}

/** "0.6,0.9" → [0.6, 0.9], or null when any element is not a finite number. */
export function parseList(text) {
  const parts = String(text ?? '').split(',');
  const out = parts.map(parseNumber);
  return out.some((x) => x === null) ? null : out;
}

/**
 * Marks a text input valid or invalid: aria-invalid, and the message in the
 * element named by its data-msg attribute (also linked by aria-describedby).
 */
export function markField(input, message) {
  const msg = input.dataset.msg ? $(input.dataset.msg) : null;
  if (message) {
    input.setAttribute('aria-invalid', 'true');
    input.closest('.field')?.classList.add('invalid');
  } else {
    input.removeAttribute('aria-invalid');
    input.closest('.field')?.classList.remove('invalid');
  }
  if (msg) setText(msg, message || '');
}

/**
 * Pointer input on a canvas in CSS pixels: `onPoint(x, y, e)` on press, drag
 * (captured) and, with `hover`, on plain moves. Returns a detach function.
 */
export function pointerOn(canvas, onPoint, { hover = false } = {}) {
  let dragging = false;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    onPoint(e.clientX - r.left, e.clientY - r.top, e);
  };
  const down = (e) => {
    if (e.button !== 0) return;
    dragging = true;
    canvas.setPointerCapture?.(e.pointerId);
    e.preventDefault();
    at(e);
  };
  const move = (e) => {
    if (dragging || (hover && e.pointerType === 'mouse')) at(e);
  };
  const up = () => {
    dragging = false;
  };
  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  return () => {
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
  };
}

/**
 * Arrow keys on a focused element: `onMove(dx, dy, e)` with dx, dy in {-1, 0, 1}
 * (dy = +1 is up) and `e.shiftKey` for bigger steps. Home/End/PageUp/PageDown
 * go to `onKey(key, e)` when given.
 */
export function arrowKeys(el, onMove, onKey) {
  el.addEventListener('keydown', (e) => {
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (d && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      onMove(d[0], d[1], e);
    } else if (onKey && ['Home', 'End', 'PageUp', 'PageDown'].includes(e.key)) {
      e.preventDefault();
      onKey(e.key, e);
    }
  });
}

/** Rounds away binary noise from a value moved by keyboard steps (0.1 + 0.2 → 0.3). */
export const tidy = (x, decimals = 6) => Number(x.toFixed(decimals));

/** A number as text for an input and a link: the shortest form that reads back exactly. */
export const numText = (x) => String(x);

/** Sets a text input's value unless the user is typing an equal number in it. */
export function fillInput(input, x) {
  if (document.activeElement === input && parseNumber(input.value) === x) return;
  input.value = numText(x);
}
