// @ts-check
// What paints where, and in which order, for native video layers (layers.js, layer_geometry.js):
// the page surveyed (every element's style, tree order and paint-order key: CSS 2.1 Appendix E,
// simplified: within a stacking context, negative z-index, then non-positioned boxes in tree order,
// then positioned ones (z-index auto/0) in tree order, then positive z-index; a positioned box
// orders its non-positioned descendants), the facts of a box (its used size, insets, what it paints
// of its own, whether it is upright) and where an item may paint (`extentOf`, `meets`).
(() => {
  'use strict';
  if (window.__hfEnginePaint) return;
  const defineHidden = (name, value) => Object.defineProperty(window, name, { value, writable: false, configurable: false, enumerable: false });

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
  // The used border-box size of an element (style `s`), unrounded (offsetWidth is rounded).
  const borderBox = (s) => {
    const extra = (a, b) => (s.boxSizing === 'border-box' ? 0
      : px(s[`padding${a}`]) + px(s[`padding${b}`]) + px(s[`border${a}Width`]) + px(s[`border${b}Width`]));
    return [px(s.width) + extra('Left', 'Right'), px(s.height) + extra('Top', 'Bottom')];
  };
  const insets = (s, padding) => ['Top', 'Right', 'Bottom', 'Left']
    .map((k) => px(s[`border${k}Width`]) + (padding ? px(s[`padding${k}`]) : 0));

  // Does the item `me` paint anything of its own (a box, text, a replaced element, a marker)?
  const REPLACED = /^(IMG|CANVAS|VIDEO|AUDIO|IFRAME|EMBED|OBJECT|INPUT|TEXTAREA|SELECT|BUTTON|METER|PROGRESS)$/;
  const textNodes = (el) => [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim());
  const paints = (me) => me.s.visibility === 'visible' && (!!ownBox(me.s) || REPLACED.test(me.el.tagName)
    || me.el instanceof SVGElement || me.s.display === 'list-item' || /scroll/.test(`${me.s.overflowX} ${me.s.overflowY}`)
    || textNodes(me.el).length > 0);
  // Sum of the lengths in a shadow list (an upper bound of how far its shadows reach).
  const reach = (value) => (value && value !== 'none' ? (value.match(/-?[\d.]+px/g) || []).reduce((t, v) => t + Math.abs(parseFloat(v)), 0) : 0);
  const range = document.createRange();
  // Where the item `me` may paint, in viewport pixels (x0, y0, x1, y1, whole pixels outward):
  // its border box, its text, shadows and outline; the whole plane with a filter. A box that paints
  // only its border, outer shadow and outline leaves out its padding box (`hole`).
  const extentOf = (info, me) => {
    const s = me.s;
    if (s.filter !== 'none') return { box: [-Infinity, -Infinity, Infinity, Infinity], hole: null };
    const r = me.el.getBoundingClientRect();
    const box = [r.left, r.top, r.right, r.bottom];
    const texts = textNodes(me.el);
    for (const node of texts) {
      range.selectNodeContents(node);
      const q = range.getBoundingClientRect();
      box[0] = Math.min(box[0], q.left); box[1] = Math.min(box[1], q.top);
      box[2] = Math.max(box[2], q.right); box[3] = Math.max(box[3], q.bottom);
    }
    const [bw, bh] = borderBox(s);
    const k = Math.max(1, r.width / (bw || 1), r.height / (bh || 1));
    const outline = px(s.outlineWidth) > 0 && s.outlineStyle !== 'none' ? px(s.outlineWidth) + Math.abs(px(s.outlineOffset)) : 0;
    const grow = k * (reach(s.boxShadow) + reach(s.textShadow) + outline) + 1;
    const own = ownBox(s);
    let hole = null;
    if (!texts.length && !(own && own.under) && !REPLACED.test(me.el.tagName) && !(me.el instanceof SVGElement)
      && s.display !== 'list-item' && !/scroll/.test(`${s.overflowX} ${s.overflowY}`) && !(own && own.outline && px(s.outlineOffset) < 0)) {
      let straight = true;
      for (let p = me.el; p; p = info.get(p).parent) straight = straight && upright(info.get(p).s);
      const [t, rt, b, l] = insets(s, false);
      if (straight) hole = [r.left + l * r.width / (bw || 1), r.top + t * r.height / (bh || 1), r.right - rt * r.width / (bw || 1), r.bottom - b * r.height / (bh || 1)];
    }
    return { box: [Math.floor(box[0] - grow), Math.floor(box[1] - grow), Math.ceil(box[2] + grow), Math.ceil(box[3] + grow)], hole };
  };
  // Does an extent meet the rectangle `clip`?
  const meets = ({ box, hole }, clip) => box[2] > clip[0] && box[0] < clip[2] && box[3] > clip[1] && box[1] < clip[3]
    && !(hole && clip[0] >= hole[0] && clip[1] >= hole[1] && clip[2] <= hole[2] && clip[3] <= hole[3]);


  defineHidden('__hfEnginePaint', Object.freeze(/** @satisfies {HfEnginePaint} */ ({
    px, positioned, survey, keyOf, pseudoKey, compare, matrixOf, upright, transformOf, ownBox, borderBox, insets,
    paints, extentOf, meets })));
})();
