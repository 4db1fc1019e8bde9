import { describe, expect, it } from 'vitest';
import { createLogger, urlForLog } from './logger.ts';

/** A logger at debug writing JSON lines to a string, as the service's logger writes to stdout. */
function capture() {
  let text = '';
  const log = createLogger('debug', 'coldchain-test', { write: (line: string) => void (text += line) });
  return { log, text: () => text };
}

describe('the service logger censors credentials (issue 12, item 4)', () => {
  // What could reach a log line by a careless `log.debug({ req })`, an error carrying the request it
  // failed on, a channel or a device's CONNECT packet: each value must come out as [redacted].
  it.each([
    ['a request’s Authorization header', { req: { method: 'GET', url: '/api/v1/alerts', headers: { authorization: 'Bearer cck_k1_SECRETVALUE1' } } }, 'SECRETVALUE1'],
    ['a session cookie', { req: { headers: { cookie: 'cc_session=SECRETVALUE2' } } }, 'SECRETVALUE2'],
    ['a Set-Cookie answer', { res: { headers: { 'set-cookie': 'cc_session=SECRETVALUE3; HttpOnly' } } }, 'SECRETVALUE3'],
    ['a CSRF header', { headers: { 'x-csrf-token': 'SECRETVALUE4' } }, 'SECRETVALUE4'],
    ['a sign-in body', { body: { login: 'hub.admin', password: 'SECRETVALUE5' } }, 'SECRETVALUE5'],
    ['a channel', { channel: { id: 'ops', type: 'webhook', url: 'https://hooks.example.cn/x', secret: 'SECRETVALUE6' } }, 'SECRETVALUE6'],
    ['a device’s CONNECT packet', { packet: { clientId: 'logger-01', username: 'logger-01', password: 'SECRETVALUE7' } }, 'SECRETVALUE7'],
    ['a token at the top', { token: 'SECRETVALUE8' }, 'SECRETVALUE8'],
    ['an API key answer', { answer: { id: 'k1', key: 'cck_k1_SECRETVALUE9' } }, 'SECRETVALUE9'],
    ['an error holding the request it failed on', { err: Object.assign(new Error('upstream refused'), { config: { headers: { authorization: 'Bearer SECRETVALUE10' } } }) }, 'SECRETVALUE10'],
    ['the admin token in a config object', { config: { adminToken: 'SECRETVALUE11', serviceSecret: 'SECRETVALUE12' } }, 'SECRETVALUE11'],
  ])('%s', (_what, fields, secret) => {
    const { log, text } = capture();
    log.debug(fields, 'something.happened');
    expect(text()).toContain('something.happened');
    expect(text()).not.toContain(secret);
    expect(text()).toContain('[redacted]');
  });

  it('keeps the fields that are not credentials', () => {
    const { log, text } = capture();
    log.info({ deviceId: 'logger-01', keyId: 'k-2026', login: 'hub.admin', channelId: 'ops' }, 'x');
    expect(JSON.parse(text())).toMatchObject({ deviceId: 'logger-01', keyId: 'k-2026', login: 'hub.admin', channelId: 'ops' });
  });

  it('censors in child loggers’ fields too', () => {
    const { log, text } = capture();
    log.child({ service: 'api' }).warn({ secret: 'SECRETVALUE13' }, 'y');
    expect(text()).not.toContain('SECRETVALUE13');
  });
});

describe('urlForLog', () => {
  it.each([
    ['mqtt://_svc_api:SECRET@broker:1883', 'mqtt://broker:1883'],
    ['https://oapi.dingtalk.com/robot/send?access_token=SECRET', 'https://oapi.dingtalk.com/robot/send?access_token=***'],
    ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1883'],
    ['not a url SECRET', '(not a URL)'],
  ])('%s → %s', (url, shown) => expect(urlForLog(url)).toBe(shown));
});
