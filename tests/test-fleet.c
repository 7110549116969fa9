/* One fleet, end to end, against a real PostgreSQL the test starts: three kiosks of two
 * stores, each a real store and a real `glasshouse-ctl sync` process under its own kiosk
 * login. A revocation at A reaches B after A's round and B's; a decision made on the
 * phone reaches C; a bundle published for one store is active only there, and one that
 * fails the kiosk's checks is refused, reported, and the next one still taken; an erasure
 * at B leaves none of the member's values in the raw bytes of A, B and C's stores or in
 * pg_dump of HQ; a member line for a forgotten member changes nothing; the kiosk login
 * cannot cross to another kiosk's rows (PostgreSQL refuses); hq status --fleet lists a
 * silent kiosk.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "config/gh-config.h"
#include "receipts/gh-receipt.h"
#include "hq/gh-hq.h"
#include "visit/gh-erasure.h"
#include "visit/gh-fleet-apply.h"
#include "gh-test-bundle.h"
#include "gh-test-hq-fleet.h"
#include "store/gh-store-preview.h"
#include "gh-test-utils.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static GhTestPg *pg;
static char *pg_skip_reason;

#define REQUIRE_PG() GH_TEST_REQUIRE_PG (pg, pg_skip_reason)

#define MARKER_NAME "Quillonia Vexbrook"
#define MARKER_EMAIL "quillonia.vexbrook@example.org"
#define MARKER_LOYALTY "7300000000123"
#define MEMBER_REF "m-fleet-1"

typedef GhTestFleet Fleet;

static const char *kiosk_ids[] = { "kiosk-a", "kiosk-b", "kiosk-c" };
static const char *store_ids[] = { "store-1", "store-1", "store-2" };

/* A sync that goes through and says nothing on stderr. */
static void
sync_ok (Fleet *fleet,
         int    kiosk)
{
  g_autofree char *err = gh_test_fleet_sync_ok (fleet, kiosk);

  g_assert_cmpstr (err, ==, "");
}

#define open_store gh_test_fleet_open

static void
ctl_ok (const char *first,
        ...)
{
  const char *args[16];
  va_list ap;
  guint n = 0;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL && n < G_N_ELEMENTS (args) - 1;
       arg = va_arg (ap, const char *))
    args[n++] = arg;
  va_end (ap);
  args[n] = NULL;
  status = gh_test_run_ctlv (&out, &err, args);
  if (status != 0)
    gh_test_fail ("glasshouse-ctl %s: exit %d: %s%s", first, status, out, err);
}

static void
fleet_set_up (Fleet      *fleet,
              const char *dbname)
{
  g_autoptr(PGconn) db = NULL;
  g_autofree char *line = NULL;

  gh_test_fleet_set_up (fleet, pg, dbname, G_N_ELEMENTS (kiosk_ids), kiosk_ids, store_ids);
  db = gh_test_pg_admin (pg, dbname);
  line = gh_test_member_line (MEMBER_REF, MARKER_LOYALTY, MARKER_NAME, MARKER_EMAIL,
                              "[\"store-1\",\"store-2\"]");
  gh_test_hq_member_change (db, MEMBER_REF, "{store-1,store-2}", line);
}

#define fleet_tear_down gh_test_fleet_tear_down

/* Registration, approval and the member feed: an unapproved kiosk reads no member. */
static void
register_and_approve (Fleet  *fleet,
                      PGconn *db)
{
  for (int i = 0; i < 3; i++)
    sync_ok (fleet, i);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.kiosk_key"
                                       " WHERE approved_at IS NULL"), ==, 3);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (DISTINCT store_id) FROM glasshouse.kiosk"
                                       " WHERE kiosk_id LIKE 'kiosk-_'"), ==, 2);
  {
    g_autoptr(GhStore) a = open_store (fleet, 0);
    g_autofree char *out = NULL;

    g_assert_cmpint (gh_test_store_int (a, "SELECT count (*) FROM customer", NULL), ==, 0);
    /* The staff page says why: HQ has not approved the kiosk yet. */
    g_assert_cmpint (gh_test_run_ctl (&out, NULL, "health", "--json", "--db", fleet->paths[0],
                                      NULL), ==, 0);
    g_assert_nonnull (strstr (out, "\"approval\" : \"waiting\""));
    g_assert_nonnull (strstr (out, "\"failing\" : null"));
  }
  for (int i = 0; i < 3; i++)
    ctl_ok ("hq", "kiosk", "approve", kiosk_ids[i], "--postgres", fleet->admin, NULL);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GhStore) store = NULL;
      g_autofree char *state = NULL;

      sync_ok (fleet, i);
      store = open_store (fleet, i);
      g_assert_cmpint (gh_test_store_int (store, "SELECT count (*) FROM customer WHERE ref = ?1",
                                    MEMBER_REF), ==, 1);
      state = gh_test_store_consent (store, MEMBER_REF, "marketing.email");
      g_assert_cmpstr (state, ==, "granted");
      g_assert_cmpint (gh_fleet_pending_count (store, NULL), ==, 0);
    }
}

