import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ORGS, LoggerDevice } from '@coldchain/firmware-sim';
import { freePort } from './helpers/servers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Issue 12, item 4, "Done when": no credential appears in any log line. The all-in-one runs as `npm start`
 * runs it (API thread, embedded broker, the real logger) at LOG_LEVEL=debug, every line of stdout and
 * stderr kept; a journey puts every kind of credential through it; then the whole log is searched for
 * each one.
 */
describe('credentials in logs: a journey with every kind of credential leaves none in the debug log', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldchain-log-grep-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the admin token, API keys, session cookie, CSRF token, passwords, device and organisation broker secrets, webhook secrets and robot tokens out of the log', async () => {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${httpPort}`;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(httpPort), MQTT_PORT: String(mqttPort), DEMO: '0', LOG_LEVEL: 'debug' };
    const started = spawn(process.execPath, ['--import', 'tsx', 'services/all-in-one/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let log = '';
    started.stdout!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    for (let i = 0; !log.includes('coldchain is running'); i++) {
      if (started.exitCode !== null || i > 600) throw new Error(`the service did not start:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const secrets: Record<string, string> = {};
    const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    secrets.adminToken = adminToken;
    type Answer = { status: number; body: any; headers: Headers };
    const call = async (method: string, path: string, options: { body?: unknown; bearer?: string; cookie?: string; csrf?: string } = {}): Promise<Answer> => {
      const headers: Record<string, string> = {};
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
      if (options.cookie) headers.cookie = options.cookie;
      if (options.csrf) headers['x-csrf-token'] = options.csrf;
      const response = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await response.text();
      const isJson = response.headers.get('content-type')?.includes('json') === true;
      return { status: response.status, body: isJson && text ? JSON.parse(text) : text, headers: response.headers };
    };

    // The platform sets up an organisation, its administrator and a machine's key.
    for (const org of DEMO_ORGS) expect((await call('POST', '/api/v1/organisations', { bearer: adminToken, body: org })).status).toBeLessThan(300);
    secrets.password = `lychee-season-${randomBytes(6).toString('hex')}`;
    expect((await call('POST', '/api/v1/organisations/gz-baiyun-hub/users', { bearer: adminToken, body: { login: 'hub.admin', name: '王站长', password: secrets.password, role: 'admin' } })).status).toBe(201);
    const orgKey = await call('POST', '/api/v1/organisations/gz-baiyun-hub/api-keys', { bearer: adminToken, body: { name: 'wms', role: 'operator' } });
    expect(orgKey.status).toBe(201);
    secrets.apiKey = orgKey.body.key;
    const promKey = await call('POST', '/api/v1/organisations/platform/api-keys', { bearer: adminToken, body: { name: 'prometheus', role: 'viewer' } });
    expect(promKey.status).toBe(201);
    secrets.prometheusKey = promKey.body.key;

    // A failed sign-in (a wrong password), then a real one: the session cookie and its CSRF token.
    secrets.wrongPassword = `not-my-password-${randomBytes(6).toString('hex')}`;
    expect((await call('POST', '/api/v1/session', { body: { login: 'hub.admin', password: secrets.wrongPassword } })).status).toBe(401);
    const signIn = await call('POST', '/api/v1/session', { body: { login: 'hub.admin', password: secrets.password } });
    expect(signIn.status).toBe(201);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('cc_session='))!;
    secrets.sessionCookie = cookie.slice('cc_session='.length);
    secrets.csrfToken = signIn.body.csrfToken;
    expect((await call('GET', '/api/v1/session', { cookie })).status).toBe(200);

    // The hub's administrator sets its channels: a signed webhook and three robots with tokens in their URLs.
    secrets.webhookSecret = `whsec-${randomBytes(12).toString('hex')}`;
    secrets.dingtalkToken = randomBytes(32).toString('hex');
    secrets.wecomKey = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(6).toString('hex')}`;
    secrets.feishuToken = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(6).toString('hex')}`;
    const channels = {
      channels: [
        { id: 'ops', type: 'webhook', url: 'https://hooks.example.cn/coldchain', secret: secrets.webhookSecret },
        { id: 'ding', type: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${secrets.dingtalkToken}` },
        { id: 'wecom', type: 'wecom', url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${secrets.wecomKey}` },
        { id: 'feishu', type: 'feishu', url: `https://open.feishu.cn/open-apis/bot/v2/hook/${secrets.feishuToken}` },
      ],
    };
    const put = await call('PUT', '/api/v1/organisations/gz-baiyun-hub/channels', { cookie, csrf: secrets.csrfToken, body: channels });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const listed = await call('GET', '/api/v1/organisations/gz-baiyun-hub/channels', { bearer: secrets.apiKey });
    // An operator's key is not the organisation's administrator.
    expect(listed.status).toBe(403);
    expect((await call('GET', '/api/v1/organisations/gz-baiyun-hub/channels', { cookie })).status).toBe(200);

    // The machine's key at work, a key that is not one, and the admin token where it no longer goes: a URL.
    expect((await call('GET', '/api/v1/alerts', { bearer: secrets.apiKey })).status).toBe(200);
    secrets.madeUpKey = `cck_${randomBytes(6).toString('hex')}_${randomBytes(16).toString('hex')}`;
    expect((await call('GET', '/api/v1/alerts', { bearer: secrets.madeUpKey })).status).toBe(401);
    expect((await call('GET', `/api/v1/alerts?token=${adminToken}`)).status).toBeGreaterThanOrEqual(400);
    expect((await call('GET', '/metrics', { bearer: secrets.prometheusKey })).status).toBe(200);

    // A device with its MQTT password sends a reading; another tries a wrong password.
    const provisioned = await call('POST', '/api/v1/devices', { bearer: adminToken, body: { id: 'logger-log-grep' } });
    expect(provisioned.status).toBe(201);
    secrets.deviceSecret = provisioned.body.secret;
    const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    const device = await LoggerDevice.connect(mqttUrl, 'logger-log-grep', provisioned.body.secret as string);
    await device.publish([{ ts: Date.now() - 60_000, tempC: 4.2, rhPct: 88 }]);
    await device.close();
    secrets.wrongDeviceSecret = randomBytes(18).toString('base64url');
    await expect(LoggerDevice.connect(mqttUrl, 'logger-log-grep', secrets.wrongDeviceSecret)).rejects.toThrow();

    // The hub's own systems subscribe to its alerts with its broker credentials (issue 12, item 6).
    const brokerCredential = await call('POST', '/api/v1/organisations/gz-baiyun-hub/mqtt-credentials', { cookie, csrf: secrets.csrfToken, body: { name: 'wms' } });
    expect(brokerCredential.status, JSON.stringify(brokerCredential.body)).toBe(201);
    secrets.orgBrokerPassword = brokerCredential.body.password;
    const subscriber = await mqtt.connectAsync(mqttUrl, { clientId: brokerCredential.body.username, username: brokerCredential.body.username, password: brokerCredential.body.password as string, reconnectPeriod: 0 });
    await subscriber.subscribeAsync('coldchain/v1/alerts/gz-baiyun-hub', { qos: 1 });
    await subscriber.endAsync();

    // Sign out (with the CSRF token), then stop: the shutdown lines are part of the log too.
    expect((await call('DELETE', '/api/v1/session', { cookie, csrf: secrets.csrfToken })).status).toBeLessThan(300);
    started.kill('SIGINT');
    expect(await exited).toBe(0);

    // The log is the debug one: requests and the device's connection are in it.
    expect(log).toContain('"msg":"http.request"');
    expect(log).toContain('logger-log-grep');
    expect(log.split('\n').length).toBeGreaterThan(30);
    const found = Object.entries(secrets).filter(([, value]) => log.includes(value));
    expect(found.map(([name]) => name), 'credentials found in the log').toEqual([]);
  }, 120_000);
});
