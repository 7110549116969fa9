-- Glasshouse HQ: where every kiosk's audit events land, in PostgreSQL 15 or later.
--
-- Created (and re-run monthly to extend the partitions) by
--   glasshouse-ctl hq init --postgres CONNINFO
-- as a role that may create schemas and roles in the database. Every statement is idempotent.
--
-- Each kiosk syncs (`glasshouse-ctl sync`, its push half `outbox push`) as a login of its own,
-- named after its kiosk id and a member of glasshouse_kiosk (schema 3 below grants the rest):
--   CREATE ROLE "kiosk-0042" LOGIN PASSWORD '...' IN ROLE glasshouse_kiosk;
--
-- Exactly once: an event is identified by (kiosk_id, seq). glasshouse.kiosk keeps, per kiosk,
-- the highest seq HQ has committed; a pusher locks that row for its batch, sends only what is
-- above it and raises it in the same transaction, and acknowledges only once HQ holds each
-- event of the batch once with the kiosk's hash. HQ's arrival trigger (schema 3) refuses an
-- event whose seq does not follow, so (kiosk_id, seq) is unique even though the partitioned
-- table's key has to contain `at`.
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
-- Written so that PostgreSQL inlines both functions into the query that calls them (plain SQL,
-- honest volatility, nothing but immutable operators in chain_part): the arrival trigger hashes
-- every event of a push, and as opaque function calls that cost 50 us an event, 20 times the
-- inlined expression (tests/perf/bench-hq-fleet).
CREATE OR REPLACE FUNCTION glasshouse.chain_part (value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN value IS NULL THEN '-;' ELSE octet_length (value)::text || ':' || value || ';' END
$$;

-- STABLE, not IMMUTABLE: to_char and convert_to are, and a function claiming more than its body
-- is never inlined.
CREATE OR REPLACE FUNCTION glasshouse.chain_hash (seq bigint, at timestamptz, kiosk_id text,
                                                  actor text, customer_ref text, kind text,
                                                  body text, prev_hash text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode (sha256 (convert_to (glasshouse.chain_part ('glasshouse-event/1')
                                     || glasshouse.chain_part (seq::text)
                                     || glasshouse.chain_part (to_char (at AT TIME ZONE 'UTC',
                                                                        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                     || glasshouse.chain_part (kiosk_id)
                                     || glasshouse.chain_part (actor)
                                     || glasshouse.chain_part (customer_ref)
                                     || glasshouse.chain_part (kind)
                                     || glasshouse.chain_part (body)
                                     || glasshouse.chain_part (prev_hash), 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION glasshouse.event_hash (e glasshouse.event)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT glasshouse.chain_hash (e.seq, e.at, e.kiosk_id, e.actor, e.customer_ref, e.kind, e.body,
                                e.prev_hash)
$$;

-- The bytea-per-field form of the above, from before chain_part.
DROP FUNCTION IF EXISTS glasshouse.chain_field (text);

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

-- ===================================================================================
-- Schema 3: one fleet (issue 14). HQ checks each event as it arrives and derives the
-- decisions, receipts and erasures from it; kiosks pull with safe cursors; each kiosk login
-- sees only its own rows.
-- ===================================================================================
UPDATE glasshouse.meta SET value = '3' WHERE key = 'schema_version' AND value::int < 3;

-- One value per nextval, never a session cache: the pull's high-water mark below relies on
-- every number up to last_value belonging to a transaction that already took it.
ALTER SEQUENCE glasshouse.change_no CACHE 1;

-- Erasing a member nulls their attachments: find them without reading every event.
CREATE INDEX IF NOT EXISTS event_attachment_by_ref ON glasshouse.event (customer_ref)
  WHERE attachment IS NOT NULL;

-- ---- change numbers a pull can trust ------------------------------------------------
-- Sequence numbers are taken before commit, so a reader could see 12 committed while 11 is
-- still in flight, move its cursor to 12 and never see 11. Every writer of a pulled table
-- therefore takes its change number under a shared transaction-level advisory lock (this
-- trigger, so no writer can forget), and a pull first takes the same lock exclusively
-- (glasshouse.settled_change_no): that waits until every transaction holding a number has
-- ended, so all numbers up to the sequence's last value are settled (committed or never to
-- be), and any writer after that gets a higher one. The pull then reads only up to that mark.
-- The column default's number (taken before the lock) is thrown away: gaps are harmless.
-- Inside another trigger (the arrival trigger, erase_member called from it) the trigger does
-- not run per row: that trigger took the lock once, before any number, and the column
-- default numbers its rows (100,000 decisions of a push pay no plpgsql call each).
CREATE OR REPLACE FUNCTION glasshouse.take_change_no ()
RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared (7166770114);
  NEW.change_no := nextval ('glasshouse.change_no');
  RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER member_change_number BEFORE INSERT ON glasshouse.member_change
  FOR EACH ROW WHEN (pg_trigger_depth () = 0) EXECUTE FUNCTION glasshouse.take_change_no ();
CREATE OR REPLACE TRIGGER decision_number BEFORE INSERT ON glasshouse.decision
  FOR EACH ROW WHEN (pg_trigger_depth () = 0) EXECUTE FUNCTION glasshouse.take_change_no ();
CREATE OR REPLACE TRIGGER erasure_number BEFORE INSERT ON glasshouse.erasure
  FOR EACH ROW WHEN (pg_trigger_depth () = 0) EXECUTE FUNCTION glasshouse.take_change_no ();
CREATE OR REPLACE TRIGGER bundle_number BEFORE INSERT ON glasshouse.bundle
  FOR EACH ROW WHEN (pg_trigger_depth () = 0) EXECUTE FUNCTION glasshouse.take_change_no ();

-- The highest change number a pull may read up to. Holds the lock to the end of the caller's
-- transaction: call it in a short transaction of its own, then read in new snapshots.
CREATE OR REPLACE FUNCTION glasshouse.settled_change_no ()
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
DECLARE
  mark bigint;
BEGIN
  PERFORM pg_advisory_xact_lock (7166770114);
  SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO mark FROM glasshouse.change_no;
  RETURN mark;
END
$$;

-- ---- which decision wins ----------------------------------------------------------
-- HQ's arrival order (change_no) decides, so a wrong clock cannot reorder decisions. One
-- exception, only ever towards privacy: a grant that arrived after a revocation but that its
-- own device dates before that revocation (a kiosk that was offline, or a slow clock) does not
-- lift it. A device clock can thus only make a grant lose, never a withdrawal.
CREATE OR REPLACE FUNCTION glasshouse.effective_state (member_ref text, purpose text,
                                                       change bigint, state text,
                                                       decided timestamptz)
RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
           WHEN state = 'granted' AND EXISTS (
                  SELECT 1 FROM glasshouse.decision r
                   WHERE r.ref = member_ref AND r.purpose_id = purpose
                     AND r.change_no < change AND r.state = 'revoked'
                     AND r.decided_at > decided
                     -- a grant in between that its device dates after r lifted r already
                     AND NOT EXISTS (SELECT 1 FROM glasshouse.decision g
                                      WHERE g.ref = member_ref AND g.purpose_id = purpose
                                        AND g.change_no > r.change_no AND g.change_no < change
                                        AND g.state = 'granted'
                                        AND g.decided_at > r.decided_at))
           THEN 'revoked'
           ELSE state END
$$;

-- Each shopper's current consent per purpose, as marketing reads it: the last decision to
-- arrive (change_no) with the rule above; erased members are not listed (erase_member
-- deletes their decisions, and a late one is never stored). Columns as in schema 1, then
-- where the decision came from.
-- CREATE OR REPLACE, not DROP: views others build on this one survive a re-run of hq init
-- (the columns of schema 1 keep their names and types; the new ones come after them).
CREATE OR REPLACE VIEW glasshouse.consent_current AS
  -- The rule is computed for each member's last decision only, not for every row.
  SELECT d.ref AS customer_ref,
         d.purpose_id,
         glasshouse.effective_state (d.ref, d.purpose_id, d.change_no, d.state, d.decided_at)
           AS state,
         d.notice_version,
         d.decided_at AS updated_at,
         d.kiosk_id,
         d.seq,
         d.origin,
         d.change_no
    FROM (SELECT DISTINCT ON (ref, purpose_id) *
            FROM glasshouse.decision
           ORDER BY ref, purpose_id, change_no DESC) d;

-- ---- checks on arrival ------------------------------------------------------------
-- Runs once per INSERT statement into glasshouse.event, whoever sends it: every event's hash
-- must be the hash of its content, its prev_hash the hash of the kiosk's previous event, its
-- seq the next one. A failed check aborts the whole statement (SQLSTATE 23514), so nothing of
-- a bad batch lands and the pusher acks nothing. Then, in the same transaction, the kiosk's
-- consent events become decisions (origin kiosk), receipt.issued events receipts, and
-- erasure.requested events erasures. Events recorded with actor "hq" are decisions the kiosk
-- pulled from HQ: kept as events, never made decisions again.
CREATE OR REPLACE FUNCTION glasshouse.event_arrived ()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
DECLARE
  bad record;
  erasure_row record;
BEGIN
  -- Before any change number is taken below (see take_change_no).
  PERFORM pg_advisory_xact_lock_shared (7166770114);
  INSERT INTO glasshouse.kiosk (kiosk_id)
       SELECT DISTINCT kiosk_id FROM arrived
  ON CONFLICT (kiosk_id) DO NOTHING;

  SELECT a.kiosk_id, a.seq,
         CASE
           WHEN a.hash IS DISTINCT FROM glasshouse.chain_hash (a.seq, a.at, a.kiosk_id, a.actor,
                                                               a.customer_ref, a.kind, a.body,
                                                               a.prev_hash)
             THEN 'its hash does not match its content'
           WHEN a.before_seq IS NOT NULL AND a.seq <> a.before_seq + 1
             THEN format ('it does not follow event %s', a.before_seq)
           WHEN a.before_seq IS NOT NULL AND a.prev_hash IS DISTINCT FROM a.before_hash
             THEN format ('its prev_hash is not the hash of event %s', a.before_seq)
           WHEN a.seq = 1 AND a.prev_hash <> repeat ('0', 64)
             THEN 'the first event does not start the chain'
         END AS reason
    INTO bad
    FROM (SELECT n.*,
                 coalesce (lag (n.seq) OVER w,
                           CASE WHEN k.last_seq > 0 THEN k.last_seq END) AS before_seq,
                 CASE WHEN lag (n.seq) OVER w IS NOT NULL THEN lag (n.hash) OVER w
                      ELSE k.last_hash END AS before_hash
            FROM arrived n
            JOIN glasshouse.kiosk k USING (kiosk_id)
          WINDOW w AS (PARTITION BY n.kiosk_id ORDER BY n.seq)) a
   WHERE a.hash IS DISTINCT FROM glasshouse.chain_hash (a.seq, a.at, a.kiosk_id, a.actor,
                                                        a.customer_ref, a.kind, a.body,
                                                        a.prev_hash)
      OR (a.before_seq IS NOT NULL AND a.seq <> a.before_seq + 1)
      -- a kiosk row from before schema 3 may have no head hash: seq still has to follow
      OR (a.before_seq IS NOT NULL AND a.before_hash IS NOT NULL
          AND a.prev_hash IS DISTINCT FROM a.before_hash)
      OR (a.seq = 1 AND a.prev_hash <> repeat ('0', 64))
   ORDER BY a.kiosk_id, a.seq
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'event % of kiosk % refused: %', bad.seq, bad.kiosk_id,
                    coalesce (bad.reason, 'its link to the previous event is broken')
      USING ERRCODE = 'check_violation';
  END IF;

  UPDATE glasshouse.kiosk k
     SET last_seq = l.seq, last_hash = l.hash, last_push_at = now ()
    FROM (SELECT DISTINCT ON (kiosk_id) kiosk_id, seq, hash FROM arrived
           ORDER BY kiosk_id, seq DESC) l
   WHERE k.kiosk_id = l.kiosk_id AND l.seq > k.last_seq;

  -- No ON CONFLICT: the checks above let in only events past the kiosk's mark, so
  -- (kiosk_id, seq) is new; a clash is a damaged HQ and must fail the push, not vanish
  -- (speculative insertion also cost a tenth of a push: tests/perf/bench-hq-fleet).
  BEGIN
    INSERT INTO glasshouse.decision (ref, purpose_id, state, notice_version, decided_at, origin,
                                     kiosk_id, seq)
         SELECT a.customer_ref, b ->> 'purpose',
                CASE a.kind WHEN 'consent.granted' THEN 'granted' ELSE 'revoked' END,
                b ->> 'notice_version', a.at, 'kiosk', a.kiosk_id, a.seq
           FROM arrived a, LATERAL (SELECT a.body::jsonb AS b) body
          WHERE a.kind IN ('consent.granted', 'consent.revoked') AND a.actor <> 'hq'
            AND a.customer_ref IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM glasshouse.erasure e WHERE e.ref = a.customer_ref)
          ORDER BY a.kiosk_id, a.seq;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'events of kiosk % refused: HQ already holds decisions under their seqs (%)',
                    (SELECT min (kiosk_id) FROM arrived), SQLERRM
      USING ERRCODE = 'unique_violation';
  END;

  INSERT INTO glasshouse.receipt (receipt_id, kiosk_id, kind, ref, token, short_code, expires_at,
                                  issued_at, body)
       SELECT (b ->> 'receipt_id')::uuid, a.kiosk_id, b ->> 'kind',
              CASE WHEN erased THEN NULL ELSE a.customer_ref END,
              CASE WHEN erased THEN '' ELSE b ->> 'token' END,
              upper (replace (b ->> 'short_code', '-', '')),
              (b ->> 'expires_at')::timestamptz, a.at,
              CASE WHEN erased
                   THEN jsonb_build_object ('receiptKind', b ->> 'kind', 'withdrawn', true)
                   ELSE b -> 'receipt' END
         FROM (SELECT a.*, a.body::jsonb AS b,
                      EXISTS (SELECT 1 FROM glasshouse.erasure e
                               WHERE e.ref = a.customer_ref) AS erased
                 FROM arrived a WHERE a.kind = 'receipt.issued') a
        -- what the portal needs; an event without it (an older kiosk) stays an event only
        WHERE b ->> 'receipt_id' ~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$'
          AND b ? 'kind' AND b ? 'token' AND b ? 'short_code' AND b ? 'expires_at'
          AND jsonb_typeof (b -> 'receipt') = 'object'
  ON CONFLICT (receipt_id) DO NOTHING;

  FOR erasure_row IN SELECT customer_ref, at, kiosk_id FROM arrived
                      WHERE kind = 'erasure.requested' AND actor <> 'hq'
                        AND customer_ref IS NOT NULL
                      ORDER BY kiosk_id, seq LOOP
    PERFORM glasshouse.erase_member (erasure_row.customer_ref, 'kiosk', erasure_row.at,
                                     erasure_row.kiosk_id);
  END LOOP;

  -- A data copy of someone already forgotten (a kiosk that had not heard yet) is not kept.
  -- Looked for in `arrived` first: the planner, not knowing how few there are, would
  -- otherwise read every partition of the event table on every push.
  IF EXISTS (SELECT 1 FROM arrived a
              WHERE a.attachment IS NOT NULL
                AND EXISTS (SELECT 1 FROM glasshouse.erasure x WHERE x.ref = a.customer_ref)) THEN
    UPDATE glasshouse.event e SET attachment = NULL
      FROM arrived a
     WHERE a.attachment IS NOT NULL AND e.kiosk_id = a.kiosk_id AND e.seq = a.seq AND e.at = a.at
       AND EXISTS (SELECT 1 FROM glasshouse.erasure x WHERE x.ref = a.customer_ref);
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER event_arrived AFTER INSERT ON glasshouse.event
  REFERENCING NEW TABLE AS arrived
  FOR EACH STATEMENT EXECUTE FUNCTION glasshouse.event_arrived ();

-- ---- kiosks: registration, approval, heartbeat --------------------------------------
ALTER TABLE glasshouse.kiosk_key ADD COLUMN IF NOT EXISTS store_id text;

-- Whether @login is a kiosk's own login (a member of glasshouse_kiosk, not a superuser).
-- Kiosk logins are held to their own kiosk id (the login's name); everyone else is not.
CREATE OR REPLACE FUNCTION glasshouse.is_kiosk_login (login name)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
  SELECT NOT r.rolsuper AND pg_has_role (login, 'glasshouse_kiosk', 'MEMBER')
    FROM pg_roles r WHERE r.rolname = login
$$;

-- The stores whose members a kiosk login may read: its registered store, once HQ staff
-- approved one of its keys (an unknown kiosk cannot claim a store and read its members).
CREATE OR REPLACE FUNCTION glasshouse.kiosk_login_stores ()
RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
  SELECT coalesce (array_agg (k.store_id), '{}')
    FROM glasshouse.kiosk k
   WHERE k.kiosk_id = session_user AND k.store_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM glasshouse.kiosk_key kk
                  WHERE kk.kiosk_id = k.kiosk_id AND kk.approved_at IS NOT NULL)
$$;

-- A kiosk's first sync (and every later one, cheaply): its store and receipt-signing key.
-- A kiosk login registers only itself; a store once set changes only by HQ staff.
CREATE OR REPLACE FUNCTION glasshouse.register_kiosk (id text, store text, key text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
DECLARE
  known_store text;
  approved timestamptz;
BEGIN
  IF glasshouse.is_kiosk_login (session_user) AND id <> session_user THEN
    RAISE EXCEPTION 'login % may not register kiosk %', session_user, id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Every round registers: a kiosk already registered writes nothing (no WAL to flush).
  INSERT INTO glasshouse.kiosk (kiosk_id, store_id, registered_at) VALUES (id, store, now ())
  ON CONFLICT (kiosk_id) DO UPDATE
     SET store_id = coalesce (glasshouse.kiosk.store_id, EXCLUDED.store_id),
         registered_at = coalesce (glasshouse.kiosk.registered_at, now ())
   WHERE glasshouse.kiosk.registered_at IS NULL
      OR (glasshouse.kiosk.store_id IS NULL AND EXCLUDED.store_id IS NOT NULL);
  SELECT store_id INTO known_store FROM glasshouse.kiosk WHERE kiosk_id = id;
  IF known_store IS DISTINCT FROM store THEN
    RAISE EXCEPTION 'kiosk % is registered at HQ for store %, not %; HQ staff must move it',
                    id, known_store, coalesce (store, '(none)')
      USING ERRCODE = 'check_violation';
  END IF;
  IF key IS NOT NULL THEN
    INSERT INTO glasshouse.kiosk_key (kiosk_id, pubkey, store_id) VALUES (id, key, store)
    ON CONFLICT (kiosk_id, pubkey) DO NOTHING;
    SELECT k.approved_at INTO approved FROM glasshouse.kiosk_key k
     WHERE k.kiosk_id = id AND k.pubkey = key;
  END IF;
  RETURN CASE WHEN approved IS NULL THEN 'waiting' ELSE 'approved' END;
END
$$;

-- `hq kiosk approve ID`: every key the kiosk registered and HQ has not approved yet.
CREATE OR REPLACE FUNCTION glasshouse.approve_kiosk (id text)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  UPDATE glasshouse.kiosk_key SET approved_at = now (), approved_by = session_user
   WHERE kiosk_id = id AND approved_at IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- One heartbeat per round; HQ's clock stamps it.
CREATE OR REPLACE FUNCTION glasshouse.kiosk_heartbeat (id text, clock timestamptz,
                                                       software text, config bigint,
                                                       backlog bigint, refused text,
                                                       error_text text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
BEGIN
  IF glasshouse.is_kiosk_login (session_user) AND id <> session_user THEN
    RAISE EXCEPTION 'login % may not report for kiosk %', session_user, id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO glasshouse.kiosk_health AS h (kiosk_id, at, kiosk_clock, software_version,
                                            config_version, outbox_backlog,
                                            last_refused_bundle, last_error)
       VALUES (id, now (), clock, software, config, backlog, refused, error_text)
  ON CONFLICT (kiosk_id) DO UPDATE
     SET at = now (), kiosk_clock = EXCLUDED.kiosk_clock,
         software_version = EXCLUDED.software_version,
         config_version = EXCLUDED.config_version, outbox_backlog = EXCLUDED.outbox_backlog,
         last_refused_bundle = EXCLUDED.last_refused_bundle, last_error = EXCLUDED.last_error;
END
$$;

-- The switch-off preview's daily totals a kiosk sends with its heartbeat (@totals: a JSON
-- array of {"day", "purpose_id", "opened", "kept_on"}). The kiosk sends its running totals
-- of recent days, so a day's row is replaced, never added to: a repeated heartbeat counts once.
CREATE OR REPLACE FUNCTION glasshouse.kiosk_preview_totals (id text, totals jsonb)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
BEGIN
  IF glasshouse.is_kiosk_login (session_user) AND id <> session_user THEN
    RAISE EXCEPTION 'login % may not report for kiosk %', session_user, id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO glasshouse.preview_daily AS p (kiosk_id, day, purpose_id, opened, kept_on)
       SELECT id, (t ->> 'day')::date, t ->> 'purpose_id', (t ->> 'opened')::int,
              (t ->> 'kept_on')::int
         FROM jsonb_array_elements (totals) AS t
  ON CONFLICT (kiosk_id, day, purpose_id) DO UPDATE
     SET opened = EXCLUDED.opened, kept_on = EXCLUDED.kept_on;
END
$$;
REVOKE ALL ON FUNCTION glasshouse.kiosk_preview_totals (text, jsonb) FROM PUBLIC;

-- ---- retention: whole partitions -----------------------------------------------------
-- How long the configs HQ published say consent proofs must be kept (controller.
-- consent_proof_days, docs/config-format.md): the longest of them, in days, or NULL when none
-- says. Every published bundle counts, also one a later one replaced: an event cannot be
-- brought back, so a shorter period takes effect only once the longer bundle is deleted.
-- A bundle whose payload cannot be read fails the call (retention drops nothing then).
CREATE OR REPLACE FUNCTION glasshouse.consent_proof_days ()
RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
DECLARE
  b record;
  longest integer;
BEGIN
  -- hq publish checks the envelope and the version, not the config: a kiosk does that.
  FOR b IN SELECT change_no, config_version,
                  convert_from (decode (bundle::jsonb ->> 'payload', 'base64'), 'UTF8')::jsonb
                    #> '{controller,consent_proof_days}' AS days
             FROM glasshouse.bundle
  LOOP
    CONTINUE WHEN b.days IS NULL;
    IF jsonb_typeof (b.days) <> 'number' OR b.days::text !~ '^[0-9]{1,5}$'
       OR b.days::text::integer NOT BETWEEN 1 AND 36500 THEN
      RAISE EXCEPTION 'the bundle of config version % published at HQ (change %) has '
                      'controller.consent_proof_days % (a whole number of days from 1 to 36500 '
                      'is required); no event is dropped until it is replaced or deleted',
                      b.config_version, b.change_no, b.days
        USING ERRCODE = 'check_violation';
    END IF;
    longest := greatest (longest, b.days::text::integer);
  END LOOP;
  RETURN longest;
END
$$;

-- Drops the monthly event partitions that end before now () - @keep (never the default
-- partition), and never one that ends within the consent proof period above: the kiosks'
-- consent events are the hash-chained proof of each decision. Decisions, erasures and
-- receipts live in their own tables and are not touched. Returns the partitions dropped.
CREATE OR REPLACE FUNCTION glasshouse.drop_event_partitions (keep interval)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = glasshouse, pg_temp AS $$
DECLARE
  part record;
  proof_days integer := glasshouse.consent_proof_days ();
  cutoff timestamptz := now () - keep;
BEGIN
  IF proof_days IS NOT NULL THEN
    cutoff := least (cutoff, now () - make_interval (days => proof_days));
  END IF;
  FOR part IN
    SELECT c.relname,
           (regexp_match (pg_get_expr (c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]
             AS upper_bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'glasshouse.event'::regclass AND c.relname ~ '^event_[0-9]{4}_[0-9]{2}$'
  LOOP
    IF part.upper_bound IS NOT NULL AND part.upper_bound::timestamptz <= cutoff THEN
      EXECUTE format ('DROP TABLE glasshouse.%I', part.relname);
      RETURN NEXT part.relname;
    END IF;
  END LOOP;
END
$$;

-- ---- roles: least privilege -----------------------------------------------------------
--   glasshouse_kiosk    every kiosk's login is a member, named after its kiosk id
--   glasshouse_analyst  the consent views: pseudonymous refs, no personal data
--   glasshouse_admin    hq import, publish, kiosk approve, status --fleet, report
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'glasshouse_kiosk') THEN
    CREATE ROLE glasshouse_kiosk NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'glasshouse_analyst') THEN
    CREATE ROLE glasshouse_analyst NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'glasshouse_admin') THEN
    CREATE ROLE glasshouse_admin NOLOGIN;
  END IF;
  -- The pusher's staging table is a temp table.
  EXECUTE format ('GRANT TEMPORARY, CONNECT ON DATABASE %I TO glasshouse_kiosk',
                  current_database ());
END
$$;

GRANT USAGE ON SCHEMA glasshouse TO glasshouse_kiosk, glasshouse_analyst, glasshouse_admin;

GRANT ALL ON ALL TABLES IN SCHEMA glasshouse TO glasshouse_admin;
GRANT ALL ON ALL SEQUENCES IN SCHEMA glasshouse TO glasshouse_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA glasshouse TO glasshouse_admin;

GRANT SELECT ON glasshouse.consent_current, glasshouse.preview_daily TO glasshouse_analyst;

-- The kiosk: its own events (insert; read back without attachments), its own row of
-- glasshouse.kiosk, the pulled streams (row-level security below), and the functions.
REVOKE ALL ON ALL TABLES IN SCHEMA glasshouse FROM glasshouse_kiosk;
GRANT INSERT ON glasshouse.event TO glasshouse_kiosk;
GRANT SELECT (kiosk_id, seq, at, actor, customer_ref, kind, body, prev_hash, hash, received_at)
  ON glasshouse.event TO glasshouse_kiosk;
GRANT SELECT, INSERT ON glasshouse.kiosk TO glasshouse_kiosk;
GRANT UPDATE (last_seq, last_hash, last_push_at) ON glasshouse.kiosk TO glasshouse_kiosk;
GRANT SELECT ON glasshouse.member_change, glasshouse.bundle TO glasshouse_kiosk;
GRANT SELECT (change_no, ref, purpose_id, state, notice_version, decided_at, received_at,
              origin, kiosk_id, seq) ON glasshouse.decision TO glasshouse_kiosk;
GRANT SELECT (ref, change_no, requested_at, origin, kiosk_id)
  ON glasshouse.erasure TO glasshouse_kiosk;
GRANT EXECUTE ON FUNCTION glasshouse.settled_change_no (), glasshouse.register_kiosk (text, text, text),
  glasshouse.kiosk_heartbeat (text, timestamptz, text, bigint, bigint, text, text),
  glasshouse.kiosk_preview_totals (text, jsonb),
  glasshouse.effective_state (text, text, bigint, text, timestamptz), glasshouse.is_kiosk_login (name),
  glasshouse.kiosk_login_stores ()
  TO glasshouse_kiosk;
REVOKE ALL ON FUNCTION glasshouse.approve_kiosk (text), glasshouse.drop_event_partitions (interval),
  glasshouse.consent_proof_days () FROM PUBLIC;
GRANT EXECUTE ON FUNCTION glasshouse.approve_kiosk (text), glasshouse.drop_event_partitions (interval),
  glasshouse.consent_proof_days () TO glasshouse_admin;

-- Row-level security: a kiosk login (glasshouse.is_kiosk_login) is held to rows of its own
-- kiosk id and its own store; other logins (admin, portal, analyst through the views, the
-- owner) are governed by their grants alone. PostgreSQL itself refuses the rest.
ALTER TABLE glasshouse.event ENABLE ROW LEVEL SECURITY;
ALTER TABLE glasshouse.kiosk ENABLE ROW LEVEL SECURITY;
ALTER TABLE glasshouse.member_change ENABLE ROW LEVEL SECURITY;
ALTER TABLE glasshouse.bundle ENABLE ROW LEVEL SECURITY;
ALTER TABLE glasshouse.decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE glasshouse.erasure ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS own_kiosk ON glasshouse.event;
CREATE POLICY own_kiosk ON glasshouse.event
  USING (NOT (SELECT glasshouse.is_kiosk_login (current_user)) OR kiosk_id = current_user)
  WITH CHECK (NOT (SELECT glasshouse.is_kiosk_login (current_user)) OR kiosk_id = current_user);
DROP POLICY IF EXISTS own_kiosk ON glasshouse.kiosk;
CREATE POLICY own_kiosk ON glasshouse.kiosk
  USING (NOT (SELECT glasshouse.is_kiosk_login (current_user)) OR kiosk_id = current_user)
  WITH CHECK (NOT (SELECT glasshouse.is_kiosk_login (current_user)) OR kiosk_id = current_user);
DROP POLICY IF EXISTS own_stores ON glasshouse.member_change;
CREATE POLICY own_stores ON glasshouse.member_change
  USING (NOT (SELECT glasshouse.is_kiosk_login (current_user))
         OR stores && (SELECT glasshouse.kiosk_login_stores ()));
DROP POLICY IF EXISTS own_stores ON glasshouse.bundle;
CREATE POLICY own_stores ON glasshouse.bundle
  USING (NOT (SELECT glasshouse.is_kiosk_login (current_user)) OR stores IS NULL
         OR stores && (SELECT glasshouse.kiosk_login_stores ()));
-- Decisions and erasures are pseudonymous and every kiosk needs them (a member may visit
-- any store); kiosks only read them, writes come through the arrival trigger.
DROP POLICY IF EXISTS readable ON glasshouse.decision;
CREATE POLICY readable ON glasshouse.decision USING (true);
DROP POLICY IF EXISTS readable ON glasshouse.erasure;
CREATE POLICY readable ON glasshouse.erasure USING (true);
