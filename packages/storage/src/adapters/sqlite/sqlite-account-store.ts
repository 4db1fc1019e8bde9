import type Database from 'better-sqlite3';
import type { AccountStore, ApiKey, AuditEntry, OrgMqttCredential, Role, Session, User } from '../../account-ports.ts';
import type { Row } from './ops-rows.ts';
import { PreparedStatements } from './prepared-statements.ts';

/** Writes of a last-use time closer than this to the one stored are skipped: a key used per second is not a write per second. */
const TOUCH_MS = 60_000;

const rowToUser = (r: Row): User => ({
  id: r.id as string,
  orgId: r.org_id as string,
  login: r.login as string,
  name: r.name as string,
  role: r.role as Role,
  passwordHash: r.password_hash as string,
  createdAt: r.created_at as number,
  createdBy: r.created_by as string,
  disabledAt: (r.disabled_at as number | null) ?? null,
});

const rowToKey = (r: Row): ApiKey => ({
  id: r.id as string,
  orgId: r.org_id as string,
  name: r.name as string,
  role: r.role as Role,
  keyHash: r.key_hash as string,
  createdAt: r.created_at as number,
  createdBy: r.created_by as string,
  lastUsedAt: (r.last_used_at as number | null) ?? null,
  revokedAt: (r.revoked_at as number | null) ?? null,
  revokedBy: (r.revoked_by as string | null) ?? null,
});

const rowToSession = (r: Row): Session => ({
  tokenHash: r.token_hash as string,
  userId: r.user_id as string,
  csrfToken: r.csrf_token as string,
  createdAt: r.created_at as number,
  expiresAt: r.expires_at as number,
  lastSeenAt: r.last_seen_at as number,
});

const rowToAudit = (r: Row): AuditEntry => ({
  seq: r.seq as number,
  at: r.at as number,
  actorKind: r.actor_kind as AuditEntry['actorKind'],
  actorId: r.actor_id as string,
  actorName: r.actor_name as string,
  actorOrgId: r.actor_org_id as string,
  action: r.action as string,
  target: r.target as string,
  orgId: (r.org_id as string | null) ?? null,
  detail: (r.detail as string | null) ?? null,
});

const rowToMqtt = (r: Row): OrgMqttCredential => ({
  username: r.username as string,
  orgId: r.org_id as string,
  secretHash: r.secret_hash as string,
  createdAt: r.created_at as number,
  createdBy: r.created_by as string,
  revokedAt: (r.revoked_at as number | null) ?? null,
});

/** Accounts in the operational store's database (ops.db): same file, same connection. */
export class SqliteAccountStore extends PreparedStatements implements AccountStore {
  constructor(db: Database.Database) {
    super(db);
  }

