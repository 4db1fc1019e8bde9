import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { systemClock } from '@coldchain/bus';
import type { Clock } from '@coldchain/bus';
import { SqliteEvidenceStore, SqliteOpsStore, SqliteTelemetryStore } from '@coldchain/storage';
import type { EvidenceStore, OpsStore, TelemetryStore } from '@coldchain/storage';
import { buildApi } from './app.ts';
import type { EvidenceService } from './evidence/evidence-types.ts';

/** scrypt at 16 MiB for the tests' users: the default (128 MiB, about 0.5 s a hash) would make each sign-in slow. */
export const TEST_PASSWORD_KDF = { N: 2 ** 14, r: 8, p: 1 };

/** Real SQLite stores in a fresh temporary folder; `close` closes them and removes the folder. */
export type TempStores = {
  ops: OpsStore;
  telemetry: TelemetryStore;
  evidence: EvidenceStore;
  /** The temporary folder (the service's keys go under it). */
  dir: string;
  close(): Promise<void>;
};

/** Opens the operational and telemetry stores (SQLite, NORMAL sync) in a new temporary folder. */
export function openTempStores(): TempStores {
  const dir = mkdtempSync(join(tmpdir(), 'coldchain-api-'));
  const ops = new SqliteOpsStore(join(dir, 'ops.db'), 'NORMAL');
  const telemetry = new SqliteTelemetryStore(join(dir, 'telemetry.db'), 'NORMAL');
  const evidence = new SqliteEvidenceStore(join(dir, 'evidence.db'), 'NORMAL', { messagesIn: join(dir, 'telemetry.db') });
  return {
    ops,
    telemetry,
    evidence,
    dir,
    async close() {
      await ops.close();
      await telemetry.close();
      await evidence.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A response as the tests read it: the body parsed from JSON (undefined when empty). */
export type ApiResponse = { status: number; body: any };

/** A started API over temporary stores, and a way to call it. */
export type TestApi = {
  ops: OpsStore;
  telemetry: TelemetryStore;
  evidence: EvidenceStore;
  adminToken: string;
  /** Where the API listens: `http://127.0.0.1:<port>`, for tests that need real HTTP. */
  baseUrl: string;
  /** Calls a route through fastify's inject, as the admin unless `token` says otherwise (null: no token). */
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string | null): Promise<ApiResponse>;
  /** An API key of the organisation with the role (created through the API as the platform), to pass as `token`. */
  apiKey(orgId: string, role: 'admin' | 'operator' | 'viewer', name?: string): Promise<string>;
  /**
   * A user of the organisation with the role, signed in: `call` sends the session cookie, and the CSRF
   * token with every request that changes something. `name` is how the audit trail names them.
   */
  signIn(orgId: string, role: 'admin' | 'operator' | 'viewer', name?: string): Promise<{ name: string; login: string; call: TestApi['call'] }>;
  /** Stops the API, closes the stores and removes their folder. */
  stop(): Promise<void>;
};

/** Starts a real API on 127.0.0.1 port 0 over SQLite files in a temporary folder, with a random admin token. */
export async function startTestApi(options: { evidence?: EvidenceService; evidenceSyncMs?: number; clock?: Clock } = {}): Promise<TestApi> {
  const stores = openTempStores();
  const adminToken = randomBytes(24).toString('base64url');
  const api = buildApi({ host: '127.0.0.1', port: 0, ops: stores.ops, telemetry: stores.telemetry, adminToken, clock: options.clock ?? systemClock, log: pino({ level: 'silent' }), evidenceStore: stores.evidence, dataDir: stores.dir, evidence: options.evidence, evidenceSyncMs: options.evidenceSyncMs, passwordKdf: TEST_PASSWORD_KDF });
  const { port } = await api.start();
  return {
    ops: stores.ops,
    telemetry: stores.telemetry,
    evidence: stores.evidence,
    adminToken,
    baseUrl: `http://127.0.0.1:${port}`,
    async call(method, url, body, token = adminToken) {
      const response = await api.app.inject({
        method,
        url,
        ...(body === undefined ? {} : { payload: body as object }),
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
    },
    async apiKey(orgId, role, name = `${orgId}-${role}`) {
      const response = await api.app.inject({ method: 'POST', url: `/api/v1/organisations/${orgId}/api-keys`, payload: { name, role }, headers: { authorization: `Bearer ${adminToken}` } });
      if (response.statusCode !== 201) throw new Error(`api key for ${orgId}: ${response.statusCode} ${response.body}`);
      return (JSON.parse(response.body) as { key: string }).key;
    },
    async signIn(orgId, role, name = `${orgId} ${role}`) {
      const login = `${orgId}-${role}-${randomBytes(3).toString('hex')}`;
      const password = `pw-${randomBytes(12).toString('base64url')}`;
      const created = await api.app.inject({ method: 'POST', url: `/api/v1/organisations/${orgId}/users`, payload: { login, name, password, role }, headers: { authorization: `Bearer ${adminToken}` } });
      if (created.statusCode !== 201) throw new Error(`user for ${orgId}: ${created.statusCode} ${created.body}`);
      const session = await api.app.inject({ method: 'POST', url: '/api/v1/session', payload: { login, password } });
      if (session.statusCode !== 201) throw new Error(`sign-in of ${login}: ${session.statusCode} ${session.body}`);
      const cookie = session.cookies.find((c) => c.name === 'cc_session')!;
      const csrf = (JSON.parse(session.body) as { csrfToken: string }).csrfToken;
      return {
        name: `${name} (${login})`,
        login,
        async call(method, url, body) {
          const response = await api.app.inject({
            method,
            url,
            ...(body === undefined ? {} : { payload: body as object }),
            cookies: { cc_session: cookie.value },
            headers: method === 'GET' ? {} : { 'x-csrf-token': csrf },
          });
          return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
        },
      };
    },
    async stop() {
      await api.stop();
      await stores.close();
    },
  };
}

/**
 * Gives each test of the calling `describe` its own API: started (then `seed`ed) before each test and
 * stopped after it. The returned object is filled in before each test, so read it inside tests only;
 * what `seed` returns (e.g. a trace code) is merged into it.
 */
export function useTestApi<T extends object = object>(seed: (api: TestApi) => Promise<T | void> = async () => {}): TestApi & T {
  const current = {} as TestApi & T;
  beforeEach(async () => {
    const api = await startTestApi();
    // Assigned before seeding, so afterEach stops this API even when a seed step fails.
    Object.assign(current, api);
    Object.assign(current, await seed(api));
  });
  afterEach(async () => {
    await current.stop();
  });
  return current;
}
