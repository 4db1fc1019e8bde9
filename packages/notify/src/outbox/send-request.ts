import type { SignedRequest } from '../channels/webhook.ts';
import type { Channel } from '../delivery-request.ts';
import { classifyResponse, parseRetryAfterMs } from './retry-policy.ts';
import type { AttemptOutcome } from './retry-policy.ts';

/** Reads at most `maxBytes` of a reply: enough for an error message or a robot's JSON. */
async function readCapped(response: Response, maxBytes = 16_384): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 500);
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = error.cause as (Error & { code?: string }) | undefined;
  return `${error.message}${cause instanceof Error ? `: ${cause.code ?? cause.message}` : ''}`.slice(0, 500);
}

/**
 * POSTs one attempt and classifies the reply. Redirects are not followed: a signed body is for the URL
 * the organisation registered. Throws only when `cancel` aborts (the outbox is closing).
 */
export async function sendRequest(
  channel: Channel,
  request: SignedRequest,
  options: { cancel: AbortSignal; timeoutMs: number; now: () => number },
): Promise<AttemptOutcome> {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'User-Agent': 'coldchain-notify/1', ...request.headers },
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.any([options.cancel, AbortSignal.timeout(options.timeoutMs)]),
    });
    const text = await readCapped(response);
    return classifyResponse(channel, response.status, text, parseRetryAfterMs(response.headers.get('retry-after'), options.now()));
  } catch (error) {
    if (options.cancel.aborted) throw error;
    return { kind: 'retry', httpStatus: null, error: describeFetchError(error) };
  }
}
