// Shareable panel state in the URL hash: #descent?lr=10&steps=100&x0=-3&x1=4.
//
// Each panel has an id (its element id), `state()` → {key: text} and
// `restore(params)`. Opening the page with such a hash (or changing the hash)
// restores that panel and scrolls to it; "Copy link" builds the link.

/**
 * Parses "#id?k=v&k2=v2" → {id, params, query: true, malformed: []}; "#id" → {id, params: {}, query: false}.
 * `malformed` lists the pairs that could not be decoded (a broken %-escape), as written.
 */
export function parseHash(hash) {
  const m = /^#([\w-]+)(?:\?(.*))?$/.exec(hash || '');
  if (!m) return null;
  const params = {};
  const malformed = [];
  for (const part of (m[2] || '').split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    try {
      // no '+' → space here: "1e+3" stays a number
      params[decodeURIComponent(i < 0 ? part : part.slice(0, i))] = i < 0 ? '' : decodeURIComponent(part.slice(i + 1));
    } catch {
      malformed.push(part); // a broken escape: that pair is not used, and the page says so
    }
  }
  return { id: m[1], params, query: m[2] != null, malformed };
}

/** At most this many characters of a value are quoted back (a link can carry anything). */
const QUOTE_MAX = 40;
const quote = (s) => (s.length > QUOTE_MAX ? s.slice(0, QUOTE_MAX) + '…' : s);

/**
 * What a link's values came to: `dropped` = [{key, why}] from the panel's
 * restore, plus keys the panel does not have and pairs that could not be read.
 * Returns [{text, why}] ("lr=abc", "The learning rate must be …"), empty when all were used.
 */
export function droppedValues(h, panel, dropped) {
  const out = [];
  const known = new Set(Object.keys(panel.state()));
  for (const d of dropped || []) {
    out.push({ text: d.key in h.params ? `${d.key}=${quote(String(h.params[d.key]))}` : d.key, why: d.why });
  }
  for (const [k, v] of Object.entries(h.params)) {
    if (!known.has(k)) {
      out.push({ text: `${quote(k)}=${quote(v)}`, why: `This panel has no setting “${quote(k)}” (its settings: ${[...known].join(', ')}).` });
    }
  }
  for (const part of h.malformed || []) out.push({ text: quote(part), why: 'It is not a valid URL escape (a % not followed by two hex digits), so it could not be read.' });
  return out;
}

const PANEL_NOTE = 'The panel shows its own values for those instead; change them here, or ask for a corrected link.';

/**
 * Shows (or, with an empty list, removes) the notice that a link's values were not
 * all used, at the top of the element `where`: which values and why, and that the
 * panel kept its own values for them.
 */
export function showLinkNotice(where, items, { panelName, after = null, note = PANEL_NOTE } = {}) {
  const old = where.querySelector(':scope > .link-notice');
  if (!items.length) {
    old?.remove();
    return null;
  }
  const box = document.createElement('div');
  box.className = 'link-notice';
  box.setAttribute('role', 'alert');
  box.dataset.testid = 'link-notice';
  const head = document.createElement('p');
  head.textContent =
    items.length === 1
      ? `This link has a value that was not used${panelName ? ` in ${panelName}` : ''}:`
      : `This link has ${items.length} values that were not used${panelName ? ` in ${panelName}` : ''}:`;
  const list = document.createElement('ul');
  for (const it of items) {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = it.text;
    li.append(code, ` — ${it.why}`);
    list.append(li);
  }
  const tail = document.createElement('p');
  tail.textContent = note;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => box.remove());
  box.append(head, list, tail, close);
  if (old) old.replaceWith(box);
  else if (after && after.parentElement === where) after.after(box);
  else where.prepend(box);
  return box;
}

const enc = (v) => encodeURIComponent(String(v)).replace(/%2C/gi, ',').replace(/%3A/gi, ':');

/** The page's URL with `#id?state` for a panel. */
export function linkFor(panel) {
  const q = Object.entries(panel.state())
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
  return `${location.origin}${location.pathname}${location.search}#${panel.id}${q ? '?' + q : ''}`;
}

/**
 * Wires every `[data-copy-link=id]` button: it puts the panel's link in the
 * address bar and on the clipboard, and shows it beside the button.
 */
export function wireCopyLinks(panels) {
  for (const btn of document.querySelectorAll('[data-copy-link]')) {
    const panel = panels.get(btn.dataset.copyLink);
    if (!panel) continue;
    const out = document.getElementById(`${panel.id}-link`);
    btn.addEventListener('click', async () => {
      const url = linkFor(panel);
      history.replaceState(null, '', url);
      btn.dataset.url = url;
      let copied = false;
      try {
        await navigator.clipboard.writeText(url);
        copied = true;
      } catch {
        // no clipboard permission (or an insecure origin): the link is shown instead
      }
      if (out) {
        out.replaceChildren(
          copied ? 'Copied. ' : 'Copy this link (it is also in the address bar): ',
          Object.assign(document.createElement('a'), { href: url, textContent: url, className: 'permalink' }),
        );
        out.hidden = false;
      }
    });
  }
}
