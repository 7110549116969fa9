/* A push to an HQ that stops answering gives up: with the server's processes
 * stopped (SIGSTOP) while a push waits on it, `glasshouse-ctl outbox push` exits 3
 * within a bound, says "HQ ... did not answer within N s", and records the backoff
 * as for an HQ that is down. $GLASSHOUSE_HQ_TIMEOUT makes the deadline short here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

#include "gh-test-pg.h"
#include "gh-test-utils.h"

/* The postmaster and its children (the backends, the push's among them). */
static GArray *
server_processes (GPid postmaster)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_array_append_val (pids, postmaster);
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *text = NULL;
      const char *after;
      int state_char;
      long parent = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &text, NULL, NULL))
        continue;
      /* "pid (comm) S ppid ...": comm may hold spaces, so read from the last ')'. */
      after = strrchr (text, ')');
      if (after != NULL && sscanf (after + 1, " %c %ld", (char *) &state_char, &parent) == 2
          && parent == postmaster)
        {
          GPid pid = (GPid) g_ascii_strtoll (name, NULL, 10);
          g_array_append_val (pids, pid);
        }
    }
  return pids;
}

static void
signal_all (GArray *pids,
            int     sig)
{
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, GPid, i), sig);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static char *
read_all (GInputStream *stream)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 chunk[4096];
  gssize got;

  while ((got = g_input_stream_read (stream, chunk, sizeof chunk, NULL, NULL)) > 0)
    g_byte_array_append (data, chunk, got);
  g_byte_array_append (data, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&data), FALSE);
}

static void
test_hung_hq (void)
{
  g_autofree char *skip = NULL;
  GhTestPg *pg = gh_test_pg_start (FALSE, &skip);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *backoff = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *err = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GSubprocess) push = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pids = NULL;
  g_autoptr(GTimer) timer = NULL;
  PGconn *admin, *locker;
  gboolean waiting = FALSE;
  gboolean exited = FALSE;

  if (pg == NULL)
    {
      g_test_skip (skip);
      return;
    }
  dir = gh_test_mkdtemp ();
  path = g_build_filename (dir, "store.db", NULL);
  backoff = g_build_filename (dir, "backoff.ini", NULL);
  store = gh_test_store_with_shopper (dir);
  g_clear_object (&store);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "init", "--db", path, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "consent", "set", "1000", "marketing.email",
                                    "granted", "--db", path, NULL), ==, 0);

  admin = gh_test_pg_admin (pg, "postgres");
  gh_test_pg_exec (admin, "CREATE DATABASE hq_hung");
  PQfinish (admin);
  conninfo = gh_test_pg_conninfo (pg, "hq_hung", "postgres", NULL);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "hq", "init", "--postgres", conninfo, NULL), ==, 0);

  /* Hold the kiosk table so the push is connected and waiting on HQ... */
  locker = gh_test_pg_admin (pg, "hq_hung");
  gh_test_pg_exec (locker, "BEGIN");
  gh_test_pg_exec (locker, "LOCK TABLE glasshouse.kiosk IN ACCESS EXCLUSIVE MODE");
  g_setenv ("GLASSHOUSE_HQ_TIMEOUT", "3", TRUE);
  push = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, g_getenv ("GLASSHOUSE_CTL"), "outbox", "push", "--db", path,
                           "--postgres", conninfo, "--backoff-state", backoff, NULL);
  g_assert_no_error (error);
  g_unsetenv ("GLASSHOUSE_HQ_TIMEOUT");
  admin = gh_test_pg_admin (pg, "postgres");
  for (int i = 0; i < 100 && !waiting; i++)
    {
      g_autofree char *count = gh_test_pg_value (admin,
          "SELECT count(*) FROM pg_stat_activity"
          " WHERE application_name = 'glasshouse-push' AND wait_event_type = 'Lock'");
      waiting = g_strcmp0 (count, "1") == 0;
      if (!waiting)
        g_usleep (50 * 1000);
    }
  PQfinish (admin);
  g_assert_true (waiting);

  /* ...then the whole server stops: nothing will ever answer. */
  pids = server_processes (gh_test_pg_postmaster_pid (pg));
  signal_all (pids, SIGSTOP);
  timer = g_timer_new ();
  g_subprocess_wait_async (push, NULL, on_exited, &exited);
  while (!exited && g_timer_elapsed (timer, NULL) < 30)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (20 * 1000);
  if (!exited)
    {
      g_subprocess_force_exit (push);
      signal_all (pids, SIGCONT);
      gh_test_fail ("outbox push still waits for the stopped HQ after 30 s");
    }
  err = read_all (g_subprocess_get_stderr_pipe (push));
  signal_all (pids, SIGCONT);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 30);
  g_assert_true (g_subprocess_get_if_exited (push));
  g_assert_cmpint (g_subprocess_get_exit_status (push), ==, 3);
  g_assert_nonnull (strstr (err, "did not answer within 3 s"));
  g_assert_cmpuint (strcspn (err, "\n"), ==, strlen (err) - 1);   /* one line */
  g_assert_true (g_file_get_contents (backoff, &state, NULL, NULL));
  g_assert_nonnull (strstr (state, "did not answer within"));

  gh_test_pg_exec (locker, "ROLLBACK");
  PQfinish (locker);
  gh_test_pg_stop (pg);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hq-hung/push-gives-up", test_hung_hq);
  return g_test_run ();
}