static void
test_fleet (void)
{
  Fleet fleet = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_PG ();
  fleet_set_up (&fleet, "fleet_main");
  db = gh_test_pg_admin (pg, "fleet_main");
  register_and_approve (&fleet, db);

  /* Revoke at A; A's round, then B's: B holds it revoked, recorded as HQ's, naming A. */
  {
    g_autoptr(GhStore) a = open_store (&fleet, 0);
    g_autoptr(GhCustomer) member = gh_store_find_customer_by_ref (a, MEMBER_REF, &error);

    g_assert_no_error (error);
    g_assert_cmpint (gh_store_set_consent (a, member, "marketing.email", GH_CONSENT_REVOKED,
                                           "1", "shopper", &error), >, 0);
    /* And the preview's counters of the day: two opened, one kept on. */
    g_assert_true (gh_store_preview_daily_count (a, "marketing.email", 2, 1, 0, &error));
    g_assert_no_error (error);
  }
  sync_ok (&fleet, 0);
  /* The heartbeat brought the day's totals to HQ; a second round replaces, never adds. */
  sync_ok (&fleet, 0);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT sum (opened) FROM glasshouse.preview_daily"
                                       " WHERE kiosk_id = 'kiosk-a' AND purpose_id = 'marketing.email'"
                                       "   AND day = (now () AT TIME ZONE 'UTC')::date"), ==, 2);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT sum (kept_on) FROM glasshouse.preview_daily"
                                       " WHERE kiosk_id = 'kiosk-a'"), ==, 1);
  sync_ok (&fleet, 1);
  {
    g_autoptr(GhStore) b = open_store (&fleet, 1);
    g_autofree char *state = gh_test_store_consent (b, MEMBER_REF, "marketing.email");

    g_assert_cmpstr (state, ==, "revoked");
    g_assert_cmpint (gh_test_store_int (b, "SELECT count (*) FROM event WHERE actor = 'hq'"
                                     " AND kind = 'consent.revoked'"
                                     " AND json_extract (body, '$.origin') = 'kiosk'"
                                     " AND json_extract (body, '$.kiosk_id') = 'kiosk-a'"
                                     " AND customer_ref = ?1", MEMBER_REF), ==, 1);
  }
  /* B's round pushed that event; HQ did not make it a decision of B's. */
  sync_ok (&fleet, 1);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.event"
                                       " WHERE kiosk_id = 'kiosk-b' AND actor = 'hq'"), >=, 1);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"
                                       " WHERE kiosk_id = 'kiosk-b'"), ==, 0);
  g_assert_cmpstr (gh_test_pg_value (db, "SELECT state FROM glasshouse.consent_current"
                                         " WHERE customer_ref = '" MEMBER_REF "'"
                                         " AND purpose_id = 'marketing.email'"), ==, "revoked");

  /* A decision made on the phone reaches C. */
  gh_test_pg_exec (db, "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at,"
                       " origin) VALUES ('" MEMBER_REF "', 'personalize.offers', 'revoked',"
                       " now (), 'portal')");
  sync_ok (&fleet, 2);
  {
    g_autoptr(GhStore) c = open_store (&fleet, 2);
    g_autofree char *state = gh_test_store_consent (c, MEMBER_REF, "personalize.offers");
    g_autofree char *email = gh_test_store_consent (c, MEMBER_REF, "marketing.email");

    g_assert_cmpstr (state, ==, "revoked");
    g_assert_cmpstr (email, ==, "revoked");
    g_assert_cmpint (gh_test_store_int (c, "SELECT count (*) FROM event WHERE actor = 'hq'"
                                     " AND json_extract (body, '$.origin') = 'portal'", NULL),
                     ==, 1);
  }

  /* A bundle for store-2 only; one that fails C's checks (another key); then a good one. */
  {
    g_autofree char *config2 = gh_test_bundle_config (2);
    g_autofree char *config3 = gh_test_bundle_config (3);
    g_autofree char *config4 = gh_test_bundle_config (4);
    g_autofree char *rogue = gh_test_bundle_keygen (fleet.dir, "rogue");
    g_autoptr(GBytes) b2 = gh_test_bundle_sign (config2, fleet.prefix);
    g_autoptr(GBytes) b3 = gh_test_bundle_sign (config3, rogue);
    g_autoptr(GBytes) b4 = gh_test_bundle_sign (config4, fleet.prefix);
    g_autofree char *p2 = gh_test_bundle_write (fleet.dir, "v2.bundle", b2);
    g_autofree char *p3 = gh_test_bundle_write (fleet.dir, "v3.bundle", b3);
    g_autofree char *p4 = gh_test_bundle_write (fleet.dir, "v4.bundle", b4);

    ctl_ok ("hq", "publish", "--postgres", fleet.admin, p2, "--stores", "store-2", NULL);
    for (int i = 0; i < 3; i++)
      sync_ok (&fleet, i);
    for (int i = 0; i < 3; i++)
      {
        g_autoptr(GhStore) store = open_store (&fleet, i);
        gint64 version = 0;
        g_autoptr(GBytes) active = gh_store_get_active_config (store, &version, &error);

        g_assert_cmpint (version, ==, i == 2 ? 2 : 1);
      }
    ctl_ok ("hq", "publish", "--postgres", fleet.admin, p3, "--stores", "store-2", NULL);
    ctl_ok ("hq", "publish", "--postgres", fleet.admin, p4, "--stores", "store-2", NULL);
    sync_ok (&fleet, 2);
    {
      g_autoptr(GhStore) c = open_store (&fleet, 2);
      gint64 version = 0;
      g_autoptr(GBytes) active = gh_store_get_active_config (c, &version, &error);

      g_assert_cmpint (version, ==, 4);
      g_assert_cmpint (gh_test_store_int (c, "SELECT count (*) FROM event"
                                       " WHERE kind = 'config.rejected'", NULL), ==, 1);
    }
    g_assert_nonnull (strstr (gh_test_pg_value (db, "SELECT last_refused_bundle FROM"
                                                    " glasshouse.kiosk_health"
                                                    " WHERE kiosk_id = 'kiosk-c'"),
                              "version 3"));
  }

  /* A data copy of the member reaches HQ from A (an access receipt with its export), and
   * the portal can find the receipt: by id, token, and short code without the dash. */
  {
    g_autoptr(GhStore) a = open_store (&fleet, 0);
    g_autoptr(GhCatalog) catalog = gh_catalog_load_active (a, &error);
    g_autoptr(GhCustomer) member = gh_store_find_customer_by_ref (a, MEMBER_REF, &error);
    g_autoptr(GhReceipt) receipt = NULL;
    g_autofree char *sql = NULL;
    g_autofree char *short_code = NULL;

    g_assert_no_error (error);
    receipt = gh_receipt_issue (a, catalog, member, GH_RECEIPT_KIND_ACCESS, NULL, NULL, NULL,
                                &error);
    g_assert_no_error (error);
    g_clear_object (&a);
    sync_ok (&fleet, 0);
    short_code = g_ascii_strup (gh_receipt_get_short_code (receipt), -1);
    g_strdelimit (short_code, "-", ' ');
    sql = g_strdup_printf ("SELECT count (*) FROM glasshouse.receipt WHERE receipt_id = '%s'"
                           " AND kiosk_id = 'kiosk-a' AND kind = 'access' AND ref = '" MEMBER_REF
                           "' AND token = '%s' AND short_code = replace ('%s', ' ', '')",
                           gh_receipt_get_id (receipt), gh_receipt_get_token (receipt),
                           short_code);
    g_assert_cmpint (gh_test_pg_int (db, sql), ==, 1);
  }
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.event"
                                       " WHERE attachment IS NOT NULL"), ==, 1);
  {
    g_autofree char *dump = gh_test_pg_dump (pg, "fleet_main");
    /* The marker is there before the erasure: the check after it can fail. */
    g_assert_nonnull (strstr (dump, MARKER_EMAIL));
  }

  /* Erase at B; B's round, then A's and C's: nothing of the member anywhere. */
  {
    g_autoptr(GhStore) b = open_store (&fleet, 1);
    g_autoptr(GhErasureResult) erased = gh_erasure_forget (b, NULL, MARKER_LOYALTY, "shopper",
                                                           &error);
    g_assert_no_error (error);
  }
  sync_ok (&fleet, 1);
  sync_ok (&fleet, 0);
  sync_ok (&fleet, 2);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) bytes = gh_test_read_store_files (fleet.paths[i]);

      g_assert_false (gh_test_bytes_contain (bytes, MARKER_NAME));
      g_assert_false (gh_test_bytes_contain (bytes, MARKER_EMAIL));
      g_assert_false (gh_test_bytes_contain (bytes, MARKER_LOYALTY));
    }
  {
    g_autofree char *dump = gh_test_pg_dump (pg, "fleet_main");

    g_assert_nonnull (strstr (dump, "glasshouse"));
    g_assert_null (strstr (dump, MARKER_NAME));
    g_assert_null (strstr (dump, MARKER_EMAIL));
    g_assert_null (strstr (dump, MARKER_LOYALTY));
  }
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.consent_current"
                                       " WHERE customer_ref = '" MEMBER_REF "'"), ==, 0);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.erasure"), ==, 1);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.receipt"
                                       " WHERE token <> '' OR ref IS NOT NULL"), ==, 0);

  /* A member line for the forgotten member (the CRM had not heard): stays forgotten. */
  {
    g_autofree char *line = gh_test_member_line (MEMBER_REF, MARKER_LOYALTY, MARKER_NAME,
                                                 MARKER_EMAIL, "[\"store-1\",\"store-2\"]");
    g_autoptr(GhStore) a = NULL;

    gh_test_hq_member_change (db, MEMBER_REF, "{store-1,store-2}", line);
    sync_ok (&fleet, 0);
    a = open_store (&fleet, 0);
    g_assert_cmpint (gh_test_store_int (a, "SELECT count (*) FROM customer WHERE ref = ?1",
                                  MEMBER_REF), ==, 0);
    g_assert_cmpint (gh_fleet_pending_count (a, NULL), ==, 0);
  }

  /* Each kiosk's events are at HQ once each (what a round's apply records goes next round). */
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 3; i++)
      sync_ok (&fleet, i);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GhStore) store = open_store (&fleet, i);
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) = count (DISTINCT seq)"
                                              " AND count (*) = %" G_GINT64_FORMAT
                                              " FROM glasshouse.event WHERE kiosk_id = '%s'",
                                              gh_store_count_events (store, NULL), kiosk_ids[i]);

      {
        g_autoptr(GPtrArray) left = gh_store_outbox_list (store, 0, 10, NULL);
        for (guint j = 0; j < left->len; j++)
          g_test_message ("%s outbox: %s by %s", kiosk_ids[i],
                          ((GhEvent *) g_ptr_array_index (left, j))->kind,
                          ((GhEvent *) g_ptr_array_index (left, j))->actor);
      }
      g_assert_cmpint (gh_store_outbox_count (store, NULL), ==, 0);
      g_assert_cmpstr (gh_test_pg_value (db, sql), ==, "t");
    }
  fleet_tear_down (&fleet);
}

