/**
 * Accounts (issue 12; docs/decisions/0019): people (users) and machines (API keys) of an organisation,
 * the sessions of people signed in, the audit trail, and organisations' broker credentials.
 */

/** A role within an organisation. An `admin` of the platform's organisation is a platform administrator. */
export type Role = 'admin' | 'operator' | 'viewer';
export const ROLES = ['admin', 'operator', 'viewer'] as const satisfies readonly Role[];

export type User = {
  id: string;
  orgId: string;
  /** What the person types to sign in; unique over the platform, case-insensitive. */
  login: string;
  /** The name the audit trail shows. */
  name: string;
  role: Role;
  /** scrypt hash (@coldchain/auth hashPassword). */
  passwordHash: string;
  createdAt: number;
  /** Who created the user (an actor's display name). */
  createdBy: string;
  disabledAt: number | null;
};

export type ApiKey = {
  id: string;
  orgId: string;
  name: string;
  role: Role;
  /** sha256 of the key's secret part (a 256-bit random secret: decision 0010). */
  keyHash: string;
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
};

/** A person signed in: kept by the hash of the cookie's token, never the token itself. */
export type Session = {
  tokenHash: string;
  userId: string;
  /** Sent back in X-CSRF-Token with every request that changes something. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
};

/** Who acted: the bootstrap token, a user or an API key, and their organisation. */
export type ActorKind = 'token' | 'user' | 'api-key';

export type AuditEntry = {
  seq: number;
  at: number;
  actorKind: ActorKind;
  actorId: string;
  /** The actor's display name as it was then. */
  actorName: string;
  actorOrgId: string;
  /** What was done, e.g. `alert.acknowledged`, `user.created`, `api_key.revoked`. */
  action: string;
  /** What it was done to, e.g. `alert:<id>`, `user:<id>`. */
  target: string;
  /** The organisation whose object it is (null: the platform's own, such as a profile). */
  orgId: string | null;
  /** JSON with what changed, never a secret. */
  detail: string | null;
};

/** Broker credentials of an organisation: it may subscribe to its own alert and claim topics only. */
export type OrgMqttCredential = {
  username: string;
  orgId: string;
  secretHash: string;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
};

export interface AccountStore {
  /** Creates a user; false when the login is taken. */
  createUser(user: User): Promise<boolean>;
  getUser(id: string): Promise<User | undefined>;
  getUserByLogin(login: string): Promise<User | undefined>;
  listUsers(orgId: string): Promise<User[]>;
  /** Disables a user and ends their sessions; the disabled user, or undefined when none was active. */
  disableUser(id: string, at: number): Promise<User | undefined>;

  createApiKey(key: ApiKey): Promise<void>;
  getApiKey(id: string): Promise<ApiKey | undefined>;
  listApiKeys(orgId: string): Promise<ApiKey[]>;
  /** Revokes a key; the revoked key, or undefined when there was no such key not yet revoked. */
  revokeApiKey(id: string, at: number, by: string): Promise<ApiKey | undefined>;
  /** Records a use of a key (at most once a minute is written). */
  touchApiKey(id: string, at: number): Promise<void>;

  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | undefined>;
  /** Records activity on a session (at most once a minute is written). */
  touchSession(tokenHash: string, at: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes sessions expired by `now`; how many. */
  deleteExpiredSessions(now: number): Promise<number>;

  appendAudit(entry: Omit<AuditEntry, 'seq'>): Promise<AuditEntry>;
  /** Audit entries newest first: those of one organisation's objects or actors (all: the platform's view), before `beforeSeq`. */
  listAudit(filter: { orgId?: string; target?: string; limit: number; beforeSeq?: number }): Promise<AuditEntry[]>;

  /** Creates broker credentials; false when the username is taken. */
  createMqttCredential(credential: OrgMqttCredential): Promise<boolean>;
  getMqttCredential(username: string): Promise<OrgMqttCredential | undefined>;
  listMqttCredentials(orgId: string): Promise<OrgMqttCredential[]>;
  revokeMqttCredential(username: string, at: number): Promise<OrgMqttCredential | undefined>;
}
