import { describe, expect, it } from 'vitest';
import { buildDeliveryRequest } from '../delivery-request.ts';
import { NAMES, sampleAlertEvent, sampleClaimEvent, T0 } from '../events.fixture.ts';
import { formatDingTalkMessage, signDingTalkUrl } from './dingtalk.ts';
import { formatFeishuMessage, signFeishuBody } from './feishu.ts';
import type { FeishuCard } from './feishu.ts';
import { buildWebhookRequest, formatWebhookPayload, signWebhookBody, verifyWebhookSignature } from './webhook.ts';
import { formatWeComMessage } from './wecom.ts';

const OPTIONS = { baseUrl: 'https://cc.example.cn', ...NAMES };

// Expected signatures computed independently with Python's hmac, hashlib and base64 modules.
const DINGTALK_SECRET = 'SECtestsecret0123456789';
const FEISHU_SECRET = 'feishu-secret';
const WEBHOOK_SECRET = 'whsec_test';

describe('DingTalk robot', () => {
  it('formats a markdown message with the title the chat list previews and a link to the console', () => {
    expect(formatDingTalkMessage(sampleAlertEvent(), OPTIONS)).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '【一级告警】温度超标',
        text: [
          '### 【一级告警】温度超标',
          '',
          '- **运单**：LZ-8842 海口 → 上海',
          '- **规则**：荔枝 高于 15 °C',
          '- **峰值**：18.4 °C',
          '- **超标时长**：42 分钟',
          '- **开始时间**：2024-06-01 14:00（北京时间）',
          '- **货物持有方**：顺丰冷运',
          '- **责任判定**：超标开始于干线冷运段，货物由顺丰冷运持有',
          '- **响应时限**：2024-06-01 15:10（北京时间）',
          '',
          '[打开控制台处理](https://cc.example.cn/console)',
        ].join('\n'),
      },
    });
  });

  it.each([
    [1717200000000, 'zn6MYTauIGEuvDoyWO5Ad1zsx7bsb2QXTRAUaOshI10%3D'],
    // a signature with + and /, which must be percent-encoded
    [1717200000002, 'DqItPJSOF9UEC9sZ4Ww5ND%2BolsaT%2F%2BU9VZeytr2h9Ro%3D'],
  ])('signs the URL at %i ms', (nowMs, sign) => {
    const signed = signDingTalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', DINGTALK_SECRET, nowMs);
    expect(signed).toBe(`https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=${nowMs}&sign=${sign}`);
  });

  it('is signed per attempt by the delivery request, and left unsigned without a secret', () => {
    const body = JSON.stringify(formatDingTalkMessage(sampleAlertEvent(), OPTIONS));
    const target = { channel: 'dingtalk' as const, url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: DINGTALK_SECRET, body, key: 'k1' };
    const request = buildDeliveryRequest(target, 1717200000000);
    expect(new URL(request.url).searchParams.get('timestamp')).toBe('1717200000000');
    expect(request.body).toBe(body);
    expect(buildDeliveryRequest({ ...target, secret: null }, 1717200000000).url).toBe(target.url);
  });
});

describe('WeCom group robot', () => {
  it.each([
    ['alert.opened', '### <font color="warning">【一级告警】温度超标</font>'],
    ['alert.acknowledged', '### <font color="comment">【一级告警·已确认】温度超标</font>'],
    ['alert.resolved', '### <font color="info">【一级告警·已关闭】温度超标</font>'],
  ] as const)('%s: markdown content headed %s', (type, heading) => {
    const message = formatWeComMessage(sampleAlertEvent(type), OPTIONS);
    expect(Object.keys(message)).toEqual(['msgtype', 'markdown']);
    expect(message.msgtype).toBe('markdown');
    expect(Object.keys(message.markdown)).toEqual(['content']);
    const lines = message.markdown.content.split('\n');
    expect(lines[0]).toBe(heading);
    expect(lines).toContain('> **规则**：荔枝 高于 15 °C');
    expect(lines.at(-1)).toBe('[打开控制台处理](https://cc.example.cn/console)');
    expect(Buffer.byteLength(message.markdown.content)).toBeLessThan(4096);
  });

  it('formats a claim in English', () => {
    const content = formatWeComMessage(sampleClaimEvent(), { ...OPTIONS, lang: 'en' }).markdown.content;
    expect(content).toContain('> **Amount**: CNY 12,345.67 (goods 12,000.00 + freight 345.67)');
    expect(content).toContain('> **Liable party**: SF Cold Chain');
  });
});

