// @ts-check
/**
 * Loads uPlot (served beside the pages, under the same content-hashed tree, so cached immutably) only
 * when a chart is about to be drawn, so that on a slow network the verdict shows before the chart
 * library has arrived.
 */

/** @typedef {typeof import('uplot')} UPlotConstructor */

/** @type {Promise<UPlotConstructor> | undefined} */
let loading;

/** @returns {Promise<UPlotConstructor>} */
export function loadUplot() {
  loading ??= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('../../vendor/uPlot.min.css', import.meta.url).href;
    document.head.append(css);
    const script = document.createElement('script');
    script.src = new URL('../../vendor/uPlot.iife.min.js', import.meta.url).href;
    script.async = true;
    script.onload = () => {
      const uPlot = /** @type {{ uPlot?: UPlotConstructor }} */ (/** @type {unknown} */ (window)).uPlot;
      if (uPlot) resolve(uPlot);
      else reject(new Error('uPlot did not load'));
    };
    script.onerror = () => {
      loading = undefined; // a later attempt may succeed on a better connection
      reject(new Error('uPlot could not be fetched'));
    };
    document.head.append(script);
  });
  return loading;
}