/* The kiosk login, as PostgreSQL holds it. */
static void
test_roles (void)
{
  Fleet fleet = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autoptr(PGconn) as_a = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  REQUIRE_PG ();
  fleet_set_up (&fleet, "fleet_roles");
  db = gh_test_pg_admin (pg, "fleet_roles");
  register_and_approve (&fleet, db);
  gh_test_pg_exec (db, "INSERT INTO glasshouse.member_change (ref, stores, line)"
                       " VALUES ('m-only-2', '{store-2}', '{}')");

  as_a = PQconnectdb (fleet.conninfo[0]);
  g_assert_cmpint (PQstatus (as_a), ==, CONNECTION_OK);
  /* Another kiosk's events: invisible. Its own: visible. */
  g_assert_cmpint (gh_test_pg_int (as_a, "SELECT count (*) FROM glasshouse.event"
                                         " WHERE kiosk_id <> 'kiosk-a'"), ==, 0);
  g_assert_cmpint (gh_test_pg_int (as_a, "SELECT count (*) FROM glasshouse.event"), >, 0);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.event"
                                       " WHERE kiosk_id <> 'kiosk-a'"), >, 0);
  /* Another store's member lines: invisible; another kiosk's row: untouchable. */
  g_assert_cmpint (gh_test_pg_int (as_a, "SELECT count (*) FROM glasshouse.member_change"
                                         " WHERE ref = 'm-only-2'"), ==, 0);
  g_assert_cmpint (gh_test_pg_int (as_a, "WITH u AS (UPDATE glasshouse.kiosk SET last_seq = 0"
                                         " WHERE kiosk_id = 'kiosk-b' RETURNING 1)"
                                         " SELECT count (*) FROM u"), ==, 0);
  {
    struct { const char *sql; const char *sqlstate; } refused[] = {
      /* writing under another kiosk's id */
      { "INSERT INTO glasshouse.event (kiosk_id, seq, at, actor, kind, body, prev_hash, hash)"
        " VALUES ('kiosk-b', 999, now (), 'x', 'x', '{}', 'p', 'h')", "42501" },
      /* data copies */
      { "SELECT attachment FROM glasshouse.event", "42501" },
      /* members, receipts, HQ's own tables */
      { "SELECT * FROM glasshouse.member", "42501" },
      { "SELECT * FROM glasshouse.receipt", "42501" },
      { "SELECT * FROM glasshouse.kiosk_key", "42501" },
      { "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at, origin)"
        " VALUES ('r', 'p', 'granted', now (), 'portal')", "42501" },
      { "SELECT glasshouse.register_kiosk ('kiosk-b', 'store-1', NULL)", "42501" },
      { "SELECT glasshouse.kiosk_heartbeat ('kiosk-b', now (), 'x', 1, 0, NULL, NULL)", "42501" },
      { "SELECT glasshouse.approve_kiosk ('kiosk-a')", "42501" },
      { "SELECT glasshouse.erase_member ('m', 'kiosk', now (), 'kiosk-a')", "42501" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autoptr(PGresult) result = PQexec (as_a, refused[i].sql);

        g_test_message ("as kiosk-a: %s", refused[i].sql);
        g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
        g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, refused[i].sqlstate);
      }
  }
  /* The analyst reads the consent view and nothing personal. */
  gh_test_pg_exec (db, "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at,"
                       " origin) VALUES ('m-x', 'marketing.email', 'granted', now (), 'crm')");
  gh_test_pg_exec (db, "CREATE ROLE analyst LOGIN PASSWORD 'an-Pw-1' IN ROLE glasshouse_analyst");
  {
    g_autofree char *conninfo = gh_test_pg_conninfo (pg, "fleet_roles", "analyst", "an-Pw-1");
    g_autoptr(PGconn) analyst = PQconnectdb (conninfo);
    g_autoptr(PGresult) member = NULL;
    g_autoptr(PGresult) event = NULL;

    g_assert_cmpint (gh_test_pg_int (analyst, "SELECT count (*) FROM glasshouse.consent_current"),
                     >, 0);
    member = PQexec (analyst, "SELECT * FROM glasshouse.member_change");
    g_assert_cmpstr (PQresultErrorField (member, PG_DIAG_SQLSTATE), ==, "42501");
    event = PQexec (analyst, "SELECT * FROM glasshouse.event");
    g_assert_cmpstr (PQresultErrorField (event, PG_DIAG_SQLSTATE), ==, "42501");
  }

  /* hq status --fleet: nobody silent; then C's last heartbeat 20 minutes ago. */
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "status", "--fleet", "--postgres",
                                    fleet.admin, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "0 of 3 kiosks silent for 15 minutes or more"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  gh_test_pg_exec (db, "UPDATE glasshouse.kiosk_health SET at = now () - interval '20 minutes'"
                       " WHERE kiosk_id = 'kiosk-c'");
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "--json", "hq", "status", "--fleet",
                                    "--postgres", fleet.admin, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"kiosk_id\" : \"kiosk-c\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Options may stand before the command's words. */
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "--postgres", fleet.admin, "hq", "status",
                                    "--fleet", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "kiosk-c (store store-2): silent since"));
  g_assert_null (strstr (out, "kiosk-a"));
  g_assert_nonnull (strstr (out, "1 of 3 kiosks silent"));
  fleet_tear_down (&fleet);
}

