import { publicDir, uplotDistDir } from '@coldchain/dashboards';
import type { RouteContext } from '../app.ts';
import { createAsset, loadAssetTree, sendAsset } from '../public-assets.ts';
import type { Asset } from '../public-assets.ts';

/** Under /assets/<hash>/ a URL names one content forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The pages: always asked again, answered 304 while unchanged, so a deploy shows at the next load. */
const REVALIDATE = 'no-cache';
/** The unhashed /static/ URLs, for pages loaded before a deploy; short, so their content can change. */
const SHORT = 'public, max-age=300';
/** /vendor/ is uPlot, which changes only with a dependency upgrade; uplot-loader.js asks for it there. */
const VENDOR = 'public, max-age=604800';

/**
 * The pages point at `/assets/<hash>/...`: their `="/static/` attribute prefixes rewritten at start. The
 * hash covers the whole tree, so relative imports between modules stay inside one hashed folder and
 * need no rewriting (see docs/decisions/0015).
 */
function hashedPage(page: Asset, hash: string): Asset {
  const html = page.body.toString('utf8').replace(/(href|src)="\/static\//g, `$1="/assets/${hash}/`);
  return createAsset(Buffer.from(html, 'utf8'), page.contentType);
}

/**
 * The dashboards: consumer page `/t/{traceCode}`, station console `/console`, a shipment's dispute view
 * `/console/shipments/{id}`, the carrier scorecards `/console/scorecards` (their data comes from the API as the user signed in
 * with the session cookie), landing page `/`.
 */
export async function registerDashboardRoutes({ app }: RouteContext): Promise<void> {
  // uPlot is in the hashed tree too (vendor/), so a loader asking for it relative to itself gets it immutable.
  const tree = loadAssetTree({ '': publicDir, 'vendor/': uplotDistDir });
  const page = (name: string) => hashedPage(tree.files.get(name)!, tree.hash);
  const pages = { index: page('index.html'), console: page('console.html'), consumer: page('consumer.html'), shipment: page('shipment.html'), scorecards: page('scorecards.html') };
  app.log.info({ assetHash: tree.hash, files: tree.files.size }, 'api.assets_loaded');

  const routeOptions = { schema: { hide: true }, compress: false } as const;
  app.get('/', routeOptions, (request, reply) => sendAsset(request, reply, pages.index, REVALIDATE));
  app.get('/console', routeOptions, (request, reply) => sendAsset(request, reply, pages.console, REVALIDATE));
  app.get('/console/shipments/:id', routeOptions, (request, reply) => sendAsset(request, reply, pages.shipment, REVALIDATE));
  app.get('/console/scorecards', routeOptions, (request, reply) => sendAsset(request, reply, pages.scorecards, REVALIDATE));
  app.get('/t/:traceCode', routeOptions, (request, reply) => sendAsset(request, reply, pages.consumer, REVALIDATE));

  const notFound = (url: string) => ({ error: { code: 'not_found', message: `no file ${url.split('?')[0]}` } });
  app.get<{ Params: { hash: string; '*': string } }>('/assets/:hash/*', routeOptions, (request, reply) => {
    const asset = tree.files.get(request.params['*']);
    if (!asset) return reply.code(404).send(notFound(request.url));
    // Another hash is a page from an earlier (or later) deploy: it gets today's file, but not for ever.
    return sendAsset(request, reply, asset, request.params.hash === tree.hash ? IMMUTABLE : SHORT);
  });
  app.get<{ Params: { '*': string } }>('/static/*', routeOptions, (request, reply) => {
    const path = request.params['*'];
    const asset = path.startsWith('vendor/') ? undefined : tree.files.get(path);
    return asset ? sendAsset(request, reply, asset, SHORT) : reply.code(404).send(notFound(request.url));
  });
  app.get<{ Params: { '*': string } }>('/vendor/*', routeOptions, (request, reply) => {
    const asset = tree.files.get(`vendor/${request.params['*']}`);
    return asset ? sendAsset(request, reply, asset, VENDOR) : reply.code(404).send(notFound(request.url));
  });
}
