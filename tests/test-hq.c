/* Tests of the HQ link against a real, throwaway PostgreSQL server: hq init and its
 * partitions, pushing, pushers killed at every stage and at random moments (HQ ends
 * with each event exactly once, in order, and nothing acked that HQ lacks), the
 * current-consent view against the kiosk's own table, the errors a kiosk meets
 * (unreachable, bad password, no schema, no database, no grants, a bad CONNINFO)
 * with their exit codes and an untouched outbox, the backoff file, a kiosk id used
 * by two stores, the status for the health page, the systemd units, and a fleet.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hq/gh-hq.h"
#include "store/gh-store-private.h"
#include "gh-test-fleet.h"
#include "gh-test-pg.h"
#include "gh-test-utils.h"

#define KIOSK_USER "kiosk"
#define KIOSK_PASSWORD "kiosk-Pw-7f3a"

static GhTestPg *pg;
static char *pg_skip_reason;

#define REQUIRE_PG() GH_TEST_REQUIRE_PG (pg, pg_skip_reason)

/* A new database; with the schema made by hq init and the grants a kiosk role needs. */
static char *
new_database (gboolean with_schema,
              gboolean with_grants)
{
  static int counter;
  g_autoptr(PGconn) admin = gh_test_pg_admin (pg, "postgres");
  g_autofree char *create = NULL;
  char *name = g_strdup_printf ("hq_%d", ++counter);

  create = g_strdup_printf ("CREATE DATABASE %s", name);
  gh_test_pg_exec (admin, create);
  if (with_schema)
    {
      g_autofree char *conninfo = gh_test_pg_conninfo (pg, name, "postgres", NULL);
      g_autoptr(GhHq) hq = NULL;
      g_autoptr(GError) error = NULL;

      hq = gh_hq_connect (conninfo, &error);
      g_assert_no_error (error);
      g_assert_true (gh_hq_init_schema (hq, &error));
      g_assert_no_error (error);
    }
  if (with_grants)
    {
      g_autoptr(PGconn) db = gh_test_pg_admin (pg, name);
      g_autofree char *grants = g_strdup_printf (
          "GRANT USAGE ON SCHEMA glasshouse TO " KIOSK_USER ";"
          "GRANT SELECT, INSERT ON glasshouse.event TO " KIOSK_USER ";"
          "GRANT SELECT, INSERT, UPDATE ON glasshouse.kiosk TO " KIOSK_USER ";"
          "GRANT TEMPORARY ON DATABASE %s TO " KIOSK_USER ";", name);
      gh_test_pg_exec (db, grants);
    }
  return name;
}

static char *
kiosk_conninfo (const char *dbname)
{
  return gh_test_pg_conninfo (pg, dbname, KIOSK_USER, KIOSK_PASSWORD);
}

/* What a push test starts from: a temp folder for its stores, a fresh HQ with the
 * schema and the kiosk's grants, the kiosk's conninfo and a superuser connection. */
typedef struct {
  char   *dir;
  char   *dbname;
  char   *conninfo;
  PGconn *db;
} PushHq;

static void
push_hq_init (PushHq *hq)
{
  hq->dir = gh_test_mkdtemp ();
  hq->dbname = new_database (TRUE, TRUE);
  hq->conninfo = kiosk_conninfo (hq->dbname);
  hq->db = gh_test_pg_admin (pg, hq->dbname);
}

/* After the test has closed its stores: the folder goes with them. */
static void
push_hq_clear (PushHq *hq)
{
  PQfinish (hq->db);
  gh_test_rmdir (hq->dir);
  g_free (hq->dir);
  g_free (hq->dbname);
  g_free (hq->conninfo);
}

