// @ts-check
// Putting the page's animations at a time (injected after hyperframes.js, into every frame), as
// window.__hfEngineSeek, for runtime.js's seek(t):
//   clips(t)                      timed elements (class="clip", sub-composition hosts) shown in
//                                 [start, end) (compositions.js has their windows);
//   timelines(t, pending, errors) every timeline of window.__timelines paused and seeked (a
//                                 sub-composition's on its host's clock);
//   animations(t, errors)         CSS / Web Animations paused at t (one made by script counts from
//                                 its creation: clock.js born);
//   settle(pending, timeoutMs, errors)  awaits [name, promise] pairs, throwing after timeoutMs
//                                 (real time) with the names still open.
// Problems are pushed onto `errors` (strings), never thrown.
(() => {
  'use strict';
  if (window.__hfEngineSeek) return;
  const EPS = 1e-9; // seconds: float slack for clip boundaries computed from exact fractions
  const { threw, errorText } = window.__hfEngineCommon;
  const clock = window.__hfEngineClock;
  const timing = window.__hfEngineTiming;

  // Timed elements (class="clip", and sub-composition hosts) show in [start, end): starts inside a
  // sub-composition count from its host's, ends come from data-duration, data-end or the host's
  // timeline (compositions.js).
  const clips = (t) => {
    for (const el of timing.timed()) {
      const [start, end] = timing.windowOf(el);
      const hide = !(t >= start - EPS && t < end - EPS);
      if (el.hasAttribute('data-hf-hidden') !== hide) el.toggleAttribute('data-hf-hidden', hide);
    }
  };

  const paused = new WeakSet();
  const timelines = (t, pending, errors) => {
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
      } catch (e) { errors.push(threw(`${name}.seek(${t})`, e)); }
    }
  };

  const animations = (t, errors) => {
    const born = clock.born;
    for (const a of document.getAnimations()) {
      if (!born.has(a)) born.set(a, (typeof CSSTransition !== 'undefined' && a instanceof CSSTransition) ? clock.now() : 0);
      try {
        if (a.playState !== 'paused') a.pause();
        a.currentTime = t * 1000 - born.get(a);
      } catch (e) { errors.push(threw('seeking an animation', e)); }
    }
  };

  const settle = async (pending, timeoutMs, errors) => {
    if (!pending.length) return;
    const open = new Set(pending.map(([name]) => name));
    const all = Promise.all(pending.map(([name, p]) => Promise.resolve(p).then(
      () => { open.delete(name); },
      (e) => { open.delete(name); errors.push(`${name} rejected: ${errorText(e)}`); })));
    let timer;
    const timeout = new Promise((resolve) => { timer = clock.setTimeout(resolve, timeoutMs); });
    await Promise.race([all, timeout]);
    clock.clearTimeout(timer);
    if (open.size) throw new Error(`timed out after ${timeoutMs} ms waiting for ${[...open].join(', ')}`);
  };

  Object.defineProperty(window, '__hfEngineSeek', {
    value: Object.freeze(/** @satisfies {HfEngineSeek} */ ({ clips, timelines, animations, settle })), writable: false, configurable: false, enumerable: false,
  });
})();