  async createUser(u: User): Promise<boolean> {
    const result = this
      .statement(
        `INSERT OR IGNORE INTO users (id, org_id, login, name, role, password_hash, created_at, created_by, disabled_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(u.id, u.orgId, u.login, u.name, u.role, u.passwordHash, u.createdAt, u.createdBy, u.disabledAt);
    return result.changes === 1;
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = this.one('SELECT * FROM users WHERE id = ?', id);
    return row && rowToUser(row);
  }

  async getUserByLogin(login: string): Promise<User | undefined> {
    const row = this.one('SELECT * FROM users WHERE login = ?', login);
    return row && rowToUser(row);
  }

  async listUsers(orgId: string): Promise<User[]> {
    return this.all('SELECT * FROM users WHERE org_id = ? ORDER BY login', orgId).map(rowToUser);
  }

  async disableUser(id: string, at: number): Promise<User | undefined> {
    return this.db.transaction(() => {
      const changed = this.statement('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL').run(at, id).changes;
      if (changed !== 1) return undefined;
      this.statement('DELETE FROM sessions WHERE user_id = ?').run(id);
      return rowToUser(this.one('SELECT * FROM users WHERE id = ?', id)!);
    }).immediate();
  }

  async createApiKey(k: ApiKey): Promise<void> {
    this
      .statement(
        `INSERT INTO api_keys (id, org_id, name, role, key_hash, created_at, created_by, last_used_at, revoked_at, revoked_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(k.id, k.orgId, k.name, k.role, k.keyHash, k.createdAt, k.createdBy, k.lastUsedAt, k.revokedAt, k.revokedBy);
  }

  async getApiKey(id: string): Promise<ApiKey | undefined> {
    const row = this.one('SELECT * FROM api_keys WHERE id = ?', id);
    return row && rowToKey(row);
  }

  async listApiKeys(orgId: string): Promise<ApiKey[]> {
    return this.all('SELECT * FROM api_keys WHERE org_id = ? ORDER BY created_at, id', orgId).map(rowToKey);
  }

  async revokeApiKey(id: string, at: number, by: string): Promise<ApiKey | undefined> {
    const changed = this.statement('UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL').run(at, by, id).changes;
    if (changed !== 1) return undefined;
    return rowToKey(this.one('SELECT * FROM api_keys WHERE id = ?', id)!);
  }

  async touchApiKey(id: string, at: number): Promise<void> {
    this.statement('UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(at, id, at - TOUCH_MS);
  }

  async createSession(s: Session): Promise<void> {
    this
      .statement('INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.tokenHash, s.userId, s.csrfToken, s.createdAt, s.expiresAt, s.lastSeenAt);
  }

  async getSession(tokenHash: string): Promise<Session | undefined> {
    const row = this.one('SELECT * FROM sessions WHERE token_hash = ?', tokenHash);
    return row && rowToSession(row);
  }

  async touchSession(tokenHash: string, at: number): Promise<void> {
    this.statement('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?').run(at, tokenHash, at - TOUCH_MS);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.statement('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.statement('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }

  async appendAudit(e: Omit<AuditEntry, 'seq'>): Promise<AuditEntry> {
    const result = this
      .statement(
        `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, actor_org_id, action, target, org_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.at, e.actorKind, e.actorId, e.actorName, e.actorOrgId, e.action, e.target, e.orgId, e.detail);
    return { ...e, seq: Number(result.lastInsertRowid) };
  }

  async listAudit(filter: { orgId?: string; target?: string; limit: number; beforeSeq?: number }): Promise<AuditEntry[]> {
    return this.all(
      `SELECT * FROM audit_log WHERE (? IS NULL OR org_id = ? OR actor_org_id = ?) AND (? IS NULL OR target = ?) AND (? IS NULL OR seq < ?)
       ORDER BY seq DESC LIMIT ?`,
      filter.orgId ?? null, filter.orgId ?? null, filter.orgId ?? null, filter.target ?? null, filter.target ?? null,
      filter.beforeSeq ?? null, filter.beforeSeq ?? null, filter.limit,
    ).map(rowToAudit);
  }

  async createMqttCredential(c: OrgMqttCredential): Promise<boolean> {
    const result = this
      .statement('INSERT OR IGNORE INTO org_mqtt_credentials (username, org_id, secret_hash, created_at, created_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.username, c.orgId, c.secretHash, c.createdAt, c.createdBy, c.revokedAt);
    return result.changes === 1;
  }

  async getMqttCredential(username: string): Promise<OrgMqttCredential | undefined> {
    const row = this.one('SELECT * FROM org_mqtt_credentials WHERE username = ?', username);
    return row && rowToMqtt(row);
  }

  async listMqttCredentials(orgId: string): Promise<OrgMqttCredential[]> {
    return this.all('SELECT * FROM org_mqtt_credentials WHERE org_id = ? ORDER BY created_at', orgId).map(rowToMqtt);
  }

  async revokeMqttCredential(username: string, at: number): Promise<OrgMqttCredential | undefined> {
    const changed = this.statement('UPDATE org_mqtt_credentials SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL').run(at, username).changes;
    if (changed !== 1) return undefined;
    return rowToMqtt(this.one('SELECT * FROM org_mqtt_credentials WHERE username = ?', username)!);
  }
}
