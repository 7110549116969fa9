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
