import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The folder of the dashboards' static files (HTML, scripts, styles). */
export const publicDir = fileURLToPath(new URL('../public', import.meta.url));

/** The folder of uPlot's browser build, served under /vendor/. */
export const uplotDistDir = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
