import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chooseEncoding } from '../public-assets.ts';

/** An answer kept ready to send: its JSON, compressed once, and its validators. */
type Entry = { etag: string; lastModified: number; json: Buffer; gzip: Buffer | null; br: Buffer | null; bytes: number };

/** Answers smaller than this go out uncompressed (as @fastify/compress's threshold). */
const COMPRESS_THRESHOLD = 1024;

/**
 * Per-shipment answers (trace, curve) kept in memory, keyed by what they answer, each valid for one
 * version (the ETag, made from the marks of everything the answer is computed from). A changed shipment
 * gets a new version, so its old answer is never served again; the least recently used answers go
 * when the cache is over `maxBytes`. Concurrent requests for one missing answer share one computation.
 */
export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly computing = new Map<string, Promise<Entry>>();
  private bytes = 0;

  constructor(private readonly maxBytes = 128 * 1024 * 1024) {}

  /**
   * Answers `request` from the cache for (key, version), computing it with `compute` when missing: 304
   * when the client's If-None-Match (or If-Modified-Since) still holds, else the stored bytes in the
   * encoding the client accepts. `lastModified` is the server time of the newest change behind it.
   */
  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { key: string; version: string; lastModified: number; now: number; cacheControl: string; compute: () => Promise<unknown> },
  ): Promise<FastifyReply> {
    const tag = createHash('sha256').update(options.key).update('\0').update(options.version).digest('base64url').slice(0, 27);
    const encoding = chooseEncoding(request.headers['accept-encoding']);
    // One strong validator per content-coding (RFC 9110, 8.8.3), as the page assets have.
    const etag = encoding === 'identity' ? `"${tag}"` : `"${tag}-${encoding}"`;
    reply.header('etag', etag).header('cache-control', options.cacheControl).header('vary', 'accept-encoding');
    // Last-Modified has whole seconds: it is sent only once its second is over (RFC 9110, 8.8.2.2), so a
    // change later in the same second can never hide behind it.
    const lastModified = Math.floor(options.lastModified / 1000) * 1000;
    const isSettled = Number.isFinite(lastModified) && options.now - options.lastModified >= 1000;
    if (isSettled) reply.header('last-modified', new Date(lastModified).toUTCString());
    if (isFresh(request, tag, isSettled ? lastModified : null)) return reply.status(304).send();
    const entry = await this.entry(options.key, tag, options.lastModified, options.compute);
    reply.type('application/json; charset=utf-8');
    if (encoding === 'br' && entry.br) return reply.header('content-encoding', 'br').send(entry.br);
    if (encoding === 'gzip' && entry.gzip) return reply.header('content-encoding', 'gzip').send(entry.gzip);
    // Small answers are not compressed: the identity ETag goes with them.
    if (encoding !== 'identity') reply.header('etag', `"${tag}"`);
    return reply.send(entry.json);
  }

  /** Answers held, and their bytes (for metrics and tests). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private async entry(key: string, etag: string, lastModified: number, compute: () => Promise<unknown>): Promise<Entry> {
    const held = this.entries.get(key);
    if (held?.etag === etag) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, held);
      return held;
    }
    const flight = `${key}\0${etag}`;
    const running = this.computing.get(flight);
    if (running) return running;
    const made = (async () => {
      const json = Buffer.from(JSON.stringify(await compute()));
      const isBig = json.length >= COMPRESS_THRESHOLD;
      const br = isBig ? brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : null;
      const gzip = isBig ? gzipSync(json, { level: 6 }) : null;
      const entry: Entry = { etag, lastModified, json, gzip, br, bytes: json.length + (br?.length ?? 0) + (gzip?.length ?? 0) };
      this.store(key, entry);
      return entry;
    })();
    this.computing.set(flight, made);
    try {
      return await made;
    } finally {
      this.computing.delete(flight);
    }
  }

  private store(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest, held] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= held.bytes;
    }
  }
}

/**
 * Whether the client's copy is still good: If-None-Match naming any coding's tag of this version (weak
 * or strong, or `*`) first; If-Modified-Since only without it, and only when a Last-Modified was sent.
 */
function isFresh(request: FastifyRequest, tag: string, lastModified: number | null): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string') {
    return ifNoneMatch.split(',').some((candidate) => {
      const trimmed = candidate.trim().replace(/^W\//, '');
      return trimmed === '*' || trimmed === `"${tag}"` || trimmed === `"${tag}-br"` || trimmed === `"${tag}-gzip"`;
    });
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (typeof ifModifiedSince !== 'string' || lastModified === null) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && lastModified <= since;
}
