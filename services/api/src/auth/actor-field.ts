import { z } from 'zod';

/**
 * A body field that once named who acted (`by`, `correctedBy`): who acted is now the authenticated caller
 * (issue 12, item 3). A typed name is refused, naming the field, so no client goes on believing that what
 * it sends is what the audit trail records.
 */
export function refusedActorField(field: string) {
  return z.undefined({ error: `${field}: the actor is the signed-in user or API key; leave this field out` }).optional();
}
