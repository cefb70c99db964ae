// The engine's page runtime, injected (add_init_script) before any script of the composition.
// It puts the page on a virtual clock so that a frame depends only on its time:
//   Date / Date.now, performance.now, requestAnimationFrame, setTimeout / setInterval run on
//   virtual milliseconds that only seek(t) advances; Math.random is a seeded PRNG, reseeded
//   from (seed, t) at every seek. It owns the visibility of class="clip" elements and can
//   isolate one scene for capture. Python drives it through window.__hfEngine.
(() => {
  'use strict';
  if (window.__hfEngine) return;
  const cfg = window.__hfEngineConfig || {};
  const EPOCH = typeof cfg.epoch === 'number' ? cfg.epoch : 946684800000; // 2000-01-01T00:00:00Z
  const SEED = (cfg.seed >>> 0);
  const MAX_FIRINGS = 100000;
  const EPS = 1e-9; // seconds: float slack for clip boundaries computed from exact fractions
  const nativeSetTimeout = window.setTimeout.bind(window);
  const nativeClearTimeout = window.clearTimeout.bind(window);
  const NativeDate = window.Date;
  const errors = [];
  let now = 0; // virtual milliseconds since the composition's start

  const where = (e) => {
    const stack = (e && e.stack) ? String(e.stack).split('\n').slice(1).find((l) => l.includes(':')) : '';
    return (e && e.message ? e.message : String(e)) + (stack ? ' ' + stack.trim() : '');
  };
  const report = (what, e) => errors.push(`${what} threw: ${where(e)}`);

  // ---- seeded Math.random (mulberry32) ----
  let state = 0;
  const reseed = (n) => { state = (n >>> 0) ^ 0x9e3779b9; };
  const mix = (seed, ms) => {
    let h = Math.imul(seed ^ 0x85ebca6b, 0xc2b2ae35) >>> 0;
    const us = Math.round(ms * 1000);
    h = Math.imul(h ^ (us >>> 0), 0x27d4eb2f) >>> 0;
    h = Math.imul(h ^ Math.floor(us / 4294967296), 0x165667b1) >>> 0;
    return (h ^ (h >>> 15)) >>> 0;
  };
  Math.random = function random() {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  reseed(mix(SEED, -1));

  // ---- virtual Date and performance.now ----
  function VirtualDate(...args) {
    if (!new.target) return new NativeDate(EPOCH + now).toString();
    return Reflect.construct(NativeDate, args.length ? args : [EPOCH + now], new.target);
  }
  VirtualDate.prototype = NativeDate.prototype;
  VirtualDate.now = () => EPOCH + now;
  VirtualDate.parse = NativeDate.parse;
  VirtualDate.UTC = NativeDate.UTC;
  Object.defineProperty(NativeDate.prototype, 'constructor', { value: VirtualDate, configurable: true, writable: true });
  window.Date = VirtualDate;
  performance.now = () => now;

  // ---- what HyperFrames' runtime predefines, so its compositions run unchanged ----
  // Pages assign window.__timelines["id"] = tl and window.__hf.transitions = [...] without
  // creating the objects. A truthy __HF_VIRTUAL_TIME__ is the render-mode flag of HyperFrames'
  // shader library (@hyperframes/shader-transitions): HyperShader.init then puts the scenes'
  // visibility on the timeline and publishes window.__hf.transitions (only if window.__hf
  // exists) instead of drawing a WebGL preview with a "Preparing scene transitions" loader.
  if (!window.__timelines || typeof window.__timelines !== 'object') window.__timelines = {};
  if (!window.__hf) window.__hf = {};
  window.__HF_VIRTUAL_TIME__ = Object.freeze({ seekToTime: () => now, getTime: () => now });
  // HyperShader.init's options (accent colour, scenes) are not published: keep them as init is called.
  const shaderInits = [];
  let hyperShader;
  Object.defineProperty(window, 'HyperShader', {
    configurable: true, enumerable: true,
    get() { return hyperShader; },
    set(lib) {
      if (!lib || typeof lib.init !== 'function') { hyperShader = lib; return; }
      const init = lib.init;
      const wrapped = {};
      for (const key of Object.keys(lib)) wrapped[key] = lib[key];
      wrapped.init = function initInRenderMode(config) {
        const out = init.call(this, config);
        const c = config || {};
        shaderInits.push({
          accentColor: typeof c.accentColor === 'string' ? c.accentColor : null,
          scenes: Array.isArray(c.scenes) ? c.scenes.map(String) : [],
          shaders: Array.isArray(c.transitions) ? c.transitions.map((t) => (t && t.shader !== undefined ? String(t.shader) : null)) : [],
          published: !!(window.__hf && window.__hf.transitions),
        });
        return out;
      };
      hyperShader = Object.freeze(wrapped);
    },
  });
  // A canvas handed to a worker (OffscreenCanvas) is drawn off the virtual clock.
  const offscreen = new WeakSet();
  if (window.HTMLCanvasElement && HTMLCanvasElement.prototype.transferControlToOffscreen) {
    const transfer = HTMLCanvasElement.prototype.transferControlToOffscreen;
    HTMLCanvasElement.prototype.transferControlToOffscreen = function transferControlToOffscreen() {
      offscreen.add(this);
      return transfer.call(this);
    };
  }

  // ---- virtual timers ----
  let timerSeq = 0;
  const timers = new Map();
  const addTimer = (cb, delay, args, repeat) => {
    if (typeof cb !== 'function') { const code = String(cb); cb = () => (0, eval)(code); }
    const ms = Math.max(0, Number(delay) || 0);
    const id = ++timerSeq;
    timers.set(id, { id, due: now + ms, cb, args, interval: repeat ? Math.max(1, ms) : 0, seq: id });
    return id;
  };
  window.setTimeout = (cb, delay, ...args) => addTimer(cb, delay, args, false);
  window.setInterval = (cb, delay, ...args) => addTimer(cb, delay, args, true);
  window.clearTimeout = window.clearInterval = (id) => { timers.delete(id); };
  const runTimers = (target) => {
    for (let fired = 0; ; fired++) {
      let next = null;
      for (const t of timers.values()) {
        if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      if (fired >= MAX_FIRINGS) { errors.push(`more than ${MAX_FIRINGS} timer callbacks due by ${target} ms (an interval of ~0 ms?)`); break; }
      now = Math.max(0, next.due);
      gsapAt(now / 1000); // a GSAP animation the callback makes starts at the callback's time
      if (next.interval) { next.due += next.interval; next.seq = ++timerSeq; } else timers.delete(next.id);
      try { next.cb.apply(window, next.args); } catch (e) { report('a timer callback', e); }
    }
    now = target;
  };

  // GSAP's global timeline on the virtual clock (adapters.js gsapAt): its errors are the page's
  const gsapAt = (t) => {
    const problem = window.__hfEngineAdapters ? window.__hfEngineAdapters.gsapAt(t) : null;
    if (problem) errors.push(problem);
  };

  // ---- virtual requestAnimationFrame ----
  let rafSeq = 0;
  let rafQueue = new Map();
  window.requestAnimationFrame = (cb) => { const id = ++rafSeq; rafQueue.set(id, cb); return id; };
  window.cancelAnimationFrame = (id) => { rafQueue.delete(id); };
  const runRaf = (ms) => {
    const queue = rafQueue;
    rafQueue = new Map();
    for (const cb of queue.values()) { try { cb(ms); } catch (e) { report('a requestAnimationFrame callback', e); } }
  };

  // ---- Web Animations created by script start at the virtual time of their creation ----
  const born = new WeakMap();
  const nativeAnimate = Element.prototype.animate;
  Element.prototype.animate = function animate(...a) {
    const anim = nativeAnimate.apply(this, a);
    born.set(anim, now);
    return anim;
  };

  // ---- the engine's stylesheet (adopted, so the page's DOM never sees it) ----
  const sheet = new CSSStyleSheet();
  sheet.replaceSync([
    '[data-hf-hidden], [data-hf-hidden] * { visibility: hidden !important; }',
    '[data-hf-isolate-hidden], [data-hf-isolate-hidden] * { visibility: hidden !important; }',
    'html [data-hf-force][data-hf-force] { visibility: visible !important; opacity: 1 !important; }',
    'hf-transition { display: none !important; }',
  ].join('\n'));
  const TRANSPARENT = 'html, body, [data-composition-id] { background: transparent !important; ' +
    'background-color: transparent !important; background-image: none !important; }';
  const ensureSheet = () => {
    if (!document.adoptedStyleSheets.includes(sheet)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  };

  // Timed elements (class="clip", and sub-composition hosts) show in [start, end): starts inside a
  // sub-composition count from its host's, ends come from data-duration, data-end or the host's
  // timeline (compositions.js).
  const timing = window.__hfEngineTiming;
  const applyClips = (t) => {
    for (const el of timing.timed()) {
      const [start, end] = timing.windowOf(el);
      const hide = !(t >= start - EPS && t < end - EPS);
      if (el.hasAttribute('data-hf-hidden') !== hide) el.toggleAttribute('data-hf-hidden', hide);
    }
  };

  const paused = new WeakSet();
  const seekTimelines = (t, pending) => {
    const tls = window.__timelines;
    if (!tls || typeof tls !== 'object') return;
    for (const id of Object.keys(tls)) {
      const tl = tls[id];
      const name = `window.__timelines[${JSON.stringify(id)}]`;
      if (!tl || (typeof tl !== 'object' && typeof tl !== 'function')) continue;
      try {
        if (!paused.has(tl)) {
          paused.add(tl);
          if (typeof tl.pause === 'function') tl.pause();
          // A fresh GSAP timeline renders nothing on a seek to where its playhead already is, so
          // its set()/from() at time 0 would be missing from frame 0: move it off 0 first (as
          // HyperFrames' runtime does when it binds a timeline).
          if (typeof tl.progress === 'function') tl.progress(0.0001, true);
        }
        let r;
        const local = timing.localTime(id, t, tl); // a sub-composition's timeline runs on its host's clock
        if (typeof tl.seek === 'function') r = tl.seek(local, false);
        else if (typeof tl.totalTime === 'function') r = tl.totalTime(local, false);
        else { errors.push(`${name} has neither seek(seconds) nor totalTime(seconds)`); continue; }
        // GSAP timelines are thenables resolving on completion: only a distinct promise is awaited.
        if (r && r !== tl && typeof r.then === 'function') pending.push([`${name}.seek(${t})`, r]);
      } catch (e) { report(`${name}.seek(${t})`, e); }
    }
  };

  const seekAnimations = (t) => {
    for (const a of document.getAnimations()) {
      if (!born.has(a)) born.set(a, (typeof CSSTransition !== 'undefined' && a instanceof CSSTransition) ? now : 0);
      try {
        if (a.playState !== 'paused') a.pause();
        a.currentTime = t * 1000 - born.get(a);
      } catch (e) { report('seeking an animation', e); }
    }
  };

  const settle = async (pending, timeoutMs) => {
    if (!pending.length) return;
    const open = new Set(pending.map(([name]) => name));
    const all = Promise.all(pending.map(([name, p]) => Promise.resolve(p).then(
      () => { open.delete(name); },
      (e) => { open.delete(name); errors.push(`${name} rejected: ${where(e)}`); })));
    let timer;
    const timeout = new Promise((resolve) => { timer = nativeSetTimeout(resolve, timeoutMs); });
    await Promise.race([all, timeout]);
    nativeClearTimeout(timer);
    if (open.size) throw new Error(`timed out after ${timeoutMs} ms waiting for ${[...open].join(', ')}`);
  };

  // Images are loaded *and decoded* before a frame is captured: lazy images load eagerly, each
  // <img> source is decode()d once, and images named by stylesheets (backgrounds, masks) or by
  // SVG <image> are fetched and decoded at load and kept alive, so no frame shows them half-done.
  const decodedSrc = new WeakMap();
  const preloaded = new Map();
  const decodeOnce = (img, name, pending) => {
    const src = img.currentSrc || img.src;
    if (!src || decodedSrc.get(img) === src || typeof img.decode !== 'function') return;
    decodedSrc.set(img, src);
    // a source that fails to decode is named by the census (it renders as nothing): not an error here
    pending.push([name, img.decode().catch(() => {})]);
  };
  const assetsPending = () => {
    const pending = [];
    if (document.fonts && document.fonts.status !== 'loaded') pending.push(['document.fonts.ready', document.fonts.ready]);
    for (const img of document.images) {
      if (img.loading === 'lazy') img.loading = 'eager';
      const name = `image ${img.getAttribute('src')}`;
      if (!img.complete) {
        pending.push([name, new Promise((resolve) => {
          img.addEventListener('load', resolve, { once: true });
          img.addEventListener('error', resolve, { once: true });
        }).then(() => { const more = []; decodeOnce(img, name, more); return Promise.all(more.map((p) => p[1])); })]);
      } else if (img.naturalWidth > 0) {
        decodeOnce(img, name, pending);
      }
    }
    return pending;
  };
  const cssImageUrls = () => {
    const urls = new Set();
    const scan = (text, base) => {
      for (const m of text.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
        if (/^(data:|#)/.test(m[2]) || /\.(woff2?|ttf|otf|eot|svg#.*)$/i.test(m[2])) continue;
        try { urls.add(new URL(m[2], base).href); } catch (e) { /* not a URL */ }
      }
    };
    const walk = (rules, base) => {
      for (const rule of rules) {
        if (rule.type === CSSRule.FONT_FACE_RULE) continue;
        if (rule.cssRules) walk(rule.cssRules, base);
        if (rule.styleSheet) { try { walk(rule.styleSheet.cssRules, rule.styleSheet.href || base); } catch (e) { /* other origin */ } }
        if (rule.style) scan(rule.style.cssText, base);
      }
    };
    for (const sheet of [...document.styleSheets]) {
      try { walk(sheet.cssRules, sheet.href || document.baseURI); } catch (e) { /* another origin's sheet */ }
    }
    for (const el of document.querySelectorAll('[style*="url("]')) scan(el.getAttribute('style'), document.baseURI);
    for (const el of document.querySelectorAll('image')) {
      const href = el.getAttribute('href') || el.getAttribute('xlink:href');
      if (href && !href.startsWith('data:')) { try { urls.add(new URL(href, document.baseURI).href); } catch (e) { /* not a URL */ } }
    }
    return urls;
  };
  const preloadCssImages = () => {
    const pending = [];
    for (const url of cssImageUrls()) {
      if (preloaded.has(url)) continue;
      const image = new Image();
      image.src = url;
      preloaded.set(url, image);
      pending.push([`image ${url}`, image.decode().catch(() => {})]);
    }
    return pending;
  };

  // what was found since the last result: media elements made by scripts (media.js late()), paused
  // GSAP animations nothing seeks (adapters.js gsapPaused()), images and posters that failed
  const lateWarnings = [];
  const result = (extra) => Object.assign({ errors: errors.splice(0), warnings: lateWarnings.splice(0) }, extra || {});
  const childEngine = (frame) => { try { return frame.contentWindow && frame.contentWindow.__hfEngine; } catch (e) { return null; } };

  // ---- what the engine cannot render faithfully: named, so Python can warn ----
  const describeEl = (el) => {
    let text = '<' + el.tagName.toLowerCase();
    if (el.id) text += ` id="${el.id}"`;
    else if (el.getAttribute('class')) text += ` class="${el.getAttribute('class')}"`;
    const src = el.getAttribute('src') || (el.querySelector && el.querySelector('source[src]') && el.querySelector('source[src]').getAttribute('src'));
    if (src) text += ` src="${src.length > 80 ? src.slice(0, 77) + '...' : src}"`;
    return text + '>';
  };
  const census = () => {
    const found = [];
    const add = (code, element, message) => found.push({ code, element, message });
    for (const el of document.querySelectorAll('iframe')) {
      if (!childEngine(el)) add('iframe', describeEl(el), "this iframe's page is not on the composition's virtual clock (another origin, or not loaded): its animations run in real time or stay frozen");
    }
    for (const el of document.querySelectorAll('canvas')) {
      if (offscreen.has(el)) add('canvas', describeEl(el), 'this canvas is drawn by a worker (OffscreenCanvas), off the virtual clock: its frames are not deterministic');
    }
    const hf = window.__hf;
    const loader = document.querySelector('[data-hyper-shader-loading]');
    if (document.getElementById('gl-canvas') || loader || (hf && (hf.shaderTransitions || hf.shaderTransitionsReady))) {
      add('preview-mode', loader ? '<div data-hyper-shader-loading aria-label="Preparing scene transitions">' : '<canvas id="gl-canvas">',
          "HyperFrames' shader library is in preview mode (its WebGL canvas and \"Preparing scene transitions\" loader are on the page): its transitions are not blended and the loader may cover the frames (did the page clear window.__HF_VIRTUAL_TIME__, the library's render-mode flag, before HyperShader.init?)");
    }
    for (const init of shaderInits) {
      if (!init.published) {
        add('shader-transitions-unpublished', '<script> calling HyperShader.init',
            'HyperShader.init did not publish window.__hf.transitions (the page replaced window.__hf?): its shader transitions are not blended');
      }
    }
    if (document.fonts) {
      for (const face of document.fonts) {
        if (face.status === 'error') add('font', `@font-face "${face.family.replace(/^["']|["']$/g, '')}"`, 'this font failed to load: text set in it falls back to another font');
      }
    }
    for (const name of (window.__hfEngineFonts || { fallback: [] }).fallback) {
      add('font-fallback', `font-family "${name}"`, 'this family is not installed, not bundled and not declared with @font-face: its text is set in a fallback font');
    }
    found.push(...window.__hfEngineMedia.failedImages());
    if (window.__hfEngineAdapters) found.push(...window.__hfEngineAdapters.gsapPaused());
    return found;
  };



  // ---- scene isolation ----
  let isolated = null;
  const restore = () => {
    if (window.__hfEngineLayers) window.__hfEngineLayers.clear();
    if (!isolated) return;
    for (const el of isolated.hidden) el.removeAttribute('data-hf-isolate-hidden');
    for (const el of isolated.forced) el.removeAttribute('data-hf-force');
    for (const el of isolated.unhidden) el.setAttribute('data-hf-hidden', '');
    for (const [el, value, priority] of isolated.display) {
      if (value) el.style.setProperty('display', value, priority); else el.style.removeProperty('display');
    }
    isolated = null;
  };
  const isolate = (sceneId) => {
    restore();
    const scene = document.getElementById(sceneId);
    if (!scene) return `no element with id ${JSON.stringify(sceneId)} in the page`;
    const chain = [];
    for (let el = scene; el; el = el.parentElement) chain.push(el);
    const inChain = new Set(chain);
    isolated = { hidden: [], forced: [], unhidden: [], display: [] };
    for (const el of chain.slice(1)) {
      for (const child of el.children) {
        if (!inChain.has(child) && !child.hasAttribute('data-hf-isolate-hidden')) {
          child.setAttribute('data-hf-isolate-hidden', '');
          isolated.hidden.push(child);
        }
      }
    }
    for (const el of chain) {
      if (el.hasAttribute('data-hf-hidden')) { el.removeAttribute('data-hf-hidden'); isolated.unhidden.push(el); }
      el.setAttribute('data-hf-force', '');
      isolated.forced.push(el);
    }
    for (const el of chain) {
      if (getComputedStyle(el).display === 'none') {
        isolated.display.push([el, el.style.getPropertyValue('display'), el.style.getPropertyPriority('display')]);
        el.style.setProperty('display', 'block', 'important');
      }
    }
    return null;
  };

  // ---- native video layers (layers.js): the split planned after a seek or an isolation ----
  let layering = null; // this seek's { frames, skip } when Python asked for layers
  const planLayer = (timeoutMs, again) => {
    if (!layering) return result();
    const L = window.__hfEngineLayers, M = window.__hfEngineMedia;
    const candidates = M.candidates(layering.onScreen);
    const replan = (found) => { layering.found = L.plan(found); return layering.found.layer; };
    let planned = again ? replan(candidates) : L.current();
    const done = () => {
      if (planned) L.show(planned.below ? 'below' : 'overlay');
      const deferred = layering.skip !== null && M.isDeferred(layering.skip) ? [layering.skip] : [];
      const { reasons, visible } = layering.found;
      // videos whose first frame the page shows now as a poster (it sets the element's layout)
      const known = new Set(M.candidates(layering.onScreen).map(([index]) => index));
      const first = Object.keys(layering.frames || {}).filter((k) => !known.has(Number(k))).length;
      return result({ layer: planned, deferred, fallbacks: reasons, visible: visible + first });
    };
    // the video skipped at the seek is visible but not (or no longer) the native one: its poster now
    const skipped = candidates.find(([index]) => index === layering.skip);
    if (skipped && (!planned || planned.index !== skipped[0]) && skipped[1].checkVisibility({ visibilityProperty: true })) {
      const late = [];
      M.showDeferred(skipped[0], late);
      if (late.length) {
        L.clear();
        return (async () => {
          try { await settle(late, timeoutMs); } catch (e) { return result({ timeout: e.message }); }
          planned = replan(M.candidates(layering.onScreen));
          return done();
        })();
      }
    }
    return done();
  };

  // ---- what Python calls ----
  const engine = {
    version: 1,
    // After load: run timers due at time 0, then await the page's readiness promise. `alpha`
    // (transparent renders): html, body and every composition root lose their backgrounds, with
    // the rule HyperFrames injects after navigation for transparent captures.
    async prepare(timeoutMs, alpha) {
      if (alpha) sheet.insertRule(TRANSPARENT, sheet.cssRules.length);
      ensureSheet();
      for (const problem of timing.takeProblems()) errors.push(problem);
      runTimers(0);
      gsapAt(0);
      const hf = window.__hf;
      try {
        if (hf && hf.ready && typeof hf.ready.then === 'function') await settle([['window.__hf.ready', hf.ready]], timeoutMs);
        const posters = [];
        window.__hfEngineMedia.checkPosters(posters);
        await settle(assetsPending().concat(preloadCssImages(), posters), timeoutMs);
      } catch (e) { return result({ timeout: e.message }); }
      let transitions = null;
      if (hf && hf.transitions !== undefined) {
        try { transitions = JSON.parse(JSON.stringify(hf.transitions)); } catch (e) { errors.push(`window.__hf.transitions cannot be read as JSON: ${where(e)}`); }
      }
      const root = document.querySelector('[data-composition-id]');
      const rootTimeline = root && window.__timelines[root.getAttribute('data-composition-id')];
      let rootDuration = null;
      try { if (rootTimeline && typeof rootTimeline.duration === 'function') rootDuration = Number(rootTimeline.duration()); } catch (e) { report('the root timeline\'s duration()', e); }
      return result({ transitions, hasTransitions: !!(hf && hf.transitions !== undefined), warnings: census(),
                      hyperShader: shaderInits.slice(), rootDuration, media: window.__hfEngineMedia.census() });
    },
    // Put the page at time t (seconds); optionally isolate one scene. Returns {errors, timeout?,
    // missingScene?, layer?, deferred?}: synchronously when nothing is pending (the common case),
    // else a promise. `media`: [frames, prefetch], the video frames to show and to fetch ahead
    // (media.js show()). `layers`: the indices of the videos on screen at t, to plan a native video
    // layer for (layers.js); the page is then left
    // showing the split's first part (`layer.below`: what paints below the video, else the
    // overlay), and `deferred` names the video whose poster was not loaded (it is drawn natively).
    seek(t, sceneId, timeoutMs, media, layers) {
      restore();
      ensureSheet();
      const ms = t * 1000;
      reseed(mix(SEED, ms));
      runTimers(ms);
      gsapAt(t);
      if (window.__hfEngineAdapters) window.__hfEngineAdapters.setTime(t);
      runRaf(ms);
      applyClips(t);
      const pending = [];
      seekTimelines(t, pending);
      seekAnimations(t);
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
        const where = `the page of ${describeEl(frame)}`;
        const take = (res) => { for (const e of (res && res.errors) || []) errors.push(`${where}: ${e}`); if (res && res.timeout) throw new Error(`${where}: ${res.timeout}`); };
        if (r && typeof r.then === 'function') pending.push([where, r.then(take)]); else take(r);
      }
      // `layers`: the indices of the videos on screen at t (by their timing), or null
      layering = layers && media ? { frames: media[0], onScreen: Object.fromEntries(layers.map((i) => [i, true])),
        skip: null, found: null } : null;
      if (layering) {
        layering.found = window.__hfEngineLayers.plan(window.__hfEngineMedia.candidates(layering.onScreen));
        layering.skip = layering.found.layer ? layering.found.layer.index : null;
      }
      window.__hfEngineMedia.checkPosters(pending); // before show() sets frames as posters
      if (media) window.__hfEngineMedia.show(media[0], media[1], pending, layering ? layering.skip : null);
      const finish = () => {
        lateWarnings.push(...window.__hfEngineMedia.failedImages()); // sources set since the last seek
        if (sceneId != null) {
          const missing = isolate(sceneId);
          if (missing) return result({ missingScene: missing });
        }
        return planLayer(timeoutMs, pending.length > 0 || sceneId != null);
      };
      const assets = assetsPending();
      if (!pending.length && !assets.length) return finish();
      return (async () => {
        try {
          await settle(pending, timeoutMs);
          await settle(assetsPending(), timeoutMs);
        } catch (e) { return result({ timeout: e.message }); }
        return finish();
      })();
    },
    // Isolate another scene at the current time (after seek(t, firstScene): no second seek).
    isolateScene(sceneId, timeoutMs) {
      if (window.__hfEngineLayers) window.__hfEngineLayers.clear();
      const missing = isolate(sceneId);
      return missing ? result({ missingScene: missing }) : planLayer(timeoutMs, true);
    },
    // Show the split's overlay part (after the below part was captured).
    showOverlay() { window.__hfEngineLayers.show('overlay'); return result(); },
    restore() { restore(); return result(); },
    // Where each media clip ends (Python probed the sources): {index: seconds or null}.
    setMediaEnds(ends) { window.__hfEngineMedia.setEnds(ends); return result(); },
    get time() { return now / 1000; },
  };
  Object.defineProperty(window, '__hfEngine', { value: Object.freeze(engine), writable: false, configurable: false, enumerable: false });
})();