/* A store named @kiosk_id with the small config and @n_customers shoppers. */
static GhStore *
make_store (const char *path,
            const char *kiosk_id,
            int         n_customers)
{
  g_autoptr(GError) error = NULL;
  /* The pusher's acks still wait for the disk. */
  g_autoptr(GhStore) store = gh_test_kiosk_store_new (path, kiosk_id);

  gh_test_activate_config (store, 1, gh_test_small_config ());
  for (int i = 0; i < n_customers; i++)
    {
      g_autofree char *loyalty = g_strdup_printf ("%d", 5000 + i);
      g_autofree char *ref = g_strdup_printf ("ref-%s-%d", kiosk_id, i);

      gh_store_add_customer (store, loyalty, ref, "Test Shopper", NULL, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&store);
}

/* @n random consent changes by the store's shoppers; returns how many were recorded. */
static int
change_consents (GhStore *store,
                 int      n_customers,
                 int      n)
{
  const char *purposes[] = { "marketing.email", "personalize.offers" };
  int recorded = 0;

  for (int i = 0; i < n; i++)
    {
      int customer_index = g_test_rand_int_range (0, n_customers);
      g_autofree char *loyalty = g_strdup_printf ("%d", 5000 + customer_index);
      g_autoptr(GError) error = NULL;
      g_autoptr(GhCustomer) customer = gh_store_find_customer (store, loyalty, &error);
      gint64 seq;

      g_assert_no_error (error);
      seq = gh_store_set_consent (store, customer, purposes[g_test_rand_int_range (0, 2)],
                                  g_test_rand_bit () ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED,
                                  "2", "shopper", &error);
      g_assert_no_error (error);
      recorded += seq > 0;
    }
  return recorded;
}

static gint64
store_int (GhStore    *store,
           const char *sql)
{
  return gh_test_store_int (store, sql, NULL);
}

/* The invariants that must hold after any push, finished or killed:
 * HQ holds exactly events 1..k of this kiosk, each once, with the kiosk's hashes
 * (and HQ's own recomputation agrees); kiosk.last_seq is k; the outbox is one
 * contiguous run at the end of the chain and nothing outside it is missing at HQ.
 * With @complete, k is the whole chain and the outbox is empty. Returns k. */
static gint64
check_hq_has_store (PGconn   *hq,
                    GhStore  *store,
                    gboolean  complete)
{
  const char *kiosk_id = gh_store_get_kiosk_id (store);
  const char *params[] = { kiosk_id };
  g_autoptr(GError) error = NULL;
  PGresult *rows;
  sqlite3_stmt *stmt;
  gint64 at_hq, n_events, outbox_count, outbox_min;

  /* A pusher killed after sending COMMIT leaves its server backend finishing the
   * transaction: wait until no other session is left on the database, so the events
   * and the kiosk's last_seq below are read after it, not half before. */
  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       gh_test_pg_int (hq, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND pid <> pg_backend_pid ()") > 0 &&
       g_get_monotonic_time () < deadline;)
    g_usleep (5000);
  rows = PQexecParams (hq, "SELECT seq, hash, glasshouse.event_hash (e) = hash"
                           " FROM glasshouse.event e WHERE kiosk_id = $1 ORDER BY seq",
                       1, NULL, params, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (rows), ==, PGRES_TUPLES_OK);
  at_hq = PQntuples (rows);

  stmt = _gh_store_prepare (store, "SELECT seq, hash FROM event ORDER BY seq", &error);
  g_assert_no_error (error);
  for (gint64 i = 0; i < at_hq; i++)
    {
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      /* In order, no gaps, no duplicates: row i is event i + 1. */
      g_assert_cmpint (g_ascii_strtoll (PQgetvalue (rows, i, 0), NULL, 10), ==, i + 1);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, i + 1);
      g_assert_cmpstr (PQgetvalue (rows, i, 1), ==, (const char *) sqlite3_column_text (stmt, 1));
      g_assert_cmpstr (PQgetvalue (rows, i, 2), ==, "t");
    }
  sqlite3_reset (stmt);
  PQclear (rows);

  if (at_hq > 0)
    {
      g_autofree char *sql = NULL;
      char *escaped = PQescapeLiteral (hq, kiosk_id, strlen (kiosk_id));

      sql = g_strdup_printf ("SELECT last_seq FROM glasshouse.kiosk WHERE kiosk_id = %s", escaped);
      PQfreemem (escaped);
      g_assert_cmpint (gh_test_pg_int (hq, sql), ==, at_hq);
    }

  n_events = store_int (store, "SELECT count(*) FROM event");
  outbox_count = store_int (store, "SELECT count(*) FROM outbox");
  outbox_min = store_int (store, "SELECT coalesce (min (seq), 0) FROM outbox");
  g_assert_cmpint (at_hq, <=, n_events);
  if (outbox_count > 0)
    {
      g_assert_cmpint (outbox_count, ==, n_events - outbox_min + 1);
      /* Never acked beyond HQ's commit: that would be an event lost. */
      g_assert_cmpint (outbox_min - 1, <=, at_hq);
    }
  else
    g_assert_cmpint (at_hq, ==, n_events);
  if (complete)
    {
      g_assert_cmpint (at_hq, ==, n_events);
      g_assert_cmpint (outbox_count, ==, 0);
    }
  return at_hq;
}

