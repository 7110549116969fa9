-- Glasshouse HQ: where every kiosk's audit events land, in PostgreSQL 15 or later.
--
-- Created (and re-run monthly to extend the partitions) by
--   glasshouse-ctl hq init --postgres CONNINFO
-- as a role that may create schemas in the database. Every statement is idempotent.
--
-- Kiosks push with `glasshouse-ctl outbox push` as a login role of their own, which needs:
--   GRANT USAGE ON SCHEMA glasshouse TO kiosk_role;
--   GRANT SELECT, INSERT ON glasshouse.event TO kiosk_role;
--   GRANT SELECT, INSERT, UPDATE ON glasshouse.kiosk TO kiosk_role;
--   GRANT TEMPORARY ON DATABASE hq TO kiosk_role;
--
-- Exactly once: an event is identified by (kiosk_id, seq). glasshouse.kiosk keeps, per kiosk,
-- the highest seq HQ has committed; a pusher locks that row for its batch, sends only what is
-- above it and raises it in the same transaction. The primary key on event is a second guard
-- (a partitioned table's unique key must contain the partition key, so it is (kiosk_id, seq, at)).
-- SPDX-License-Identifier: GPL-3.0-or-later

CREATE SCHEMA IF NOT EXISTS glasshouse;

CREATE TABLE IF NOT EXISTS glasshouse.meta (
  key   text PRIMARY KEY,
  value text NOT NULL);
INSERT INTO glasshouse.meta (key, value) VALUES ('schema_version', '1')
  ON CONFLICT (key) DO NOTHING;

-- One row per kiosk that ever pushed: its high-water mark and the head of its chain at HQ.
CREATE TABLE IF NOT EXISTS glasshouse.kiosk (
  kiosk_id     text PRIMARY KEY,
  last_seq     bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  last_hash    text,
  first_push_at timestamptz NOT NULL DEFAULT now(),
  last_push_at timestamptz);

-- The events, as the kiosk's store holds them. `at` is the kiosk's clock (UTC, microseconds);
-- `body` is the exact JSON text the hash covers, so HQ can re-check every chain.
CREATE TABLE IF NOT EXISTS glasshouse.event (
  kiosk_id     text NOT NULL,
  seq          bigint NOT NULL CHECK (seq > 0),
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  customer_ref text,
  kind         text NOT NULL,
  body         text NOT NULL,
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  -- Personal data that travels with an event but outside the hash chain (an access export);
  -- the body names its SHA-256. HQ deletes it when the shopper is forgotten.
  attachment   jsonb,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kiosk_id, seq, at)
) PARTITION BY RANGE (at);

-- Installs made before attachments existed.
ALTER TABLE glasshouse.event ADD COLUMN IF NOT EXISTS attachment jsonb;

-- Whatever falls outside the monthly partitions (a kiosk with a wrong clock, a month nobody
-- created yet) lands here instead of failing the push; ensure_month_partition moves it out.
CREATE TABLE IF NOT EXISTS glasshouse.event_default PARTITION OF glasshouse.event DEFAULT;

-- The current-consent view looks shoppers up by ref.
CREATE INDEX IF NOT EXISTS event_consent_by_ref ON glasshouse.event (customer_ref)
  WHERE kind IN ('consent.granted', 'consent.revoked');

-- Creates the partition for the month containing @month unless it exists, moving any rows of
-- that month out of the default partition first (PostgreSQL refuses to attach otherwise).
CREATE OR REPLACE FUNCTION glasshouse.ensure_month_partition (month date)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc ('month', month)::date;
  next  date := (date_trunc ('month', month) + interval '1 month')::date;
  name  text := format ('event_%s', to_char (first, 'YYYY_MM'));
BEGIN
  IF to_regclass (format ('glasshouse.%I', name)) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- Pushers insert while this runs: take the lock they conflict with up front, not mid-way.
  LOCK TABLE glasshouse.event IN SHARE ROW EXCLUSIVE MODE;
  EXECUTE format ('CREATE TABLE glasshouse.%I (LIKE glasshouse.event INCLUDING DEFAULTS'
                  ' INCLUDING CONSTRAINTS)', name);
  EXECUTE format ('WITH moved AS (DELETE FROM glasshouse.event_default'
                  ' WHERE at >= %L AND at < %L RETURNING *)'
                  ' INSERT INTO glasshouse.%I SELECT * FROM moved', first, next, name);
  EXECUTE format ('ALTER TABLE glasshouse.event ATTACH PARTITION glasshouse.%I'
                  ' FOR VALUES FROM (%L) TO (%L)', name, first, next);
  RETURN true;
