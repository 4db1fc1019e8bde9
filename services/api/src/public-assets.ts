import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** An encoding a response body is sent in. */
export type Encoding = 'br' | 'gzip' | 'identity';

/** One file, read into memory at start; its compressed forms are made once, on first request. */
export type Asset = {
  body: Buffer;
  contentType: string;
  /** sha256 of the body (hex), the base of its ETags. */
  sha256: string;
  /** The body in `encoding`, compressed on a worker thread (zlib's pool) and kept. */
  encoded(encoding: Encoding): Promise<Buffer>;
};

/** Files by path relative to their tree (`js/consumer/main.js`, `vendor/uPlot.iife.min.js`), and the tree's hash. */
export type AssetTree = { files: ReadonlyMap<string, Asset>; hash: string };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ts': 'text/plain; charset=utf-8',
};

// Already compressed formats gain nothing from another pass.
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;
// Below this a compressed body plus its header costs about what it saves (@fastify/compress's threshold).
const MIN_COMPRESS_BYTES = 1024;

/** Makes an asset of `body`: brotli at its best quality (it runs once per file and process), gzip at 9. */
export function createAsset(body: Buffer, contentType: string): Asset {
  const cache = new Map<Encoding, Promise<Buffer>>();
  const isCompressible = COMPRESSIBLE.test(contentType) && body.length >= MIN_COMPRESS_BYTES;
  return {
    body,
    contentType,
    sha256: createHash('sha256').update(body).digest('hex'),
    encoded(encoding) {
      if (encoding === 'identity' || !isCompressible) return Promise.resolve(body);
      let pending = cache.get(encoding);
      if (!pending) {
        pending =
          encoding === 'br'
            ? brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
            : gzipAsync(body, { level: 9 });
        // A failure is not kept: the next request tries again.
        pending.catch(() => cache.delete(encoding));
        cache.set(encoding, pending);
      }
      return pending;
    },
  };
}

function listFiles(root: string, under = ''): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(join(root, under), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) paths.push(...listFiles(root, path));
    else if (entry.isFile()) paths.push(path);
  }
  return paths;
}

/**
 * Reads every file of `roots` (prefix → folder) into memory and hashes the lot: the hash changes when any
 * file's path or content changes, and only then, so it is the same across restarts of the same code.
 */
export function loadAssetTree(roots: Record<string, string>): AssetTree {
  const files = new Map<string, Asset>();
  for (const [prefix, root] of Object.entries(roots)) {
    for (const path of listFiles(root)) {
      const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
      files.set(`${prefix}${path}`, createAsset(readFileSync(join(root, path)), contentType));
    }
  }
  const tree = createHash('sha256');
  for (const path of [...files.keys()].sort()) tree.update(path).update('\0').update(files.get(path)!.sha256).update('\0');
  return { files, hash: tree.digest('hex').slice(0, 16) };
}

/** The encoding to answer `accept-encoding` with: brotli, then gzip, else none (q=0 refuses one). */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    accepted.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const isAccepted = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (isAccepted('br')) return 'br';
  if (isAccepted('gzip')) return 'gzip';
  return 'identity';
}

/** Whether If-None-Match names `etag` (weak or strong, or `*`). */
function isNotModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * Sends `asset` in the best encoding the client accepts, with `cacheControl`, an ETag per encoding and
 * `Vary: Accept-Encoding`; 304 when the client holds it already. The route must opt out of
 * @fastify/compress (`compress: false`): the body is compressed here, once.
 */
export async function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string): Promise<FastifyReply> {
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  const body = await asset.encoded(encoding);
  const isEncoded = body !== asset.body;
  const etag = `"${asset.sha256.slice(0, 24)}${isEncoded ? `-${encoding}` : ''}"`;
  reply.header('cache-control', cacheControl).header('vary', 'accept-encoding').header('etag', etag);
  if (isNotModified(request.headers['if-none-match'], etag)) return reply.code(304).send();
  reply.header('content-type', asset.contentType);
  if (isEncoded) reply.header('content-encoding', encoding);
  return reply.send(body);
}
