/* The pull benchmark (issue 14): a kiosk pulls 100,000 member changes of its store from HQ
 * into its store's stage (as its own kiosk login, row-level security on), against a bare
 * `COPY (SELECT …) TO STDOUT` of the same rows read to the end in the same run, by the same
 * login on a new connection as the pull's own (a sync process always starts one: a new
 * server backend faults in the shared buffers it reads, which on a VM costs as much as the
 * copy itself, so a floor on an old connection would compare unlike things); and a sync
 * round with nothing to do (push, register, settle, pull, heartbeat), on a connection already
 * open and as a whole `glasshouse-ctl sync` process. GLASSHOUSE_BENCH_PULL=N changes the size.
 * Targets: pull within 2x of the COPY; an empty round under 20 ms.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <sqlite3.h>

#include "hq/gh-hq-sync.h"
#include "gh-test-bundle.h"
#include "gh-test-hq-fleet.h"
#include "gh-test-utils.h"

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* The floor: the same rows, read to the end and thrown away, on a new connection of @conninfo. */
static double
time_bare_copy (const char *conninfo,
                int         expected_rows)
{
  g_autoptr(PGconn) db = PQconnectdb (conninfo);
  gint64 start;
  PGresult *result;
  gint64 bytes = 0, rows = 0;
  char *buffer;
  int n;

  g_assert_cmpint (PQstatus (db), ==, CONNECTION_OK);
  start = g_get_monotonic_time ();
  result = PQexec (db, "COPY (SELECT change_no, ref, line FROM glasshouse.member_change"
                       " WHERE 'store-1' = ANY (stores) ORDER BY change_no) TO STDOUT");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COPY_OUT);
  PQclear (result);
  while ((n = PQgetCopyData (db, &buffer, 0)) > 0)
    {
      bytes += n;
      rows++;
      PQfreemem (buffer);
    }
  while ((result = PQgetResult (db)) != NULL)
    PQclear (result);
  g_assert_cmpint (bytes, >, 0);
  g_assert_cmpint (rows, ==, expected_rows);
  return seconds_since (start);
}

/* One pull of every member change into an empty stage, on a new connection; returns the
 * seconds from the connection being open to the last page committed. */
static double
time_pull (GhStore    *store,
           const char *conninfo,
           int         expected_rows)
{
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  gint64 staged = 0, start;
  sqlite3 *raw = NULL;

  /* Empty the stage and rewind the cursor beside the store's own connection (WAL). */
  g_assert_cmpint (sqlite3_open (gh_store_get_path (store), &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DELETE FROM fleet_pending;"
                                      " DELETE FROM meta WHERE key = 'hq_cursor_member'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  hq = gh_hq_connect (conninfo, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (gh_hq_pull_members (hq, store, 0, &staged, &error));
  g_assert_no_error (error);
  g_assert_cmpint (staged, ==, expected_rows);
  return seconds_since (start);
}

static void
bench_pull (void)
{
  g_autofree char *skip = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *trust = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) db = NULL;
  const char *size = g_getenv ("GLASSHOUSE_BENCH_PULL");
  int members = size != NULL && atoi (size) > 0 ? atoi (size) : 100000;
  GhTestPg *pg = gh_test_pg_start_sealed (TRUE, &skip);
  gint64 start;
  double pull_seconds, copy_seconds, round_ms, process_ms;
  GhHqSyncOptions options = { 0 };
  const int rounds = 20;

  if (pg == NULL)
    {
      g_test_skip (skip);
      return;
    }
  dir = gh_test_mkdtemp ();
  prefix = gh_test_bundle_keygen (dir, "hq");
  trust = g_strdup_printf ("%s.pub", prefix);
  gh_test_hq_create (pg, "hq_pull");
  db = gh_test_pg_admin (pg, "hq_pull");
  store = gh_test_fleet_store (dir, "kiosk-bench", "store-1", prefix);
  conninfo = gh_test_hq_kiosk_login (pg, "hq_pull", "kiosk-bench");
  hq = gh_hq_connect (conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (gh_hq_sync (hq, store, NULL, NULL, &error));
  g_assert_no_error (error);
  gh_test_pg_int (db, "SELECT glasshouse.approve_kiosk ('kiosk-bench')");

  /* Member lines of a realistic size (a few items), one per member, half for another store. */
  line = gh_test_member_line ("REF", "LOYALTY", "A Member Name", "someone@example.org",
                              "[\"store-1\"]");
  fill = g_strdup_printf ("INSERT INTO glasshouse.member_change (ref, stores, line)"
                          " SELECT 'm-' || i, CASE WHEN i %% 2 = 0 THEN '{store-1}'"
                          "                        ELSE '{store-2}' END::text[],"
                          "        replace (replace ('%s', 'REF', 'm-' || i), 'LOYALTY',"
                          "                 (7300000000000 + i)::text)"
                          "   FROM generate_series (1, %d) AS i", line, members * 2);
  gh_test_pg_exec (db, fill);
  gh_test_pg_exec (db, "VACUUM ANALYZE glasshouse.member_change");

  /* Alternating, the better of three each: both see the same server caches. */
  copy_seconds = pull_seconds = G_MAXDOUBLE;
  for (int i = 0; i < 3; i++)
    {
      copy_seconds = MIN (copy_seconds, time_bare_copy (conninfo, members));
      pull_seconds = MIN (pull_seconds, time_pull (store, conninfo, members));
    }
  printf ("# pull: %d member changes into the stage in %.3f s (%.0f/s); bare COPY TO STDOUT of"
          " the same rows by the same login: %.3f s; ratio %.2f (target 2.0)\n", members,
          pull_seconds, members / pull_seconds, copy_seconds, pull_seconds / copy_seconds);

  /* The empty rounds: nothing staged (the real round would apply the stage through the
   * member import, which bench-import measures), nothing new at HQ. */
  {
    g_autofree char *path = g_strdup (gh_store_get_path (store));
    sqlite3 *raw = NULL;

    g_clear_object (&store);
    g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (raw, "DELETE FROM fleet_pending", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    sqlite3_close (raw);
    store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
    g_assert_no_error (error);
  }
  gh_test_pg_exec (db, "DELETE FROM glasshouse.member_change");
  g_assert_true (gh_hq_sync (hq, store, &options, NULL, &error));
  start = g_get_monotonic_time ();
  for (int i = 0; i < rounds; i++)
    g_assert_true (gh_hq_sync (hq, store, &options, NULL, &error));
  round_ms = seconds_since (start) * 1000 / rounds;
  start = g_get_monotonic_time ();
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (gh_test_fleet_sync (gh_store_get_path (store), conninfo, trust, NULL, NULL),
                     ==, 0);
  process_ms = seconds_since (start) * 1000 / 5;
  printf ("# empty round: %.1f ms on an open connection, %.1f ms as a glasshouse-ctl sync"
          " process (connect, open the store, round, exit); target 20 ms\n", round_ms,
          process_ms);

  g_clear_object (&hq);
  g_clear_object (&store);
  gh_test_rmdir (dir);
  gh_test_pg_stop (pg);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bench/hq-pull", bench_pull);
  return g_test_run ();
}