/* HQ's view and the kiosk's consent table say the same for every shopper of this kiosk. */
static void
check_view_matches_store (PGconn  *hq,
                          GhStore *store)
{
  g_autofree char *pattern = g_strdup_printf ("ref-%s-%%", gh_store_get_kiosk_id (store));
  const char *params[] = { pattern };
  g_autoptr(GError) error = NULL;
  PGresult *rows;
  sqlite3_stmt *stmt;
  int n = 0;

  rows = PQexecParams (hq, "SELECT customer_ref, purpose_id, state FROM glasshouse.consent_current"
                           " WHERE customer_ref LIKE $1 ORDER BY customer_ref, purpose_id",
                       1, NULL, params, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (rows), ==, PGRES_TUPLES_OK);
  stmt = _gh_store_prepare (store,
      "SELECT c.ref, k.purpose_id, CASE k.state WHEN 1 THEN 'granted' ELSE 'revoked' END"
      " FROM consent k JOIN customer c ON c.id = k.customer_id ORDER BY c.ref, k.purpose_id",
      &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_assert_cmpint (n, <, PQntuples (rows));
      for (int column = 0; column < 3; column++)
        g_assert_cmpstr (PQgetvalue (rows, n, column), ==,
                         (const char *) sqlite3_column_text (stmt, column));
      n++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpint (n, ==, PQntuples (rows));
  g_assert_cmpint (n, >, 0);
  PQclear (rows);
}

static void
push_in_process (GhStore        *store,
                 const char     *conninfo,
                 int             batch,
                 GhHqPushResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhHq) hq = gh_hq_connect (conninfo, &error);

  g_assert_no_error (error);
  g_assert_true (gh_hq_push (hq, store, batch, NULL, NULL, result, &error));
  g_assert_no_error (error);
}

/* ---- hq init ------------------------------------------------------------- */

static void
test_init (void)
{
  g_autofree char *dbname = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(PGconn) db = NULL;
  gint64 partitions;

  REQUIRE_PG ();
  dbname = new_database (FALSE, FALSE);
  conninfo = gh_test_pg_conninfo (pg, dbname, "postgres", NULL);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "init", "--postgres", conninfo, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "Glasshouse schema ready"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Again: idempotent, and quiet about what already exists. */
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "init", "--postgres", conninfo, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");

  db = gh_test_pg_admin (pg, dbname);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count(*) FROM pg_partitioned_table"
                                       " WHERE partrelid = 'glasshouse.event'::regclass"), ==, 1);
  partitions = gh_test_pg_int (db, "SELECT count(*) FROM pg_inherits"
                                   " WHERE inhparent = 'glasshouse.event'::regclass");
  g_assert_cmpint (partitions, ==, 12 + 1 + 24 + 1);  /* a year back, two ahead, default */
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count(*) FROM pg_inherits i"
                                       " JOIN pg_class c ON c.oid = i.inhrelid"
                                       " WHERE c.relname = to_char (now (), '\"event_\"YYYY_MM')"),
                   ==, 1);

  /* An event from a month with no partition lands in the default one, and creating
   * that month's partition moves it there. */
  gh_test_pg_exec (db, "INSERT INTO glasshouse.event (kiosk_id, seq, at, actor, kind, body,"
                       " prev_hash, hash) SELECT 'k', 1, '2001-02-03T04:05:06.000007Z',"
                       " 'cli', 'staff.login', '{}', repeat ('0', 64), glasshouse.chain_hash"
                       " (1, '2001-02-03T04:05:06.000007Z', 'k', 'cli', NULL, 'staff.login', '{}',"
                       " repeat ('0', 64))");
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count(*) FROM glasshouse.event_default"), ==, 1);
  g_assert_cmpstr (gh_test_pg_value (db, "SELECT glasshouse.ensure_month_partition ('2001-02-20')"),
                   ==, "t");
  g_assert_cmpstr (gh_test_pg_value (db, "SELECT glasshouse.ensure_month_partition ('2001-02-01')"),
                   ==, "f");
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count(*) FROM glasshouse.event_default"), ==, 0);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count(*) FROM glasshouse.event_2001_02"), ==, 1);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count(*) FROM glasshouse.event"), ==, 1);
}

/* ---- push ---------------------------------------------------------------- */

