// Shareable panel state in the URL hash: #descent?lr=10&steps=100&x0=-3&x1=4.
//
// Each panel has an id (its element id), `state()` → {key: text} and
// `restore(params)`. Opening the page with such a hash (or changing the hash)
// restores that panel and scrolls to it; "Copy link" builds the link.

/** Parses "#id?k=v&k2=v2" → {id, params, query: true}; "#id" → {id, params: {}, query: false}. */
export function parseHash(hash) {
  const m = /^#([\w-]+)(?:\?(.*))?$/.exec(hash || '');
  if (!m) return null;
  const params = {};
  for (const part of (m[2] || '').split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    try {
      // no '+' → space here: "1e+3" stays a number
      params[decodeURIComponent(i < 0 ? part : part.slice(0, i))] = i < 0 ? '' : decodeURIComponent(part.slice(i + 1));
    } catch {
      // a malformed escape: skip that pair
    }
  }
  return { id: m[1], params, query: m[2] != null };
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
