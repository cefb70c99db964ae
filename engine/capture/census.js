// @ts-check
// What the engine cannot render faithfully (injected after isolate.js, into every frame), as
// window.__hfEngineCensus(): one {code, element, message} per element, which Python turns into
// warnings (engine/capture/fidelity.py): an iframe off the virtual clock, a canvas drawn by a
// worker, HyperFrames' shader library left in preview mode or not publishing its transitions, a
// font that failed or fell back, images and posters that failed (media.js), paused GSAP
// animations nothing seeks (adapters.js).
(() => {
  'use strict';
  if (window.__hfEngineCensus) return;
  const { describe, childEngine } = window.__hfEngineCommon;

  // A canvas handed to a worker (OffscreenCanvas) is drawn off the virtual clock.
  const offscreen = new WeakSet();
  if (window.HTMLCanvasElement && HTMLCanvasElement.prototype.transferControlToOffscreen) {
    const transfer = HTMLCanvasElement.prototype.transferControlToOffscreen;
    HTMLCanvasElement.prototype.transferControlToOffscreen = function transferControlToOffscreen() {
      offscreen.add(this);
      return transfer.call(this);
    };
  }

  /** @type {() => HfCensusEntry[]} */
  const census = () => {
    const found = [];
    const add = (code, element, message) => found.push({ code, element, message });
    for (const el of document.querySelectorAll('iframe')) {
      if (!childEngine(el)) add('iframe', describe(el), "this iframe's page is not on the composition's virtual clock (another origin, or not loaded): its animations run in real time or stay frozen");
    }
    for (const el of document.querySelectorAll('canvas')) {
      if (offscreen.has(el)) add('canvas', describe(el), 'this canvas is drawn by a worker (OffscreenCanvas), off the virtual clock: its frames are not deterministic');
    }
    const hf = window.__hf;
    const loader = document.querySelector('[data-hyper-shader-loading]');
    if (document.getElementById('gl-canvas') || loader || (hf && (hf.shaderTransitions || hf.shaderTransitionsReady))) {
      add('preview-mode', loader ? '<div data-hyper-shader-loading aria-label="Preparing scene transitions">' : '<canvas id="gl-canvas">',
          "HyperFrames' shader library is in preview mode (its WebGL canvas and \"Preparing scene transitions\" loader are on the page): its transitions are not blended and the loader may cover the frames (did the page clear window.__HF_VIRTUAL_TIME__, the library's render-mode flag, before HyperShader.init?)");
    }
    for (const init of window.__hfEngineHyperFrames.shaderInits()) {
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

  Object.defineProperty(window, '__hfEngineCensus', { value: census, writable: false, configurable: false, enumerable: false });
})();
