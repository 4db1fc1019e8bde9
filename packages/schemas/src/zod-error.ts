import type { z } from 'zod';

/**
 * Formats a zod error as `field: rule` phrases, joined by `; `, with array indexes in brackets
 * (`readings[3].tempC: must be a number`), so a user can find the field in their own message.
 */
export function formatZodError(error: z.ZodError, maxIssues = 5): string {
  const phrases = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path
      .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
      .join('');
    return `${path || '(message)'}: ${issue.message}`;
  });
  const more = error.issues.length > maxIssues ? `; and ${error.issues.length - maxIssues} more` : '';
  return phrases.join('; ') + more;
}
