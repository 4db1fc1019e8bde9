import { z } from 'zod';
import { ApiError } from './errors.ts';

/**
 * `limit` of a paged list: at least 1 (less is a 400 naming the field), `fallback` when absent, and a
 * value above `max` is clamped to `max`, not refused, so a client asking for "everything" still gets
 * an answer, one bounded page of it (issue 10, item 5).
 */
export function limitParam(max: number, fallback: number) {
  return z.coerce
    .number()
    .int()
    .min(1)
    .default(fallback)
    .transform((limit) => Math.min(limit, max))
    .describe(`Items per page: default ${fallback}, at most ${max}; a larger value is clamped to ${max}.`);
}

/** `cursor` of a paged list: the `nextCursor` of the page before; opaque to clients. */
export const cursorParam = z
  .string()
  .optional()
  .describe('The nextCursor of the previous page; absent for the first page.');

/**
 * Encodes a position in a list (the sort key of the last row given) as an opaque string, naming the
 * list (e.g. `alerts`, `readings:<device>`), so that a cursor is good for the list that gave it only.
 */
export function encodeCursor(list: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ list, at: position }), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor into the position `shape` describes; a cursor this list did not give out is a 400
 * naming the field, never a 500 nor a silent first page.
 */
export function decodeCursor<T>(cursor: string | undefined, list: string, shape: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  const refused = new ApiError('request.invalid', 'cursor: is not a cursor this list gave out; pass nextCursor of the previous page unchanged');
  let decoded: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  const parsed = z.object({ list: z.literal(list), at: shape }).safeParse(decoded);
  if (!parsed.success) throw refused;
  return parsed.data.at as T;
}

/**
 * One page from rows fetched with `limit + 1`: the extra row only tells that a next page exists; the
 * cursor is the position of the last row given.
 */
export function toPage<T>(rows: readonly T[], limit: number, list: string, positionOf: (row: T) => unknown): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(list, positionOf(last)) : null };
}
