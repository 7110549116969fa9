/* The audit chain verified while another process writes: a busy kiosk must never
 * raise a false tamper alarm (the walk and the chain head read from one snapshot),
 * and a real tampering must still be caught in the same situation. Both the
 * library call and `glasshouse-ctl audit verify`, as the staff page and an
 * auditor run them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/gh-store.h"
#include "gh-test-utils.h"

/* Bounded in time, not only in rounds: every round walks a chain the writer keeps
 * growing, and a loaded CI machine must not turn that into minutes. */
#define LIBRARY_SECONDS 4
#define ROUNDS_CLI      30

/* A child that toggles a consent as fast as it can until it is killed. */
static pid_t
start_writer (const char *path)
{
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
      g_autoptr(GhCustomer) customer = NULL;

      if (store == NULL || (customer = gh_store_find_customer (store, "1000", &error)) == NULL)
        _exit (2);
      /* About a thousand toggles a second: always one in flight, never a chain so
       * long that walking it takes the test's time. */
      for (guint i = 0;; i++)
        {
          gh_store_set_consent (store, customer, "marketing.email",
                                i % 2 ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED, "3", "shopper",
                                NULL);
          g_usleep (500);
        }
    }
  return pid;
}

static void
stop_writer (pid_t pid)
{
  int status;

  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

static gint64
count_events (GhStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 n = gh_store_count_events (store, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_no_false_alarm (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  const char *path = gh_store_get_path (store);
  gint64 before, started;
  pid_t writer;

  writer = start_writer (path);
  /* Wait until the writer is really writing. */
  before = count_events (store);
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       count_events (store) < before + 5 && g_get_monotonic_time () < deadline;)
    g_usleep (1000);
  g_assert_cmpint (count_events (store), >=, before + 5);
  started = g_get_monotonic_time ();

  for (guint i = 0, deadline_reached = FALSE; !deadline_reached; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 checked = 0, bad = 0;

      if (!gh_store_verify_chain (store, &checked, &bad, &error))
        g_test_fail_printf ("round %u: a false alarm while another process writes: %s", i,
                            error->message);
      deadline_reached = i >= 20 && g_get_monotonic_time () > started + LIBRARY_SECONDS * G_USEC_PER_SEC;
    }
  for (guint i = 0; i < ROUNDS_CLI; i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = gh_test_run_ctl (&out, &err, "audit", "verify", "--db", path, NULL);

      if (status != 0)
        g_test_fail_printf ("glasshouse-ctl audit verify, round %u: exit %d: %s", i, status, err);
    }
  g_test_message ("%" G_GINT64_FORMAT " events written during the checks",
                  count_events (store) - before);
  stop_writer (writer);
  gh_test_rmdir (dir);
}

static void
test_tampering_still_caught (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  const char *path = gh_store_get_path (store);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  sqlite3 *db;
  gint64 bad = 0;
  pid_t writer;

  writer = start_writer (path);
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       count_events (store) < 10 && g_get_monotonic_time () < deadline;)
    g_usleep (1000);

  /* A tamperer edits event 3 behind the writer's back. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 100);
  {
    int rc = SQLITE_BUSY;

    /* The writer holds the lock most of the time: try until it lets go. */
    for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
         rc == SQLITE_BUSY && g_get_monotonic_time () < deadline;)
      rc = sqlite3_exec (db, "BEGIN IMMEDIATE; DROP TRIGGER IF EXISTS event_no_update;"
                             "UPDATE event SET body = '{\"forged\":true}' WHERE seq = 3; COMMIT",
                         NULL, NULL, NULL);
    g_assert_cmpint (rc, ==, SQLITE_OK);
  }
  sqlite3_close (db);

  g_assert_false (gh_store_verify_chain (store, NULL, &bad, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT);
  g_assert_cmpint (bad, ==, 3);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "audit", "verify", "--db", path, NULL), ==, 4);
  g_assert_nonnull (strstr (err, "event 3"));
  stop_writer (writer);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audit/busy/no-false-alarm", test_no_false_alarm);
  g_test_add_func ("/audit/busy/tampering-still-caught", test_tampering_still_caught);
  return g_test_run ();
}
