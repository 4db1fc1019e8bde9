import { z } from 'zod';

/** A time in a request: epoch milliseconds or ISO-8601 with an offset; always epoch ms after parsing. */
export const timeParam = z.union(
  [
    z.coerce.number().int().nonnegative(),
    z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
  ],
  { error: 'must be epoch milliseconds or an ISO-8601 timestamp with offset' },
);

/** A time in a JSON body. */
export const timeField = z.union(
  [z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((value) => Date.parse(value))],
  { error: 'must be epoch milliseconds (integer) or an ISO-8601 timestamp with offset' },
);
