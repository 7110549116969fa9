/* A fleet of kiosks pushing into one HQ at once: every kiosk is its own store and
 * its own glasshouse-ctl process, as in a real estate of stores. The floor to
 * compare with is one bare COPY of exactly the rows that arrived, fetched back out
 * of HQ, into a table of the same shape. See gh-test-fleet.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-test-fleet.h"

#include <gio/gio.h>
#include <string.h>

#include "store/gh-event-chain.h"
#include "hq/gh-hq.h"
#include "store/gh-store-private.h"
#include "gh-test-utils.h"

void
gh_test_fleet_size (const char *name,
                    int        *kiosks,
                    int        *events_each)
{
  const char *value = g_getenv (name);
  int k, e;

  if (value != NULL && sscanf (value, "%dx%d", &k, &e) == 2 && k > 0 && e > 0)
    {
      *kiosks = k;
      *events_each = e;
    }
}

static void
make_kiosk_store (const char *path,
                  const char *kiosk_id,
                  int         events)
{
  g_autoptr(GError) error = NULL;
  /* Without synchronous: building 100,000 events one fsync at a time would
   * measure the disk, not the push. */
  g_autoptr(GhStore) store = gh_test_kiosk_store_new (path, kiosk_id);

  g_assert_true (gh_store_begin (store, &error));
  for (int i = 0; i < events; i++)
    {
      g_autofree char *ref = g_strdup_printf ("ref-%s-%d", kiosk_id, i % 97);
      const char *purpose = (i % 3 == 0) ? "marketing.email" : "personalize.offers";
      GhConsentState state = (i / 3) % 2 ? GH_CONSENT_REVOKED : GH_CONSENT_GRANTED;
      g_autofree char *body = gh_event_chain_consent_body (purpose, state, "2");

      g_assert_cmpint (gh_store_append_event (store, "shopper", ref,
                                              state == GH_CONSENT_GRANTED ? "consent.granted"
                                                                          : "consent.revoked",
                                              body, &error), ==, i + 1);
    }
  g_assert_true (gh_store_commit (store, &error));
  g_assert_no_error (error);
}

static void
prepare_database (GhTestPg   *pg,
                  const char *dbname,
                  const char *user)
{
  g_autoptr(PGconn) admin = gh_test_pg_admin (pg, "postgres");
  g_autoptr(PGconn) db = NULL;
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", dbname);
  g_autofree char *owner_conninfo = gh_test_pg_conninfo (pg, dbname, "postgres", NULL);
  g_autofree char *grants = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;

  gh_test_pg_exec (admin, create);
  hq = gh_hq_connect (owner_conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (gh_hq_init_schema (hq, &error));
  g_assert_no_error (error);

  db = gh_test_pg_admin (pg, dbname);
  grants = g_strdup_printf ("GRANT USAGE ON SCHEMA glasshouse TO %1$s;"
                            "GRANT SELECT, INSERT ON glasshouse.event TO %1$s;"
                            "GRANT SELECT, INSERT, UPDATE ON glasshouse.kiosk TO %1$s;"
                            "GRANT TEMPORARY ON DATABASE %2$s TO %1$s;", user, dbname);
  gh_test_pg_exec (db, grants);
}

static void
copy_rows (PGconn        *db,
           const guint8  *rows,
           gsize          length)
{
  PGresult *result = PQexec (db, "COPY floor_event (kiosk_id, seq, at, actor, customer_ref, kind,"
                                 " body, prev_hash, hash) FROM STDIN");

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COPY_IN);
  PQclear (result);
  g_assert_cmpint (PQputCopyData (db, (const char *) rows, length), ==, 1);
  g_assert_cmpint (PQputCopyEnd (db, NULL), ==, 1);
  while ((result = PQgetResult (db)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        gh_test_fail ("bare COPY failed: %s", PQerrorMessage (db));
      PQclear (result);
    }
}

/* Fetches the fleet's rows back out of HQ as COPY text, ordered by kiosk and seq, and
 * makes the floors' table of the same shape as HQ's. */
static GByteArray *
fetch_fleet_rows (PGconn *db)
{
  GByteArray *rows = g_byte_array_new ();
  PGresult *result;
  char *buffer = NULL;
  int length;

  gh_test_pg_exec (db, "CREATE TABLE floor_event (LIKE glasshouse.event INCLUDING ALL)"
                       " PARTITION BY RANGE (at);"
                       "CREATE TABLE floor_event_default PARTITION OF floor_event DEFAULT;");
  result = PQexec (db, "COPY (SELECT kiosk_id, seq, at, actor, customer_ref, kind, body,"
                       " prev_hash, hash FROM glasshouse.event WHERE kiosk_id LIKE 'fleet-%'"
                       " ORDER BY kiosk_id, seq) TO STDOUT");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COPY_OUT);
  PQclear (result);
  while ((length = PQgetCopyData (db, &buffer, FALSE)) > 0)
    {
      g_byte_array_append (rows, (const guint8 *) buffer, length);
      PQfreemem (buffer);
    }
  g_assert_cmpint (length, ==, -1);
  while ((result = PQgetResult (db)) != NULL)
    {
      g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
      PQclear (result);
    }
  return rows;
}

