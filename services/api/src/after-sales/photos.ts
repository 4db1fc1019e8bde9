import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Metadata } from 'sharp';

/** At most this many photos with one request (issue 13, item 3: 0 to 3). */
export const MAX_PHOTOS = 3;
/** Largest photo accepted, as sent: a phone's full-size JPEG is 2 to 6 MB. */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** Largest image accepted, in pixels (a decompression bomb is refused before it is decoded). */
const MAX_PIXELS = 50_000_000;
/** Photos are stored at most this wide or high: enough to see bad fruit, a fraction of the bytes. */
const STORED_EDGE_PX = 2048;
/** What a photo may be, judged by its content (never by its name or declared type). */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'heif']);

export type CleanPhoto = { idx: number; contentType: 'image/jpeg'; bytes: Buffer; sha256: string };
export type PhotoRefusal = { field: string; zh: string; en: string };

/**
 * A consumer's photo made safe to keep: its type checked by its content, decoded (so a file that only
 * looks like an image is refused), turned upright and re-encoded as JPEG without any metadata (GPS
 * position, camera, owner, time, thumbnails): what is stored is pixels only.
 */
export async function cleanPhoto(bytes: Buffer, idx: number): Promise<CleanPhoto | PhotoRefusal> {
  const field = `photos[${idx}]`;
  let meta: Metadata | undefined;
  try {
    // The header only: the size is judged before any pixel is decoded.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    meta = undefined;
  }
  if (!meta?.format || !ACCEPTED_FORMATS.has(meta.format)) {
    return { field, zh: '不是 JPEG、PNG、WebP 或 HEIC 图片（按文件内容检查）', en: 'is not a JPEG, PNG, WebP or HEIC image (checked by its content)' };
  }
  if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_PIXELS) {
    return { field, zh: `图片像素过大（上限 ${MAX_PIXELS / 1_000_000} 百万像素）`, en: `has more than ${MAX_PIXELS / 1_000_000} million pixels` };
  }
  try {
    const out = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: STORED_EDGE_PX, height: STORED_EDGE_PX, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer();
    return { idx, contentType: 'image/jpeg', bytes: out, sha256: createHash('sha256').update(out).digest('hex') };
  } catch (error) {
    const tooLarge = /pixel limit/i.test((error as Error).message);
    return tooLarge
      ? { field, zh: `图片像素过大（上限 ${MAX_PIXELS / 1_000_000} 百万像素）`, en: `has more than ${MAX_PIXELS / 1_000_000} million pixels` }
      : { field, zh: '图片已损坏，无法读取', en: 'is damaged and cannot be read' };
  }
}
