import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApi } from '../test-harness.ts';
import type { TestApi } from '../test-harness.ts';

const T0 = Date.now() - 3_600_000;

/** Live shipments' chains follow the stores without anybody asking for a head (decision 0017). */
describe('the periodic pass over live shipments', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi({ evidenceSyncMs: 100 });
    await api.call('POST', '/api/v1/organisations', { id: 'org-coop', name: '合作社', nameEn: 'Co-op', kind: 'shipper' });
    await api.call('POST', '/api/v1/devices', { id: 'logger-p-1' });
    await api.call('POST', '/api/v1/shipments', { id: 'shp-p-1', profileId: 'lychee', shipperOrgId: 'org-coop', deviceId: 'logger-p-1', origin: '海口', destination: '上海', boxes: 1, goodsValueCents: 100, freightCents: 10, startedAt: T0 });
  });
  afterEach(async () => {
    await api.stop();
  });

  const kinds = async () => (await api.evidence.chain('shp-p-1')).map((r) => r.kind);
  const waitFor = async (what: (k: string[]) => boolean) => {
    for (let i = 0; i < 50; i++) {
      if (what(await kinds())) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the chain never got there: ${(await kinds()).join(', ')}`);
  };

  it('chains a new message and a new scan by itself, and adds nothing while nothing changes', async () => {
    const payload = Buffer.from(JSON.stringify({ readings: [{ ts: T0 + 60_000, tempC: 4 }] }));
    await api.telemetry.insertReadings([{ deviceId: 'logger-p-1', sampledAt: T0 + 60_000, tempC: 4, rhPct: null, receivedAt: T0 + 61_000 }], [{ deviceId: 'logger-p-1', receivedAt: T0 + 61_000, firstTs: T0 + 60_000, lastTs: T0 + 60_000, count: 1, payload, publicKey: null }]);
    await waitFor((k) => k.includes('message'));
    // The shipment and its first scan may be chained by a pass before the message is stored: the order
    // is the order of learning. The device's key (here: none, an unsigned logger) before its first message.
    const chained = await kinds();
    expect([...chained].sort()).toEqual(['custody', 'device_key', 'message', 'shipment']);
    expect(chained.indexOf('device_key')).toBe(chained.indexOf('message') - 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await kinds()).toHaveLength(4);
    await api.ops.appendCustodyEvent({ shipmentId: 'shp-p-1', at: T0 + 120_000, stage: 'first_mile', toOrgId: 'org-coop', station: null, probeTempC: null, recordedAt: T0 + 120_000 });
    await waitFor((k) => k.length === 5);
    expect((await kinds()).at(-1)).toBe('custody');
  });
});