/* Bad input to HQ's commands: one line, the right exit code, nothing published. */
static void
test_publish_refuses (void)
{
  Fleet fleet = { 0 };
  g_autoptr(PGconn) db = NULL;
  g_autofree char *err = NULL;
  g_autofree char *junk = NULL;

  REQUIRE_PG ();
  fleet_set_up (&fleet, "fleet_publish");
  db = gh_test_pg_admin (pg, "fleet_publish");
  junk = g_build_filename (fleet.dir, "junk.bundle", NULL);
  g_assert_true (g_file_set_contents (junk, "{\"format\":\"something else\"}", -1, NULL));
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "publish", "--postgres", fleet.admin, junk,
                                    NULL), ==, 3);
  g_assert_nonnull (strstr (err, "glasshouse-ctl: error: "));
  g_assert_nonnull (strstr (err, "not a glasshouse-bundle/1 envelope"));
  g_assert_cmpint (strchr (err, '\n') - err + 1, ==, strlen (err));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "publish", "--postgres", fleet.admin, junk,
                                    "--stores", "a b", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "kiosk", "approve", "kiosk-zz",
                                    "--postgres", fleet.admin, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "no key of kiosk \"kiosk-zz\" waiting"));
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.bundle"), ==, 0);
  fleet_tear_down (&fleet);
}

