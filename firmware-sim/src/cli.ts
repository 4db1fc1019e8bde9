import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApiClient } from './api-client.ts';
import { startDemoFleet } from './demo-fleet.ts';
import { DEMO_ORGS, DEMO_ROLE_ORGS } from './demo-orgs.ts';
import { replayJourney } from './journey-runner.ts';
import { HUB_AC_FAILURE, planJourney } from './journey.ts';

const USAGE = `coldchain-sim: simulated loggers for a running coldchain service

  npm run sim -- provision <deviceId>        provision a device (or rotate its secret) and print the secret
  npm run sim -- replay [--ac-failure] [--id LZ-1] [--start ISO]
                                             replay one lychee journey as fast as the server takes it
  npm run sim -- demo [--speed 720] [--shipments 20]
                                             run the demo fleet in accelerated time until Ctrl-C

Options: --api URL (default http://127.0.0.1:$PORT, 8080), --mqtt URL (default mqtt://127.0.0.1:$MQTT_PORT, 1883),
         --token T (default $COLDCHAIN_ADMIN_TOKEN, else $DATA_DIR/admin-token, DATA_DIR default ./data)`;

function fail(message: string): never {
  process.stderr.write(`coldchain-sim: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    api: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '8080'}` },
    mqtt: { type: 'string', default: `mqtt://127.0.0.1:${process.env.MQTT_PORT ?? '1883'}` },
    token: { type: 'string' },
    speed: { type: 'string', default: '720' },
    shipments: { type: 'string', default: '20' },
    id: { type: 'string' },
    start: { type: 'string' },
    'ac-failure': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || positionals.length === 0) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}

// The same settings as the service: DATA_DIR (default ./data) holds the admin token.
const tokenFile = join(process.env.DATA_DIR ?? './data', 'admin-token');
const token = values.token ?? process.env.COLDCHAIN_ADMIN_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
if (!token) fail(`no admin token: pass --token, set COLDCHAIN_ADMIN_TOKEN, or run where ${tokenFile} is readable`);
const api = createApiClient(values.api, token);
const [command, ...rest] = positionals;

switch (command) {
  case 'provision': {
    const deviceId = rest[0] ?? fail('provision needs a device id');
    process.stdout.write(`${deviceId} ${await api.provisionDevice(deviceId)}\n`);
    break;
  }
  case 'replay': {
    const startAt = values.start ? Date.parse(values.start) : Date.now() - 41 * 3_600_000;
    if (Number.isNaN(startAt)) fail(`--start ${values.start} is not an ISO-8601 time`);
    const id = values.id ?? `LZ-REPLAY-${Date.now()}`;
    for (const org of DEMO_ORGS) await api.upsertOrganisation(org);
    const runner = await replayJourney(
      {
        shipmentId: id,
        deviceId: `logger-${id}`,
        plan: planJourney({ startAt, seed: startAt, acFailure: values['ac-failure'] ? HUB_AC_FAILURE : null }),
        orgs: DEMO_ROLE_ORGS,
        origin: '海南省海口市',
        destination: '湖北省武汉市',
        boxes: 500,
        goodsValueCents: 500 * 9_900,
        freightCents: 500 * 1_500,
      },
      api,
      values.mqtt,
    );
    process.stdout.write(`replayed ${id}: consumer page ${new URL(`/t/${runner.traceCode}`, values.api).href}\n`);
    break;
  }
  case 'demo': {
    const speed = Number(values.speed);
    const shipments = Number(values.shipments);
    if (!(speed >= 1)) fail('--speed must be a number of at least 1');
    if (!Number.isInteger(shipments) || shipments < 1) fail('--shipments must be a whole number of at least 1');
    const fleet = startDemoFleet({
      apiUrl: values.api,
      mqttUrl: values.mqtt,
      adminToken: token,
      speed,
      shipmentCount: shipments,
      log: pino({ level: 'info' }),
      onWave: (wave) => {
        for (const s of wave.shipments) process.stdout.write(`${s.id}${s.hasAcFailure ? ' (hub AC failure)' : ''}: ${new URL(`/t/${s.traceCode}`, values.api).href}\n`);
      },
    });
    process.once('SIGINT', () => void fleet.stop().then(() => process.exit(0)));
    await fleet.done;
    break;
  }
  default:
    fail(`unknown command ${command}`);
}
