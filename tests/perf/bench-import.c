/* bench-import: the member import and the retention job on a large store, each
 * beside a floor measured in the same run, so the ratio means something on any
 * machine and under any load.
 *
 *   import:    `glasshouse-ctl import FEED` of N demo members (default 1,000,000,
 *              about 25 million items; GLASSHOUSE_BENCH_MEMBERS=N changes it), as a
 *              retailer's IT runs it, with its peak RSS;
 *              floor: bare sqlite3 inserting the same rows (read back from the
 *              imported store, reading not timed) with prepared single-row
 *              statements, in transactions of the same 2,000 members, into a store
 *              of the same schema with the same settings.
 *   retention: gh_retention_run over a copy of that store where the earliest 10% of
 *              items are due; floor: a bare DELETE of the same rows on another copy,
 *              committed (secure_delete on in both: the store never runs without it).
 *
 * The feed and the stores live in the build folder (about 13 GB for a million
 * members); the feed is written once and reused. Exit status 1 when a target is missed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/gh-catalog.h"
#include "config/gh-config.h"
#include "demo/gh-demo.h"
#include "members/gh-retention.h"
#include "store/gh-store.h"
#include "gh-test-utils.h"

#define IMPORT_TARGET    2.0
#define RETENTION_TARGET 2.0
#define BATCH_MEMBERS    2000

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
check_sqlite (sqlite3    *db,
              int         rc,
              const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    gh_test_fail ("bench-import: %s: %s", what, sqlite3_errmsg (db));
}

/* A store with the demo config, as a kiosk has before its first import. */
static GhStore *
new_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  GhStore *store;

  for (const char *suffix = ""; suffix != NULL; suffix = *suffix == '\0' ? "-wal" : NULL)
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);
      g_unlink (file);
    }
  store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
  if (store == NULL || !gh_config_apply_demo (store, &error))
    gh_test_fail ("bench-import: %s", error->message);
  return store;
}

static char *
ensure_feed (const char *build,
             guint       members)
{
  g_autofree char *name = g_strdup_printf ("bench-members-%u.jsonl", members);
  char *path = g_build_filename (build, name, NULL);
  g_autofree char *scratch = g_build_filename (build, "bench-feed-config.db", NULL);
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_utc ();
  GhDemoSummary summary;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  printf ("# writing a feed of %u demo members to %s (once)\n", members, path);
  store = new_store (scratch);
  catalog = gh_catalog_load_active (store, &error);
  file = g_file_new_for_path (path);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  if (catalog == NULL || out == NULL ||
      !gh_demo_write_feed (catalog, members, 1, today, NULL, G_OUTPUT_STREAM (out), &summary,
                           &error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error))
    gh_test_fail ("bench-import: writing the feed: %s", error->message);
  printf ("# feed: %u members, %" G_GUINT64_FORMAT " items in %.1f s\n", summary.customers,
          summary.data_items, summary.seconds);
  return path;
}

