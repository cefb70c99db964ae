// @ts-check
// The virtual clock (injected after layers.js, into every frame), as window.__hfEngineClock.
// It puts the page on virtual time so that a frame depends only on its time:
//   Date / Date.now, performance.now, requestAnimationFrame, setTimeout / setInterval run on
//   virtual milliseconds that only the runtime's seek(t) advances (runTimers); Math.random is a
//   seeded PRNG, reseeded from (seed, t) at every seek (reseed); Web Animations created by script
//   start at the virtual time of their creation (born). The real timers stay available to the
//   runtime (setTimeout / clearTimeout here) for its settle timeouts.
(() => {
  'use strict';
  if (window.__hfEngineClock) return;
  const cfg = window.__hfEngineConfig || {};
  const EPOCH = typeof cfg.epoch === 'number' ? cfg.epoch : 946684800000; // 2000-01-01T00:00:00Z
  const SEED = (cfg.seed >>> 0);
  const MAX_FIRINGS = 100000;
  const nativeSetTimeout = window.setTimeout.bind(window);
  const nativeClearTimeout = window.clearTimeout.bind(window);
  const NativeDate = window.Date;
  const { threw } = window.__hfEngineCommon;
  let now = 0; // virtual milliseconds since the composition's start

  // ---- seeded Math.random (mulberry32) ----
  let state = 0;
  const reseedWith = (n) => { state = (n >>> 0) ^ 0x9e3779b9; };
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
  reseedWith(mix(SEED, -1));
  // Math.random's sequence for virtual time `ms` (every seek starts one)
  const reseed = (ms) => reseedWith(mix(SEED, ms));

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
  window.Date = /** @type {DateConstructor} */ (/** @type {unknown} */ (VirtualDate));
  performance.now = () => now;

  // GSAP's global timeline on the virtual clock (adapters.js gsapAt): its problems are the page's errors
  const gsapAt = (t, errors) => {
    const problem = window.__hfEngineAdapters ? window.__hfEngineAdapters.gsapAt(t) : null;
    if (problem) errors.push(problem);
  };

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
  // Run every timer due by `target` (virtual ms) in order, the clock at each one's time; then the
  // clock is at `target`. What a callback throws goes onto `errors`.
  const runTimers = (target, errors) => {
    for (let fired = 0; ; fired++) {
      let next = null;
      for (const t of timers.values()) {
        if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      if (fired >= MAX_FIRINGS) { errors.push(`more than ${MAX_FIRINGS} timer callbacks due by ${target} ms (an interval of ~0 ms?)`); break; }
      now = Math.max(0, next.due);
      gsapAt(now / 1000, errors); // a GSAP animation the callback makes starts at the callback's time
      if (next.interval) { next.due += next.interval; next.seq = ++timerSeq; } else timers.delete(next.id);
      try { next.cb.apply(window, next.args); } catch (e) { errors.push(threw('a timer callback', e)); }
    }
    now = target;
  };

  // ---- virtual requestAnimationFrame ----
  let rafSeq = 0;
  let rafQueue = new Map();
  window.requestAnimationFrame = (cb) => { const id = ++rafSeq; rafQueue.set(id, cb); return id; };
  window.cancelAnimationFrame = (id) => { rafQueue.delete(id); };
  const runRaf = (ms, errors) => {
    const queue = rafQueue;
    rafQueue = new Map();
    for (const cb of queue.values()) { try { cb(ms); } catch (e) { errors.push(threw('a requestAnimationFrame callback', e)); } }
  };

  // ---- Web Animations created by script start at the virtual time of their creation ----
  const born = new WeakMap(); // animation -> virtual ms it started at
  const nativeAnimate = Element.prototype.animate;
  Element.prototype.animate = function animate(...a) {
    const anim = nativeAnimate.apply(this, a);
    born.set(anim, now);
    return anim;
  };

  Object.defineProperty(window, '__hfEngineClock', {
    value: Object.freeze(/** @satisfies {HfEngineClock} */ ({ now: () => now, reseed, runTimers, runRaf, gsapAt, born,
      setTimeout: nativeSetTimeout, clearTimeout: nativeClearTimeout })),
    writable: false, configurable: false, enumerable: false,
  });
})();