static void
test_push (void)
{
  PushHq hq = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhHqStatus) status = NULL;
  GhHqPushResult result;
  gint64 n;

  REQUIRE_PG ();
  push_hq_init (&hq);
  path = g_build_filename (hq.dir, "store.db", NULL);

  store = make_store (path, "kiosk-push", 6);
  change_consents (store, 6, 40);
  /* Every character COPY's text format escapes, and some it does not, must arrive intact:
   * HQ recomputes each hash from what it stored. */
  gh_store_append_event (store, "staff:7", NULL, "staff.note",
                         "{\"text\":\"tab\\there\\nnew line \\\\ back\\\\slash \\\\N \\r ü €\"}",
                         &error);
  g_assert_no_error (error);
  gh_store_append_event (store, "system", "", "config.applied", "{\"version\":2}", &error);
  g_assert_no_error (error);
  /* An access export travels as an attachment, outside the chain. */
  gh_store_append_event_with_attachment (store, "shopper", "ref-kiosk-push-0", "receipt.issued",
                                         "{\"kind\":\"access\"}",
                                         "{\"customer\":{\"email\":\"ada@example.org\"}}", &error);
  g_assert_no_error (error);
  n = gh_store_count_events (store, &error);

  status = gh_hq_status (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->backlog, ==, n);
  g_assert_nonnull (status->oldest_pending_at);
  g_assert_null (status->last_push_at);
  g_clear_pointer (&status, gh_hq_status_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "outbox", "push", "--db", path,
                                    "--postgres", hq.conninfo, "--batch", "7", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "pushed "));
  g_assert_null (strstr (out, KIOSK_PASSWORD));
  g_assert_cmpint (check_hq_has_store (hq.db, store, TRUE), ==, n);
  check_view_matches_store (hq.db, store);
  g_assert_cmpint (gh_test_pg_int (hq.db, "SELECT count(*) FROM glasshouse.event"
                                       " WHERE customer_ref IS NULL"), ==, 1);
  g_assert_cmpint (gh_test_pg_int (hq.db, "SELECT count(*) FROM glasshouse.event"
                                       " WHERE attachment -> 'customer' ->> 'email' = 'ada@example.org'"),
                   ==, 1);
  /* Delivered and acknowledged: the kiosk no longer keeps the export. */
  g_assert_cmpint (store_int (store, "SELECT count(*) FROM event_attachment"), ==, 0);

  status = gh_hq_status (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->backlog, ==, 0);
  g_assert_null (status->oldest_pending_at);
  g_assert_nonnull (status->last_push_at);
  g_clear_pointer (&status, gh_hq_status_free);

  /* Nothing new: nothing sent, and the contact still counts as a push. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "outbox", "push", "--db", path,
                                    "--postgres", hq.conninfo, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "nothing to push"));

  /* More changes: only they travel. */
  change_consents (store, 6, 25);
  push_in_process (store, hq.conninfo, 4, &result);
  g_assert_cmpint (result.sent, ==, gh_store_count_events (store, NULL) - n);
  g_assert_cmpint (result.skipped, ==, 0);
  g_assert_cmpint (result.batches, ==, (result.sent + 3) / 4);
  check_hq_has_store (hq.db, store, TRUE);
  check_view_matches_store (hq.db, store);

  /* A data copy of someone HQ already forgot (erased at the portal while this kiosk had
   * not heard) arrives as an event, and HQ does not keep the copy. */
  gh_test_pg_exec (hq.db, "SELECT glasshouse.erase_member ('ref-kiosk-push-1', 'portal', now ())");
  gh_store_append_event_with_attachment (store, "shopper", "ref-kiosk-push-1", "receipt.issued",
                                         "{\"kind\":\"access\"}",
                                         "{\"customer\":{\"email\":\"bea@example.org\"}}",
                                         &error);
  g_assert_no_error (error);
  push_in_process (store, hq.conninfo, 4, &result);
  g_assert_cmpint (result.sent, ==, 1);
  g_assert_cmpint (gh_test_pg_int (hq.db, "SELECT count(*) FROM glasshouse.event"
                                       " WHERE customer_ref = 'ref-kiosk-push-1'"
                                       "   AND kind = 'receipt.issued'"), ==, 1);
  g_assert_cmpint (gh_test_pg_int (hq.db, "SELECT count(*) FROM glasshouse.event"
                                       " WHERE attachment::text LIKE '%bea@example.org%'"), ==, 0);

  /* hq status, for people. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "hq", "status", "--db", path, "--json", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "\"backlog\" : 0"));
  g_assert_nonnull (strstr (out, "\"last_push_at\" : \"20"));

  g_clear_object (&store);
  push_hq_clear (&hq);
}

/* ---- crashes ------------------------------------------------------------- */

typedef struct {
  int stage;   /* GhHqStage to die at, or -1 */
  int batch;   /* ... in this batch (0-based) */
  int acked;
} KillPlan;

static void
die_at_stage (GhHqStage stage,
              gint64    batch_last_seq,
              gpointer  user_data)
{
  KillPlan *plan = user_data;

  if ((int) stage == plan->stage && plan->acked == plan->batch)
    raise (SIGKILL);
  if (stage == GH_HQ_STAGE_ACKED)
    plan->acked++;
}