/* Runs glasshouse-ctl import; returns its wall time and peak RSS in KiB. */
static double
run_import (const char *feed,
            const char *db,
            long       *peak_kib)
{
  const char *ctl = g_getenv ("GLASSHOUSE_CTL");
  struct rusage usage;
  double start = now_s ();
  int status;
  pid_t pid;

  g_assert (ctl != NULL);
  pid = fork ();
  if (pid == 0)
    {
      execl (ctl, ctl, "import", feed, "--db", db, (char *) NULL);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    gh_test_fail ("bench-import: glasshouse-ctl import failed (status %d)", status);
  *peak_kib = usage.ru_maxrss;
  return now_s () - start;
}

/* The floor: the imported rows inserted again by bare prepared statements. Only the
 * inserts and commits are timed; reading them back is not. */
static double
floor_insert (const char *source,
              const char *target)
{
  sqlite3 *in, *out;
  sqlite3_stmt *customers, *items, *consents, *add_customer, *add_item, *add_consent;
  double timed = 0, t;
  guint in_batch = 0;
  int rc;

  g_object_unref (new_store (target));  /* the same schema */
  check_sqlite (NULL, sqlite3_open_v2 (source, &in, SQLITE_OPEN_READONLY, NULL), "open source");
  check_sqlite (NULL, sqlite3_open (target, &out), "open target");
  sqlite3_exec (out, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     "PRAGMA cache_size = -262144; PRAGMA foreign_keys = ON;"
                     "PRAGMA secure_delete = ON;", NULL, NULL, NULL);
  sqlite3_prepare_v2 (in, "SELECT id, loyalty_id, ref, display_name, pin_hash, created_at"
                          " FROM customer ORDER BY id", -1, &customers, NULL);
  sqlite3_prepare_v2 (in, "SELECT category, attributes, source, collected_at, retained_until, crm_id"
                          " FROM data_item WHERE customer_id = ?1 ORDER BY id", -1, &items, NULL);
  sqlite3_prepare_v2 (in, "SELECT purpose_id, state, updated_at, notice_version FROM consent"
                          " WHERE customer_id = ?1", -1, &consents, NULL);
  check_sqlite (out, sqlite3_prepare_v2 (out, "INSERT INTO customer (loyalty_id, ref, display_name,"
                                              " pin_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                         -1, &add_customer, NULL), "prepare");
  check_sqlite (out, sqlite3_prepare_v2 (out, "INSERT INTO data_item (customer_id, category,"
                                              " attributes, source, collected_at, retained_until,"
                                              " crm_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                         -1, &add_item, NULL), "prepare");
  check_sqlite (out, sqlite3_prepare_v2 (out, "INSERT INTO consent (customer_id, purpose_id, state,"
                                              " updated_at, notice_version) VALUES (?1, ?2, ?3, ?4,"
                                              " ?5)", -1, &add_consent, NULL), "prepare");

  t = now_s ();
  sqlite3_exec (out, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  timed += now_s () - t;
  while ((rc = sqlite3_step (customers)) == SQLITE_ROW)
    {
      gint64 id;

      for (int c = 0; c < 4; c++)
        sqlite3_bind_text (add_customer, c + 1, (const char *) sqlite3_column_text (customers, c + 1),
                           -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (add_customer, 5, sqlite3_column_int64 (customers, 5));
      t = now_s ();
      check_sqlite (out, sqlite3_step (add_customer), "insert customer");
      timed += now_s () - t;
      sqlite3_reset (add_customer);
      id = sqlite3_last_insert_rowid (out);

      sqlite3_bind_int64 (items, 1, sqlite3_column_int64 (customers, 0));
      while (sqlite3_step (items) == SQLITE_ROW)
        {
          sqlite3_bind_int64 (add_item, 1, id);
          for (int c = 0; c < 6; c++)
            sqlite3_bind_value (add_item, c + 2, sqlite3_column_value (items, c));
          t = now_s ();
          check_sqlite (out, sqlite3_step (add_item), "insert item");
          timed += now_s () - t;
          sqlite3_reset (add_item);
        }
      sqlite3_reset (items);

      sqlite3_bind_int64 (consents, 1, sqlite3_column_int64 (customers, 0));
      while (sqlite3_step (consents) == SQLITE_ROW)
        {
          sqlite3_bind_int64 (add_consent, 1, id);
          for (int c = 0; c < 4; c++)
            sqlite3_bind_value (add_consent, c + 2, sqlite3_column_value (consents, c));
          t = now_s ();
          check_sqlite (out, sqlite3_step (add_consent), "insert consent");
          timed += now_s () - t;
          sqlite3_reset (add_consent);
        }
      sqlite3_reset (consents);

      if (++in_batch == BATCH_MEMBERS)
        {
          t = now_s ();
          check_sqlite (out, sqlite3_exec (out, "COMMIT; BEGIN IMMEDIATE", NULL, NULL, NULL),
                        "commit");
          timed += now_s () - t;
          in_batch = 0;
        }
    }
  t = now_s ();
  check_sqlite (out, sqlite3_exec (out, "COMMIT", NULL, NULL, NULL), "commit");
  sqlite3_wal_checkpoint_v2 (out, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  timed += now_s () - t;

  sqlite3_finalize (customers);
  sqlite3_finalize (items);
  sqlite3_finalize (consents);
  sqlite3_finalize (add_customer);
  sqlite3_finalize (add_item);
  sqlite3_finalize (add_consent);
  sqlite3_close (in);
  sqlite3_close (out);
  return timed;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) a = g_file_new_for_path (from);
  g_autoptr(GFile) b = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  if (!g_file_copy (a, b, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    gh_test_fail ("bench-import: copying %s: %s", from, error->message);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 value;

  check_sqlite (db, sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), sql);
  check_sqlite (db, sqlite3_step (stmt), sql);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

int
main (int    argc,
      char **argv)
{
  const char *build = g_getenv ("GLASSHOUSE_BUILD_DIR");
  const char *scale = g_getenv ("GLASSHOUSE_BENCH_MEMBERS");
  guint members = scale != NULL ? (guint) g_ascii_strtoull (scale, NULL, 10) : 1000000;
  g_autofree char *feed = NULL;
  g_autofree char *imported = NULL;
  g_autofree char *floor_db = NULL;
  g_autofree char *ret_a = NULL;
  g_autofree char *ret_b = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  double import_s, floor_s, retention_s, delete_s, t;
  gint64 items, cutoff;
  long peak_kib = 0;
  gboolean ok = TRUE;

  g_assert (build != NULL && members > 0);
  feed = ensure_feed (build, members);
  imported = g_build_filename (build, "bench-import.db", NULL);
  floor_db = g_build_filename (build, "bench-import-floor.db", NULL);
  ret_a = g_build_filename (build, "bench-retention.db", NULL);
  ret_b = g_build_filename (build, "bench-retention-floor.db", NULL);

  g_object_unref (new_store (imported));
  import_s = run_import (feed, imported, &peak_kib);
  floor_s = floor_insert (imported, floor_db);
  {
    sqlite3 *db;

    sqlite3_open_v2 (imported, &db, SQLITE_OPEN_READONLY, NULL);
    items = query_int (db, "SELECT count (*) FROM data_item");
    sql = g_strdup_printf ("SELECT retained_until FROM data_item ORDER BY retained_until"
                           " LIMIT 1 OFFSET %" G_GINT64_FORMAT, items / 10);
    cutoff = query_int (db, sql);
    sqlite3_close (db);
  }
  printf ("import: %u members, %" G_GINT64_FORMAT " items: %.1f s (%.0f members/s), peak RSS %ld MiB\n",
          members, items, import_s, members / import_s, peak_kib / 1024);
  printf ("import floor: bare prepared inserts of the same rows, same transactions: %.1f s\n",
          floor_s);
  printf ("import ratio: %.2fx (target <= %.1fx)\n", import_s / floor_s, IMPORT_TARGET);
  ok &= import_s / floor_s <= IMPORT_TARGET;

  /* Retention: 10% of the items due, on two copies of the same store. */
  copy_file (imported, ret_a);
  copy_file (imported, ret_b);
  {
    g_autoptr(GhStore) store = gh_store_open (ret_a, GH_STORE_OPEN_DEFAULT, &error);
    g_autoptr(GhRetentionResult) result = NULL;

    g_assert_no_error (error);
    t = now_s ();
    result = gh_retention_run (store, cutoff, &error);
    retention_s = now_s () - t;
    g_assert_no_error (error);
    printf ("retention: %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT " items due: %.2f s\n",
            result->items, items, retention_s);
  }
  {
    sqlite3 *db;
    g_autofree char *delete_sql = g_strdup_printf ("PRAGMA secure_delete = ON; BEGIN IMMEDIATE;"
                                                   " DELETE FROM data_item WHERE retained_until <= %"
                                                   G_GINT64_FORMAT "; COMMIT;", cutoff);

    sqlite3_open (ret_b, &db);
    sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", NULL, NULL, NULL);
    t = now_s ();
    check_sqlite (db, sqlite3_exec (db, delete_sql, NULL, NULL, NULL), "delete");
    delete_s = now_s () - t;
    sqlite3_close (db);
  }
  printf ("retention floor: a bare DELETE of the same rows: %.2f s\n", delete_s);
  printf ("retention ratio: %.2fx (target <= %.1fx)\n", retention_s / delete_s, RETENTION_TARGET);
  ok &= retention_s / delete_s <= RETENTION_TARGET;

  for (const char *path = ret_a; path != NULL; path = path == ret_a ? ret_b : NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
    }
  g_unlink (floor_db);
  return ok ? 0 : 1;
}
