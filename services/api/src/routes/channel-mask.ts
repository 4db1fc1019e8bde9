import type { NotificationChannel } from '@coldchain/storage';

/** What a masked value ends with; a value shown with it is never the whole secret. */
export const MASK = '…';

/** The first 4 characters of a long value, then `…`; a short one is all mask (4 of 6 would be most of it). */
export function maskText(value: string): string {
  return value.length >= 12 ? `${value.slice(0, 4)}${MASK}` : MASK;
}

/**
 * A channel URL fit to answer with (issue 12, item 7). Robots carry their credential in the URL: DingTalk
 * and the generic webhooks in the query (`access_token=`, `key=`, `sign=`, `token=`), WeCom in `key=`,
 * Feishu in the hook path (`/open-apis/bot/v2/hook/<token>`). So every query value and every token-like
 * path segment (16 or more letters, digits, `-`, `_`) shows its first 4 characters then `…`, and a user
 * or password in the URL is dropped. Enough to tell two robots apart, not to post to either.
 */
export function maskChannelUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return MASK;
  }
  const origin = `${parsed.protocol}//${parsed.host}`;
  // A segment's matrix parameters (`;token=…`) are masked as query values; a segment of 16 or more
  // characters with a digit is masked whatever else it holds (dots included), as are long plain ones.
  const maskSegment = (segment: string) => {
    const [head = '', ...params] = segment.split(';');
    const isTokenLike = head.length >= 16 && (/^[A-Za-z0-9_-]+$/.test(head) || /\d/.test(head));
    const shown = isTokenLike ? maskText(head) : head;
    return [shown, ...params.map((param) => (param.includes('=') ? `${param.slice(0, param.indexOf('='))}=${maskText(param.slice(param.indexOf('=') + 1))}` : maskText(param)))].join(';');
  };
  const path = parsed.pathname.split('/').map(maskSegment).join('/');
  const query = [...parsed.searchParams].map(([name, value]) => `${encodeURIComponent(name)}=${maskText(value)}`).join('&');
  return `${origin}${path}${query ? `?${query}` : ''}`;
}

/** A channel as every answer shows it: URL masked, secret `…` when set. */
export function maskChannel<C extends Pick<NotificationChannel, 'url' | 'secret'>>(channel: C): C {
  return { ...channel, url: maskChannelUrl(channel.url), secret: channel.secret ? MASK : null };
}