/* Forks a pusher with its own store connection and HQ connection. Returns its pid. */
static pid_t
fork_pusher (const char *path,
             const char *conninfo,
             int         batch,
             KillPlan   *plan)
{
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
      g_autoptr(GhHq) hq = NULL;

      if (store != NULL)
        hq = gh_hq_connect (conninfo, &error);
      if (hq != NULL && gh_hq_push (hq, store, batch, die_at_stage, plan, NULL, &error))
        _exit (0);
      g_printerr ("pusher failed: %s\n", error->message);
      _exit (1);
    }
  return pid;
}

static void
test_crash (void)
{
  PushHq hq = { 0 };
  g_autofree char *path = NULL;
  g_autoptr(GhStore) store = NULL;
  GhHqPushResult result;
  int rounds = g_test_slow () ? 120 : 50;
  int killed = 0, killed_mid_push = 0, finished = 0, resent_rounds = 0;
  gint64 previous_at_hq = 0;

  REQUIRE_PG ();
  push_hq_init (&hq);
  path = g_build_filename (hq.dir, "store.db", NULL);
  store = make_store (path, "kiosk-crash", 12);

  for (int round = 0; round < rounds; round++)
    {
      KillPlan plan = { -1, 0, 0 };
      int status = 0;
      pid_t pid;
      gint64 at_hq;

      change_consents (store, 12, g_test_rand_int_range (5, 40));
      if (round % 2 == 0)
        {
          /* Every stage of the first three batches, in turn. */
          plan.stage = (round / 2) % 5;
          plan.batch = (round / 10) % 3;
          pid = fork_pusher (path, hq.conninfo, 5, &plan);
        }
      else
        {
          /* Anywhere at all: connecting, mid-COPY, in sqlite's ack, between batches. */
          pid = fork_pusher (path, hq.conninfo, g_test_rand_int_range (1, 9), &plan);
          g_usleep (g_test_rand_int_range (0, 300000));
          kill (pid, SIGKILL);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (WIFSIGNALED (status))
        {
          g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
          killed++;
        }
      else
        {
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          finished++;
        }

      at_hq = check_hq_has_store (hq.db, store, FALSE);
      g_assert_cmpint (at_hq, >=, previous_at_hq);
      if (WIFSIGNALED (status) && at_hq > previous_at_hq)
        killed_mid_push++;
      /* Killed after HQ's commit, before the ack: the next push must resend and skip. */
      if (gh_store_outbox_count (store, NULL) > 0 && at_hq >= store_int (store,
            "SELECT coalesce (min (seq), 0) FROM outbox"))
        resent_rounds++;
      previous_at_hq = at_hq;
    }

  push_in_process (store, hq.conninfo, 7, &result);
  check_hq_has_store (hq.db, store, TRUE);
  check_view_matches_store (hq.db, store);
  g_test_message ("crash: %d rounds, %d pushers killed (%d after HQ took some batches), %d "
                  "finished, %d left events HQ had committed but the kiosk had not acked; %"
                  G_GINT64_FORMAT " events at HQ", rounds, killed, killed_mid_push, finished,
                  resent_rounds, previous_at_hq);
  g_assert_cmpint (killed, >, rounds / 3);
  g_assert_cmpint (resent_rounds, >, 0);

  g_clear_object (&store);
  push_hq_clear (&hq);
}

/* ---- errors -------------------------------------------------------------- */

typedef struct {
  char    *dir;
  char    *path;
  GhStore *store;
  char    *export_before;
} ErrorFixture;

static void
error_fixture_set_up (ErrorFixture  *fixture,
                      gconstpointer  data)
{
  if (pg == NULL)
    return;
  fixture->dir = gh_test_mkdtemp ();
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
  fixture->store = make_store (fixture->path, "kiosk-errors", 3);
  change_consents (fixture->store, 3, 10);
  g_assert_cmpint (gh_test_run_ctl (&fixture->export_before, NULL, "outbox", "export",
                                    "--db", fixture->path, NULL), ==, 0);
  g_assert_cmpstr (fixture->export_before, !=, "");
}

static void
error_fixture_tear_down (ErrorFixture  *fixture,
                         gconstpointer  data)
{
  if (pg == NULL)
    return;
  g_clear_object (&fixture->store);
  gh_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->export_before);
}

/* Runs outbox push with @conninfo; checks the exit code, that stderr is one line
 * saying @expected, that no password leaked, and that the outbox is as it was. */
