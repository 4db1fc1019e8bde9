// Child process of the auth-flood benchmark: the embedded broker (buildBroker, aedes) with the real
// authenticator over a real SqliteOpsStore holding one device, as the all-in-one process runs it. It
// prints {port} once listening; on the stdin line "mark" it starts timing its CPU, on "report" it prints
// {checks, cpuPct} (checks: look-ups of the device's hash, each followed by one scrypt check). It is
// ended with SIGKILL: a process with thousands of scrypt jobs queued in libuv's pool would otherwise run
// them all before it could exit.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import pino from 'pino';
import { buildBroker, createAuthenticator } from '@coldchain/broker';
import type { ThrottleSettings } from '@coldchain/broker';
import { SqliteOpsStore } from '@coldchain/storage';
// bench/package.json does not list @coldchain/auth; the source is imported directly.
import { hashSecret, hashSecretWithScrypt } from '../../packages/auth/src/index.ts';

type Plan = { dir: string; deviceId: string; secret: string; throttle?: Partial<ThrottleSettings>; isScryptHash?: boolean };
const plan = JSON.parse(process.argv[2]!) as Plan;
const ops = new SqliteOpsStore(join(plan.dir, 'ops.db'), 'FULL');
await ops.createDevice({ id: plan.deviceId, secretHash: await (plan.isScryptHash ? hashSecretWithScrypt : hashSecret)(plan.secret), publicKey: null, createdAt: Date.now() });
let checks = 0;
const authenticate = createAuthenticator({
  // Unknown ids cost no scrypt; each look-up of the real device's hash is followed by one check.
  getDeviceSecretHash: async (id) => ((checks += id === plan.deviceId ? 1 : 0), (await ops.getDevice(id))?.secretHash),
  serviceSecret: 'bench-service-secret-0123456789',
  ...(plan.throttle ? { throttle: plan.throttle } : {}),
});
const broker = buildBroker({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), authenticate });
const { port } = await broker.start();
process.stdout.write(JSON.stringify({ port }) + '\n');

let cpu = process.cpuUsage();
let markedAt = performance.now();
let checksAtMark = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'mark') {
    cpu = process.cpuUsage();
    markedAt = performance.now();
    checksAtMark = checks;
  } else if (line === 'report') {
    const used = process.cpuUsage(cpu);
    const cpuPct = ((used.user + used.system) / 1000 / (performance.now() - markedAt)) * 100;
    process.stdout.write(JSON.stringify({ checks: checks - checksAtMark, cpuPct }) + '\n');
  }
}
// stdin closed: the benchmark is gone. Not process.exit(), which would first run every queued scrypt job.
process.kill(process.pid, 'SIGKILL');
