// Inside the network (section 4.5, below the training charts): W1 as tiles and
// W2 as a heat map (weights.js), a digit to draw (draw.js), and the test set's
// mistakes and confusion matrix per evaluation (evaluations.js). The worker and
// the core compute everything; these modules draw.
//
// hooks = { send(msg, transfer), status() → {worker, data, run}, runId() }.
// Returns { handle(msg) → true for the views' own messages, observe(msg) for the
// run's (started, eval, done), newRun(), workerLost(), refresh() }.

import { TO_PAGE, TO_WORKER } from '../protocol.js';
import { drawPanel } from './draw.js';
import { evaluationViews } from './evaluations.js';
import { weightViews } from './weights.js';

const $ = (id) => document.getElementById(id);

export function startViews(hooks) {
  const ready = () => {
    const st = hooks.status();
    return st.worker === 'ready' && st.data === 'ready';
  };
  const weights = weightViews({
    tiles: $('w1-tiles'),
    scale: $('w1-scale'),
    status: $('w1-status'),
    readout: $('w1-readout'),
    w2: $('w2-map'),
    w2Readout: $('w2-readout'),
  });
  let testCount = 0;
  const draw = drawPanel(
    {
      pad: $('draw-pad'),
      seen: $('draw-seen'),
      clear: $('draw-clear'),
      index: $('draw-index'),
      indexMsg: $('draw-index-msg'),
      feed: $('draw-feed'),
      random: $('draw-random'),
      verdict: $('draw-verdict'),
      bars: $('draw-bars'),
    },
    { send: hooks.send, ready, testCount: () => testCount },
  );
  const evals = evaluationViews(
    {
      pick: $('eval-pick'),
      pickOut: $('eval-pick-out'),
      table: $('cm-table'),
      cmStatus: $('cm-status'),
      classSel: $('gallery-class'),
      predChip: $('gallery-pred'),
      gallery: $('gallery'),
      galleryStatus: $('gallery-status'),
      more: $('gallery-more'),
      detail: $('gallery-detail'),
      big: $('gallery-big'),
      detailText: $('gallery-detail-text'),
      detailBars: $('gallery-bars'),
      root: $('eval-views'),
    },
    { runActive: () => ['starting', 'running', 'paused'].includes(hooks.status().run) },
  );

  // The weights come only while their panel is on screen (the worker copies them
  // out twice a second during a run): nothing is spent on a view nobody sees.
  let visible = false;
  let told = null; // what the worker was last told
  let askedTestSet = false;
  function tell() {
    if (!ready()) return;
    if (told !== visible) {
      told = visible;
      hooks.send({ type: TO_WORKER.VIEWS, open: visible });
    }
    if (!askedTestSet && !evals.hasTestSet()) {
      askedTestSet = true;
      hooks.send({ type: TO_WORKER.TEST_SET });
    }
  }
  if ('IntersectionObserver' in window) {
    new IntersectionObserver((entries) => {
      visible = entries.some((e) => e.isIntersecting);
      tell();
    }).observe($('weights'));
  } else {
    visible = true;
  }

  return {
    handle(msg) {
      switch (msg.type) {
        case TO_PAGE.WEIGHTS:
          weights.show(msg);
          return true;
        case TO_PAGE.PREDICTION:
          draw.show(msg);
          return true;
        case TO_PAGE.TEST_SET:
          testCount = msg.count;
          evals.testSet(msg);
          return true;
        default:
          return false;
      }
    },
    /** The run's messages, seen before the page handles them (`mine`: of the current run). */
    observe(msg, mine) {
      if (!mine) return;
      if (msg.type === TO_PAGE.EVAL) {
        evals.add(msg);
        draw.refresh();
      } else if (msg.type === TO_PAGE.DONE) {
        if (msg.final && !msg.final.error) evals.add(msg.final, true);
        evals.settle();
        draw.refresh();
      } else if (msg.type === TO_PAGE.PAUSED || msg.type === TO_PAGE.DIVERGED) {
        evals.settle();
      } else if (msg.type === TO_PAGE.STARTED) {
        draw.refresh();
      }
    },
    /** Start or Reset: the last run's evaluations go. */
    newRun() {
      evals.clear();
    },
    /** A model file's net (MODEL_LOADED): its evaluation replaces the run's. */
    modelLoaded(msg) {
      evals.clear();
      if (msg.report) evals.add({ iter: 0, epoch: 0, testAcc: msg.testAcc, report: msg.report }, true, `the loaded net (${msg.name ?? 'a file'})`);
      evals.settle();
      draw.refresh();
    },
    workerLost() {
      told = null;
      askedTestSet = false;
      draw.lost();
      weights.stale('The worker stopped: these are the last weights it sent.');
    },
    /** The page's state changed (worker or data ready). */
    refresh() {
      tell();
    },
  };
}