static void
expect_push_error (ErrorFixture *fixture,
                   const char   *conninfo,
                   int           exit_code,
                   const char   *expected,
                   const char   *secret)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *export_after = NULL;
  g_autofree char *last_push = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "outbox", "push", "--db", fixture->path,
                                    "--postgres", conninfo, NULL), ==, exit_code);
  g_test_message ("%s", err);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (gssize) strlen (err) - 1);
  g_assert_nonnull (strstr (err, expected));
  if (secret != NULL)
    {
      g_assert_null (strstr (err, secret));
      g_assert_null (strstr (out, secret));
    }
  g_assert_cmpint (gh_test_run_ctl (&export_after, NULL, "outbox", "export",
                                    "--db", fixture->path, NULL), ==, 0);
  g_assert_cmpstr (export_after, ==, fixture->export_before);
  last_push = gh_store_get_meta (fixture->store, "hq_last_push_at");
  g_assert_null (last_push);
}

static void
test_error_unreachable (ErrorFixture  *fixture,
                        gconstpointer  data)
{
  g_autofree char *conninfo = NULL;

  REQUIRE_PG ();
  conninfo = g_strdup_printf ("host=127.0.0.1 port=%d dbname=hq user=kiosk "
                              "password=Unreach-Secret connect_timeout=5", gh_test_free_port ());
  expect_push_error (fixture, conninfo, 3, "is unreachable", "Unreach-Secret");

  /* Something accepts the connection but never answers: our own timeout ends it. */
  {
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = 0 };
    socklen_t length = sizeof address;
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    g_autofree char *silent = NULL;

    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
    g_assert_cmpint (listen (fd, 4), ==, 0);
    g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
    silent = g_strdup_printf ("host=127.0.0.1 port=%d dbname=hq user=kiosk password=Silent-Secret"
                              " connect_timeout=2", ntohs (address.sin_port));
    expect_push_error (fixture, silent, 3, "is unreachable: no answer within 2 s", "Silent-Secret");
    close (fd);
  }
}

/* HQ goes away in the middle of a batch: the push fails, that batch is not acked, and
 * the next push delivers everything once. */
static void
terminate_pusher (GhHqStage stage,
                  gint64    batch_last_seq,
                  gpointer  user_data)
{
  PGconn *admin = user_data;

  if (stage == GH_HQ_STAGE_COPYING)
    gh_test_pg_exec (admin, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                            " WHERE application_name = 'glasshouse-push'");
}

static void
test_error_server_gone (ErrorFixture  *fixture,
                        gconstpointer  data)
{
  g_autofree char *dbname = NULL;
  g_autofree char *conninfo = NULL;
  g_autoptr(PGconn) admin = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  gint64 backlog = gh_store_outbox_count (fixture->store, NULL);

  REQUIRE_PG ();
  dbname = new_database (TRUE, TRUE);
  conninfo = kiosk_conninfo (dbname);
  admin = gh_test_pg_admin (pg, "postgres");
  db = gh_test_pg_admin (pg, dbname);

  hq = gh_hq_connect (conninfo, &error);
  g_assert_no_error (error);
  g_assert_false (gh_hq_push (hq, fixture->store, 3, terminate_pusher, admin, NULL, &error));
  g_assert_error (error, GH_HQ_ERROR, GH_HQ_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "lost the connection"));
  g_test_message ("%s", error->message);
  g_assert_cmpint (gh_store_outbox_count (fixture->store, NULL), ==, backlog);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count(*) FROM glasshouse.event"), ==, 0);
  g_clear_object (&hq);
  g_clear_error (&error);

  push_in_process (fixture->store, conninfo, 3, NULL);
  check_hq_has_store (db, fixture->store, TRUE);
  check_view_matches_store (db, fixture->store);
}

static void
test_error_bad_password (ErrorFixture  *fixture,
                         gconstpointer  data)
{
  g_autofree char *dbname = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *uri = NULL;

  REQUIRE_PG ();
  dbname = new_database (TRUE, TRUE);
  conninfo = gh_test_pg_conninfo (pg, dbname, KIOSK_USER, "Wrong-Secret");
  expect_push_error (fixture, conninfo, 3, "rejected the credentials", "Wrong-Secret");
  /* The same as a URI, whose password sits in the middle of the string. */
  uri = g_strdup_printf ("postgresql://" KIOSK_USER ":Wrong-Uri-Secret@127.0.0.1:%d/%s",
                         gh_test_pg_port (pg), dbname);
  expect_push_error (fixture, uri, 3, "rejected the credentials", "Wrong-Uri-Secret");
  /* No password at all. */
  g_clear_pointer (&conninfo, g_free);
  conninfo = gh_test_pg_conninfo (pg, dbname, KIOSK_USER, NULL);
  expect_push_error (fixture, conninfo, 3, "wants a password", NULL);
}

