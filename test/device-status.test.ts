import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '@coldchain/auth';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import { systemClock } from '@coldchain/bus';
import { LoggerDevice } from '@coldchain/firmware-sim';
import { buildIngest } from '@coldchain/ingest';
import { SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { DeviceEvent } from '@coldchain/storage';
import { eventually } from './helpers/all-in-one.ts';

const log = pino({ level: 'warn' });
const SECRET = 'service-secret-for-status-test';

describe('device status: retained online/offline through the last will, and server-side no-data detection', () => {
  let dir: string;
  let ops: SqliteOpsStore;
  let telemetry: SqliteTelemetryStore;
  let broker: ReturnType<typeof buildBroker>;
  let ingest: ReturnType<typeof buildIngest>;
  let url: string;

  const events = async (deviceId: string) => (await ops.listDeviceEvents(deviceId)).reverse().map((e: DeviceEvent) => e.kind);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldchain-status-'));
    ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
    telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
    await ops.createDevice({ id: 'status-1', secretHash: await hashSecret('device-secret'), publicKey: null, createdAt: Date.now() });
    broker = buildBroker({ host: '127.0.0.1', port: 0, log, authenticate: createAuthenticator({ getDeviceSecretHash: async (id) => (await ops.getDevice(id))?.secretHash, serviceSecret: SECRET }) });
    url = `mqtt://127.0.0.1:${(await broker.start()).port}`;
    ingest = buildIngest({ mqtt: { url, clientId: 'coldchain-status-ingest', username: '_svc_ingest', password: SECRET }, telemetry, ops, clock: systemClock, log, noDataAfterMs: 400, noDataCheckMs: 100 });
    await ingest.start();
  });
  afterAll(async () => {
    await ingest?.stop();
    await broker?.stop();
    await ops?.close();
    await telemetry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records online, silence without any new message, data resuming, and offline from the last will', async () => {
    const device = await LoggerDevice.connect(url, 'status-1', 'device-secret');
    await device.publish([{ ts: Date.now() - 1000, tempC: 4 }]);
    await eventually('online', async () => ((await events('status-1')).includes('online') ? true : undefined));
    // Nothing more is sent: the silence is noticed by the timer alone.
    await eventually('no data', async () => ((await events('status-1')).includes('no_data') ? true : undefined), 5000);
    await device.publish([{ ts: Date.now(), tempC: 4 }]);
    await eventually('data resumed', async () => ((await events('status-1')).includes('data_resumed') ? true : undefined));
    // The connection drops without a DISCONNECT: the broker publishes the device's last will.
    (device as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
    await eventually('offline', async () => ((await events('status-1')).includes('offline') ? true : undefined), 5000);
    // In order of first occurrence (the silence check may flag the device again afterwards).
    const kinds: string[] = await events('status-1');
    const firsts = ['online', 'no_data', 'data_resumed', 'offline'].map((k) => kinds.indexOf(k));
    expect(firsts.every((i) => i >= 0)).toBe(true);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(kinds.slice(0, 3)).toEqual(['online', 'no_data', 'data_resumed']);
    await device.close().catch(() => undefined);
  });
});