END
$$;

-- A year back and two ahead; re-running hq init moves the window along.
SELECT glasshouse.ensure_month_partition (
         (date_trunc ('month', now ()) + m * interval '1 month')::date)
  FROM generate_series (-12, 24) AS m;

-- The kiosk's hash over one event (gh-event-chain.c): each field as its byte length, ':', the
-- bytes and ';', a NULL field as '-;'. Lets HQ check that what arrived is what the kiosk signed.
CREATE OR REPLACE FUNCTION glasshouse.chain_field (value text)
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN value IS NULL THEN '\x2d3b'::bytea
              ELSE convert_to (octet_length (value)::text || ':' || value || ';', 'UTF8') END
$$;

CREATE OR REPLACE FUNCTION glasshouse.event_hash (e glasshouse.event)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode (sha256 (glasshouse.chain_field ('glasshouse-event/1')
                         || glasshouse.chain_field (e.seq::text)
                         || glasshouse.chain_field (to_char (e.at AT TIME ZONE 'UTC',
                                                             'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                         || glasshouse.chain_field (e.kiosk_id)
                         || glasshouse.chain_field (e.actor)
                         || glasshouse.chain_field (e.customer_ref)
                         || glasshouse.chain_field (e.kind)
                         || glasshouse.chain_field (e.body)
                         || glasshouse.chain_field (e.prev_hash)), 'hex')
$$;

-- ===================================================================================
-- Schema 2: the fleet (docs/hq-schema.md is the map of who reads and writes what).
-- The kiosks, the portal and hq import/publish meet in these tables. Every row a kiosk pulls
-- carries a change number from one sequence, so a kiosk's cursor is a single bigint per stream
-- and a pull is "change_no > cursor ORDER BY change_no".
-- ===================================================================================
UPDATE glasshouse.meta SET value = '2' WHERE key = 'schema_version' AND value::int < 2;

CREATE SEQUENCE IF NOT EXISTS glasshouse.change_no;

-- Kiosks as HQ knows them: registered on the first sync, approved by HQ staff.
ALTER TABLE glasshouse.kiosk ADD COLUMN IF NOT EXISTS store_id text;
ALTER TABLE glasshouse.kiosk ADD COLUMN IF NOT EXISTS registered_at timestamptz;

-- A kiosk's receipt-signing keys (what `glasshouse-ctl kiosk pubkey` prints). A kiosk that
-- lost its key registers a new one; the old one stays so tokens issued before still verify.
-- The portal trusts a token only if its kiosk's key here is approved.
CREATE TABLE IF NOT EXISTS glasshouse.kiosk_key (
  kiosk_id      text NOT NULL,
  pubkey        text NOT NULL,                 -- base64 Ed25519 public key, 32 bytes
  registered_at timestamptz NOT NULL DEFAULT now (),
  approved_at   timestamptz,                   -- NULL: waiting for `hq kiosk approve`
  approved_by   text,
  PRIMARY KEY (kiosk_id, pubkey));

-- The heartbeat each sync round sends (one row per kiosk, replaced each round). `at` is HQ's
-- clock: `hq status --fleet` lists kiosks whose `at` is 15 minutes old or more.
CREATE TABLE IF NOT EXISTS glasshouse.kiosk_health (
  kiosk_id            text PRIMARY KEY,
  at                  timestamptz NOT NULL DEFAULT now (),
  kiosk_clock         timestamptz,
  software_version    text,
  config_version      bigint,
  outbox_backlog      bigint,
  last_refused_bundle text,                    -- "version N: reason", no paths
  last_error          text);

-- Daily totals of the switch-off preview per kiosk and purpose, sent with the heartbeat.
-- Counts only: never per shopper, so measuring the preview creates no personal data.
CREATE TABLE IF NOT EXISTS glasshouse.preview_daily (
  kiosk_id   text NOT NULL,
  day        date NOT NULL,
  purpose_id text NOT NULL,
  opened     integer NOT NULL CHECK (opened >= 0),   -- previews opened
  kept_on    integer NOT NULL CHECK (kept_on >= 0),  -- of those, the purpose stayed on
  PRIMARY KEY (kiosk_id, day, purpose_id));

-- Members as HQ holds them, from `glasshouse-ctl hq import` (the glasshouse-members/1 feed).
-- `ref` is the pseudonym every kiosk, the portal and the events use.
CREATE TABLE IF NOT EXISTS glasshouse.member (
  ref          text PRIMARY KEY,
  loyalty_id   text NOT NULL UNIQUE,
  display_name text NOT NULL,
  pin_hash     text,                           -- argon2id string, as in the feed
  member_since timestamptz NOT NULL,
  stores       text[] NOT NULL,
  failed_pins  integer NOT NULL DEFAULT 0,     -- the portal's lockout, as on the kiosk
  locked_until timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now ());

CREATE TABLE IF NOT EXISTS glasshouse.member_item (
  ref            text NOT NULL REFERENCES glasshouse.member ON DELETE CASCADE,
  item_id        text NOT NULL,                -- the CRM's id, unique within the member
  category       text NOT NULL,
  source         text NOT NULL CHECK (source IN ('provided', 'observed', 'inferred', 'third_party')),
  attributes     jsonb NOT NULL DEFAULT '{}',
  collected_at   timestamptz NOT NULL,
  retained_until timestamptz NOT NULL,
  PRIMARY KEY (ref, item_id));

-- What kiosks pull of members: one glasshouse-members/1 line per change (always with its
-- `ref`), for the stores it names. A kiosk applies it with the same code and checks as
-- `glasshouse-ctl import`. Erasing a member deletes their lines here.
CREATE TABLE IF NOT EXISTS glasshouse.member_change (
  change_no bigint PRIMARY KEY DEFAULT nextval ('glasshouse.change_no'),
  ref       text NOT NULL,
  stores    text[] NOT NULL,
  line      text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now ());
CREATE INDEX IF NOT EXISTS member_change_by_ref ON glasshouse.member_change (ref);
-- hq import compares a member's line with their latest one (the highest change_no).
CREATE INDEX IF NOT EXISTS member_change_by_ref_no ON glasshouse.member_change (ref, change_no);

-- Every consent decision, wherever it was made, in HQ's arrival order (change_no). The order
-- that decides is change_no, never a device's clock (docs/hq-schema.md: "which decision wins").
CREATE TABLE IF NOT EXISTS glasshouse.decision (
  change_no      bigint PRIMARY KEY DEFAULT nextval ('glasshouse.change_no'),
  ref            text NOT NULL,
  purpose_id     text NOT NULL,
  state          text NOT NULL CHECK (state IN ('granted', 'revoked')),
  notice_version text,
  decided_at     timestamptz NOT NULL,         -- the deciding device's clock: for people only
  received_at    timestamptz NOT NULL DEFAULT now (),
  origin         text NOT NULL CHECK (origin IN ('kiosk', 'portal', 'crm')),
  kiosk_id       text,                         -- origin kiosk: where it was made ...
  seq            bigint,                       -- ... and its event there
  UNIQUE (kiosk_id, seq));
CREATE INDEX IF NOT EXISTS decision_by_member ON glasshouse.decision (ref, purpose_id, change_no);

-- Erasures: permanent suppression. A ref here is never imported, shown or synced again.
CREATE TABLE IF NOT EXISTS glasshouse.erasure (
  ref          text PRIMARY KEY,
  change_no    bigint NOT NULL UNIQUE DEFAULT nextval ('glasshouse.change_no'),
  requested_at timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now (),
  origin       text NOT NULL CHECK (origin IN ('kiosk', 'portal', 'crm')),
  kiosk_id     text);

-- Signed bundles HQ published, verbatim; each kiosk verifies with its own trust file.
CREATE TABLE IF NOT EXISTS glasshouse.bundle (
  change_no      bigint PRIMARY KEY DEFAULT nextval ('glasshouse.change_no'),
  config_version bigint NOT NULL,
  stores         text[],                       -- NULL: every store
  bundle         text NOT NULL,                -- the bundle file's bytes
  published_at   timestamptz NOT NULL DEFAULT now (),
  published_by   text NOT NULL DEFAULT current_user);

-- Receipts the portal can show: filled by the push from each receipt.issued event, and by the
-- portal for the receipts it issues itself. `body` is the receipt (docs/receipts.md), which
-- names the shopper only by ref.
CREATE TABLE IF NOT EXISTS glasshouse.receipt (
  receipt_id   uuid PRIMARY KEY,
  kiosk_id     text NOT NULL,                  -- the issuer: a kiosk, or the portal's id
  kind         text NOT NULL,
  ref          text,
  token        text NOT NULL,
  short_code   text NOT NULL,                  -- XXXXXXXX, no dash, upper case
  expires_at   timestamptz NOT NULL,
  issued_at    timestamptz NOT NULL,
  body         jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS receipt_by_short_code ON glasshouse.receipt (short_code);
CREATE INDEX IF NOT EXISTS receipt_by_ref ON glasshouse.receipt (ref);

-- Forgets a member at HQ: their rows, item copies, member lines, decisions and the data copies
-- (attachments) HQ received go; their receipts lose everything but kind and issuer; the ref is
-- suppressed for good. Events stay (pseudonymous, hash-chained). Idempotent.
CREATE OR REPLACE FUNCTION glasshouse.erase_member (member_ref text, erasure_origin text,
                                                    erasure_requested_at timestamptz,
                                                    erasure_kiosk text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
DECLARE
  fresh boolean;
BEGIN
  INSERT INTO glasshouse.erasure (ref, requested_at, origin, kiosk_id)
       VALUES (member_ref, erasure_requested_at, erasure_origin, erasure_kiosk)
  ON CONFLICT (ref) DO NOTHING;
  fresh := FOUND;
  DELETE FROM glasshouse.member WHERE ref = member_ref;
  DELETE FROM glasshouse.member_change WHERE ref = member_ref;
  DELETE FROM glasshouse.decision WHERE ref = member_ref;
  UPDATE glasshouse.receipt SET body = jsonb_build_object ('receiptKind', kind, 'withdrawn', true),
                                token = '', ref = NULL
   WHERE ref = member_ref AND token <> '';
  UPDATE glasshouse.event SET attachment = NULL
   WHERE customer_ref = member_ref AND attachment IS NOT NULL;
  RETURN fresh;
END
$$;

-- Group roles (NOLOGIN); `hq init` creates them, logins are made members of them.
--   glasshouse_admin    hq import, publish, kiosk approve, status, report
--   glasshouse_analyst  the consent views, no personal data
--   glasshouse_portal   glasshouse-portal: reads what it shows, writes decisions and receipts
--   glasshouse_kiosk    every kiosk's login is a member; row-level security keeps each to its own
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'glasshouse_portal') THEN
    CREATE ROLE glasshouse_portal NOLOGIN;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA glasshouse TO glasshouse_portal;
GRANT SELECT ON glasshouse.member, glasshouse.member_item, glasshouse.kiosk_key,
                glasshouse.receipt, glasshouse.decision, glasshouse.erasure,
                glasshouse.bundle, glasshouse.kiosk TO glasshouse_portal;
GRANT UPDATE (failed_pins, locked_until) ON glasshouse.member TO glasshouse_portal;
GRANT INSERT ON glasshouse.decision, glasshouse.receipt TO glasshouse_portal;
GRANT USAGE ON SEQUENCE glasshouse.change_no TO glasshouse_portal;
REVOKE ALL ON FUNCTION glasshouse.erase_member (text, text, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION glasshouse.erase_member (text, text, timestamptz, text) TO glasshouse_portal;

-- Each shopper's current consent per purpose: the latest consent.granted/revoked event by the
-- kiosk's clock, then its seq (then the kiosk id, so a tie across kiosks still has one answer).
-- HQ's marketing systems read this; a revoked row means: stop using the data now.
CREATE OR REPLACE VIEW glasshouse.consent_current AS
  SELECT DISTINCT ON (e.customer_ref, e.body::jsonb ->> 'purpose')
         e.customer_ref,
         e.body::jsonb ->> 'purpose' AS purpose_id,
         CASE e.kind WHEN 'consent.granted' THEN 'granted' ELSE 'revoked' END AS state,
         e.body::jsonb ->> 'notice_version' AS notice_version,
         e.at AS updated_at,
         e.kiosk_id,
         e.seq
    FROM glasshouse.event e
   WHERE e.kind IN ('consent.granted', 'consent.revoked')
     AND e.customer_ref IS NOT NULL
   ORDER BY e.customer_ref, e.body::jsonb ->> 'purpose', e.at DESC, e.seq DESC, e.kiosk_id DESC;
