/* The store's schema as forward-only migrations. Migration N takes a store from
 * user_version N-1 to N; all pending ones run in one transaction, so a store is
 * never half-migrated. Append new migrations at the end; never edit an old one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include "store/gh-store-schema.h"

static const char *migrations[] = {
  /* 1: the consent store of DESIGN.md */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE customer ("
  "  id INTEGER PRIMARY KEY,"
  "  loyalty_id TEXT NOT NULL UNIQUE,"
  "  ref TEXT NOT NULL UNIQUE,"
  "  display_name TEXT NOT NULL,"
  "  pin_hash TEXT,"
  "  failed_pins INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0,"
  "  lock_count INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE data_item ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,"
  "  category TEXT NOT NULL,"
  "  attributes TEXT NOT NULL DEFAULT '{}',"
  "  source TEXT NOT NULL CHECK (source IN ('provided', 'observed', 'inferred', 'third_party')),"
  "  collected_at INTEGER NOT NULL,"
  "  retained_until INTEGER NOT NULL);"
  "CREATE INDEX data_item_by_customer ON data_item (customer_id, category);"
  "CREATE TABLE consent ("
  "  customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,"
  "  purpose_id TEXT NOT NULL,"
  "  state INTEGER NOT NULL CHECK (state IN (0, 1)),"
  "  updated_at INTEGER NOT NULL,"
  "  notice_version TEXT,"
  "  PRIMARY KEY (customer_id, purpose_id)) WITHOUT ROWID;"
  "CREATE TABLE event ("
  "  seq INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  kiosk_id TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  customer_ref TEXT,"
  "  kind TEXT NOT NULL,"
  "  body TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL);"
  /* The chain is append-only; these stop accidents. Tampering that drops them
   * is still caught by the hash chain and the head kept in meta. */
  "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
  "  BEGIN SELECT RAISE (ABORT, 'events are append-only'); END;"
  "CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
  "  BEGIN SELECT RAISE (ABORT, 'events are append-only'); END;"
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY REFERENCES event (seq));"
  "CREATE TABLE config ("
  "  version INTEGER PRIMARY KEY,"
  "  applied_at TEXT NOT NULL,"
  "  payload BLOB NOT NULL,"
  "  signature TEXT,"
  "  key_id TEXT,"
  "  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)));"
  "CREATE UNIQUE INDEX config_one_active ON config (active) WHERE active = 1;"
  "CREATE TABLE erasure ("
  "  id INTEGER PRIMARY KEY,"
  "  customer_ref TEXT NOT NULL,"
  "  requested_at TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  receipt_id TEXT);"
  "CREATE TABLE suppression ("
  "  customer_ref TEXT PRIMARY KEY,"
  "  since TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE receipt ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  customer_ref TEXT,"
  "  body TEXT NOT NULL) WITHOUT ROWID;",
  /* 2: what an erasure keeps because the law requires it, cut loose from the
   * customer row (gh-erasure.c): only the pseudonymous ref and the reason. */
  "CREATE TABLE legal_hold ("
  "  id INTEGER PRIMARY KEY,"
  "  erasure_id INTEGER NOT NULL REFERENCES erasure (id),"
  "  customer_ref TEXT NOT NULL,"
  "  category TEXT NOT NULL,"
  "  attributes TEXT NOT NULL,"
  "  source TEXT NOT NULL,"
  "  collected_at INTEGER NOT NULL,"
  "  retained_until INTEGER NOT NULL,"
  "  reason TEXT NOT NULL);"
  "CREATE INDEX legal_hold_by_ref ON legal_hold (customer_ref);",
  /* 3: personal data that travels to HQ with an event but must not live in the
   * append-only chain (an access export): the event body carries its SHA-256,
   * the bytes sit here until HQ acknowledges them or the shopper is erased. */
  "CREATE TABLE event_attachment ("
  "  seq INTEGER PRIMARY KEY REFERENCES event (seq),"
  "  body TEXT NOT NULL);",
  /* 4: PIN lockouts that have no customer row to live in (a loyalty number
   * that does not exist, a staff id), so a restart does not hand out fresh
   * attempts (gh-auth-lockout.c). The subject is a keyed hash, never the
   * number or id; the key is made in C by migrate () (meta.pin_lockout_key),
   * since SQL cannot be trusted to make a secret. updated_at (the last wrong
   * PIN) is what stale rows are pruned and a full table evicted by. */
  "CREATE TABLE pin_lockout ("
  "  subject TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL CHECK (kind IN ('shopper', 'staff')),"
  "  failed INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0,"
  "  lock_count INTEGER NOT NULL DEFAULT 0,"
  "  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX pin_lockout_by_age ON pin_lockout (kind, updated_at);",
  /* 5: members from the CRM (gh-member-import.c) and retention carried out
   * (gh-retention.c). An item the CRM sent keeps the CRM's id, so the same feed
   * twice changes nothing. No index on data_item.retained_until: with 25 million
   * items it would be written at random on every import; the daily job scans
   * instead, and meta.retention_due_at (the earliest date, kept by the writers)
   * tells the kiosk between visits whether anything is due. The key of the keyed
   * hash that names members the feed gives no pseudonym is made in C by migrate ()
   * (meta.member_ref_key), like the lockout key. */
  "ALTER TABLE data_item ADD COLUMN crm_id TEXT;"
  "CREATE UNIQUE INDEX data_item_by_crm_id ON data_item (customer_id, crm_id)"
  "  WHERE crm_id IS NOT NULL;"
  "CREATE INDEX legal_hold_by_retention ON legal_hold (retained_until);"
  "INSERT INTO meta (key, value) SELECT 'retention_due_at',"
  "  coalesce (min (retained_until), 9223372036854775807)"
  "  FROM data_item;",
  /* 6: what a sync pulled from HQ and the kiosk has not applied yet (gh-hq-pull.c stages,
   * gh-fleet-apply.c applies): decisions made elsewhere, erasures, member lines. Staged
   * with the pull's cursor in one transaction, so a killed round loses nothing; applied
   * in HQ's change order between visits, each row deleted as it is applied. */
  "CREATE TABLE fleet_pending ("
  "  change_no INTEGER PRIMARY KEY,"
  "  stream TEXT NOT NULL CHECK (stream IN ('member', 'decision', 'erasure')),"
  "  ref TEXT NOT NULL,"
  "  payload TEXT NOT NULL);"
  "CREATE INDEX fleet_pending_by_ref ON fleet_pending (ref);",
  /* 7: the switch-off preview's daily totals per purpose (gh-store-preview.c), sent
   * to HQ with the heartbeat (glasshouse.preview_daily). Counts only: no shopper,
   * ref or time of day, so measuring the preview creates no personal data. */
  "CREATE TABLE preview_daily ("
  "  day TEXT NOT NULL,"
  "  purpose_id TEXT NOT NULL,"
  "  opened INTEGER NOT NULL DEFAULT 0 CHECK (opened >= 0),"
  "  kept_on INTEGER NOT NULL DEFAULT 0 CHECK (kept_on >= 0),"
  "  PRIMARY KEY (day, purpose_id)) WITHOUT ROWID;",
  /* 8: the last refused bundle without reading the whole audit chain. The config status
   * (every sync's heartbeat, the staff page's health, `config status`) asks for it, and
   * on a kiosk with a million events and no refusal that read every event: 90 ms a
   * heartbeat, against 9 ms with this index of a handful of rows. */
  "CREATE INDEX event_config_rejected ON event (seq) WHERE kind = 'config.rejected';",
  /* 9: member lines staged by the chunk ('members': HQ's COPY rows as they came, keyed by
   * the first change number; gh-fleet-chunk.c). Staged one a row, 100,000 lines cost sqlite
   * three times the COPY that brought them. Rows of the old 'member' stream still apply. */
  "CREATE TABLE fleet_pending_9 ("
  "  change_no INTEGER PRIMARY KEY,"
  "  stream TEXT NOT NULL CHECK (stream IN ('member', 'members', 'decision', 'erasure')),"
  "  ref TEXT NOT NULL,"
  "  payload TEXT NOT NULL);"
  "INSERT INTO fleet_pending_9 (change_no, stream, ref, payload)"
  "  SELECT change_no, stream, ref, payload FROM fleet_pending;"
  "DROP TABLE fleet_pending;"
  "ALTER TABLE fleet_pending_9 RENAME TO fleet_pending;"
  "CREATE INDEX fleet_pending_by_ref ON fleet_pending (ref);",
};

guint
gh_store_schema_latest (void)
{
  return G_N_ELEMENTS (migrations);
}

const char *
gh_store_schema_migration (guint version)
{
  g_return_val_if_fail (version >= 1 && version <= G_N_ELEMENTS (migrations), NULL);
  return migrations[version - 1];
}