/* The floor the issue names: one COPY of all the rows, in one transaction. */
static double
time_bare_copy (PGconn     *db,
                GByteArray *rows)
{
  gint64 start = g_get_monotonic_time ();

  copy_rows (db, rows->data, rows->len);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

typedef struct {
  char       *conninfo;
  GByteArray *rows;        /* one kiosk's rows, as COPY text */
  int         batch;
  char       *failure;
} FanOutKiosk;

/* One kiosk of the fan-out floor: connect, then BEGIN, COPY @batch rows, COMMIT until done. */
static gpointer
fan_out_kiosk (gpointer data)
{
  FanOutKiosk *kiosk = data;
  PGconn *db = PQconnectdb (kiosk->conninfo);
  const guint8 *at = kiosk->rows->data, *end = kiosk->rows->data + kiosk->rows->len;

  if (PQstatus (db) != CONNECTION_OK)
    {
      kiosk->failure = g_strdup (PQerrorMessage (db));
      PQfinish (db);
      return NULL;
    }
  while (at < end)
    {
      const guint8 *stop = at;

      for (int n = 0; n < kiosk->batch && stop < end; n++)
        stop = (const guint8 *) memchr (stop, '\n', end - stop) + 1;
      PQclear (PQexec (db, "BEGIN"));
      copy_rows (db, at, stop - at);
      PQclear (PQexec (db, "COMMIT"));
      at = stop;
    }
  PQfinish (db);
  return NULL;
}

/* The second floor, the push's shape without Glasshouse: @rows split per kiosk and copied
 * by @kiosks threads at once, each on a new connection of @conninfo, @batch rows a
 * transaction. What the push costs beyond it is the checks, the derived rows and the
 * kiosk's own process and store. */
static double
time_fan_out_copy (PGconn     *db,
                   GByteArray *rows,
                   int         kiosks,
                   const char *conninfo,
                   int         batch)
{
  g_autofree FanOutKiosk *fleet = g_new0 (FanOutKiosk, kiosks);
  g_autofree GThread **threads = g_new0 (GThread *, kiosks);
  g_autofree char *copied = NULL;
  g_autofree char *expected = NULL;
  const guint8 *at = rows->data, *end = rows->data + rows->len;
  gint64 start, lines = 0;

  gh_test_pg_exec (db, "TRUNCATE floor_event");
  for (int k = 0; k < kiosks; k++)
    {
      g_autofree char *kiosk_id = g_strdup_printf ("fleet-%03d\t", k);

      fleet[k].conninfo = g_strdup (conninfo);
      fleet[k].rows = g_byte_array_new ();
      fleet[k].batch = batch;
      while (at < end && strncmp ((const char *) at, kiosk_id, strlen (kiosk_id)) == 0)
        {
          const guint8 *next = (const guint8 *) memchr (at, '\n', end - at) + 1;

          g_byte_array_append (fleet[k].rows, at, next - at);
          at = next;
          lines++;
        }
    }
  g_assert_true (at == end);

  start = g_get_monotonic_time ();
  for (int k = 0; k < kiosks; k++)
    threads[k] = g_thread_new ("fan-out", fan_out_kiosk, &fleet[k]);
  for (int k = 0; k < kiosks; k++)
    g_thread_join (threads[k]);
  start = g_get_monotonic_time () - start;

  for (int k = 0; k < kiosks; k++)
    {
      if (fleet[k].failure != NULL)
        gh_test_fail ("fan-out floor, kiosk %d: %s", k, fleet[k].failure);
      g_free (fleet[k].conninfo);
      g_byte_array_unref (fleet[k].rows);
    }
  copied = gh_test_pg_value (db, "SELECT count(*) FROM floor_event");
  expected = g_strdup_printf ("%" G_GINT64_FORMAT, lines);
  g_assert_cmpstr (copied, ==, expected);
  return start / (double) G_USEC_PER_SEC;
}

void
gh_test_fleet_run (GhTestPg            *pg,
                   const char          *dbname,
                   const char          *user,
                   const char          *password,
                   int                  kiosks,
                   int                  events_each,
                   int                  batch,
                   GhTestFleetFigures  *figures)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *conninfo = gh_test_pg_conninfo (pg, dbname, user, password);
  g_autofree char *batch_text = g_strdup_printf ("%d", batch);
  g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autoptr(GByteArray) rows = NULL;
  g_autofree char *expected_total = NULL;
  const char *ctl = g_getenv ("GLASSHOUSE_CTL");
  PGresult *per_kiosk;
  gint64 start, build_start;

  g_assert_nonnull (ctl);
  prepare_database (pg, dbname, user);

  build_start = g_get_monotonic_time ();
  for (int k = 0; k < kiosks; k++)
    {
      g_autofree char *path = g_strdup_printf ("%s/kiosk-%03d.db", dir, k);
      g_autofree char *kiosk_id = g_strdup_printf ("fleet-%03d", k);
      make_kiosk_store (path, kiosk_id, events_each);
    }
  g_test_message ("fleet: built %d stores of %d events in %.1f s", kiosks, events_each,
                  (g_get_monotonic_time () - build_start) / (double) G_USEC_PER_SEC);

  start = g_get_monotonic_time ();
  for (int k = 0; k < kiosks; k++)
    {
      g_autofree char *path = g_strdup_printf ("%s/kiosk-%03d.db", dir, k);
      GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                               ctl, "outbox", "push", "--db", path,
                                               "--postgres", conninfo, "--batch", batch_text,
                                               NULL);
      g_assert_no_error (error);
      g_ptr_array_add (processes, process);
    }
  for (guint k = 0; k < processes->len; k++)
    {
      GSubprocess *process = g_ptr_array_index (processes, k);
      g_autofree char *err = NULL;

      g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
        gh_test_fail ("kiosk %u's push failed: %s", k, err);
    }
  figures->push_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  /* Every kiosk: seq 1..E, each exactly once. */
  db = gh_test_pg_admin (pg, dbname);
  per_kiosk = PQexec (db, "SELECT kiosk_id, count(*), count(DISTINCT seq), min(seq), max(seq)"
                          " FROM glasshouse.event WHERE kiosk_id LIKE 'fleet-%'"
                          " GROUP BY kiosk_id ORDER BY kiosk_id");
  g_assert_cmpint (PQresultStatus (per_kiosk), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (per_kiosk), ==, kiosks);
  for (int k = 0; k < kiosks; k++)
    {
      g_autofree char *kiosk_id = g_strdup_printf ("fleet-%03d", k);

      g_assert_cmpstr (PQgetvalue (per_kiosk, k, 0), ==, kiosk_id);
      for (int column = 1; column <= 4; column++)
        g_assert_cmpint (g_ascii_strtoll (PQgetvalue (per_kiosk, k, column), NULL, 10), ==,
                         column == 3 ? 1 : events_each);
    }
  PQclear (per_kiosk);
  expected_total = g_strdup_printf ("%d", kiosks * events_each);
  {
    g_autofree char *total = gh_test_pg_value (db, "SELECT count(*) FROM glasshouse.event");
    g_assert_cmpstr (total, ==, expected_total);
  }
  figures->events = (gint64) kiosks * events_each;
  rows = fetch_fleet_rows (db);
  figures->copy_seconds = time_bare_copy (db, rows);
  {
    /* Over TCP like the kiosks, but as the owner (no password): row-level security
     * refuses COPY FROM to anyone it applies to. */
    g_autofree char *owner = gh_test_pg_conninfo (pg, dbname, "postgres", NULL);

    figures->fan_out_seconds = time_fan_out_copy (db, rows, kiosks, owner, batch);
  }

  g_test_message ("fleet: %d kiosks x %d events = %" G_GINT64_FORMAT " events, batch %d",
                  kiosks, events_each, figures->events, batch);
  g_test_message ("fleet: outbox push (all kiosks at once): %.2f s, %.0f events/s",
                  figures->push_seconds, figures->events / figures->push_seconds);
  g_test_message ("fleet: bare COPY of the same rows (floor): %.2f s, %.0f events/s; "
                  "push takes %.1fx the floor", figures->copy_seconds,
                  figures->events / figures->copy_seconds,
                  figures->push_seconds / figures->copy_seconds);
  g_test_message ("fleet: the same rows as %d connections of bare COPYs at once, %d rows a"
                  " transaction: %.2f s; push takes %.1fx that", kiosks, batch,
                  figures->fan_out_seconds, figures->push_seconds / figures->fan_out_seconds);
  gh_test_rmdir (dir);
}