/* An HQ database the kiosk's login cannot push into, and what the push must say; then,
 * where @no_database is set, what it must say of a database that is not there. */
typedef struct {
  gboolean    with_schema;
  const char *expected;
  const char *no_database;
} UnusableHq;

static const UnusableHq no_schema = { FALSE, "has no Glasshouse schema", NULL };
/* The schema is there but the kiosk's role was never granted anything. */
static const UnusableHq refused = { TRUE, "permission denied", "refused the connection" };

static void
test_error_unusable (ErrorFixture  *fixture,
                     gconstpointer  data)
{
  const UnusableHq *hq = data;
  g_autofree char *dbname = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *missing = NULL;

  REQUIRE_PG ();
  dbname = new_database (hq->with_schema, FALSE);
  conninfo = kiosk_conninfo (dbname);
  expect_push_error (fixture, conninfo, 3, hq->expected, KIOSK_PASSWORD);
  if (hq->no_database == NULL)
    return;
  missing = kiosk_conninfo ("no_such_hq");
  expect_push_error (fixture, missing, 3, hq->no_database, KIOSK_PASSWORD);
}

static void
test_error_usage (ErrorFixture  *fixture,
                  gconstpointer  data)
{
  g_autofree char *conninfo = NULL;

  REQUIRE_PG ();
  expect_push_error (fixture, "host=127.0.0.1 password=Bad-Syntax-Secret port", 2,
                     "CONNINFO is not a libpq connection string", "Bad-Syntax-Secret");
  conninfo = kiosk_conninfo ("postgres");
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "push", "--db", fixture->path,
                                      "--postgres", conninfo, "--batch", "0", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "--batch 0 must be between"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "push", "--db", fixture->path, NULL),
                     ==, 2);
    g_assert_nonnull (strstr (err, "no HQ given"));
    g_clear_pointer (&err, g_free);
    /* The store is checked too: a missing one is a store problem (4), HQ is not contacted. */
    g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "push", "--db", "/nonexistent/x.db",
                                      "--postgres", conninfo, NULL), ==, 4);
  }
}

/* outbox push of the fixture's store to @conninfo, its back-off kept in @state; the exit code. */
static int
push_with_backoff (ErrorFixture  *fixture,
                   const char    *conninfo,
                   const char    *state,
                   char         **out,
                   char         **err)
{
  return gh_test_run_ctl (out, err, "outbox", "push", "--db", fixture->path, "--postgres", conninfo,
                          "--backoff-state", state, NULL);
}

/* Moves the recorded next attempt into the past, as the passing of the wait would. */
static void
end_the_wait (GKeyFile   *keys,
              const char *state,
              gint64      now)
{
  g_autoptr(GError) error = NULL;

  g_key_file_set_int64 (keys, "backoff", "next_attempt_unix", now - 1);
  g_assert_true (g_key_file_save_to_file (keys, state, &error));
}

