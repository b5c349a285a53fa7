// The chapter's interactive panels: 4.1 the data, 4.2 loss functions, 4.3
// numerical differentiation, 4.4 the gradient field, gradient descent and
// simpleNet, 4.5 the gradient check.
//
// Every number comes from the core crate through wasm: the small demos call the
// module on this thread (loaded lazily after the page, see wasm.js), the data
// and the gradient check go through the training worker (hooks.send). Each
// panel's state can be shared as a link (#id?key=value…, see link.js).

import { descentPanel } from './descent.js';
import { diffPanel } from './diff.js';
import { fieldPanel } from './field.js';
import { gradCheckPanel } from './gradcheck.js';
import { droppedValues, parseHash, showLinkNotice, wireCopyLinks } from './link.js';
import { lossPanel } from './loss.js';
import { samplesPanel } from './samples.js';
import { simpleNetPanel } from './simplenet.js';
import { $, setText } from './util.js';
import { describe, loadWasm } from './wasm.js';
import { TO_PAGE } from '../protocol.js';

/**
 * hooks = { send(msg) to the worker, status() → {worker, data, run} }.
 * Returns { handle(msg) → true if it was a chapter message, refresh(), workerLost() }.
 */
export function startChapter(hooks) {
  const panels = [];
  const add = (make, ...args) => {
    try {
      panels.push(make(...args));
    } catch (e) {
      // one broken panel must not take the trainer down with it
      console.error('descent: a chapter panel failed to start', e);
    }
  };
  add(samplesPanel, hooks);
  add(lossPanel);
  add(diffPanel);
  add(fieldPanel);
  add(descentPanel);
  add(simpleNetPanel);
  add(gradCheckPanel, hooks);
  const byId = new Map(panels.map((p) => [p.id, p]));
  wireCopyLinks(byId);

  function applyHash() {
    const h = parseHash(location.hash);
    const top = $('link-notice-top');
    if (!h || !h.query) {
      if (top) showLinkNotice(top, []);
      return;
    }
    const p = byId.get(h.id);
    if (!p) {
      // Settings for something that has none to restore (or a mistyped id): none of them is used.
      const pairs = Object.entries(h.params).map(([k, v]) => `${k}=${v}`).concat(h.malformed);
      const ids = [...byId.keys()].map((id) => `#${id}`).join(', ');
      if (top && pairs.length) {
        showLinkNotice(top, [{ text: `#${h.id}?${pairs.join('&')}`.slice(0, 80), why: `“${h.id}” has no settings a link can restore (the panels that do: ${ids}).` }], {
          note: 'Nothing on the page was changed by it.',
        });
      }
      return;
    }
    if (top) showLinkNotice(top, []);
    let dropped = [];
    try {
      dropped = p.restore(h.params) || [];
    } catch (e) {
      dropped = [{ key: '(link)', why: `The link could not be applied: ${describe(e)}.` }];
    }
    const section = $(h.id);
    const items = droppedValues(h, p, dropped);
    if (section) {
      // Below the panel's title and its "Copy link" line.
      const after = $(`${h.id}-link`) || section.querySelector(':scope > .demo-head');
      showLinkNotice(section, items, { panelName: `“${section.querySelector('h3')?.textContent?.trim() ?? h.id}”`, after });
    }
    section?.scrollIntoView({ block: 'start' });
  }
  applyHash();
  addEventListener('hashchange', applyHash);

  // --- the wasm module, for the small demos ---
  const banner = $('demos-error');
  const start = () => {
    document.body.dataset.demos = 'loading';
    loadWasm().then(
      (mod) => {
        banner.hidden = true;
        for (const p of panels) {
          try {
            p.ready(mod);
          } catch (e) {
            p.failed(`This panel could not start: ${describe(e)}`);
          }
        }
        document.body.dataset.demos = 'ready';
      },
      (e) => {
        const message = `The WebAssembly module could not be loaded, so the chapter's panels cannot compute: ${describe(e)}.`;
        setText($('demos-error-message'), message);
        banner.hidden = false;
        for (const p of panels) p.failed('Not available: the WebAssembly module did not load (see the message at the top).');
        document.body.dataset.demos = 'error';
      },
    );
  };
  $('demos-retry').addEventListener('click', start);
  if (document.readyState === 'complete') setTimeout(start, 0);
  else addEventListener('load', start, { once: true });

  watchSections();

  return {
    handle(msg) {
      switch (msg.type) {
        case TO_PAGE.SAMPLES:
          byId.get('data')?.handle(msg);
          return true;
        case TO_PAGE.GRADCHECK_RESULT:
        case TO_PAGE.GRADCHECK_ERROR:
          byId.get('gradcheck')?.handle(msg);
          return true;
        default:
          return false;
      }
    },
    refresh() {
      for (const p of panels) p.refresh?.();
    },
    workerLost() {
      for (const p of panels) p.workerLost?.();
    },
  };
}

/** Marks the table of contents' link of the section being read (aria-current). */
function watchSections() {
  const links = [...document.querySelectorAll('.toc a[href^="#"]')];
  const sections = links.map((a) => document.getElementById(a.getAttribute('href').slice(1))).filter(Boolean);
  let frame = 0;
  const update = () => {
    frame = 0;
    const line = 90; // px below the top: under the sticky bar
    let current = sections[0];
    for (const s of sections) if (s.getBoundingClientRect().top <= line) current = s;
    for (const a of links) {
      if (a.getAttribute('href') !== `#${current?.id}`) {
        a.removeAttribute('aria-current');
      } else if (!a.hasAttribute('aria-current')) {
        a.setAttribute('aria-current', 'true');
        // on a narrow screen the list scrolls sideways: keep the current link in it
        const list = a.closest('ol');
        if (list && list.scrollWidth > list.clientWidth) list.scrollTo({ left: Math.max(0, a.offsetLeft - 24), behavior: 'smooth' });
      }
    }
  };
  addEventListener('scroll', () => (frame ||= requestAnimationFrame(update)), { passive: true });
  update();
}
