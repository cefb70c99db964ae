// @ts-check
// The page side of media (injected after common.js and before runtime.js, into every frame).
//
// Chromium never plays or decodes a composition's <video> and <audio>: the router refuses their
// requests, play() does nothing. The engine decodes each source with PyAV, in Python, and shows
// the frame of each video as the element's *poster*, which Chromium paints exactly like video
// content: the element keeps all its CSS (size, object-fit, object-position, transforms,
// opacity, radius, filters, masks, z-order). Each frame is fetched from the engine's loopback
// frame server, decoded (img.decode()) before the poster is switched, so a capture never sees a
// half-loaded frame: the poster then reuses that decoded image (the document's own list of
// available images, while `held` keeps it alive), synchronously. Frames are sent `no-store`:
// nothing of them piles up in Chromium's HTTP cache over a long render.
(() => {
  'use strict';
  if (window.__hfEngineMedia) return;
  const defineHidden = (name, value) => Object.defineProperty(window, name, { value, writable: false, configurable: false, enumerable: false });

  // Nothing plays in real time (and no promise rejects because the source was refused).
  const proto = HTMLMediaElement.prototype;
  proto.play = function play() { return Promise.resolve(); };

  const { describe, sourceOf } = window.__hfEngineCommon; // common.js

  /** @type {HTMLMediaElement[]} */
  let elements = [];
  const shown = new WeakMap();   // element -> URL of the frame it shows
  const posted = new WeakMap();  // element -> the poster attribute the engine set (a frame)
  const held = new WeakMap();    // element -> the decoded Image keeping that frame in memory

  // The <hf-audio-group> an <audio> with an id names in data-audio-group, as written (HyperFrames'
  // resolveAudioGroups: members hold the membership; the group element is optional).
  const groupOf = (el) => {
    const id = el.getAttribute('data-audio-group');
    if (el.tagName !== 'AUDIO' || !id || !el.id) return null;
    const group = [...document.querySelectorAll('hf-audio-group')].find((g) => g.id === id);
    return {
      id, element: group ? describe(group) : null, volume: group ? group.getAttribute('data-volume') : null,
      hidden: group ? group.hasAttribute('data-hidden') : false,
      fxChain: group ? group.getAttribute('data-fx-chain') : null,
      automation: group ? group.getAttribute('data-automation') : null,
    };
  };

  // Every <video> and <audio> of the page (after sub-compositions were mounted), with its
  // HyperFrames timing attributes as written; Python validates and resolves them.
  const census = () => {
    const timing = window.__hfEngineTiming;
    elements = /** @type {HTMLMediaElement[]} */ ([...document.querySelectorAll('video, audio')]);
    return elements.map((el, index) => {
      const src = sourceOf(el);
      let url = null;
      try { url = src ? new URL(src, document.baseURI).href : null; } catch (e) { url = null; }
      const [start, end] = timing ? timing.windowOf(el) : [0, Infinity];
      const host = el.parentElement && el.parentElement.closest('[data-composition-id]');
      const hostEnd = host && timing ? timing.windowOf(host)[1] : Infinity;
      return {
        index, tag: el.tagName.toLowerCase(), element: describe(el), src, url,
        timed: el.matches('.clip, [data-start]'),
        start, end: Number.isFinite(end) ? end : null, hostEnd: Number.isFinite(hostEnd) ? hostEnd : null,
        mediaStart: el.getAttribute('data-playback-start') ?? el.getAttribute('data-media-start'),
        rate: el.getAttribute('data-playback-rate'),
        volume: el.getAttribute('data-volume'),
        muted: el.muted || el.hasAttribute('muted'),
        loop: el.loop,
        hasAudio: el.getAttribute('data-has-audio'),
        fxChain: el.getAttribute('data-fx-chain'),
        automation: el.getAttribute('data-automation'),
        hidden: el.closest('[data-hidden]') !== null,
        audioGroup: el.getAttribute('data-audio-group'),
        group: groupOf(el),
      };
    });
  };

  // Frames being fetched or fetched, by URL (the few latest: the current and the next ones).
  const loads = new Map();
  const load = (url) => {
    let entry = loads.get(url);
    if (!entry) {
      const image = new Image();
      image.src = url;
      entry = { image, ready: image.decode() };
      entry.ready.catch(() => {}); // a prefetch may be refused (204: no change); show() retries
      loads.set(url, entry);
      while (loads.size > 8) loads.delete(loads.keys().next().value);
    }
    return entry;
  };

  // Switch each video to its frame at this time: `frames` maps an element's index to the URL of
  // its new frame (an element missing from it keeps what it shows). Pushes one promise per new
  // frame onto `pending` (as [name, promise]); the poster is switched once the frame is decoded.
  // `prefetch` names the frames of the time captured next: fetched now, while this one is captured.
  // `skip`: the indices of the videos composited natively this time (layers.js): their frames are
  // neither fetched nor prefetched, only remembered (`deferred`) in case the page needs their posters after all.
  const deferred = new Map(); // index -> URL of the frame a skipped video would show
  const show = (frames, prefetch, pending, skip = null) => {
    deferred.clear();
    const skipped = new Set(Array.isArray(skip) ? skip : skip === null ? [] : [skip]);
    for (const [key, url] of Object.entries(frames || {})) {
      const el = elements[Number(key)];
      if (!el || !url || shown.get(el) === url) continue;
      if (skipped.has(Number(key))) { deferred.set(Number(key), url); shown.delete(el); continue; }
      shown.set(el, url);
      // A crossorigin attribute makes the poster a CORS request, which misses the decoded no-cors
      // frame (the list of available images is keyed by CORS mode) and refetches it: the frame
      // server answers such a refetch 204 (no change), and the video would show nothing.
      if (el.hasAttribute('crossorigin')) el.removeAttribute('crossorigin');
      const use = (entry, src) => entry.ready.then(() => { el.setAttribute('poster', src); posted.set(el, src); held.set(el, entry.image); });
      const entry = load(url);
      pending.push([`the frame of ${describe(el)}`, use(entry, url).catch(() => {
        const again = load(url + '?show');
        return use(again, url + '?show');
      })]);
    }
    for (const [key, url] of Object.entries(prefetch || {})) if (!skipped.has(Number(key))) load(url);
  };
  // The poster of a video skipped by show() after all (the split did not take it): pushed onto `pending`.
  const showDeferred = (index, pending) => {
    const url = deferred.get(index);
    if (url === undefined) return false;
    deferred.delete(index);
    show({ [index]: url }, null, pending);
    return true;
  };
  // The videos that could be composited natively: [index, element, frame width, frame height] of
  // each of `frames` whose element already shows a frame of the engine (so its layout, which a
  // poster's size can set, is that of its frames).
  const candidates = (frames) => {
    /** @type {HfCandidate[]} */
    const found = [];
    for (const key of Object.keys(frames || {})) {
      const el = elements[Number(key)];
      const image = el && held.get(el);
      if (image && el.tagName === 'VIDEO' && image.naturalWidth > 0) found.push([Number(key), el, image.naturalWidth, image.naturalHeight]);
    }
    return found;
  };
  const isDeferred = (index) => deferred.has(index);

  // The windows Python resolved (a clip without data-duration lasts as long as its source):
  // `ends` maps an element's index to its end in composition seconds (null: never ends).
  const setEnds = (ends) => {
    for (const [key, end] of Object.entries(ends || {})) {
      const el = elements[Number(key)];
      if (el && window.__hfEngineTiming) window.__hfEngineTiming.setEnd(el, end);
    }
  };

  // <video> and <audio> elements a script made after the census: the engine never decodes them
  // (Chromium does not play them either), so each is named once, as a warning.
  const named = new WeakSet();
  const late = () => {
    if (!elements.length && !document.querySelector('video, audio')) return [];
    const known = new Set(elements);
    const found = [];
    for (const el of /** @type {NodeListOf<HTMLMediaElement>} */ (document.querySelectorAll('video, audio'))) {
      if (known.has(el) || named.has(el)) continue;
      named.add(el);
      found.push({ code: el.tagName === 'VIDEO' ? 'video' : 'audio', element: describe(el),
        message: 'was created by a script after the page loaded; media is read from the page once, at load, so it ' +
          'is not rendered (its area shows what lies beneath; no sound): put it in the HTML' });
    }
    return found;
  };

  // Posters of the page's own (written in the HTML or set by a script; not the engine's frames) are
  // loaded and decoded once each: pushes [name, promise] onto `pending`, and each that fails is named
  // by the next failedImages(). The engine's frames replace a poster from the video's first frame
  // on; the page's own poster shows where no frame is (a <video> without a source, for one).
  const checkedPoster = new WeakMap(); // element -> the poster attribute checked
  const broken = [];
  const checkPosters = (pending) => {
    for (const el of /** @type {NodeListOf<HTMLVideoElement>} */ (document.querySelectorAll('video[poster]'))) {
      const value = el.getAttribute('poster');
      if (!value || posted.get(el) === value || checkedPoster.get(el) === value) continue;
      checkedPoster.set(el, value);
      const image = new Image();
      image.src = el.poster; // resolved against the document
      pending.push([`the poster of ${describe(el)}`, image.decode().catch(() => {
        if (checkedPoster.get(el) !== value) return; // changed again meanwhile
        const text = describe(el).replace(/>$/, ` poster="${value.length > 80 ? value.slice(0, 77) + '...' : value}">`);
        broken.push({ code: 'image', element: text,
          message: 'this poster failed to load or decode: it renders as nothing (where the video shows no frame)' });
      })]);
    }
  };
  // <img> elements that failed to load or decode, and the posters checkPosters() found broken: each
  // named once per source (runtime.js asks at load, in its census, and after every seek).
  const namedImage = new WeakMap(); // img -> the src named
  const failedImages = () => {
    const found = [];
    for (const img of document.images) {
      const src = img.getAttribute('src');
      if (!src || !img.complete || img.naturalWidth !== 0 || namedImage.get(img) === src) continue;
      namedImage.set(img, src);
      found.push({ code: 'image', element: describe(img), message: 'this image failed to load or decode: it renders as nothing' });
    }
    return found.concat(broken.splice(0));
  };

  defineHidden('__hfEngineMedia', Object.freeze(/** @satisfies {HfEngineMedia} */ ({ census, show, showDeferred, candidates, isDeferred, setEnds,
    describe, late, checkPosters, failedImages })));
})();