static void
test_error_backoff (ErrorFixture  *fixture,
                    gconstpointer  data)
{
  g_autofree char *state = NULL;
  g_autofree char *down = NULL;
  g_autofree char *dbname = NULL;
  g_autofree char *up = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, next;

  REQUIRE_PG ();
  state = g_build_filename (fixture->dir, "hq-backoff.ini", NULL);
  down = g_strdup_printf ("host=127.0.0.1 port=%d dbname=hq user=kiosk connect_timeout=5",
                          gh_test_free_port ());

  /* First failure: exit 3, and a wait of about a minute recorded. */
  g_assert_cmpint (push_with_backoff (fixture, down, state, NULL, &err), ==, 3);
  g_assert_true (g_key_file_load_from_file (keys, state, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_key_file_get_int64 (keys, "backoff", "failures", NULL), ==, 1);
  next = g_key_file_get_int64 (keys, "backoff", "next_attempt_unix", NULL);
  g_assert_cmpint (next, >=, now + 60 - 5);
  g_assert_cmpint (next, <=, now + 60 + 6 + 2);

  /* The next tick does not even try (it would fail the same way), and says so. */
  g_assert_cmpint (push_with_backoff (fixture, down, state, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "backing off until"));

  /* The wait over, another failure doubles it. */
  end_the_wait (keys, state, now);
  g_assert_cmpint (push_with_backoff (fixture, down, state, NULL, NULL), ==, 3);
  g_assert_true (g_key_file_load_from_file (keys, state, G_KEY_FILE_NONE, &error));
  g_assert_cmpint (g_key_file_get_int64 (keys, "backoff", "failures", NULL), ==, 2);
  g_assert_cmpint (g_key_file_get_int64 (keys, "backoff", "next_attempt_unix", NULL), >=,
                   now + 120 - 5);

  /* HQ back, the wait over: the push goes through and the state file goes away. */
  end_the_wait (keys, state, now);
  dbname = new_database (TRUE, TRUE);
  up = kiosk_conninfo (dbname);
  g_assert_cmpint (push_with_backoff (fixture, up, state, NULL, NULL), ==, 0);
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
  g_assert_cmpint (gh_store_outbox_count (fixture->store, NULL), ==, 0);
}

/* Two stores that claim one kiosk id: the second must not have its events
 * "acknowledged" by HQ holding the first one's. */
static void
test_conflict (void)
{
  PushHq hq = { 0 };
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GhStore) a = NULL;
  g_autoptr(GhStore) b = NULL;
  gint64 backlog;

  REQUIRE_PG ();
  push_hq_init (&hq);
  path_a = g_build_filename (hq.dir, "a.db", NULL);
  path_b = g_build_filename (hq.dir, "b.db", NULL);

  a = make_store (path_a, "kiosk-twin", 2);
  b = make_store (path_b, "kiosk-twin", 2);
  change_consents (a, 2, 6);
  change_consents (b, 2, 6);
  push_in_process (a, hq.conninfo, 100, NULL);
  backlog = gh_store_outbox_count (b, NULL);
  g_assert_cmpint (backlog, >, 0);

  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "push", "--db", path_b,
                                    "--postgres", hq.conninfo, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "holds a different event 1 for kiosk kiosk-twin"));
  g_assert_cmpint (gh_store_outbox_count (b, NULL), ==, backlog);
  check_hq_has_store (hq.db, a, TRUE);

  g_clear_object (&a);
  g_clear_object (&b);
  push_hq_clear (&hq);
}

/* ---- the systemd units ---------------------------------------------------- */

static void
test_systemd_units (void)
{
  gh_test_verify_units ("glasshouse-sync.service.in", "glasshouse-sync.timer",
                        "sync --backoff-state");
}

/* ---- the fleet ------------------------------------------------------------ */

static void
test_fleet (void)
{
  GhTestFleetFigures figures = { 0 };
  int kiosks = 10, events = 500;

  REQUIRE_PG ();
  gh_test_fleet_size ("GLASSHOUSE_HQ_FLEET", &kiosks, &events);
  gh_test_fleet_run (pg, "hq_fleet", KIOSK_USER, KIOSK_PASSWORD, kiosks, events, 500, &figures);
  g_assert_cmpint (figures.events, ==, (gint64) kiosks * events);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pg = gh_test_pg_start_sealed (FALSE, &pg_skip_reason);
  if (pg != NULL)
    {
      g_autoptr(PGconn) admin = gh_test_pg_admin (pg, "postgres");
      gh_test_pg_exec (admin, "CREATE ROLE " KIOSK_USER " LOGIN PASSWORD '" KIOSK_PASSWORD "'");
    }

  g_test_add_func ("/hq/init", test_init);
  g_test_add_func ("/hq/push", test_push);
  g_test_add_func ("/hq/crash", test_crash);
  g_test_add ("/hq/error/unreachable", ErrorFixture, NULL, error_fixture_set_up,
              test_error_unreachable, error_fixture_tear_down);
  g_test_add ("/hq/error/bad-password", ErrorFixture, NULL, error_fixture_set_up,
              test_error_bad_password, error_fixture_tear_down);
  g_test_add ("/hq/error/no-schema", ErrorFixture, &no_schema, error_fixture_set_up,
              test_error_unusable, error_fixture_tear_down);
  g_test_add ("/hq/error/refused", ErrorFixture, &refused, error_fixture_set_up,
              test_error_unusable, error_fixture_tear_down);
  g_test_add ("/hq/error/usage", ErrorFixture, NULL, error_fixture_set_up,
              test_error_usage, error_fixture_tear_down);
  g_test_add ("/hq/error/server-gone", ErrorFixture, NULL, error_fixture_set_up,
              test_error_server_gone, error_fixture_tear_down);
  g_test_add ("/hq/error/backoff", ErrorFixture, NULL, error_fixture_set_up,
              test_error_backoff, error_fixture_tear_down);
  g_test_add_func ("/hq/conflict", test_conflict);
  g_test_add_func ("/hq/systemd-units", test_systemd_units);
  g_test_add_func ("/hq/fleet", test_fleet);

  return gh_test_run_and_free (pg, (GDestroyNotify) gh_test_pg_stop, pg_skip_reason);
}
