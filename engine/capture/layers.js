// @ts-check
// The page side of native video layers (injected after media.js, paint_order.js and
// layer_geometry.js, into every frame): which videos are drawn natively, and the page split around them.
//
// A <video> the engine decodes can be composited outside the browser, in rgb48le, instead of
// being shown as a JPEG/BMP poster that Chromium fetches, decodes and paints every frame (which
// costs more than decoding the video: bench/RESULTS.md). For that the page is captured in up to
// two parts around the video, in CSS painting order:
//   below:   everything that paints before the video (the video and all after it hidden), and
//            the video's own box (background, border, shadow, outline) with its poster moved out
//            of sight, when it has one;
//   overlay: everything that paints after it, on a transparent background (a PNG with alpha).
// Python then draws the decoded frame into `rect` (object-fit / object-position resolved),
// clipped to `clip` (its content box, the viewport and clipping ancestors) and to each of
// `rounded` (rounded clips: its own border-radius, to its content box's inner radii, and each
// rounded clipping ancestor's, to its padding box's; [x0, y0, x1, y1, then rx, ry of each corner
// clockwise from the top left], viewport pixels), at `opacity`, over the below part, and the
// overlay over that (engine.blend.kernels.composite). A `filter` of colour functions on the video
// (brightness, contrast, saturate, grayscale, sepia, invert, hue-rotate; opacity folds into
// `opacity`) is reported as `filters` and applied to the frame first (engine.blend.kernels.colour;
// its own box is filtered by Chromium in the part below). A video rotated or skewed (a 2D
// transform, rotate or scale on it or an ancestor, composed by `mapOf` and checked against its
// getBoundingClientRect to 0.5 px) is reported with `matrix` [a, b, c, d, e, f], its local CSS px
// (origin its content box's top left) to viewport pixels, and `rect`, `clip` and `rounded` in
// that local space (`area`: the viewport box it is drawn within); it always has the part below
// (engine.blend.kernels.place_affine). An ancestor's clip joins its local clips when that
// ancestor is not rotated against it, narrows `area` when it is upright without rounded corners,
// is ignored when it leaves the video whole, else is refused.
//
// Only what this split reproduces exactly is taken: `plan` refuses a video (its reason is
// returned, and it keeps the poster path, which renders every CSS feature) when it has a filter
// with another function (blur, drop-shadow, url()...) or any filter in an HDR render (`setHdr`),
// or an ancestor has a filter; it or an ancestor has a mask, clip-path, blend mode or backdrop
// filter; an ancestor has opacity
// below 1 (group opacity cannot be split); a 3D transform, or an overflow clip it is rotated
// against that cuts it; a border-radius
// other than lengths, percentages and calc() of both, or on an ancestor clipping one axis only
// (overflow: clip); an outline over its frame (negative outline-offset) or on a video neither
// positioned nor a stacking context (its outline paints after the in-flow content that follows
// it); opacity below 1 with a background or inset shadow of its own (a group); an unusual
// object-position; or when something painting after it blends with what lies below it.
//
// More than one video per frame (a split screen, a picture-in-picture): the first video the split
// takes (in paint order) is the first layer, and each later one joins it as one more layer, still
// within the same two captures, drawn over the earlier ones in paint order, when this stays exact
// (`joins`): every item painting between the first and it goes to the overlay when it does not
// meet its clip, else to the part below when it meets no earlier native video nor any item between
// left in the overlay under it (`moved`); its own box goes to the part below by the same rule;
// nothing after it blends over it. An item's extent is its border box, text, shadows and outline
// (a filter: the whole plane; a box painting only a border, outer shadow or outline leaves its
// padding box out); a pseudo-element between them refuses the later video (its extent is not
// known). A video that cannot join keeps its poster, with its reason. Everything else is split as
// for the first: before it in the part below, after it in the overlay; later native videos are
// hidden in both parts (their own boxes shown in the part below, frames moved out of sight).
//
// Paint order and the facts of boxes come from paint_order.js, where and how a video is drawn
// (`geometry`, the refusals of its own properties and its ancestors') from layer_geometry.js.
(() => {
  'use strict';
  if (window.__hfEngineLayers) return;
  const defineHidden = (name, value) => Object.defineProperty(window, name, { value, writable: false, configurable: false, enumerable: false });

  const { survey, keyOf, pseudoKey, compare, paints, extentOf, meets } = window.__hfEnginePaint; // paint_order.js
  const { geometry, setHdr, AWAY } = window.__hfEngineGeometry; // layer_geometry.js
  const describe = (el) => window.__hfEngineCommon.describe(el); // common.js

  const sheet = new CSSStyleSheet();
  sheet.replaceSync([
    'html[data-hfe-split] [data-hfe-v="h"] { visibility: hidden !important; }',
    'html[data-hfe-split] [data-hfe-v="v"] { visibility: visible !important; }',
    // the video's own box (background, border, shadow, outline) without its frame: the poster is
    // moved out of sight (object-position paints only; the layout keeps the poster's size)
    `html[data-hfe-split] [data-hfe-v="box"] { visibility: visible !important; object-position: -${AWAY}px -${AWAY}px !important; }`,
    'html[data-hfe-split] [data-hfe-b="h"]::before { visibility: hidden !important; }',
    'html[data-hfe-split] [data-hfe-b="v"]::before { visibility: visible !important; }',
    'html[data-hfe-split] [data-hfe-a="h"]::after { visibility: hidden !important; }',
    'html[data-hfe-split] [data-hfe-a="v"]::after { visibility: visible !important; }',
    'html[data-hfe-split="overlay"], html[data-hfe-split="overlay"] > body { background: transparent !important; }',
  ].join('\n'));
  const ensureSheet = () => {
    if (!document.adoptedStyleSheets.includes(sheet)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  };

  // { layers, keys: their paint keys, el: the first video, key: its paint key, natives: the later native videos,
  // boxes: those of them with a box, moved: elements between moved to the part below, sides: [el, visible, after?, ...]
  // each, box: the first paints its own box }
  let split = null;
  // Clips kept on the poster path where their split would need the part below (layers.py
  // `prefer_poster`: 8-bit SDR footage at JPEG capture, where Chromium painting the frame is cheaper)
  let posterFirst = new Set();
  const preferPoster = (indices) => { posterFirst = new Set(indices || []); };

  // The native layers for this frame, in paint order: the first of `candidates` ([[index, element,
  // width, height]]) that is visible and drawn by rules the split reproduces, then each later one
  // that can join it (`joins`). Returns { layer: the first or null, layers, reasons, visible }:
  // `reasons` maps the index of each refused video to { element, reason }; `visible` counts the
  // candidates on screen (the layers included).
  const plan = (candidates) => {
    clear();
    /** @type {HfLayerFound['reasons']} */
    const reasons = {};
    let visible = 0;
    if (!candidates.length) return { layer: null, layers: [], reasons, visible };
    const info = survey();
    const ordered = candidates.filter(([, el, iw, ih]) => info.has(el) && iw > 0 && ih > 0)
      .sort((a, b) => compare(keyOf(info, a[1]), keyOf(info, b[1])));
    for (const [index, el, iw, ih] of ordered) {
      const g = geometry(info, el, iw, ih);
      if (g.hidden) continue;
      visible += 1;
      const reason = g.reason || (split ? joins(info, el, g) : sidesAround(info, el, g.clip));
      if (typeof reason === 'string') { reasons[index] = { element: describe(el), reason }; continue; }
      if (!split && g.below && posterFirst.has(index)) continue; // a choice, not a refusal: Chromium paints it
      const layer = { index, rect: g.rect, clip: g.clip, rounded: g.rounded, opacity: g.opacity, below: g.below, filters: g.filters };
      // rotated or skewed: drawn through its matrix in local coordinates; `area` its viewport box
      if (g.matrix) Object.assign(layer, { matrix: g.matrix, rect: g.local.rect, clip: g.local.clip, rounded: g.local.rounded, area: g.clip });
      if (!split) {
        split = { layers: [layer], keys: [keyOf(info, el)], el, key: keyOf(info, el), natives: new Set(), boxes: new Set(),
          moved: new Set(), sides: reason.sides, box: g.box };
        continue;
      }
      split.layers.push(layer);
      split.keys.push(keyOf(info, el));
      split.natives.add(el);
      if (g.box) split.boxes.add(el);
      for (const moved of reason.moves) split.moved.add(moved);
    }
    return { layer: split ? split.layers[0] : null, layers: split ? split.layers : [], reasons, visible };
  };

  // Why the item `me`, painting above a video with `clip`, cannot be split from it: it blends with
  // what lies below it (a reason), or null.
  const blendsOver = (me, clip) => {
    if (me.s.visibility !== 'visible' || (me.s.mixBlendMode === 'normal' && (!me.s.backdropFilter || me.s.backdropFilter === 'none'))) return null;
    const q = me.el.getBoundingClientRect();
    if (!(q.right > clip[0] && q.left < clip[2] && q.bottom > clip[1] && q.top < clip[3])) return null;
    const how = me.s.mixBlendMode !== 'normal' ? `mix-blend-mode: ${me.s.mixBlendMode}` : `backdrop-filter: ${me.s.backdropFilter}`;
    return `${describe(me.el)} above it blends with what lies below (${how})`;
  };

  // For every element (and ::before / ::after) whether it paints after `video` ({ sides }), or
  // why the split cannot reproduce what lies above it (a string).
  const sidesAround = (info, video, clip) => {
    const vk = keyOf(info, video);
    const sides = [];
    for (const me of info.values()) {
      if (me.el === video) continue;
      const after = compare(keyOf(info, me.el), vk) > 0;
      const blends = after ? blendsOver(me, clip) : null;
      if (blends) return blends;
      const pb = pseudoKey(info, me.el, '::before');
      const pa = pseudoKey(info, me.el, '::after');
      sides.push([me.el, me.s.visibility === 'visible', after,
        pb && compare(pb, vk) > 0, pa && compare(pa, vk) > 0, !!pb, !!pa]);
    }
    return { sides };
  };

  // Whether a later `video` (geometry `g`) can join the split as one more native layer, drawn over
  // the part below and the earlier layers, under the overlay. What paints between the first native
  // video and it goes to the overlay, so must not meet its clip, unless it can move to the part
  // below: when it meets no native video painting before it and nothing between left in the
  // overlay under it. Its own box (if any) moves to the part below by the same rule; nothing above
  // it may blend. Returns { moves: the elements moved to the part below }, or the reason it keeps
  // the poster path.
  const joins = (info, video, g) => {
    const first = describe(split.el);
    const vk = keyOf(info, video);
    // a is painted before b: earlier in paint order, or a level holding b (its own box paints first)
    const before = (a, b) => { const c = compare(a, b); return c < 0 || (c === 0 && a.length < b.length); };
    const between = [];
    for (const me of info.values()) {
      if (me.el === video || me.el === split.el || split.natives.has(me.el)) continue;
      const k = keyOf(info, me.el);
      if (before(vk, k)) {
        const blends = blendsOver(me, g.clip);
        if (blends) return blends;
      } else if (before(split.key, k) && !split.moved.has(me.el) && paints(me)) between.push({ me, k });
      if (me.s.visibility !== 'visible') continue;
      for (const which of ['::before', '::after']) {
        const pk = pseudoKey(info, me.el, which);
        if (pk && before(split.key, pk) && before(pk, vk) && getComputedStyle(me.el, which).visibility === 'visible') {
          return `${describe(me.el)}${which} paints between ${first} and it (where it paints is not known)`;
        }
      }
    }
    between.sort((x, y) => compare(x.k, y.k));
    const overlay = []; // where the items between left in the overlay may paint, in paint order
    const moves = [];
    // what keeps an item painting at `k` where `extent` says from the part below (described), or null
    const stuck = (k, extent) => {
      const i = split.layers.findIndex((layer, j) => before(split.keys[j], k) && meets(extent, layer.area || layer.clip));
      if (i >= 0) return i ? describe([...split.natives][i - 1]) : first;
      const o = overlay.find((item) => meets({ box: item.extent.box, hole: null }, extent.box));
      return o ? describe(o.me.el) : null;
    };
    for (const { me, k } of between) {
      const extent = extentOf(info, me);
      if (!meets(extent, g.clip)) { overlay.push({ me, extent }); continue; }
      const under = stuck(k, extent);
      if (under) return `${describe(me.el)} paints between ${first} and it and overlaps it (it cannot paint below instead: it meets ${under})`;
      moves.push(me.el);
    }
    if (g.own) {
      const under = stuck(vk, extentOf(info, info.get(video)));
      if (under) return `it has its own box (${g.own}), which would have to paint under ${under}`;
    }
    return { moves };
  };

  // Show one part of the split: 'below' (what paints before the first video) or 'overlay' (after it).
  const show = (part) => {
    if (!split) return false;
    ensureSheet();
    const overlay = part === 'overlay';
    const mark = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
    // the native videos: hidden, but for their own boxes in the part below; what paints between
    // the first and a later one is in the overlay, or moved to the part below (`joins`)
    mark(split.el, 'data-hfe-v', split.box && !overlay ? 'box' : 'h');
    for (const [el, visible, after, pbAfter, paAfter, hasPb, hasPa] of split.sides) {
      const native = split.natives.has(el);
      const part = native ? (!overlay && visible && split.boxes.has(el) ? 'box' : 'h')
        : visible && (after && !split.moved.has(el)) === overlay ? 'v' : 'h';
      mark(el, 'data-hfe-v', part);
      // pseudo-elements inherit the element's visibility unless marked themselves
      if (hasPb) mark(el, 'data-hfe-b', visible && pbAfter === overlay ? 'v' : 'h');
      if (hasPa) mark(el, 'data-hfe-a', visible && paAfter === overlay ? 'v' : 'h');
    }
    document.documentElement.setAttribute('data-hfe-split', part);
    return true;
  };

  // Back to the page as it is (no split).
  const clear = () => {
    if (!split) return;
    document.documentElement.removeAttribute('data-hfe-split');
    split.el.removeAttribute('data-hfe-v');
    for (const [el] of split.sides) {
      el.removeAttribute('data-hfe-v');
      el.removeAttribute('data-hfe-b');
      el.removeAttribute('data-hfe-a');
    }
    split = null;
  };

  // The first layer `plan` chose last (until `clear`), or null.
  const current = () => (split ? split.layers[0] : null);

  defineHidden('__hfEngineLayers', Object.freeze(/** @satisfies {HfEngineLayers} */ ({ plan, show, clear, current, setHdr, preferPoster })));
})();