describe('Feishu custom bot', () => {
  it('formats a card: coloured header, fields, a button to the console', () => {
    const card = formatFeishuMessage(sampleAlertEvent(), OPTIONS) as FeishuCard;
    expect(card.msg_type).toBe('interactive');
    expect(card.card.header).toEqual({ title: { tag: 'plain_text', content: '【一级告警】温度超标' }, template: 'red' });
    const [div, action] = card.card.elements;
    expect(div).toMatchObject({ tag: 'div' });
    const fields = div!.tag === 'div' ? div!.fields : [];
    expect(fields[1]).toEqual({ is_short: true, text: { tag: 'lark_md', content: '**规则**\n荔枝 高于 15 °C' } });
    expect(fields.find((f) => f.text.content.startsWith('**责任判定**'))?.is_short).toBe(false);
    expect(action).toEqual({
      tag: 'action',
      actions: [{ tag: 'button', text: { tag: 'plain_text', content: '打开控制台处理' }, type: 'primary', url: 'https://cc.example.cn/console' }],
    });
  });

  it.each([
    ['alert.opened', 2, 'orange'],
    ['alert.opened', 3, 'yellow'],
    ['alert.cleared', 1, 'green'],
    ['alert.acknowledged', 1, 'blue'],
  ] as const)('%s tier %i has a %s header', (type, tier, template) => {
    const card = formatFeishuMessage(sampleAlertEvent(type, { tier }), OPTIONS) as FeishuCard;
    expect(card.card.header.template).toBe(template);
  });

  it('formats plain text on request', () => {
    const text = formatFeishuMessage(sampleClaimEvent(), { ...OPTIONS, format: 'text', lang: 'en' });
    expect(text).toEqual({ msg_type: 'text', content: { text: expect.stringMatching(/^\[Claim\] Cold-chain claim filed\nShipment: LZ-8842/) } });
  });

  it('signs the body with timestamp (seconds, as a string) and sign', () => {
    const signed = signFeishuBody({ msg_type: 'text', content: { text: 'hi' } }, FEISHU_SECRET, 1717200000_999);
    expect(signed).toEqual({ msg_type: 'text', content: { text: 'hi' }, timestamp: '1717200000', sign: 'ZTF/ipPR8quWg85Yw/IUXXdanhCijrDUEovGyScOUKs=' });
  });

  it('re-signs on each attempt through the delivery request', () => {
    const body = JSON.stringify({ msg_type: 'text', content: { text: 'hi' } });
    const target = { channel: 'feishu' as const, url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', secret: FEISHU_SECRET, body, key: 'k' };
    expect(JSON.parse(buildDeliveryRequest(target, 1717200000_000).body)).toMatchObject({ timestamp: '1717200000', sign: 'ZTF/ipPR8quWg85Yw/IUXXdanhCijrDUEovGyScOUKs=' });
    expect(JSON.parse(buildDeliveryRequest(target, 1717203600_000).body).timestamp).toBe('1717203600');
    expect(buildDeliveryRequest({ ...target, secret: null }, 0).body).toBe(body);
  });
});

describe('signed generic webhook', () => {
  const body = '{"hello":"世界"}';
  const signature = 'v1=37bf563e204122f3d92bc7b832d7d0b9ede47c4d21e5311d220fb1dd29bfa9f6';

  it('signs `${timestamp}.${body}` with HMAC-SHA256 in hex', () => {
    expect(signWebhookBody(WEBHOOK_SECRET, 1717200000, body)).toBe(signature);
    expect(signWebhookBody(WEBHOOK_SECRET, 1717200000, Buffer.from(body))).toBe(signature);
  });

  it('sends the timestamp, signature, delivery key and content type; the body is the event JSON', () => {
    const event = sampleAlertEvent();
    expect(formatWebhookPayload(event)).toBe(event);
    const request = buildWebhookRequest({ url: 'https://carrier.example/hook', secret: WEBHOOK_SECRET, body, key: 'key-1', nowMs: 1717200000_500 });
    expect(request).toEqual({
      url: 'https://carrier.example/hook',
      headers: {
        'Content-Type': 'application/json',
        'X-Coldchain-Timestamp': '1717200000',
        'X-Coldchain-Signature': signature,
        'X-Coldchain-Delivery': 'key-1',
      },
      body,
    });
  });

  const now = 1717200000_000;
  it.each([
    ['authentic and fresh', WEBHOOK_SECRET, '1717200000', body, signature, now, true, undefined],
    ['299 s late', WEBHOOK_SECRET, '1717200000', body, signature, now + 299_000, true, undefined],
    ['301 s late: replay window passed', WEBHOOK_SECRET, '1717200000', body, signature, now + 301_000, false, 'stale_timestamp'],
    ['301 s early: clock skew beyond the window', WEBHOOK_SECRET, '1717200000', body, signature, now - 301_000, false, 'stale_timestamp'],
    ['body changed', WEBHOOK_SECRET, '1717200000', '{"hello":"world"}', signature, now, false, 'signature_mismatch'],
    ['timestamp changed (replayed with a new time)', WEBHOOK_SECRET, '1717200001', body, signature, now, false, 'signature_mismatch'],
    ['wrong secret', 'other', '1717200000', body, signature, now, false, 'signature_mismatch'],
    ['one of two signatures matches (rotation)', WEBHOOK_SECRET, '1717200000', body, `v1=${'0'.repeat(64)}, ${signature}`, now, true, undefined],
    ['no v1 scheme', WEBHOOK_SECRET, '1717200000', body, signature.slice(3), now, false, 'malformed_signature'],
    ['missing signature', WEBHOOK_SECRET, '1717200000', body, undefined, now, false, 'malformed_signature'],
    ['timestamp in ms, not seconds', WEBHOOK_SECRET, '1717200000000', body, signature, now, false, 'malformed_timestamp'],
    ['timestamp not a number', WEBHOOK_SECRET, 'yesterday', body, signature, now, false, 'malformed_timestamp'],
  ])('%s', (_, secret, timestamp, received, sig, at, ok, code) => {
    const result = verifyWebhookSignature(secret, timestamp, received, sig, at);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.code).toBe(code);
  });

  it('takes a custom tolerance', () => {
    expect(verifyWebhookSignature(WEBHOOK_SECRET, 1717200000, body, signature, now + 30_000, 10).ok).toBe(false);
  });

  it('verifies a claim event end to end', () => {
    const claimBody = JSON.stringify(formatWebhookPayload(sampleClaimEvent()));
    const request = buildDeliveryRequest({ channel: 'webhook', url: 'https://c.example/h', secret: WEBHOOK_SECRET, body: claimBody, key: 'k' }, T0);
    expect(verifyWebhookSignature(WEBHOOK_SECRET, request.headers['X-Coldchain-Timestamp'], request.body, request.headers['X-Coldchain-Signature'], T0 + 5_000)).toEqual({
      ok: true,
      timestampS: T0 / 1000,
    });
  });
});
