/** Schema of the embedded operational store; entry i migrates version i to i + 1. Append only. */
export const OPS_MIGRATIONS = [
  `CREATE TABLE organisations (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, kind TEXT NOT NULL, created_at INTEGER NOT NULL
   );
   CREATE TABLE devices (
     id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL
   );
   CREATE TABLE shipments (
     id TEXT PRIMARY KEY,
     trace_code TEXT NOT NULL UNIQUE,
     profile_id TEXT NOT NULL,
     shipper_org_id TEXT NOT NULL REFERENCES organisations(id),
     device_id TEXT NOT NULL REFERENCES devices(id),
     origin TEXT NOT NULL, destination TEXT NOT NULL, boxes INTEGER NOT NULL,
     goods_value_cents INTEGER NOT NULL, freight_cents INTEGER NOT NULL,
     started_at INTEGER NOT NULL, delivered_at INTEGER, created_at INTEGER NOT NULL
   );
   CREATE INDEX shipments_device ON shipments (device_id, started_at);
   CREATE TABLE custody_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     shipment_id TEXT NOT NULL REFERENCES shipments(id),
     at INTEGER NOT NULL, stage TEXT NOT NULL, to_org_id TEXT REFERENCES organisations(id),
     station TEXT, probe_temp_c REAL, recorded_at INTEGER NOT NULL
   );
   CREATE INDEX custody_shipment ON custody_events (shipment_id, at);
   CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     shipment_id TEXT NOT NULL REFERENCES shipments(id),
     device_id TEXT NOT NULL, rule_id TEXT NOT NULL, tier INTEGER NOT NULL,
     status TEXT NOT NULL, condition_state TEXT NOT NULL,
     threshold_c REAL NOT NULL, direction TEXT NOT NULL,
     active_at INTEGER NOT NULL, fired_at INTEGER NOT NULL, cleared_at INTEGER,
     peak_temp_c REAL NOT NULL, outside_ms REAL NOT NULL, degree_minutes REAL NOT NULL,
     attribution TEXT NOT NULL, routed_to TEXT NOT NULL, respond_by INTEGER NOT NULL,
     acknowledged_at INTEGER, acknowledged_by TEXT, resolved_at INTEGER, resolved_by TEXT,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
   );
   -- An alert's identity is (shipment, rule): at most one not yet resolved.
   CREATE UNIQUE INDEX alerts_identity ON alerts (shipment_id, rule_id) WHERE status != 'resolved';
   CREATE INDEX alerts_created ON alerts (created_at);
   CREATE TABLE claims (
     id TEXT PRIMARY KEY,
     shipment_id TEXT NOT NULL REFERENCES shipments(id),
     alert_id TEXT NOT NULL REFERENCES alerts(id),
     liable_org_id TEXT NOT NULL REFERENCES organisations(id),
     amount_cents INTEGER NOT NULL, goods_share_cents INTEGER NOT NULL, freight_cents INTEGER NOT NULL,
     currency TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,
     filed_at INTEGER NOT NULL, respond_by INTEGER NOT NULL,
     UNIQUE (shipment_id, liable_org_id)
   );
   CREATE TABLE dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     device_id TEXT, topic TEXT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
     payload TEXT NOT NULL, payload_bytes INTEGER NOT NULL, received_at INTEGER NOT NULL
   );
   CREATE INDEX dead_letters_device ON dead_letters (device_id, id);
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // v2: what happened to a device that is not a reading: gaps in its message sequence, status changes.
  `CREATE TABLE device_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     device_id TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, at INTEGER NOT NULL
   );
   CREATE INDEX device_events_device ON device_events (device_id, id);`,
  // v3: a device may be registered with an Ed25519 public key (raw 32 bytes, base64url); then it signs.
  `ALTER TABLE devices ADD COLUMN public_key TEXT;`,
  // v4: early warnings and no-data alerts beside excursions; timers (reminders, escalation) kept with the alert.
  `ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'excursion';
   ALTER TABLE alerts ADD COLUMN message TEXT;
   ALTER TABLE alerts ADD COLUMN escalated_at INTEGER;
   ALTER TABLE alerts ADD COLUMN last_notified_at INTEGER;
   ALTER TABLE alerts ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;`,
  // v5: silences (a planned door opening at a hub, with an expiry) mute reminders, escalation and
  // notifications of the alerts they match; whether an alert is silenced is computed, not stored.
  `CREATE TABLE silences (
     id TEXT PRIMARY KEY,
     shipment_id TEXT, device_id TEXT, rule_id TEXT,
     starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
     reason TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL
   );
   CREATE INDEX silences_ends ON silences (ends_at);`,
  // v6: the rules service's streaming state (pending hold-for, firing excursions) survives a restart.
  `CREATE TABLE rule_states (
     key TEXT PRIMARY KEY, device_id TEXT NOT NULL, shipment_id TEXT NOT NULL, rule_id TEXT NOT NULL,
     state TEXT NOT NULL, updated_at INTEGER NOT NULL
   );`,
  // v7: where each organisation is notified: webhook, DingTalk, WeCom, Feishu (JSON list).
  `CREATE TABLE org_channels (org_id TEXT PRIMARY KEY REFERENCES organisations(id), channels TEXT NOT NULL, updated_at INTEGER NOT NULL);`,
  // v8: profiles edited by the platform (over the built-in ones), every change kept in an audit trail;
  // response deadlines per organisation.
  `CREATE TABLE profile_overrides (id TEXT PRIMARY KEY, profile TEXT NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE profile_audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, profile_id TEXT NOT NULL, changed_by TEXT NOT NULL,
     changed_at INTEGER NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL
   );
   CREATE INDEX profile_audit_profile ON profile_audit (profile_id, seq);
   CREATE TABLE org_response_times (org_id TEXT PRIMARY KEY REFERENCES organisations(id), response_ms TEXT NOT NULL);`,
  // v9: the timers page through every open alert and every live shipment on each tick (issue 9), in id
  // order, without walking the resolved alerts and delivered shipments that pile up behind them.
  `CREATE INDEX alerts_status_id ON alerts (status, id);
   CREATE INDEX shipments_live ON shipments (id) WHERE delivered_at IS NULL;`,
  // v10: an excursion that cleared by itself stays open until a person acknowledges it (issue 9, item 7;
  // docs/decisions/0011). Resolving by hand keeps the person's note. The identity of an alert is the firing
  // one of (shipment, rule): a cleared alert awaiting acknowledgement does not absorb the next excursion,
  // which is an alert of its own, with its own onset, measures and liable party.
  `ALTER TABLE alerts ADD COLUMN resolution_note TEXT;
   DROP INDEX alerts_identity;
   CREATE UNIQUE INDEX alerts_identity ON alerts (shipment_id, rule_id) WHERE status != 'resolved' AND condition_state = 'firing';`,
  // v11: the review queue (issue 9, item 4): an excursion whose attribution is indeterminate waits for the
  // platform's decision (who is liable, or nobody; why; who decided), one review per alert.
  `CREATE TABLE reviews (
     id TEXT PRIMARY KEY,
     shipment_id TEXT NOT NULL REFERENCES shipments(id),
     alert_id TEXT NOT NULL UNIQUE REFERENCES alerts(id),
     reason TEXT NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL,
     liable_org_id TEXT REFERENCES organisations(id), decision_reason TEXT, decided_by TEXT, decided_at INTEGER,
     claim_id TEXT REFERENCES claims(id)
   );
   CREATE INDEX reviews_created ON reviews (created_at);`,
  // v12: a claim filed on live data that a re-judgement on late data puts on another party is withdrawn,
  // never deleted (issue 9, item 1): when and why are kept. `withdrawn` is the first claim state beyond
  // `filed`; issue 13 brings the full lifecycle.
  `ALTER TABLE claims ADD COLUMN withdrawn_at INTEGER;
   ALTER TABLE claims ADD COLUMN withdrawn_reason TEXT;`,
  // v13: the lists of shipments, alerts and claims are paged newest first, ties in id order (issue 10,
  // item 5): a page starts where the page before ended and stops after `limit` rows, by index, without
  // sorting the whole table each time. The index's directions are the list's.
  `CREATE INDEX shipments_started ON shipments (started_at DESC, id);
   CREATE INDEX alerts_created_id ON alerts (created_at DESC, id);
   CREATE INDEX claims_filed ON claims (filed_at DESC, id);`,
  // v14: a shipment's alerts are read by shipment on every trace and curve request, and their newest
  // change makes the answer's version (issue 10): by index, not by a scan of every alert.
  `CREATE INDEX alerts_shipment ON alerts (shipment_id, updated_at);`,
  // v15: custody corrections (issue 11, item 6; docs/decisions/0016): a wrong handoff is corrected by
  // appending what changes (JSON: at, toOrgId, station, probeTempC; a field left out is unchanged), who
  // and why; the scanned event stays as it was. Append-only, enforced here: no row is updated or deleted.
  `CREATE TABLE custody_corrections (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     shipment_id TEXT NOT NULL REFERENCES shipments(id),
     event_id TEXT NOT NULL REFERENCES custody_events(id),
     changes TEXT NOT NULL, reason TEXT NOT NULL, corrected_by TEXT NOT NULL, recorded_at INTEGER NOT NULL
   );
   CREATE INDEX custody_corrections_shipment ON custody_corrections (shipment_id, seq);
   CREATE TRIGGER custody_corrections_no_update BEFORE UPDATE ON custody_corrections
     BEGIN SELECT RAISE(ABORT, 'custody corrections are append-only'); END;
   CREATE TRIGGER custody_corrections_no_delete BEFORE DELETE ON custody_corrections
     BEGIN SELECT RAISE(ABORT, 'custody corrections are append-only'); END;`,
  // v16: one STANDING claim per (shipment, party) instead of one claim ever: a party whose claim was
  // withdrawn (late data, a custody correction) and that a later correction makes liable again gets a
  // new claim, the withdrawn one kept beside it (docs/decisions/0016). SQLite cannot drop a table's
  // UNIQUE constraint: the table is rebuilt under the same name, its rows copied back, so the reviews'
  // references to claims hold again by the commit (foreign keys deferred meanwhile).
  `PRAGMA defer_foreign_keys = ON;
   CREATE TEMP TABLE claims_v15 AS SELECT * FROM claims;
   DROP TABLE claims;
   CREATE TABLE claims (
     id TEXT PRIMARY KEY,
     shipment_id TEXT NOT NULL REFERENCES shipments(id),
     alert_id TEXT NOT NULL REFERENCES alerts(id),
     liable_org_id TEXT NOT NULL REFERENCES organisations(id),
     amount_cents INTEGER NOT NULL, goods_share_cents INTEGER NOT NULL, freight_cents INTEGER NOT NULL,
     currency TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,
     filed_at INTEGER NOT NULL, respond_by INTEGER NOT NULL,
     withdrawn_at INTEGER, withdrawn_reason TEXT
   );
   INSERT INTO claims (id, shipment_id, alert_id, liable_org_id, amount_cents, goods_share_cents, freight_cents, currency, status, reason, filed_at, respond_by, withdrawn_at, withdrawn_reason)
     SELECT id, shipment_id, alert_id, liable_org_id, amount_cents, goods_share_cents, freight_cents, currency, status, reason, filed_at, respond_by, withdrawn_at, withdrawn_reason FROM claims_v15;
   DROP TABLE claims_v15;
   CREATE UNIQUE INDEX claims_standing ON claims (shipment_id, liable_org_id) WHERE status != 'withdrawn';
   CREATE INDEX claims_party ON claims (shipment_id, liable_org_id, filed_at);
   CREATE INDEX claims_filed ON claims (filed_at DESC, id);`,
  // v17: accounts (issue 12; docs/decisions/0019). People log in as users of an organisation (password
  // hashed with scrypt), machines use API keys (stored hashed, revocable, last use kept); sessions are
  // kept by the hash of their cookie. The audit trail names the authenticated actor and is append-only.
  // Organisations get broker credentials for their own alert topics. A device has an owning organisation
  // (null: the platform's); a shipment has the shipper's choice of what its public page shows (JSON).
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     org_id TEXT NOT NULL REFERENCES organisations(id),
     login TEXT NOT NULL UNIQUE COLLATE NOCASE,
     name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL, created_by TEXT NOT NULL, disabled_at INTEGER
   );
   CREATE INDEX users_org ON users (org_id, login);
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     org_id TEXT NOT NULL REFERENCES organisations(id),
     name TEXT NOT NULL, role TEXT NOT NULL, key_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
     last_used_at INTEGER, revoked_at INTEGER, revoked_by TEXT
   );
   CREATE INDEX api_keys_org ON api_keys (org_id, created_at);
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id),
     csrf_token TEXT NOT NULL,
     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL
   );
   CREATE INDEX sessions_user ON sessions (user_id);
   CREATE INDEX sessions_expiry ON sessions (expires_at);
   CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor_kind TEXT NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, actor_org_id TEXT NOT NULL,
     action TEXT NOT NULL, target TEXT NOT NULL, org_id TEXT, detail TEXT
   );
   CREATE INDEX audit_org ON audit_log (org_id, seq);
   CREATE INDEX audit_actor_org ON audit_log (actor_org_id, seq);
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
   CREATE TABLE org_mqtt_credentials (
     username TEXT PRIMARY KEY,
     org_id TEXT NOT NULL REFERENCES organisations(id),
     secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL, revoked_at INTEGER
   );
   CREATE INDEX org_mqtt_credentials_org ON org_mqtt_credentials (org_id);
   ALTER TABLE devices ADD COLUMN owner_org_id TEXT REFERENCES organisations(id);
   ALTER TABLE shipments ADD COLUMN public_view TEXT;
   CREATE INDEX custody_to_org ON custody_events (to_org_id, shipment_id);
   CREATE INDEX shipments_shipper ON shipments (shipper_org_id, started_at DESC, id);
   CREATE INDEX claims_liable ON claims (liable_org_id, filed_at DESC, id);`,
  // v18: the claim lifecycle (issue 13, item 1; packages/domain claim-lifecycle.ts): when the carrier
  // answered, was reminded, was escalated, when the claim closed, money advanced and recovered; and the
  // claim's history, append-only, one row per transition with who (as authenticated), what and why.
  `ALTER TABLE claims ADD COLUMN answered_at INTEGER;
   ALTER TABLE claims ADD COLUMN reminded_at INTEGER;
   ALTER TABLE claims ADD COLUMN escalated_at INTEGER;
   ALTER TABLE claims ADD COLUMN closed_at INTEGER;
   ALTER TABLE claims ADD COLUMN advanced_cents INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE claims ADD COLUMN recovered_cents INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX claims_response_due ON claims (status, respond_by);
   CREATE TABLE claim_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     claim_id TEXT NOT NULL REFERENCES claims(id),
     at INTEGER NOT NULL, actor_name TEXT NOT NULL, actor_org_id TEXT NOT NULL, party TEXT NOT NULL,
     action TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL
   );
   CREATE INDEX claim_events_claim ON claim_events (claim_id, seq);
   CREATE TRIGGER claim_events_no_update BEFORE UPDATE ON claim_events
     BEGIN SELECT RAISE(ABORT, 'claim history is append-only'); END;
   CREATE TRIGGER claim_events_no_delete BEFORE DELETE ON claim_events
     BEGIN SELECT RAISE(ABORT, 'claim history is append-only'); END;`,
  // v19: after-sales (issue 13, items 3-6): consumers' bad-fruit requests with their photos (metadata
  // stripped before they are stored) and an append-only history; payouts as recorded by the payout port;
  // compensation thresholds per shipper and product; each organisation's claim answer time; scorecards
  // kept per month as computed.
  `ALTER TABLE organisations ADD COLUMN claim_response_ms INTEGER;
   CREATE TABLE compensation_settings (
     shipper_org_id TEXT NOT NULL REFERENCES organisations(id),
     profile_id TEXT NOT NULL,
     full_refund_above_bp INTEGER NOT NULL, resend_from_bp INTEGER NOT NULL,
     updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL,
     PRIMARY KEY (shipper_org_id, profile_id)
   );
   CREATE TABLE after_sales_requests (
     id TEXT PRIMARY KEY,
     shipment_id TEXT NOT NULL REFERENCES shipments(id),
     shipper_org_id TEXT NOT NULL REFERENCES organisations(id),
     bad_count INTEGER NOT NULL, total_count INTEGER NOT NULL, boxes INTEGER NOT NULL,
     order_ref TEXT,
     state TEXT NOT NULL,
     remedy TEXT NOT NULL, remedy_rule_id TEXT NOT NULL, value_cents INTEGER NOT NULL, resend TEXT,
     decision_rule_id TEXT NOT NULL, decision_reason TEXT NOT NULL, evidence TEXT NOT NULL,
     claim_id TEXT REFERENCES claims(id), liable_org_id TEXT, advanced_cents INTEGER NOT NULL DEFAULT 0,
     reported_at INTEGER NOT NULL, remind_at INTEGER, decide_by INTEGER, escalate_at INTEGER,
     reminded_at INTEGER, escalated_at INTEGER, decided_at INTEGER, paid_at INTEGER,
     photo_count INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX after_sales_shipment ON after_sales_requests (shipment_id, reported_at);
   CREATE INDEX after_sales_shipper ON after_sales_requests (shipper_org_id, state, reported_at);
   CREATE INDEX after_sales_due ON after_sales_requests (state, escalate_at);
   CREATE TABLE after_sales_photos (
     request_id TEXT NOT NULL REFERENCES after_sales_requests(id),
     idx INTEGER NOT NULL, content_type TEXT NOT NULL, bytes BLOB NOT NULL, sha256 TEXT NOT NULL,
     PRIMARY KEY (request_id, idx)
   );
   CREATE TABLE after_sales_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL REFERENCES after_sales_requests(id),
     at INTEGER NOT NULL, actor_name TEXT NOT NULL, actor_org_id TEXT, action TEXT NOT NULL,
     from_state TEXT, to_state TEXT NOT NULL, rule_id TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT
   );
   CREATE INDEX after_sales_events_request ON after_sales_events (request_id, seq);
   CREATE TRIGGER after_sales_events_no_update BEFORE UPDATE ON after_sales_events
     BEGIN SELECT RAISE(ABORT, 'after-sales history is append-only'); END;
   CREATE TRIGGER after_sales_events_no_delete BEFORE DELETE ON after_sales_events
     BEGIN SELECT RAISE(ABORT, 'after-sales history is append-only'); END;
   CREATE TABLE payouts (
     id TEXT PRIMARY KEY,
     request_id TEXT NOT NULL UNIQUE REFERENCES after_sales_requests(id),
     claim_id TEXT REFERENCES claims(id),
     amount_cents INTEGER NOT NULL, currency TEXT NOT NULL, kind TEXT NOT NULL,
     payer TEXT NOT NULL, provider TEXT NOT NULL, provider_ref TEXT, status TEXT NOT NULL,
     recorded_at INTEGER NOT NULL
   );
   CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts
     BEGIN SELECT RAISE(ABORT, 'payouts are kept'); END;
   CREATE TABLE scorecard_months (
     month TEXT NOT NULL, org_id TEXT NOT NULL,
     computed_at INTEGER NOT NULL, trigger TEXT NOT NULL, card TEXT NOT NULL,
     PRIMARY KEY (month, org_id)
   );
   CREATE TABLE scorecard_runs (
     month TEXT PRIMARY KEY, computed_at INTEGER NOT NULL, trigger TEXT NOT NULL, organisations INTEGER NOT NULL
   );`,
];
