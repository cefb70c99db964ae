// @ts-check
// Animation libraries other than GSAP, driven the way HyperFrames' runtime adapters drive them
// (its packages/core/src/runtime/adapters/): the page registers its instances in globals and every
// seek puts them at the frame's time. Injected after compositions.js and fonts.js and before
// runtime.js, whose seek(t) calls window.__hfEngineAdapters.seek(t, pending) once GSAP timelines and
// CSS / Web Animations are at t. seek returns the problems it met (a seek that threw, an entry that
// cannot be seeked) instead of throwing, and pushes [name, promise] onto `pending` for work the
// frame must wait for (runtime.js awaits them before the capture, with its timeout).
//
//   window.__hfAnime   anime.js animations and timelines (v4; v3 too): instance.seek(t * 1000), in
//                      milliseconds; under v3 the instances in anime.running at the first seek too.
//   window.__hfLottie  lottie-web AnimationItems: goToAndStop(t * 1000, false) (milliseconds);
//                      dotLottie players: setCurrentRawFrameValue(min(t * fps, totalFrames - 1)), else
//                      seek(percent of duration), else setFrame(frame); plus every animation that
//                      lottie.getRegisteredAnimations() lists at the first seek.
//   window.__hfThreeTime, window.__hfTypegpuTime   set to t (seconds), then one "hf-seek"
//                      CustomEvent on window, detail {time, waitUntil(promise)}: the protocol of
//                      HyperFrames' three.js and TypeGPU/WebGPU adapters.
//   window.__hfLeaflet, window.__hfMapbox, window.__hfMaplibre   maps: nothing to seek; each is
//                      waited for once before a frame (Leaflet's whenReady(), Mapbox / MapLibre GL's
//                      'load' event unless loaded()), as HyperFrames' readiness adapters do.
//   window.__hfD3      d3 transitions: nothing to seek. d3-timer runs on performance.now and
//                      requestAnimationFrame, which are on the engine's virtual clock, so a
//                      transition is at t whenever the page is (going forwards: d3 cannot rewind).
//                      HyperFrames' d3 adapter only waits for transition.end() before its first
//                      frame; on a virtual clock that end comes only as frames are seeked.
//
// GSAP's own clock (gsapAt, gsapPaused): a GSAP animation the page does not register in
// window.__timelines plays on GSAP's global timeline, which GSAP's ticker moves from Date.now()
// with lag smoothing (a jump over 500 ms counts as 33 ms), so what it shows would depend on which
// frames a worker seeked before. Here the global timeline follows the engine's clock exactly: the
// ticker no longer moves it (lag smoothing off too) and every seek, and every virtual timer before
// its callback runs, renders it at t, minus the virtual time GSAP was loaded at (window.gsap's
// first assignment). It keeps its finished children (GSAP drops them) so that any frame order
// works. A paused animation on it that is not registered never moves: gsapPaused names it.
//
// HyperFrames predefines none of these globals (pages write window.__hfAnime = window.__hfAnime || []),
// so neither does this. It discovers anime.running and lottie's registered animations before its
// first frame; here that is the first seek. Beyond HyperFrames, and only where it would otherwise
// capture a frame that depends on load timing: a lottie-web animation whose data is still loading
// (path: ...) is waited for and re-seeked, and so is three.js' DefaultLoadingManager while it has
// items in flight (the "hf-seek" event is sent again once they are loaded).
(() => {
  'use strict';
  if (window.__hfEngineAdapters) return;
  const nativeSetTimeout = window.setTimeout.bind(window); // real time: runtime.js makes the page's virtual
  const nativeClearTimeout = window.clearTimeout.bind(window);
  const LOAD_POLL_MS = 10;
  const LOTTIE_DATA_WAIT_MS = 5000;

  const where = (e) => {
    const stack = (e && e.stack) ? String(e.stack).split('\n').slice(1).find((l) => l.includes(':')) : '';
    return (e && e.message ? e.message : String(e)) + (stack ? ' ' + stack.trim() : '');
  };
  // A value a seek returned that the frame must wait for: a thenable that is not itself an
  // animation (anime.js v4 animations and timelines are thenables resolving on completion, and
  // their seek returns the instance).
  const awaitable = (r, instance) => !!r && r !== instance && typeof r.then === 'function' && typeof r.seek !== 'function';

  // The entries of window[name]: [[label, instance]...]; any iterable but a string (HyperFrames
  // iterates it with for...of), else a problem.
  const registered = (name, problems) => {
    const value = window[name];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string' || typeof value[Symbol.iterator] !== 'function') {
      problems.push(`window.${name} is not an array (${typeof value}): register instances with window.${name} = window.${name} || []; window.${name}.push(instance)`);
      return [];
    }
    return Array.from(value, (instance, i) => [`window.${name}[${i}]`, instance]);
  };
  // The registered entries, then the discovered instances that are not registered.
  const withDiscovered = (entries, found) => {
    const seen = new Set(entries.map(([, instance]) => instance));
    return entries.concat(found.filter(([, instance]) => !seen.has(instance)));
  };

  // ---- discovery (HyperFrames' discover(), run before its first frame: here, at the first seek) ----
  let discovered = null;
  const discover = (problems) => {
    discovered = { anime: [], lottie: [] };
    const anime = window.anime;
    // anime.js v3 lists its playing instances in anime.running (v4 has no such registry)
    if (anime && Array.isArray(anime.running)) {
      anime.running.forEach((instance, i) => discovered.anime.push([`anime.running[${i}]`, instance]));
    }
    const lottie = window.lottie;
    if (lottie && typeof lottie.getRegisteredAnimations === 'function') {
      try {
        const animations = lottie.getRegisteredAnimations();
        if (Array.isArray(animations)) {
          animations.forEach((anim, i) => discovered.lottie.push([`lottie.getRegisteredAnimations()[${i}]`, anim]));
        }
      } catch (e) { problems.push(`lottie.getRegisteredAnimations() threw: ${where(e)}`); }
    }
  };

  // ---- anime.js ----
  const seekAnime = (time, pending, problems) => {
    const ms = time * 1000;
    for (const [name, instance] of withDiscovered(registered('__hfAnime', problems), discovered.anime)) {
      if (!instance || (typeof instance !== 'object' && typeof instance !== 'function')) continue;
      if (typeof instance.seek !== 'function') {
        problems.push(`${name} has no seek(ms): expected an anime.js animation or timeline (or an object with seek(ms))`);
        continue;
      }
      try {
        const r = instance.seek(ms);
        if (awaitable(r, instance)) pending.push([`${name}.seek(${ms})`, r]);
      } catch (e) { problems.push(`${name}.seek threw: ${where(e)}`); }
    }
  };

  // ---- lottie-web and dotLottie ----
  const isLottieWeb = (anim) => typeof anim.goToAndStop === 'function';
  const isDotLottie = (anim) => typeof anim.pause === 'function' && ('totalFrames' in anim || 'duration' in anim);
  // lottie-web loads a path: animation asynchronously; until its data is configured (frameRate
  // still 0) goToAndStop draws nothing. One promise per animation, settled when its data is
  // configured ("config_ready"), has failed to load ("data_failed") or after LOTTIE_DATA_WAIT_MS.
  const lottieData = new WeakMap();
  const lottieDataLoaded = (anim) => {
    let loaded = lottieData.get(anim);
    if (!loaded) {
      loaded = new Promise((resolve) => {
        const off = [];
        let timer = 0;
        const done = (settle) => () => {
          nativeClearTimeout(timer);
          queueMicrotask(() => { for (const f of off) { try { if (typeof f === 'function') f(); } catch (e) { /* destroyed */ } } });
          settle();
        };
        off.push(anim.addEventListener('config_ready', done(resolve)));
        // a failed load draws nothing, as it would without the wait: the engine reports the missing
        // or blocked request itself; one that failed before this seek sends no event, hence the cap
        off.push(anim.addEventListener('data_failed', done(resolve)));
        timer = nativeSetTimeout(done(resolve), LOTTIE_DATA_WAIT_MS);
      });
      lottieData.set(anim, loaded);
    }
    return loaded;
  };
  const seekLottie = (time, pending, problems) => {
    const ms = time * 1000;
    for (const [name, anim] of withDiscovered(registered('__hfLottie', problems), discovered.lottie)) {
      if (!anim || typeof anim !== 'object') continue;
      if (isLottieWeb(anim)) {
        try { anim.goToAndStop(ms, false); } catch (e) { problems.push(`${name}.goToAndStop threw: ${where(e)}`); continue; }
        if (anim.isLoaded === false && !anim.frameRate && anim.renderer && typeof anim.addEventListener === 'function') {
          pending.push([`${name} (lottie-web) loading its animation data`,
                        lottieDataLoaded(anim).then(() => { anim.goToAndStop(ms, false); })]);
        }
      } else if (isDotLottie(anim)) {
        let method = '';
        let r;
        try {
          if (typeof anim.setCurrentRawFrameValue === 'function') { // dotlottie-web v2
            method = 'setCurrentRawFrameValue';
            const totalFrames = anim.totalFrames ?? 0;
            const fps = anim.frameRate ?? 30;
            if (totalFrames > 0) r = anim.setCurrentRawFrameValue(Math.min(time * fps, totalFrames - 1));
          } else if (typeof anim.seek === 'function') { // dotlottie-web v1: percent of the duration
            method = 'seek';
            const duration = anim.duration ?? 1;
            r = anim.seek(Math.min(100, (time / duration) * 100));
          } else if (typeof anim.setFrame === 'function') { // later dotlottie-web (not in HyperFrames' adapter)
            method = 'setFrame';
            const totalFrames = Number(anim.totalFrames) || 0;
            const duration = Number(anim.duration) || 0;
            const fps = anim.frameRate ?? (duration > 0 ? totalFrames / duration : 30);
            if (totalFrames > 0) r = anim.setFrame(Math.min(time * fps, totalFrames - 1));
          } else {
            problems.push(`${name} looks like a dotLottie player but has none of setCurrentRawFrameValue(frame), seek(percent), setFrame(frame)`);
          }
          if (awaitable(r, anim)) pending.push([`${name}.${method}`, r]);
        } catch (e) { problems.push(`${name}.${method} threw: ${where(e)}`); }
      } else {
        problems.push(`${name} is neither a lottie-web animation (goToAndStop) nor a dotLottie player (pause, totalFrames or duration)`);
      }
    }
  };

  // ---- three.js and TypeGPU / WebGPU: the seek time in globals and the "hf-seek" event ----
  const dispatchSeek = (time, problems) => {
    const waits = [];
    let accepting = true;
    const detail = {
      time,
      waitUntil(promise) {
        if (!accepting) throw new Error('hf-seek waitUntil() must be called synchronously from the event listener');
        waits.push(promise);
      },
    };
    try {
      // a listener that throws is reported by the browser as a page error, not here
      window.dispatchEvent(new CustomEvent('hf-seek', { detail }));
    } catch (e) { problems.push(`dispatching the hf-seek event threw: ${where(e)}`); } finally { accepting = false; }
    return waits.length ? Promise.all(waits) : null;
  };
  const threeLoading = () => {
    const three = window.THREE;
    const mgr = three && three.DefaultLoadingManager;
    if (!mgr || typeof mgr !== 'object' || typeof mgr.itemsLoaded !== 'number' || typeof mgr.itemsTotal !== 'number') return null;
    return mgr.itemsTotal > mgr.itemsLoaded ? mgr : null;
  };
  const drained = (mgr) => new Promise((resolve) => {
    const poll = () => (mgr.itemsTotal > mgr.itemsLoaded ? nativeSetTimeout(poll, LOAD_POLL_MS) : resolve());
    poll();
  });
  const seekGpu = (time, pending, problems) => {
    try {
      window.__hfThreeTime = time;
      window.__hfTypegpuTime = time;
    } catch (e) { problems.push(`setting window.__hfThreeTime / __hfTypegpuTime threw: ${where(e)}`); }
    const waited = dispatchSeek(time, problems);
    if (waited) pending.push([`the hf-seek listeners' waitUntil() at t=${time}`, waited]);
    const mgr = threeLoading();
    if (mgr) {
      pending.push([`THREE.DefaultLoadingManager (${mgr.itemsLoaded} of ${mgr.itemsTotal} items loaded)`, drained(mgr).then(() => {
        window.__hfThreeTime = time;
        window.__hfTypegpuTime = time;
        const again = [];
        const waitedAgain = dispatchSeek(time, again);
        if (again.length) throw new Error(again.join('; '));
        return waitedAgain;
      })]);
    }
  };

  // Maps (HyperFrames' leaflet, mapbox and maplibre adapters): nothing to seek, only readiness.
  // Each map the page registers is waited for once before a frame is captured: Leaflet's
  // whenReady(), Mapbox GL / MapLibre GL's 'load' (style and sources ready) unless loaded().
  /** @type {Array<[string, string, (m: any) => boolean, (m: any) => Promise<unknown>]>} */
  const MAPS = [
    ['__hfLeaflet', 'a Leaflet map (whenReady)', (m) => typeof m.whenReady === 'function',
      (m) => new Promise((resolve) => m.whenReady(resolve))],
    ['__hfMapbox', "a Mapbox GL map ('load')", (m) => typeof m.loaded === 'function' && typeof m.on === 'function',
      (m) => new Promise((resolve) => (m.loaded() ? resolve() : m.on('load', resolve)))],
    ['__hfMaplibre', "a MapLibre GL map ('load')", (m) => typeof m.loaded === 'function' && typeof m.on === 'function',
      (m) => new Promise((resolve) => (m.loaded() ? resolve() : m.on('load', resolve)))],
  ];
  const mapsReady = new WeakSet();
  const waitMaps = (pending, problems) => {
    for (const [global, what, fits, ready] of MAPS) {
      const list = window[global];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) { problems.push(`window.${global} is not an array of maps`); continue; }
      list.forEach((map, i) => {
        if (!map || typeof map !== 'object' || mapsReady.has(map)) return;
        if (!fits(map)) { problems.push(`window.${global}[${i}] is not ${what.split(' (')[0]}`); return; }
        try {
          pending.push([`window.${global}[${i}], ${what}`, ready(map).then(() => { mapsReady.add(map); })]);
        } catch (e) { problems.push(`waiting for window.${global}[${i}] threw: ${where(e)}`); }
      });
    }
  };

  // ---- GSAP's global timeline on the engine's clock ----
  let gsapSeen = null; // [the gsap object, the virtual seconds it was loaded at]
  const virtualSeconds = () => performance.now() / 1000; // runtime.js puts performance.now on the virtual clock
  try {
    let gsapValue;
    Object.defineProperty(window, 'gsap', {
      configurable: true, enumerable: true,
      get() { return gsapValue; },
      set(value) {
        gsapValue = value;
        if (value && (!gsapSeen || gsapSeen[0] !== value)) gsapSeen = [value, virtualSeconds()];
      },
    });
  } catch (e) { /* window.gsap not definable: found by polling, loaded at 0 */ }
  const gsapDriven = new WeakSet();
  // The gsap object to drive, set up on first sight, or null (not loaded, or not GSAP 3).
  const gsapRoot = () => {
    const g = window.gsap;
    if (!g || typeof g !== 'object' || typeof g.updateRoot !== 'function' || !g.ticker || !g.globalTimeline) return null;
    if (!gsapDriven.has(g)) {
      gsapDriven.add(g);
      if (!gsapSeen || gsapSeen[0] !== g) gsapSeen = [g, 0];
      try {
        g.ticker.lagSmoothing(0);
        g.ticker.remove(g.updateRoot); // only the engine moves the global timeline now
        g.globalTimeline.autoRemoveChildren = false; // finished animations stay seekable
      } catch (e) { /* an odd gsap: the seek below still sets the time */ }
    }
    return g;
  };
  // Render GSAP's global timeline at t (seconds of the composition); returns the problem met (a
  // callback of an animation threw), else null.
  const gsapAt = (t) => {
    const g = gsapRoot();
    if (!g) return null;
    try { g.updateRoot(Math.max(0, t - gsapSeen[1])); } catch (e) { return `GSAP's global timeline at t=${t} threw: ${where(e)}`; }
    return null;
  };
  const gsapDescribe = (a) => {
    const timeline = typeof a.getChildren === 'function';
    const id = a.vars && a.vars.id;
    const named = id !== undefined && id !== null ? `{id: ${JSON.stringify(String(id))}}` : '';
    let text = timeline ? `gsap.timeline(${named})` : `a GSAP tween${named ? ' ' + named : ''}`;
    const targets = [];
    const tweens = timeline ? a.getChildren(true, true, false) : [a];
    for (const tween of tweens) {
      for (const target of (typeof tween.targets === 'function' ? tween.targets() : [])) {
        if (target instanceof Element && !targets.includes(target)) targets.push(target);
      }
    }
    if (targets.length) text += ' animating ' + targets.slice(0, 3).map(window.__hfEngineCommon.describe).join(', ') + (targets.length > 3 ? ', ...' : '');
    return text;
  };
  const gsapNamed = new WeakSet();
  // Paused animations on GSAP's global timeline that are not registered in window.__timelines (each
  // named once): nothing seeks them, so they stay where they were paused.
  const gsapPaused = () => {
    const g = gsapRoot();
    const found = [];
    if (!g) return found;
    const tls = window.__timelines;
    const registered = new Set(tls && typeof tls === 'object' ? Object.values(tls) : []);
    let children = [];
    try { children = g.globalTimeline.getChildren(false, true, true); } catch (e) { return found; }
    for (const a of children) {
      if (registered.has(a) || gsapNamed.has(a) || typeof a.paused !== 'function' || !a.paused()) continue;
      gsapNamed.add(a);
      found.push({ code: 'gsap-paused', element: gsapDescribe(a),
        message: 'is paused and not registered in window.__timelines: nothing plays or seeks it, so every frame ' +
          'shows it where it was paused; register it (window.__timelines["id"] = tl, and the engine seeks it) or ' +
          'let it play' });
    }
    return found;
  };

  /** @type {HfEngineAdapters} */
  const adapters = {
    gsapAt,
    gsapPaused,
    // The frame's time for draw loops that read it (three.js, TypeGPU): set before the page's
    // requestAnimationFrame callbacks run, so a loop drawing in rAF sees this frame's time.
    setTime(t) {
      const time = Math.max(0, Number(t) || 0);
      try { window.__hfThreeTime = time; window.__hfTypegpuTime = time; } catch (e) { /* reported by seek() */ }
    },
    // Put every registered instance at t (seconds). Returns the problems met (strings).
    seek(t, pending) {
      const problems = [];
      const time = Math.max(0, Number(t) || 0);
      if (!discovered) discover(problems);
      seekAnime(time, pending, problems);
      seekLottie(time, pending, problems);
      seekGpu(time, pending, problems);
      waitMaps(pending, problems);
      return problems;
    },
  };
  Object.defineProperty(window, '__hfEngineAdapters', { value: Object.freeze(adapters), writable: false, configurable: false, enumerable: false });
})();