/* Whole partitions go by retention; the consent proofs stay. */
static void
test_retention (void)
{
  g_autoptr(PGconn) db = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *old_month = NULL;

  REQUIRE_PG ();
  gh_test_hq_create (pg, "fleet_retention");
  admin = gh_test_hq_admin_conninfo (pg, "fleet_retention");
  db = gh_test_pg_admin (pg, "fleet_retention");
  gh_test_pg_exec (db, "SELECT glasshouse.ensure_month_partition ((now () - interval '30 months')::date)");
  gh_test_pg_exec (db, "INSERT INTO glasshouse.event (kiosk_id, seq, at, actor, customer_ref, kind,"
                       " body, prev_hash, hash)"
                       " SELECT 'kiosk-old', 1, t, 'shopper', 'm-old', 'consent.revoked',"
                       "        '{\"purpose\":\"marketing.email\",\"state\":\"revoked\"}',"
                       "        repeat ('0', 64), glasshouse.chain_hash (1, t, 'kiosk-old',"
                       "        'shopper', 'm-old', 'consent.revoked',"
                       "        '{\"purpose\":\"marketing.email\",\"state\":\"revoked\"}',"
                       "        repeat ('0', 64))"
                       "   FROM (SELECT date_trunc ('month', now () - interval '30 months')"
                       "                + interval '1 day' AS t) x");
  old_month = gh_test_pg_value (db, "SELECT to_char (now () - interval '30 months',"
                                    " '\"event_\"YYYY_MM')");
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"
                                       " WHERE ref = 'm-old'"), ==, 1);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "retention", "--postgres", admin,
                                    "--keep-months", "0", NULL), ==, 2);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "retention", "--postgres", admin,
                                    "--keep-months", "24", NULL), ==, 0);
  g_assert_nonnull (strstr (out, old_month));
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.event"
                                       " WHERE kiosk_id = 'kiosk-old'"), ==, 0);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"
                                       " WHERE ref = 'm-old'"), ==, 1);
  /* The last 24 months and the months ahead stay. */
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM pg_inherits i"
                                       " JOIN pg_class c ON c.oid = i.inhrelid"
                                       " WHERE c.relname = to_char (now () - interval '11 months',"
                                       " '\"event_\"YYYY_MM')"), ==, 1);
  g_assert_null (strstr (out, "consent proofs for"));

  /* A published config that keeps consent proofs three years: a month of 30 months ago
   * stays whatever --keep-months says, one of 40 months ago goes. */
  {
    g_autofree char *dir = gh_test_mkdtemp ();
    g_autofree char *prefix = gh_test_bundle_keygen (dir, "hq");
    g_autofree char *config = gh_test_bundle_config (2);
    g_autofree char *edited = gh_test_bundle_edit (config, "controller.consent_proof_days",
                                                   "1095");
    g_autoptr(GBytes) bundle = gh_test_bundle_sign (edited, prefix);
    g_autofree char *path = gh_test_bundle_write (dir, "proofs.bundle", bundle);
    g_autofree char *older_month = gh_test_pg_value (db, "SELECT to_char (now () - interval"
                                                         " '40 months', '\"event_\"YYYY_MM')");
    g_autoptr(JsonNode) json = NULL;
    JsonObject *answer;

    ctl_ok ("hq", "publish", "--postgres", admin, path, NULL);
    gh_test_pg_exec (db, "SELECT glasshouse.ensure_month_partition ((now () - interval"
                         " '30 months')::date);"
                         "SELECT glasshouse.ensure_month_partition ((now () - interval"
                         " '40 months')::date)");
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "retention", "--postgres", admin,
                                      "--keep-months", "1", "--json", NULL), ==, 0);
    json = json_from_string (out, NULL);
    g_assert_nonnull (json);
    answer = json_node_get_object (json);
    g_assert_cmpint (json_object_get_int_member (answer, "consent_proof_days"), ==, 1095);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "dropped")),
                      ==, 1);
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (answer,
                                                                                  "dropped"),
                                                    0), ==, older_month);
    g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM pg_inherits i"
                                         " JOIN pg_class c ON c.oid = i.inhrelid"
                                         " WHERE c.relname = to_char (now () - interval"
                                         " '30 months', '\"event_\"YYYY_MM')"), ==, 1);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "retention", "--postgres", admin,
                                      "--keep-months", "1", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "keep consent proofs for 1095 days"));

    /* A published config with a period no kiosk would accept: nothing is dropped on a guess,
     * and the error names the bundle. */
    {
      g_autofree char *config3 = gh_test_bundle_config (3);
      g_autofree char *bad = gh_test_bundle_edit (config3, "controller.consent_proof_days",
                                                  "\"3 years\"");
      g_autoptr(GBytes) bad_bundle = gh_test_bundle_sign (bad, prefix);
      g_autofree char *bad_path = gh_test_bundle_write (dir, "bad.bundle", bad_bundle);
      gint64 partitions = gh_test_pg_int (db, "SELECT count (*) FROM pg_inherits"
                                              " WHERE inhparent = 'glasshouse.event'::regclass");

      ctl_ok ("hq", "publish", "--postgres", admin, bad_path, NULL);
      gh_test_pg_exec (db, "SELECT glasshouse.ensure_month_partition ((now () - interval"
                           " '40 months')::date)");
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "retention", "--postgres", admin,
                                        "--keep-months", "1", NULL), !=, 0);
      g_assert_nonnull (strstr (err, "config version 3"));
      g_assert_nonnull (strstr (err, "controller.consent_proof_days"));
      g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM pg_inherits"
                                           " WHERE inhparent = 'glasshouse.event'::regclass"),
                       ==, partitions + 1);
    }
    gh_test_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pg = gh_test_pg_start_sealed (FALSE, &pg_skip_reason);
  g_test_add_func ("/fleet/one-fleet", test_fleet);
  g_test_add_func ("/fleet/roles", test_roles);
  g_test_add_func ("/fleet/publish-refuses", test_publish_refuses);
  g_test_add_func ("/fleet/retention", test_retention);
  return gh_test_run_and_free (pg, (GDestroyNotify) gh_test_pg_stop, pg_skip_reason);
}
