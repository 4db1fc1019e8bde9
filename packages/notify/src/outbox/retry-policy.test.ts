import { describe, expect, it } from 'vitest';
import { readRobotReply } from '../delivery-request.ts';
import { validateEntry } from './outbox-entry.ts';
import { redactUrl } from './redact-url.ts';
import { classifyResponse, DEFAULT_RETRY_POLICY, parseRetryAfterMs, retryDelayMs } from './retry-policy.ts';

describe('retry delays', () => {
  it.each([
    // failed attempts, random, delay: 1 s doubling, capped at 5 min, jittered into [d/2, d]
    [1, 0, 500],
    [1, 0.999_999, 1_000],
    [2, 0.5, 1_500],
    [3, 1, 4_000],
    [9, 1, 256_000],
    [10, 1, 300_000],
    [10, 0, 150_000],
    [50, 1, 300_000],
  ])('after %i failures with random %d: %i ms', (failures, random, delayMs) => {
    expect(retryDelayMs(failures, DEFAULT_RETRY_POLICY, random)).toBe(delayMs);
  });
});

describe('classifying replies', () => {
  it.each([
    ['webhook', 200, '', 'delivered'],
    ['webhook', 204, '', 'delivered'],
    ['webhook', 200, '{"errcode":1}', 'delivered'],
    ['webhook', 400, 'bad', 'dead'],
    ['webhook', 401, '', 'dead'],
    ['webhook', 404, '', 'dead'],
    ['webhook', 408, '', 'retry'],
    ['webhook', 429, '', 'retry'],
    ['webhook', 500, '', 'retry'],
    ['webhook', 503, '', 'retry'],
    ['webhook', 302, '', 'retry'],
    ['dingtalk', 200, '{"errcode":0,"errmsg":"ok"}', 'delivered'],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', 'retry'],
    ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', 'retry'],
    ['wecom', 200, '{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}', 'dead'],
    ['feishu', 200, '{"code":0,"msg":"success","data":{}}', 'delivered'],
    ['feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}', 'delivered'],
    ['feishu', 200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}', 'retry'],
    ['feishu', 200, '{"code":9499,"msg":"Bad Request"}', 'dead'],
    ['feishu', 200, 'not json', 'delivered'],
  ] as const)('%s HTTP %i %s → %s', (channel, status, body, kind) => {
    expect(classifyResponse(channel, status, body).kind).toBe(kind);
  });

  it('keeps the robot code and message as the error', () => {
    expect(classifyResponse('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toEqual({
      kind: 'retry',
      httpStatus: 200,
      error: 'dingtalk code 310000: sign not match',
    });
    expect(readRobotReply('feishu', '{"code":19024,"msg":"Key Words Not Found"}')).toEqual({ ok: false, code: 19024, message: 'Key Words Not Found', isPermanent: false });
  });

  it.each([
    [null, undefined],
    ['120', 120_000],
    ['Sat, 01 Jun 2024 06:01:00 GMT', 60_000],
    ['soon', undefined],
  ])('Retry-After %s → %s ms', (header, ms) => {
    expect(parseRetryAfterMs(header, Date.UTC(2024, 5, 1, 6, 0))).toBe(ms);
  });
});

describe('entries', () => {
  const good = { key: 'k-1', channel: 'webhook' as const, url: 'https://carrier.example/hook', secret: 's', payload: { a: 1 } };
  it.each([
    ['key', { key: '' }],
    ['key', { key: '运单' }],
    ['key', { key: 'a b' }],
    ['channel', { channel: 'sms' }],
    ['url', { url: 'carrier.example/hook' }],
    ['url', { url: 'ftp://carrier.example/hook' }],
    ['secret', { secret: null }],
    ['secret', { secret: '' }],
    ['payload', { payload: null }],
    ['payload', { payload: [1] }],
    ['payload', { payload: { text: 'x'.repeat(300_000) } }],
  ])('refuses a bad %s: %o', (field, change) => {
    const result = validateEntry({ ...good, ...change } as never);
    expect(result).toMatchObject({ ok: false, code: 'invalid_entry', field });
  });

  it('accepts robots without a secret and serializes the payload once', () => {
    expect(validateEntry({ ...good, channel: 'wecom', secret: undefined })).toEqual({ ok: true, body: '{"a":1}', secret: null });
  });
});

describe('redacting destination URLs', () => {
  it.each([
    ['https://oapi.dingtalk.com/robot/send?access_token=abcdef123456', 'https://oapi.dingtalk.com/robot/send?access_token=***'],
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***'],
    ['https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd', 'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d***'],
    ['https://user:pw@carrier.example/hooks/coldchain', 'https://carrier.example/hooks/coldchain'],
    ['not a url', '***'],
  ])('%s → %s', (url, shown) => expect(redactUrl(url)).toBe(shown));
});
