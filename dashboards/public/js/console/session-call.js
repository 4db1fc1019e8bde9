// @ts-check
/**
 * One JSON call as the signed-in user, for the console's own call files (claims, after-sales): the session
 * cookie goes by itself; a change carries the session's CSRF token (as api-client.js sends every change);
 * a refusal is an ApiFailure with the API's code and message, and a lost session is told once.
 */
import { ApiFailure } from './api-client.js';

/**
 * @param {{ csrfToken: () => string, onUnauthorized?: () => void }} options
 * @returns {(method: string, path: string, body?: unknown) => Promise<any>}
 */
export function createSessionCall(options) {
  return async function call(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrfToken = options.csrfToken();
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    let response;
    try {
      response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiFailure(0, 'network', error instanceof Error ? error.message : String(error));
    }
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) {
      const failure = new ApiFailure(response.status, payload?.error?.code ?? 'http', payload?.error?.message ?? `HTTP ${response.status}`);
      if (failure.isUnauthorized) options.onUnauthorized?.();
      throw failure;
    }
    return payload;
  };
}
