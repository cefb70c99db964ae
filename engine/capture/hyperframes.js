// @ts-check
// What HyperFrames' runtime predefines, so its compositions run unchanged (injected after clock.js,
// into every frame). Pages assign window.__timelines["id"] = tl and window.__hf.transitions = [...]
// without creating the objects. A truthy __HF_VIRTUAL_TIME__ is the render-mode flag of HyperFrames'
// shader library (@hyperframes/shader-transitions): HyperShader.init then puts the scenes'
// visibility on the timeline and publishes window.__hf.transitions (only if window.__hf exists)
// instead of drawing a WebGL preview with a "Preparing scene transitions" loader.
// HyperShader.init's options (accent colour, scenes) are not published: they are kept as init is
// called, for Python (window.__hfEngineHyperFrames.shaderInits()).
(() => {
  'use strict';
  if (window.__hfEngineHyperFrames) return;
  const clock = window.__hfEngineClock;
  if (!window.__timelines || typeof window.__timelines !== 'object') window.__timelines = {};
  if (!window.__hf) window.__hf = {};
  window.__HF_VIRTUAL_TIME__ = Object.freeze({ seekToTime: () => clock.now(), getTime: () => clock.now() });
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

  Object.defineProperty(window, '__hfEngineHyperFrames', {
    value: Object.freeze(/** @satisfies {HfEngineHyperFrames} */ ({ shaderInits: () => shaderInits.slice() })), writable: false, configurable: false, enumerable: false,
  });
})();
