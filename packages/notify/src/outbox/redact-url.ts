/**
 * A destination URL fit to show in the API and logs. Robot webhooks carry their credential in the URL
 * (DingTalk `access_token`, WeCom `key`, Feishu's hook path), so query values are masked and long
 * token-like path segments cut to their first 4 characters.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '***';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.pathname = parsed.pathname
    .split('/')
    .map((segment) => (/^[A-Za-z0-9_-]{16,}$/.test(segment) ? `${segment.slice(0, 4)}***` : segment))
    .join('/');
  const names = [...new Set(parsed.searchParams.keys())];
  for (const name of names) parsed.searchParams.set(name, '***');
  return parsed.toString().replaceAll('%2A%2A%2A', '***');
}
