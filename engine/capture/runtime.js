// @ts-check
// What Python calls: window.__hfEngine (injected last, into every frame; runtime_source.py lists
// the parts before it). Each call returns a reply {errors, warnings, ...}: the errors the page's
// scripts and the runtime met since the last reply, and what was found since then that cannot be
// rendered faithfully (media made by scripts, paused GSAP animations, failed images); plus, by
// call, what engine/capture/replies.py declares (PrepareReply, SeekReply). `version` is the
// protocol Python speaks (replies.py RUNTIME_VERSION): change both together.
(() => {
  'use strict';
  if (window.__hfEngine) return;
  const VERSION = 1;
  const { describe, errorText, threw, childEngine } = window.__hfEngineCommon;
  const clock = window.__hfEngineClock;
  const seeker = window.__hfEngineSeek;
  const assets = window.__hfEngineAssets;
  const visibility = window.__hfEngineIsolate;
  const timing = window.__hfEngineTiming;
  const errors = [];
  const lateWarnings = [];
  const result = (extra) => Object.assign({ errors: errors.splice(0), warnings: lateWarnings.splice(0) }, extra || {});
  const settle = (pending, timeoutMs) => seeker.settle(pending, timeoutMs, errors);

  // ---- native video layers (layers.js): the split planned after a seek or an isolation ----
  /** @type {{ frames: Record<string, string>, onScreen: Record<string, boolean>, skip: number[], found: HfLayerFound | null } | null} */
  let layering = null; // this seek's { frames, skip } when Python asked for layers
  const planLayer = (timeoutMs, again) => {
    if (!layering) return result();
    const L = window.__hfEngineLayers, M = window.__hfEngineMedia;
    const candidates = M.candidates(layering.onScreen);
    const replan = (found) => { layering.found = L.plan(found); return layering.found.layer; };
    let planned = again ? replan(candidates) : L.current();
    const done = () => {
      if (planned) L.show(planned.below ? 'below' : 'overlay');
      const deferred = layering.skip.filter((index) => M.isDeferred(index));
      const { reasons, visible } = layering.found;
      // videos whose first frame the page shows now as a poster (it sets the element's layout)
      const known = new Set(M.candidates(layering.onScreen).map(([index]) => index));
      const first = Object.keys(layering.frames || {}).filter((k) => !known.has(Number(k))).length;
      return result({ layer: planned, layers: planned ? layering.found.layers : [], deferred, fallbacks: reasons,
        visible: visible + first });
    };
    // the videos skipped at the seek that are visible but not (or no longer) native: their posters now
    const native = new Set(planned ? layering.found.layers.map((layer) => layer.index) : []);
    /** @type {HfPending[]} */
    const late = [];
    for (const [index, el] of candidates) {
      if (layering.skip.includes(index) && !native.has(index) && el.checkVisibility({ visibilityProperty: true })) M.showDeferred(index, late);
    }
    if (late.length) {
      L.clear();
      return (async () => {
        try { await settle(late, timeoutMs); } catch (e) { return result({ timeout: e.message }); }
        planned = replan(M.candidates(layering.onScreen));
        return done();
      })();
    }
    return done();
  };

  /** @type {HfEngine} */
  const engine = {
    version: VERSION,
    // After load: run timers due at time 0, then await the page's readiness promise. `alpha`
    // (transparent renders): html, body and every composition root lose their backgrounds, with
    // the rule HyperFrames injects after navigation for transparent captures.
    async prepare(timeoutMs, alpha) {
      if (alpha) visibility.transparent();
      visibility.ensureSheet();
      for (const problem of timing.takeProblems()) errors.push(problem);
      clock.runTimers(0, errors);
      clock.gsapAt(0, errors);
      const hf = window.__hf;
      try {
        if (hf && hf.ready && typeof hf.ready.then === 'function') await settle([['window.__hf.ready', hf.ready]], timeoutMs);
        /** @type {HfPending[]} */
        const posters = [];
        window.__hfEngineMedia.checkPosters(posters);
        await settle(assets.pending().concat(assets.preloadCss(), posters), timeoutMs);
      } catch (e) { return result({ version: VERSION, timeout: e.message }); }
      let transitions = null;
      if (hf && hf.transitions !== undefined) {
        try { transitions = JSON.parse(JSON.stringify(hf.transitions)); } catch (e) { errors.push(`window.__hf.transitions cannot be read as JSON: ${errorText(e)}`); }
      }
      const root = document.querySelector('[data-composition-id]');
      const rootTimeline = root && window.__timelines[root.getAttribute('data-composition-id')];
      let rootDuration = null;
      try { if (rootTimeline && typeof rootTimeline.duration === 'function') rootDuration = Number(rootTimeline.duration()); } catch (e) { errors.push(threw('the root timeline\'s duration()', e)); }
      return result({ version: VERSION, transitions, hasTransitions: !!(hf && hf.transitions !== undefined),
                      warnings: window.__hfEngineCensus(), hyperShader: window.__hfEngineHyperFrames.shaderInits(),
                      rootDuration, media: window.__hfEngineMedia.census() });
    },
    // Put the page at time t (seconds); optionally isolate one scene. Returns {errors, timeout?,
    // missingScene?, layer?, deferred?}: synchronously when nothing is pending (the common case),
    // else a promise. `media`: [frames, prefetch], the video frames to show and to fetch ahead
    // (media.js show()). `layers`: the indices of the videos on screen at t, to plan native video
    // layers for (layers.js: `layer`, the first, and `layers`, all in paint order); the page is
    // then left showing the split's first part (`layer.below`: what paints below the videos, else
    // the overlay), and `deferred` names the videos whose posters were not loaded (drawn natively).
    seek(t, sceneId, timeoutMs, media, layers) {
      visibility.restore();
      visibility.ensureSheet();
      const ms = t * 1000;
      clock.reseed(ms);
      clock.runTimers(ms, errors);
      clock.gsapAt(t, errors);
      if (window.__hfEngineAdapters) window.__hfEngineAdapters.setTime(t);
      clock.runRaf(ms, errors);
      seeker.clips(t);
      /** @type {HfPending[]} */
      const pending = [];
      seeker.timelines(t, pending, errors);
      seeker.animations(t, errors);
      if (window.__hfEngineMedia) lateWarnings.push(...window.__hfEngineMedia.late());
      if (window.__hfEngineAdapters) lateWarnings.push(...window.__hfEngineAdapters.gsapPaused());
      // animation libraries other than GSAP (adapters.js): each registered instance put at t
      if (window.__hfEngineAdapters) {
        for (const problem of window.__hfEngineAdapters.seek(t, pending)) errors.push(problem);
      }
      // same-origin iframes run this runtime too (it is injected into every frame): the same time
      for (const frame of document.querySelectorAll('iframe')) {
        const child = childEngine(frame);
        if (!child) continue;
        const r = child.seek(t, null, timeoutMs);
        const where = `the page of ${describe(frame)}`;
        const take = (res) => { for (const e of (res && res.errors) || []) errors.push(`${where}: ${e}`); if (res && res.timeout) throw new Error(`${where}: ${res.timeout}`); };
        if (r && typeof r.then === 'function') pending.push([where, r.then(take)]); else take(r);
      }
      // `layers`: the indices of the videos on screen at t (by their timing), or null
      layering = layers && media ? { frames: media[0], onScreen: Object.fromEntries(layers.map((i) => [i, true])),
        skip: [], found: null } : null;
      if (layering) {
        layering.found = window.__hfEngineLayers.plan(window.__hfEngineMedia.candidates(layering.onScreen));
        layering.skip = layering.found.layers.map((layer) => layer.index);
      }
      window.__hfEngineMedia.checkPosters(pending); // before show() sets frames as posters
      if (media) window.__hfEngineMedia.show(media[0], media[1], pending, layering ? layering.skip : null);
      const finish = () => {
        lateWarnings.push(...window.__hfEngineMedia.failedImages()); // sources set since the last seek
        if (sceneId != null) {
          const missing = visibility.isolate(sceneId);
          if (missing) return result({ missingScene: missing });
        }
        return planLayer(timeoutMs, pending.length > 0 || sceneId != null);
      };
      const loading = assets.pending();
      if (!pending.length && !loading.length) return finish();
      return (async () => {
        try {
          await settle(pending, timeoutMs);
          await settle(assets.pending(), timeoutMs);
        } catch (e) { return result({ timeout: e.message }); }
        return finish();
      })();
    },
    // Isolate another scene at the current time (after seek(t, firstScene): no second seek).
    isolateScene(sceneId, timeoutMs) {
      if (window.__hfEngineLayers) window.__hfEngineLayers.clear();
      const missing = visibility.isolate(sceneId);
      return missing ? result({ missingScene: missing }) : planLayer(timeoutMs, true);
    },
    // Show the split's overlay part (after the below part was captured).
    showOverlay() { window.__hfEngineLayers.show('overlay'); return result(); },
    restore() { visibility.restore(); return result(); },
    // Where each media clip ends (Python probed the sources): {index: seconds or null}.
    setMediaEnds(ends) { window.__hfEngineMedia.setEnds(ends); return result(); },
    get time() { return clock.now() / 1000; },
  };
  Object.defineProperty(window, '__hfEngine', { value: Object.freeze(engine), writable: false, configurable: false, enumerable: false });
})();
