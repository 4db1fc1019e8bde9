import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Outbox } from '@coldchain/notify';
import type { Claim, OpsStore, ProfileCatalog } from '@coldchain/storage';
import { createNotifier } from './notifier.ts';

const claim: Claim = {
  id: 'cl-9', shipmentId: 'LZ-9', alertId: 'al-9', liableOrgId: 'carrier-a', amountCents: 110_000, goodsShareCents: 100_000, freightCents: 10_000, currency: 'CNY', status: 'filed',
  reason: { zh: '超标开始于干线冷运段', en: 'line-haul leg' }, filedAt: 0, respondBy: 7_200_000, withdrawnAt: null, withdrawnReason: null,
};

/** A new claim reaches the carrier with its evidence links (issue 13, item 1): signed webhook body and robot text. */
describe('notifier: a filed claim carries its evidence links', () => {
  it('adds the absolute links to the webhook body and the evidence line to the robot text', async () => {
    const enqueued: { key: string; payload: object }[] = [];
    const outbox = { enqueue: async (entry: { key: string; payload: object }) => (enqueued.push(entry), { ok: true }) } as unknown as Outbox;
    const ops = {
      getShipment: async () => ({ id: 'LZ-9', origin: '海口', destination: '武汉', shipperOrgId: 'shipper-a', profileId: 'lychee' }),
      listOrganisations: async () => [{ id: 'carrier-a', name: '南北干线冷运', nameEn: 'Nanbei' }],
      listEffectiveCustodyEvents: async () => [],
      getOrgChannels: async (orgId: string) =>
        orgId === 'carrier-a'
          ? [{ id: 'hook', type: 'webhook', url: 'https://carrier.example/hook', secret: 's-000000000001', lang: 'zh' }, { id: 'ding', type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=x', secret: null, lang: 'zh' }]
          : [],
    } as unknown as OpsStore;
    const profiles = { get: async () => undefined } as unknown as ProfileCatalog;
    const notify = createNotifier({ ops, profiles, outbox, baseUrl: 'https://coldchain.example.cn/', now: () => 1, log: pino({ level: 'silent' }) });
    await notify({ type: 'claim.filed', at: 0, claim });
    const hook = enqueued.find((e) => e.key === 'claim.filed:claim:cl-9@carrier-a/hook')!;
    expect(hook.payload).toMatchObject({ type: 'claim.filed', claim: { id: 'cl-9' }, links: { evidence: 'https://coldchain.example.cn/api/v1/shipments/LZ-9/evidence', report: 'https://coldchain.example.cn/api/v1/shipments/LZ-9/report.pdf' } });
    const ding = enqueued.find((e) => e.key === 'claim.filed:claim:cl-9@carrier-a/ding')!.payload as { markdown: { text: string } };
    expect(ding.markdown.text).toContain('【理赔】冷链理赔已提交');
    expect(ding.markdown.text).toContain('证据材料**：https://coldchain.example.cn/api/v1/shipments/LZ-9/report.pdf');
  });
});
