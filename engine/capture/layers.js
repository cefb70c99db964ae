// @ts-check
// The page side of native video layers (injected after media.js, into every frame).
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
// overlay over that (engine.blend.kernels.composite).
//
// Only what this split reproduces exactly is taken: `plan` refuses a video (its reason is
// returned, and it keeps the poster path, which renders every CSS feature) when it or an
// ancestor has a filter, mask, clip-path, blend mode or backdrop filter; an ancestor has opacity
// below 1 (group opacity cannot be split); a rotation, skew or 3D transform; a border-radius
// other than lengths, percentages and calc() of both, or on an ancestor clipping one axis only
// (overflow: clip); an outline over its frame (negative outline-offset) or on a video neither
// positioned nor a stacking context (its outline paints after the in-flow content that follows
// it); opacity below 1 with a background or inset shadow of its own (a group); an unusual
// object-position; or when something painting after it blends with what lies below it.
//
// Paint order follows CSS 2.1 Appendix E, simplified: within a stacking context, negative
// z-index, then non-positioned boxes in tree order, then positioned ones (z-index auto/0) in
// tree order, then positive z-index; a positioned box orders its non-positioned descendants.
(() => {
  'use strict';
  if (window.__hfEngineLayers) return;
  const defineHidden = (name, value) => Object.defineProperty(window, name, { value, writable: false, configurable: false, enumerable: false });

  const AWAY = 10000000; // CSS px the poster is moved by in the 'below' part of a video with its own box
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

  const px = (v) => parseFloat(v) || 0;
  const positioned = (s) => s.position !== 'static';
  const zOf = (s) => (s.zIndex === 'auto' ? null : parseInt(s.zIndex, 10) || 0);

  // Does an element with computed style `s` (parent's `ps`) start a stacking context?
  const stacking = (el, s, ps) => {
    if (el === document.documentElement) return true;
    if (s.position === 'fixed' || s.position === 'sticky') return true;
    if (zOf(s) !== null && (positioned(s) || (ps && /flex|grid/.test(ps.display)))) return true;
    return parseFloat(s.opacity) < 1 || s.transform !== 'none' || s.filter !== 'none' || s.mixBlendMode !== 'normal'
      || s.isolation === 'isolate' || s.clipPath !== 'none' || (s.maskImage && s.maskImage !== 'none')
      || (s.backdropFilter && s.backdropFilter !== 'none') || s.perspective !== 'none'
      || (s.translate && s.translate !== 'none') || (s.rotate && s.rotate !== 'none') || (s.scale && s.scale !== 'none')
      || /transform|opacity|filter/.test(s.willChange) || /paint|layout|strict|content/.test(s.contain);
  };

  // One plan's view of the document: every element's style, tree order and paint-order key.
  const survey = () => {
    const info = new Map();
    let order = 0;
    const visit = (el, parent) => {
      const s = getComputedStyle(el);
      const ps = parent ? info.get(parent).s : null;
      const me = { el, s, parent, order: order++, sc: stacking(el, s, ps), pos: positioned(s), key: null, last: 0 };
      info.set(el, me);
      if (s.display !== 'none') for (const child of el.children) visit(child, el);
      me.last = order - 1; // the order of its last descendant
    };
    visit(document.documentElement, null);
    return info;
  };
  // The level an item (element or pseudo-element, with style `s`, under `parent`) paints at.
  const levelOf = (info, parent, s, atomic) => {
    for (let p = parent; p; p = info.get(p).parent) {
      const pi = info.get(p);
      if (pi.sc || (!atomic && pi.pos)) return p;
    }
    return null;
  };
  const place = (s, order, sc) => {
    const z = zOf(s);
    const group = (positioned(s) || sc) ? (z !== null && z < 0 ? 0 : z ? 4 : 3) : 1;
    return [group, z || 0, order];
  };
  const keyOf = (info, el) => {
    const me = info.get(el);
    if (me.key) return me.key;
    const level = el === document.documentElement ? null : levelOf(info, me.parent, me.s, me.pos || me.sc);
    me.key = (level ? keyOf(info, level) : []).concat([place(me.s, me.order, me.sc)]);
    return me.key;
  };
  const pseudoKey = (info, el, which) => {
    const ps = getComputedStyle(el, which);
    if (!ps || ps.content === 'none' || ps.content === 'normal' || ps.display === 'none') return null;
    const me = info.get(el);
    const atomic = positioned(ps) || stacking(el, ps, me.s);
    const level = (me.sc || (!atomic && me.pos)) ? el : levelOf(info, el, ps, atomic);
    const order = which === '::before' ? me.order + 0.5 : me.last + 0.5;
    return (level ? keyOf(info, level) : []).concat([place(ps, order, atomic)]);
  };
  // -1: a paints before b; 1: after; 0: a is (a level above) b (its own box paints first).
  const compare = (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) if (a[i][j] !== b[i][j]) return a[i][j] < b[i][j] ? -1 : 1;
    }
    return a.length < b.length ? -1 : (a.length > b.length ? 1 : 0);
  };

  const matrixOf = (transform) => {
    if (!transform || transform === 'none') return [1, 0, 0, 1];
    const m = /^matrix\(([^)]*)\)$/.exec(transform);
    if (!m) return null; // matrix3d
    const v = m[1].split(',').map(Number);
    return [v[0], v[1], v[2], v[3]];
  };
  const upright = (s) => {
    const m = matrixOf(s.transform);
    if (!m || Math.abs(m[1]) > 1e-9 || Math.abs(m[2]) > 1e-9 || m[0] <= 0 || m[3] <= 0) return false;
    if (s.rotate && s.rotate !== 'none' && !/^0(deg)?$/.test(s.rotate)) return false;
    if (s.scale && s.scale !== 'none' && s.scale.split(' ').some((v) => !(parseFloat(v) > 0))) return false;
    return true;
  };
  const transformOf = (s) => ['transform', 'rotate', 'scale'].filter((k) => s[k] && s[k] !== 'none')
    .map((k) => `${k}: ${s[k]}`).join('; ');
  // A box's corners (top left, top right, bottom right, bottom left) as CSS draws them for style
  // `s` and border box `w` x `h` (CSS px): [rx, ry] each, percentages resolved, scaled down
  // together where adjacent corners would overlap (CSS Backgrounds 3, 5.5); null when a radius
  // is not a length, percentage or calc() of both.
  const CORNERS = ['TopLeft', 'TopRight', 'BottomRight', 'BottomLeft'];
  const radiiOf = (s, w, h) => {
    const radii = [];
    for (const k of CORNERS) {
      const tokens = (s[`border${k}Radius`] || '0px').match(/calc\([^()]*(?:\([^()]*\)[^()]*)*\)|\S+/g) || ['0px'];
      const rx = offset(tokens[0], w, 'x'), ry = offset(tokens[1] || tokens[0], h, 'y');
      if (rx === null || ry === null) return null;
      radii.push(rx > 0 && ry > 0 ? [rx, ry] : [0, 0]);
    }
    const f = Math.min(1, w / (radii[0][0] + radii[1][0] || w), w / (radii[3][0] + radii[2][0] || w),
      h / (radii[0][1] + radii[3][1] || h), h / (radii[1][1] + radii[2][1] || h));
    return radii.map(([rx, ry]) => [rx * f, ry * f]);
  };
  // The rounded clip of an inner edge: `radii` (radiiOf) less the insets (CSS px: top, right,
  // bottom, left) of that edge from the border box, scaled by kx, ky into viewport pixels, as
  // eight numbers (rx, ry of each corner from the top left, clockwise); null when none is rounded.
  const innerRadii = (radii, /** @type {number[]} */ [t, r, b, l], kx, ky) => {
    const sides = [[l, t], [r, t], [r, b], [l, b]];
    const out = radii.flatMap(([rx, ry], i) => {
      const x = Math.max(0, rx - sides[i][0]), y = Math.max(0, ry - sides[i][1]);
      return x > 0 && y > 0 ? [x * kx, y * ky] : [0, 0];
    });
    return out.some((v) => v > 0) ? out : null;
  };
  const rounded = (s) => CORNERS.some((k) => s[`border${k}Radius`] && s[`border${k}Radius`].split(' ').some((v) => parseFloat(v) > 0));
  const insets = (s, padding) => ['Top', 'Right', 'Bottom', 'Left']
    .map((k) => px(s[`border${k}Width`]) + (padding ? px(s[`padding${k}`]) : 0));
  // The first effect of style `s` the split cannot reproduce, as 'property: value', or null.
  const effects = (s) => {
    const found = [['filter', s.filter, 'none'], ['clip-path', s.clipPath, 'none'], ['mask-image', s.maskImage, 'none'],
      ['mix-blend-mode', s.mixBlendMode, 'normal'], ['backdrop-filter', s.backdropFilter, 'none']]
      .find(([, value, off]) => value && value !== off);
    return found ? `${found[0]}: ${found[1]}` : null;
  };
  // What the box of style `s` itself paints ('property: value'): `under` what lies under its
  // content box (a background, an inset shadow), `outline` its outline, `any` the first of all
  // (with border and outer shadow); null when it paints nothing of its own.
  const ownBox = (s) => {
    const under = s.backgroundColor !== 'rgba(0, 0, 0, 0)' ? `background-color: ${s.backgroundColor}`
      : s.backgroundImage !== 'none' ? `background-image: ${s.backgroundImage}`
        : /inset/.test(s.boxShadow) ? `box-shadow: ${s.boxShadow}` : null;
    const shadow = s.boxShadow !== 'none' ? `box-shadow: ${s.boxShadow}` : null;
    const outline = px(s.outlineWidth) > 0 && s.outlineStyle !== 'none' ? `outline: ${s.outlineWidth} ${s.outlineStyle}` : null;
    const side = ['Top', 'Right', 'Bottom', 'Left'].find((k) => px(s[`border${k}Width`]) > 0 && s[`border${k}Style`] !== 'none');
    const border = side ? `border-${side.toLowerCase()}: ${s[`border${side}Width`]} ${s[`border${side}Style`]}` : null;
    const any = under || shadow || border || outline;
    return any ? { any, under, outline } : null;
  };

  const fit = (mode, cw, ch, iw, ih) => {
    if (mode === 'fill') return [cw, ch];
    const contain = Math.min(cw / iw, ch / ih);
    const k = mode === 'contain' ? contain : mode === 'cover' ? Math.max(cw / iw, ch / ih)
      : mode === 'none' ? 1 : mode === 'scale-down' ? Math.min(1, contain) : null;
    return k === null ? null : [iw * k, ih * k];
  };
  // One length-percentage of object-position (`free`: the box's size less the image's, the 100 %):
  // `12px`, `30%`, `calc(100% - 10px)` (how Chromium computes `right 10px`), or a keyword; null
  // for anything else.
  const KEYWORDS = { x: { left: '0%', center: '50%', right: '100%' }, y: { top: '0%', center: '50%', bottom: '100%' } };
  const offset = (token, free, axis) => {
    const calc = /^calc\((.*)\)$/.exec(token);
    const terms = (calc ? calc[1] : KEYWORDS[axis][token] || token).trim().split(/\s+([+-])\s+/);
    let total = 0;
    for (let i = 0; i < terms.length; i += 2) {
      const m = /^(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(%|px)$/.exec(terms[i]);
      if (!m || (terms.length > 1 && !calc)) return null;
      const v = m[2] === '%' ? free * parseFloat(m[1]) / 100 : parseFloat(m[1]);
      total += i > 0 && terms[i - 1] === '-' ? -v : v;
    }
    return total;
  };
  // object-position's computed value ('50% 50%', 'calc(100% - 10px) 0px', 'right 10px bottom 5px')
  // resolved to the image's offset in its box, or null.
  const position = (value, freeX, freeY) => {
    const tokens = (value || '50% 50%').match(/calc\([^()]*(?:\([^()]*\)[^()]*)*\)|\S+/g) || [];
    if (tokens.length === 2) return [offset(tokens[0], freeX, 'x'), offset(tokens[1], freeY, 'y')];
    if (tokens.length !== 4) return [null, null];
    const edge = (keyword, length, free, axis) => {
      const v = offset(length, free, axis);
      if (v === null) return null;
      if (keyword === 'right' || keyword === 'bottom') return free - v;
      return keyword === 'left' || keyword === 'top' ? v : null;
    };
    const [a, b] = /^(top|bottom)$/.test(tokens[0]) ? [2, 0] : [0, 2];
    return [edge(tokens[a], tokens[a + 1], freeX, 'x'), edge(tokens[b], tokens[b + 1], freeY, 'y')];
  };

  // Chromium draws an image into its rectangle, and clips to a box, with edges snapped to whole
  // pixels (ToPixelSnappedRect) in the space the element paints in: the nearest transformed
  // ancestor-or-self `t`, whose paint offset is rounded to whole pixels, the fraction left in its
  // local space. The space as a map of viewport x, y to local coordinates and back (the identity
  // without transforms); nested transforms are approximated by the nearest one.
  const paintSpace = (info, el) => {
    for (let t = el; t; t = info.get(t).parent) {
      const s = info.get(t).s;
      if (s.transform === 'none' && (!s.translate || s.translate === 'none') && (!s.scale || s.scale === 'none')) continue;
      const r = t.getBoundingClientRect();
      const [w, h] = borderBox(s);
      const kx = r.width / (w || 1), ky = r.height / (h || 1);
      const m = /^matrix\(([^)]*)\)$/.exec(s.transform);
      const v = m ? m[1].split(',').map(Number) : [1, 0, 0, 1, 0, 0];
      const sc = s.scale && s.scale !== 'none' ? s.scale.split(' ').map(parseFloat) : [1];
      const tr = s.translate && s.translate !== 'none' ? s.translate.split(' ') : [];
      const len = (token, size) => (!token ? 0 : /%$/.test(token) ? size * parseFloat(token) / 100 : px(token));
      const [ox, oy] = s.transformOrigin.split(' ').map(px);
      // the untransformed border box's corner: r's corner less what the transform moved it by
      const ex = len(tr[0], w) + sc[0] * v[4], ey = len(tr[1], h) + (sc.length > 1 ? sc[1] : sc[0]) * v[5];
      const lx = r.left - (ox * (1 - kx) + ex), ly = r.top - (oy * (1 - ky) + ey);
      const fx = lx - Math.round(lx), fy = ly - Math.round(ly);
      return { x: (x) => fx + (x - r.left) / kx, y: (y) => fy + (y - r.top) / ky,
        back: (b) => [r.left + (b[0] - fx) * kx, r.top + (b[1] - fy) * ky, r.left + (b[2] - fx) * kx, r.top + (b[3] - fy) * ky] };
    }
    return { x: (x) => x, y: (y) => y, back: (b) => b };
  };
  // Local coordinates are LayoutUnits (1/64 px) in Chromium, rounded half up: quantised first, so
  // that float noise (27.4999999 for 27.5 through a scale) rounds as Chromium does.
  const round64 = (v) => Math.round(Math.round(v * 64) / 64);
  const snapped = (space, b) => space.back([round64(space.x(b[0])), round64(space.y(b[1])),
    round64(space.x(b[2])), round64(space.y(b[3]))]);
  // The used border-box size of an element (style `s`), unrounded (offsetWidth is rounded).
  const borderBox = (s) => {
    const extra = (a, b) => (s.boxSizing === 'border-box' ? 0
      : px(s[`padding${a}`]) + px(s[`padding${b}`]) + px(s[`border${a}Width`]) + px(s[`border${b}Width`]));
    return [px(s.width) + extra('Left', 'Right'), px(s.height) + extra('Top', 'Bottom')];
  };

  // Where and how `el` (a video showing a decoded frame of `iw` x `ih`) is drawn, or the reason
  // it cannot be composited natively.
  const geometry = (info, el, iw, ih) => {
    const me = info.get(el);
    const s = me.s;
    if (!me || s.display === 'none' || s.visibility !== 'visible') return { hidden: true };
    const effect = effects(s);
    if (effect) return { reason: `it has a filter, mask, clip-path or blend mode (${effect})` };
    if (!upright(s)) return { reason: `it is rotated, skewed or 3D-transformed (${transformOf(s)})` };
    // its own box paints in the part below (the frame moved out of sight: the sheet's "box"),
    // unless the box paints over the frame or the split would reorder it
    const box = ownBox(s);
    if (box && box.outline && !(px(s.outlineOffset) >= 0)) {
      return { reason: `its outline is drawn over its frame (${box.outline}, outline-offset: ${s.outlineOffset})` };
    }
    if (box && box.outline && !me.pos && !me.sc) {
      return { reason: `its outline paints above the in-flow content after it (${box.outline}; the video is neither positioned nor a stacking context)` };
    }
    if (box && box.under && parseFloat(s.opacity) < 1) {
      return { reason: `its opacity applies to its own background and frame as a group (opacity: ${s.opacity}; ${box.under})` };
    }
    const r = el.getBoundingClientRect();
    const [bw, bh] = borderBox(s);
    if (!(r.width > 0 && r.height > 0 && bw > 0 && bh > 0)) return { hidden: true };
    const sx = r.width / bw, sy = r.height / bh;
    if (box && AWAY * Math.min(sx, sy) < 4 * (innerWidth + innerHeight)) {
      return { reason: `it has its own box (${box.any}) and is scaled too small to move its frame out of sight` };
    }
    const bl = px(s.borderLeftWidth) + px(s.paddingLeft), bt = px(s.borderTopWidth) + px(s.paddingTop);
    const cw = bw - bl - px(s.borderRightWidth) - px(s.paddingRight);
    const ch = bh - bt - px(s.borderBottomWidth) - px(s.paddingBottom);
    if (!(cw > 0 && ch > 0)) return { hidden: true };
    const size = fit(s.objectFit, cw, ch, iw, ih);
    const [ox, oy] = size ? position(s.objectPosition, cw - size[0], ch - size[1]) : [null, null];
    if (ox === null || oy === null) return { reason: `object-fit ${s.objectFit} / object-position ${s.objectPosition} is not supported natively` };
    const x0 = r.left + (bl + ox) * sx, y0 = r.top + (bt + oy) * sy;
    const space = paintSpace(info, el);
    const rect = snapped(space, [x0, y0, x0 + size[0] * sx, y0 + size[1] * sy]);
    let clip = snapped(space, [r.left + bl * sx, r.top + bt * sy, r.left + (bl + cw) * sx, r.top + (bt + ch) * sy]);
    // rounded clips (box and radii in viewport pixels): replaced content is clipped to its
    // content box's inner radii, an overflow clip to its padding box's
    const roundedClips = [];
    if (rounded(s)) {
      const radii = radiiOf(s, bw, bh);
      if (!radii) return { reason: `its border-radius is not supported natively (${s.borderRadius})` };
      const inner = innerRadii(radii, insets(s, true), sx, sy);
      if (inner) roundedClips.push({ box: clip.slice(), radii: inner });
    }
    clip = [Math.max(clip[0], 0), Math.max(clip[1], 0), Math.min(clip[2], innerWidth), Math.min(clip[3], innerHeight)];
    // ancestors: effects, group opacity, transforms, clipping (only those its containing blocks pass)
    let escaping = s.position === 'absolute' || s.position === 'fixed' ? s.position : null;
    for (let p = me.parent; p; p = info.get(p).parent) {
      const ps = info.get(p).s;
      const effect = effects(ps);
      if (effect) return { reason: `an ancestor (${describe(p)}) has a filter, mask, clip-path or blend mode (${effect})` };
      if (parseFloat(ps.opacity) < 1) return { reason: `an ancestor (${describe(p)}) has opacity below 1 (opacity: ${ps.opacity})` };
      if (!upright(ps)) return { reason: `an ancestor (${describe(p)}) is rotated, skewed or 3D-transformed (${transformOf(ps)})` };
      const block = escaping === 'fixed' ? ps.transform !== 'none' : escaping === 'absolute' ? (positioned(ps) || ps.transform !== 'none') : true;
      if (block && (ps.overflowX !== 'visible' || ps.overflowY !== 'visible') && p !== document.documentElement && p !== document.body) {
        const q = p.getBoundingClientRect();
        const [qw, qh] = borderBox(ps);
        const qx = q.width / (qw || 1), qy = q.height / (qh || 1);
        const inner = snapped(paintSpace(info, p), [q.left + px(ps.borderLeftWidth) * qx, q.top + px(ps.borderTopWidth) * qy,
          q.right - px(ps.borderRightWidth) * qx, q.bottom - px(ps.borderBottomWidth) * qy]);
        if (rounded(ps)) {
          if (ps.overflowX === 'visible' || ps.overflowY === 'visible') {
            return { reason: `a clipping ancestor (${describe(p)}) has rounded corners and clips one axis only (overflow: ${ps.overflowX} ${ps.overflowY})` };
          }
          const radii = radiiOf(ps, qw, qh);
          if (!radii) return { reason: `a clipping ancestor (${describe(p)}) has a border-radius not supported natively (${ps.borderRadius})` };
          const corners = innerRadii(radii, insets(ps, false), qx, qy);
          if (corners) roundedClips.push({ box: inner, radii: corners });
        }
        if (ps.overflowX !== 'visible') { clip[0] = Math.max(clip[0], inner[0]); clip[2] = Math.min(clip[2], inner[2]); }
        if (ps.overflowY !== 'visible') { clip[1] = Math.max(clip[1], inner[1]); clip[3] = Math.min(clip[3], inner[3]); }
      }
      if (block) escaping = ps.position === 'absolute' || ps.position === 'fixed' ? ps.position : null;
      if (!me.pos && !positioned(ps) && [...p.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) {
        return { reason: `it lies in the text of ${describe(p)}` };
      }
    }
    clip = [Math.max(clip[0], rect[0]), Math.max(clip[1], rect[1]), Math.min(clip[2], rect[2]), Math.min(clip[3], rect[3])];
    if (!(clip[2] > clip[0] && clip[3] > clip[1])) return { hidden: true };
    const opacity = parseFloat(s.opacity);
    if (!(opacity > 0)) return { hidden: true };
    const rounds = roundedClips.map(({ box, radii }) => [...box, ...radii]);
    const covers = opacity >= 1 && !rounds.length && clip[0] <= 0 && clip[1] <= 0 && clip[2] >= innerWidth && clip[3] >= innerHeight;
    return { rect, clip, rounded: rounds, opacity, below: !covers, box: !!box };
  };
  const describe = (el) => window.__hfEngineCommon.describe(el); // common.js

  let split = null; // { layer, el: the video, sides: [el, visible, after?, ...] each, box: it paints its own box }

  // The native layer for this frame: the first of `candidates` ([[index, element, width, height]],
  // in paint order of the page) that is visible and drawn by rules the split reproduces, or null.
  // Returns { layer, reasons, visible }: `reasons` maps the index of each refused video to
  // { element, reason }; `visible` counts the candidates on screen (the layer's included).
  const plan = (candidates) => {
    clear();
    /** @type {HfLayerFound['reasons']} */
    const reasons = {};
    let visible = 0;
    if (!candidates.length) return { layer: null, reasons, visible };
    const info = survey();
    const ordered = candidates.filter(([, el, iw, ih]) => info.has(el) && iw > 0 && ih > 0)
      .sort((a, b) => compare(keyOf(info, a[1]), keyOf(info, b[1])));
    for (const [index, el, iw, ih] of ordered) {
      const g = geometry(info, el, iw, ih);
      if (g.hidden) continue;
      visible += 1;
      if (split) continue; // one native layer per frame: the others keep their posters
      const reason = g.reason || sidesAround(info, el, g.clip);
      if (typeof reason === 'string') { reasons[index] = { element: describe(el), reason }; continue; }
      split = { layer: { index, rect: g.rect, clip: g.clip, rounded: g.rounded, opacity: g.opacity, below: g.below }, el,
        sides: reason.sides, box: g.box };
    }
    return { layer: split ? split.layer : null, reasons, visible };
  };

  // For every element (and ::before / ::after) whether it paints after `video` ({ sides }), or
  // why the split cannot reproduce what lies above it (a string).
  const sidesAround = (info, video, clip) => {
    const vk = keyOf(info, video);
    const sides = [];
    for (const me of info.values()) {
      if (me.el === video) continue;
      const after = compare(keyOf(info, me.el), vk) > 0;
      if (after && me.s.visibility === 'visible' && (me.s.mixBlendMode !== 'normal' || (me.s.backdropFilter && me.s.backdropFilter !== 'none'))) {
        const q = me.el.getBoundingClientRect();
        if (q.right > clip[0] && q.left < clip[2] && q.bottom > clip[1] && q.top < clip[3]) {
          const how = me.s.mixBlendMode !== 'normal' ? `mix-blend-mode: ${me.s.mixBlendMode}` : `backdrop-filter: ${me.s.backdropFilter}`;
          return `${describe(me.el)} above it blends with what lies below (${how})`;
        }
      }
      const pb = pseudoKey(info, me.el, '::before');
      const pa = pseudoKey(info, me.el, '::after');
      sides.push([me.el, me.s.visibility === 'visible', after,
        pb && compare(pb, vk) > 0, pa && compare(pa, vk) > 0, !!pb, !!pa]);
    }
    return { sides };
  };

  // Show one part of the split: 'below' (what paints before the video) or 'overlay' (after it).
  const show = (part) => {
    if (!split) return false;
    ensureSheet();
    const overlay = part === 'overlay';
    const mark = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
    // the video: hidden, but for its own box in the part below
    mark(split.el, 'data-hfe-v', split.box && !overlay ? 'box' : 'h');
    for (const [el, visible, after, pbAfter, paAfter, hasPb, hasPa] of split.sides) {
      mark(el, 'data-hfe-v', visible && after === overlay ? 'v' : 'h');
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

  // The layer `plan` chose last (until `clear`), or null.
  const current = () => (split ? split.layer : null);

  defineHidden('__hfEngineLayers', Object.freeze(/** @satisfies {HfEngineLayers} */ ({ plan, show, clear, current })));
})();
