import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '@coldchain/bus';
import { publicDir, uplotDistDir } from '@coldchain/dashboards';
import { buildApi } from './app.ts';
import { openTempStores } from './test-harness.ts';

/** An answer as a browser receives it off the wire: the body still encoded. */
type WireResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The body as the browser reads it after undoing Content-Encoding (once: a double encoding fails here). */
function decoded(response: WireResponse): Buffer {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body);
  if (encoding === 'gzip') return gunzipSync(response.body);
  expect(encoding).toBeUndefined();
  return response.body;
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function startApi(): Promise<{ port: number; stop: () => Promise<void> }> {
  const stores = openTempStores();
  const api = buildApi({ host: '127.0.0.1', port: 0, ops: stores.ops, telemetry: stores.telemetry, adminToken: 'an-admin-token-for-tests', clock: systemClock, log: pino({ level: 'silent' }) });
  const { port } = await api.start();
  let isStopped = false;
  const stop = async () => {
    if (isStopped) return;
    isStopped = true;
    await api.stop();
    await stores.close();
  };
  stops.push(stop);
  return { port, stop };
}

/** The local URLs a page's HTML refers to (stylesheets, module preloads, scripts). */
function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((match) => match[1]!).filter((url) => url !== '/console' && url !== '/docs');
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

describe('dashboard assets', () => {
  it('the consumer page refers only to hashed URLs, each answering immutably with the file', async () => {
    const { port } = await startApi();
    const page = await get(port, '/t/LYCHEE-0001-ABC');
    expect(page.status).toBe(200);
    const urls = assetUrls(decoded(page).toString('utf8'));
    expect(urls.length).toBeGreaterThanOrEqual(10);
    for (const url of urls) {
      expect(url).toMatch(/^\/assets\/[0-9a-f]{16}\//);
      const asset = await get(port, url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers['cache-control'], url).toBe(IMMUTABLE);
      expect(decoded(asset).equals(readFileSync(join(publicDir, url.replace(/^\/assets\/[0-9a-f]+\//, '')))), url).toBe(true);
    }
  });

  it('sends the pages no-cache with an ETag, and 304 when the browser has them', async () => {
    const { port } = await startApi();
    for (const path of ['/', '/console', '/t/LYCHEE-0001-ABC']) {
      const first = await get(port, path, { 'accept-encoding': 'gzip' });
      expect(first.headers['cache-control'], path).toBe('no-cache');
      const etag = first.headers.etag as string;
      expect(etag, path).toMatch(/^"[0-9a-f]+-gzip"$/);
      const again = await get(port, path, { 'accept-encoding': 'gzip', 'if-none-match': etag });
      expect(again.status, path).toBe(304);
      expect(again.body.length, path).toBe(0);
    }
  });

  it('compresses each asset once, brotli or gzip as the browser accepts, and the bodies decode to the file', async () => {
    const { port } = await startApi();
    const hash = /\/assets\/([0-9a-f]+)\//.exec(decoded(await get(port, '/t/LYCHEE-0001-ABC')).toString('utf8'))![1];
    const file = readFileSync(join(publicDir, 'js/consumer/main.js'));
    const url = `/assets/${hash}/js/consumer/main.js`;

    const br = await get(port, url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(file.length);
    expect(brotliDecompressSync(br.body).equals(file)).toBe(true);

    const gzip = await get(port, url, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(file)).toBe(true);
    // The same bytes every time: made once and kept, not compressed again per request.
    expect((await get(port, url, { 'accept-encoding': 'gzip' })).body.equals(gzip.body)).toBe(true);

    const plain = await get(port, url, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(file)).toBe(true);
    expect(new Set([br.headers.etag, gzip.headers.etag, plain.headers.etag]).size).toBe(3);

    // uPlot, the largest file, is in the tree too.
    const uplot = await get(port, `/assets/${hash}/vendor/uPlot.iife.min.js`, { 'accept-encoding': 'br' });
    expect(uplot.headers['cache-control']).toBe(IMMUTABLE);
    expect(brotliDecompressSync(uplot.body).equals(readFileSync(join(uplotDistDir, 'uPlot.iife.min.js')))).toBe(true);
  });

  it('gives the same hash after a restart when no file changed', async () => {
    const pageHash = async () => {
      const api = await startApi();
      const html = decoded(await get(api.port, '/')).toString('utf8');
      await api.stop();
      return /\/assets\/([0-9a-f]+)\//.exec(html)![1];
    };
    const first = await pageHash();
    expect(await pageHash()).toBe(first);
  });

  it('keeps the unhashed URLs of pages loaded before a deploy working, with a short cache', async () => {
    const { port } = await startApi();
    const old = await get(port, '/static/js/consumer/main.js');
    expect(old.status).toBe(200);
    expect(old.headers['cache-control']).toBe('public, max-age=300');
    expect(decoded(old).equals(readFileSync(join(publicDir, 'js/consumer/main.js')))).toBe(true);
    const vendor = await get(port, '/vendor/uPlot.min.css');
    expect(vendor.status).toBe(200);
    // Another deploy's hash gets today's file, but never cached for ever under that name.
    const otherHash = await get(port, '/assets/0000000000000000/js/consumer/main.js');
    expect(otherHash.status).toBe(200);
    expect(otherHash.headers['cache-control']).toBe('public, max-age=300');
    expect((await get(port, '/static/js/no-such-file.js')).status).toBe(404);
    expect((await get(port, '/static/vendor/uPlot.min.css')).status).toBe(404);
  });
});
