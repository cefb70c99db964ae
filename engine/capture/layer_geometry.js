// @ts-check
// Where and how a video is drawn as a native layer (layers.js plans with it): its rectangle with
// object-fit / object-position resolved, its clips (its content box, the viewport, clipping
// ancestors, rounded corners), opacity and colour filters, snapped as Chromium snaps them; a video
// rotated or skewed through its local-to-viewport map (`tiltedGeometry`); or the reason it keeps
// the poster path.
(() => {
  'use strict';
  if (window.__hfEngineGeometry) return;
  const defineHidden = (name, value) => Object.defineProperty(window, name, { value, writable: false, configurable: false, enumerable: false });

  const { px, positioned, matrixOf, upright, transformOf, ownBox, borderBox, insets } = window.__hfEnginePaint; // paint_order.js
  const describe = (el) => window.__hfEngineCommon.describe(el); // common.js
  // CSS px the poster is moved by in the 'below' part of a video with its own box (layers.js's sheet)
  const AWAY = 10000000;

  // 2D affine maps [a, b, c, d, e, f]: (x, y) -> (a x + c y + e, b x + d y + f), as CSS matrix().
  const mul = (m, n) => [m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1], m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3], m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5]];
  const apply = (m, x, y) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
  const invert = (m) => {
    const det = m[0] * m[3] - m[1] * m[2];
    return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det, (m[2] * m[5] - m[3] * m[4]) / det, (m[1] * m[4] - m[0] * m[5]) / det];
  };
  const ANGLE = { deg: 1, rad: 180 / Math.PI, turn: 360, grad: 0.9 }; // degrees per unit of an angle
  // The linear part of what style `s` transforms its box by (translate * rotate * scale *
  // transform, CSS Transforms 2), as an affine map without translation; null when 3D.
  const linearOf = (s) => {
    let m = [1, 0, 0, 1, 0, 0];
    if (s.rotate && s.rotate !== 'none') {
      const r = /^(?:z\s+|0\s+0\s+1\s+)?(-?[\d.]+(?:e[+-]?\d+)?)(deg|rad|turn|grad)$/.exec(s.rotate);
      if (!r) return null;
      const a = parseFloat(r[1]) * ANGLE[r[2]] * Math.PI / 180;
      m = [Math.cos(a), Math.sin(a), -Math.sin(a), Math.cos(a), 0, 0];
    }
    if (s.scale && s.scale !== 'none') {
      const v = s.scale.split(' ').map(parseFloat);
      if (v.length > 2 && v[2] !== 1) return null;
      m = mul(m, [v[0], 0, 0, v.length > 1 ? v[1] : v[0], 0, 0]);
    }
    const t = matrixOf(s.transform);
    return t ? mul(m, [...t, 0, 0]) : null;
  };
  // The map of `el`'s border box (CSS px, origin its top left corner) to viewport pixels: the
  // linear parts of every transform on it and its ancestors composed, the translation from its
  // getBoundingClientRect (the bounding box of the mapped corners), whose size must agree to 0.5 px
  // when tilted; { m, tilted: some transform rotates or skews } or { reason }.
  const mapOf = (info, el) => {
    let lin = [1, 0, 0, 1, 0, 0];
    let tilted = false;
    for (let p = el; p; p = info.get(p).parent) {
      const ps = info.get(p).s;
      const l = linearOf(ps);
      if (!l) return { reason: `${p === el ? 'it' : `an ancestor (${describe(p)})`} is 3D-transformed (${transformOf(ps)})` };
      tilted = tilted || !upright(ps);
      lin = mul(l, lin);
    }
    const [w, h] = borderBox(info.get(el).s);
    const xs = [], ys = [];
    for (const [x, y] of [[0, 0], [w, 0], [0, h], [w, h]]) { const q = apply(lin, x, y); xs.push(q[0]); ys.push(q[1]); }
    const r = el.getBoundingClientRect();
    const m = [...lin.slice(0, 4), r.left - Math.min(...xs), r.top - Math.min(...ys)];
    const bw = Math.max(...xs) - Math.min(...xs), bh = Math.max(...ys) - Math.min(...ys);
    if (tilted && (Math.abs(bw - r.width) > 0.5 || Math.abs(bh - r.height) > 0.5)) {
      return { reason: `its transforms map its box to ${bw.toFixed(1)}x${bh.toFixed(1)} px, but the browser draws it `
        + `${r.width.toFixed(1)}x${r.height.toFixed(1)} px (a transform not understood: ${transformOf(info.get(el).s) || 'on an ancestor'})` };
    }
    return { m, tilted };
  };
  // Is point (x, y) inside box [x0, y0, x1, y1] with corners `radii` (innerRadii's eight numbers
  // or null), `slack` px allowed?
  const insideRounded = (x, y, box, radii, slack) => {
    if (x < box[0] - slack || x > box[2] + slack || y < box[1] - slack || y > box[3] + slack) return false;
    if (!radii) return true;
    for (let k = 0; k < 4; k++) {
      const rx = radii[2 * k], ry = radii[2 * k + 1];
      if (!(rx > 0 && ry > 0)) continue;
      const cx = k === 0 || k === 3 ? box[0] + rx : box[2] - rx, cy = k < 2 ? box[1] + ry : box[3] - ry;
      const dx = (k === 0 || k === 3 ? cx - x : x - cx), dy = (k < 2 ? cy - y : y - cy);
      if (dx > 0 && dy > 0 && (dx / (rx + slack)) ** 2 + (dy / (ry + slack)) ** 2 > 1) return false;
    }
    return true;
  };
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
  // The first effect of style `s` the split cannot reproduce, as 'property: value', or null
  // (`graded`: its filter is drawn natively, `colourFilters`).
  const effects = (s, graded) => {
    const found = [['filter', graded ? 'none' : s.filter, 'none'], ['clip-path', s.clipPath, 'none'], ['mask-image', s.maskImage, 'none'],
      ['mix-blend-mode', s.mixBlendMode, 'normal'], ['backdrop-filter', s.backdropFilter, 'none']]
      .find(([, value, off]) => value && value !== off);
    return found ? `${found[0]}: ${found[1]}` : null;
  };
  // A video's `filter` (its computed value: 'saturate(0.9) contrast(1.04)') of colour functions
  // only, drawn natively (engine.blend.kernels.colour): { filters: [[name, amount]], opacity }
  // (numbers, 1 = 100 %, hue-rotate in degrees; opacity() folded into the layer's opacity), or
  // why not, naming the function. Not in an HDR render (`setHdr`): Chromium filters SDR pictures.
  const COLOUR = ['brightness', 'contrast', 'saturate', 'grayscale', 'sepia', 'invert', 'hue-rotate', 'opacity'];
  const UNIT = ['grayscale', 'sepia', 'invert', 'opacity']; // amounts above 100 % act as 100 %
  let hdr = null; // the HDR render's transfer (pq, hlg), or null
  const setHdr = (transfer) => { hdr = transfer || null; };
  const colourFilters = (value) => {
    /** @type {[string, number][]} */
    const filters = [];
    let opacity = 1;
    if (!value || value === 'none') return { filters, opacity };
    for (const m of value.matchAll(/([a-z-]+)\(((?:[^()]|\([^()]*\))*)\)|(\S+)/g)) {
      const name = m[1] || m[3];
      if (!m[1] || !COLOUR.includes(name)) return `${m[1] ? `${name}()` : name} is not a colour function drawn natively`;
      if (hdr) return `colour filters are drawn natively in SDR renders only (this render is HDR: ${hdr})`;
      const arg = /^(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(%|deg|rad|grad|turn)?$/.exec(m[2].trim() || (name === 'hue-rotate' ? '0deg' : '1'));
      const angle = name === 'hue-rotate';
      if (!arg || (angle ? arg[2] === '%' || (!arg[2] && parseFloat(arg[1]) !== 0) : !!arg[2] && arg[2] !== '%')) {
        return `${name}(${m[2]}) has an amount not drawn natively`;
      }
      let amount = parseFloat(arg[1]) * (angle ? ANGLE[arg[2] || 'deg'] : arg[2] === '%' ? 0.01 : 1);
      if (UNIT.includes(name)) amount = Math.min(amount, 1);
      if (!Number.isFinite(amount) || (!angle && amount < 0)) return `${name}(${m[2]}) has an amount not drawn natively`;
      if (name === 'opacity') opacity *= amount; else filters.push([name, amount]);
    }
    return { filters, opacity };
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

  // Walk the ancestors of `me` (a video's survey entry): the first reason among them the split cannot
  // take (an effect, group opacity, with `straight` any rotation or skew, the video lying in an
  // ancestor's text), or null. `onClip(p, ps)` is called for each clipping ancestor its containing
  // blocks pass (`overflow` other than visible), in order; a reason it returns stops the walk.
  const walkAncestors = (info, me, straight, onClip) => {
    let escaping = me.s.position === 'absolute' || me.s.position === 'fixed' ? me.s.position : null;
    for (let p = me.parent; p; p = info.get(p).parent) {
      const ps = info.get(p).s;
      const effect = effects(ps);
      if (effect) return `an ancestor (${describe(p)}) has a filter, mask, clip-path or blend mode (${effect})`;
      if (parseFloat(ps.opacity) < 1) return `an ancestor (${describe(p)}) has opacity below 1 (opacity: ${ps.opacity})`;
      if (straight && !upright(ps)) return `an ancestor (${describe(p)}) is rotated, skewed or 3D-transformed (${transformOf(ps)})`;
      const block = escaping === 'fixed' ? ps.transform !== 'none' : escaping === 'absolute' ? (positioned(ps) || ps.transform !== 'none') : true;
      if (block && (ps.overflowX !== 'visible' || ps.overflowY !== 'visible') && p !== document.documentElement && p !== document.body) {
        const reason = onClip(p, ps);
        if (reason) return reason;
      }
      if (block) escaping = ps.position === 'absolute' || ps.position === 'fixed' ? ps.position : null;
      if (!me.pos && !positioned(ps) && [...p.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) {
        return `it lies in the text of ${describe(p)}`;
      }
    }
    return null;
  };
  // A clipping ancestor's rounded corners (innerRadii of its padding box, scaled by kx, ky), null
  // when it has none, or why the split cannot take them (a string).
  const clipCorners = (p, ps, kx, ky) => {
    if (!rounded(ps)) return null;
    if (ps.overflowX === 'visible' || ps.overflowY === 'visible') {
      return `a clipping ancestor (${describe(p)}) has rounded corners and clips one axis only (overflow: ${ps.overflowX} ${ps.overflowY})`;
    }
    const [qw, qh] = borderBox(ps);
    const radii = radiiOf(ps, qw, qh);
    if (!radii) return `a clipping ancestor (${describe(p)}) has a border-radius not supported natively (${ps.borderRadius})`;
    return innerRadii(radii, insets(ps, false), kx, ky);
  };
  // The padding box of `p` (style `ps`) in viewport pixels, snapped as Chromium clips to it.
  const paddingBoxOnScreen = (info, p, ps) => {
    const q = p.getBoundingClientRect();
    const [qw, qh] = borderBox(ps);
    const qx = q.width / (qw || 1), qy = q.height / (qh || 1);
    return snapped(paintSpace(info, p), [q.left + px(ps.borderLeftWidth) * qx, q.top + px(ps.borderTopWidth) * qy,
      q.right - px(ps.borderRightWidth) * qx, q.bottom - px(ps.borderBottomWidth) * qy]);
  };

  // Where and how `el` (a video showing a decoded frame of `iw` x `ih`) is drawn, or the reason
  // it cannot be composited natively.
  const geometry = (info, el, iw, ih) => {
    const me = info.get(el);
    const s = me.s;
    if (!me || s.display === 'none' || s.visibility !== 'visible') return { hidden: true };
    // under an ancestor (or itself) at opacity 0 nothing of it shows, whatever else the split would refuse
    for (let p = el; p; p = info.get(p).parent) if (!(parseFloat(info.get(p).s.opacity) > 0)) return { hidden: true };
    const graded = colourFilters(s.filter);
    if (typeof graded === 'string') return { reason: `it has a filter not drawn natively (filter: ${s.filter}; ${graded})` };
    const effect = effects(s, true);
    if (effect) return { reason: `it has a filter, mask, clip-path or blend mode (${effect})` };
    // its own box paints in the part below (the frame moved out of sight: the sheet's "box"),
    // unless the box paints over the frame or the split would reorder it
    const box = ownBox(s);
    if (box && box.outline && !(px(s.outlineOffset) >= 0)) {
      return { reason: `its outline is drawn over its frame (${box.outline}, outline-offset: ${s.outlineOffset})` };
    }
    if (box && box.outline && !me.pos && !me.sc) {
      return { reason: `its outline paints above the in-flow content after it (${box.outline}; the video is neither positioned nor a stacking context)` };
    }
    if (box && box.under && parseFloat(s.opacity) * graded.opacity < 1) {
      const what = graded.opacity < 1 ? `filter: ${s.filter}` : `opacity: ${s.opacity}`;
      return { reason: `its opacity applies to its own background and frame as a group (${what}; ${box.under})` };
    }
    const r = el.getBoundingClientRect();
    const [bw, bh] = borderBox(s);
    if (!(r.width > 0 && r.height > 0 && bw > 0 && bh > 0)) return { hidden: true };
    const sx = r.width / bw, sy = r.height / bh;
    if (box && AWAY * Math.min(sx, sy) < 4 * (innerWidth + innerHeight)) {
      return { reason: `it has its own box (${box.any}) and is scaled too small to move its frame out of sight` };
    }
    const map = mapOf(info, el); // rotated or skewed (it or an ancestor): drawn through its map
    if (map.reason) return { reason: map.reason };
    if (map.tilted) return tiltedGeometry(info, el, iw, ih, map.m, box, graded);
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
    const refused = walkAncestors(info, me, true, (p, ps) => {
      const q = p.getBoundingClientRect();
      const [qw, qh] = borderBox(ps);
      const qx = q.width / (qw || 1), qy = q.height / (qh || 1);
      const inner = paddingBoxOnScreen(info, p, ps);
      const corners = clipCorners(p, ps, qx, qy);
      if (typeof corners === 'string') return corners;
      if (corners) roundedClips.push({ box: inner, radii: corners });
      if (ps.overflowX !== 'visible') { clip[0] = Math.max(clip[0], inner[0]); clip[2] = Math.min(clip[2], inner[2]); }
      if (ps.overflowY !== 'visible') { clip[1] = Math.max(clip[1], inner[1]); clip[3] = Math.min(clip[3], inner[3]); }
      return null;
    });
    if (refused) return { reason: refused };
    clip = [Math.max(clip[0], rect[0]), Math.max(clip[1], rect[1]), Math.min(clip[2], rect[2]), Math.min(clip[3], rect[3])];
    if (!(clip[2] > clip[0] && clip[3] > clip[1])) return { hidden: true };
    const opacity = parseFloat(s.opacity) * graded.opacity;
    if (!(opacity > 0)) return { hidden: true };
    const rounds = roundedClips.map(({ box, radii }) => [...box, ...radii]);
    const covers = opacity >= 1 && !rounds.length && clip[0] <= 0 && clip[1] <= 0 && clip[2] >= innerWidth && clip[3] >= innerHeight;
    return { rect, clip, rounded: rounds, opacity, below: !covers, box: !!box, own: box ? box.any : null, filters: graded.filters };
  };
  // geometry() of a video rotated or skewed by its own transform or an ancestor's (`m`: mapOf its
  // border box; `box`, `graded`: its own box and colour filters as geometry found them). The layer
  // is drawn through `matrix` (its local CSS px, origin its content box's top left, to viewport
  // pixels): `local` holds its rect, clip and rounded clips in that space; `clip` is the viewport
  // box its pixels may reach (what the split tests overlaps against, and the layer's `area`: the
  // viewport and upright clips, drawn exactly). An ancestor's overflow clip is exact in local
  // space when it is not rotated against the video (its box maps to a local box), in the viewport
  // when it is upright without rounded corners, and harmless when it leaves the video's visible
  // quad whole; any other is refused.
  const tiltedGeometry = (info, el, iw, ih, m, box, graded) => {
    const me = info.get(el);
    const s = me.s;
    const [bw, bh] = borderBox(s);
    const bl = px(s.borderLeftWidth) + px(s.paddingLeft), bt = px(s.borderTopWidth) + px(s.paddingTop);
    const cw = bw - bl - px(s.borderRightWidth) - px(s.paddingRight);
    const ch = bh - bt - px(s.borderBottomWidth) - px(s.paddingBottom);
    if (!(cw > 0 && ch > 0)) return { hidden: true };
    if (Math.abs(m[0] * m[3] - m[1] * m[2]) < 1e-9) return { hidden: true };
    const size = fit(s.objectFit, cw, ch, iw, ih);
    const [ox, oy] = size ? position(s.objectPosition, cw - size[0], ch - size[1]) : [null, null];
    if (ox === null || oy === null) return { reason: `object-fit ${s.objectFit} / object-position ${s.objectPosition} is not supported natively` };
    const matrix = mul(m, [1, 0, 0, 1, bl, bt]);
    const toLocal = invert(matrix);
    const snap = (v, o) => round64(v + o) - o; // Chromium's layout units, in the box's own space
    const rect = [snap(ox, bl), snap(oy, bt), snap(ox + size[0], bl), snap(oy + size[1], bt)];
    const clip = [0, 0, cw, ch];
    const roundedClips = [];
    if (rounded(s)) {
      const radii = radiiOf(s, bw, bh);
      if (!radii) return { reason: `its border-radius is not supported natively (${s.borderRadius})` };
      const inner = innerRadii(radii, insets(s, true), 1, 1);
      if (inner) roundedClips.push([0, 0, cw, ch, ...inner]);
    }
    const quad = (b) => [[b[0], b[1]], [b[2], b[1]], [b[0], b[3]], [b[2], b[3]]].map(([x, y]) => apply(matrix, x, y));
    const screen = [0, 0, innerWidth, innerHeight]; // the viewport and upright clips (viewport pixels)
    const refused = walkAncestors(info, me, false, (p, ps) => {
      const pm = mapOf(info, p);
      if (pm.reason) return pm.reason;
      const [qw, qh] = borderBox(ps);
      const ix = ps.overflowX !== 'visible', iy = ps.overflowY !== 'visible';
      const inner = [ix ? px(ps.borderLeftWidth) : -1e9, iy ? px(ps.borderTopWidth) : -1e9,
        ix ? qw - px(ps.borderRightWidth) : 1e9, iy ? qh - px(ps.borderBottomWidth) : 1e9];
      const corners = clipCorners(p, ps, 1, 1);
      if (typeof corners === 'string') return corners;
      const rel = mul(toLocal, pm.m); // the ancestor's border box space -> the video's local space
      const k = Math.max(Math.abs(rel[0]), Math.abs(rel[3]));
      if (Math.abs(rel[1]) < 1e-6 * k && Math.abs(rel[2]) < 1e-6 * k && rel[0] > 0 && rel[3] > 0) {
        const [x0, y0] = apply(rel, inner[0], inner[1]), [x1, y1] = apply(rel, inner[2], inner[3]);
        if (corners) roundedClips.push([x0, y0, x1, y1, ...corners.map((v, i) => v * (i % 2 ? rel[3] : rel[0]))]);
        clip[0] = Math.max(clip[0], x0); clip[1] = Math.max(clip[1], y0); clip[2] = Math.min(clip[2], x1); clip[3] = Math.min(clip[3], y1);
      } else if (!pm.tilted && !corners) { // an upright clip: a box of the viewport
        const dev = paddingBoxOnScreen(info, p, ps);
        if (ix) { screen[0] = Math.max(screen[0], dev[0]); screen[2] = Math.min(screen[2], dev[2]); }
        if (iy) { screen[1] = Math.max(screen[1], dev[1]); screen[3] = Math.min(screen[3], dev[3]); }
      } else {
        const back = invert(pm.m);
        const shown = [Math.max(clip[0], rect[0]), Math.max(clip[1], rect[1]), Math.min(clip[2], rect[2]), Math.min(clip[3], rect[3])];
        if (!quad(shown).every(([x, y]) => insideRounded(...apply(back, x, y), inner, corners, 0.01))) {
          return `a clipping ancestor (${describe(p)}) clips it at an angle (the video is rotated or skewed against that clip)`;
        }
      }
      return null;
    });
    if (refused) return { reason: refused };
    const shown = [Math.max(clip[0], rect[0]), Math.max(clip[1], rect[1]), Math.min(clip[2], rect[2]), Math.min(clip[3], rect[3])];
    if (!(shown[2] > shown[0] && shown[3] > shown[1])) return { hidden: true };
    const opacity = parseFloat(s.opacity) * graded.opacity;
    if (!(opacity > 0)) return { hidden: true };
    const pts = quad(shown);
    const area = [Math.max(screen[0], Math.floor(Math.min(...pts.map((q) => q[0])))), Math.max(screen[1], Math.floor(Math.min(...pts.map((q) => q[1])))),
      Math.min(screen[2], Math.ceil(Math.max(...pts.map((q) => q[0])))), Math.min(screen[3], Math.ceil(Math.max(...pts.map((q) => q[1]))))];
    if (!(area[2] > area[0] && area[3] > area[1])) return { hidden: true };
    return { rect: area, clip: area, rounded: roundedClips, opacity, below: true, box: !!box, own: box ? box.any : null,
      filters: graded.filters, matrix, local: { rect, clip: shown, rounded: roundedClips } };
  };

  defineHidden('__hfEngineGeometry', Object.freeze(/** @satisfies {HfEngineGeometry} */ ({ geometry, setHdr, AWAY })));
})();
