/* The crash test: a child toggles consents and reports every acknowledged
 * toggle through a pipe; the parent kills it with SIGKILL at random moments.
 * After each kill the store must pass integrity_check, hold every toggle the
 * child was told had been recorded, agree with its own event log, and keep an
 * intact audit chain.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gh-test-utils.h"

#define ROUNDS 40

static const char *purposes[] = { "marketing.email", "personalize.offers" };

static G_NORETURN void
toggle_forever (const char *path,
                int         report_fd,
                guint32     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
  g_autoptr(GhCustomer) customer = NULL;
  GRand *rand = g_rand_new_with_seed (seed);

  if (store == NULL || (customer = gh_store_find_customer (store, "1000", &error)) == NULL)
    _exit (3);
  if (write (report_fd, "ready\n", 6) != 6)
    _exit (5);
  for (;;)
    {
      const char *purpose = purposes[g_rand_int_range (rand, 0, G_N_ELEMENTS (purposes))];
      GhConsentState state = g_rand_boolean (rand) ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;
      gint64 seq = gh_store_set_consent (store, customer, purpose, state, "1", "shopper", &error);
      char line[128];
      int length;

      if (seq < 0)
        _exit (4);
      if (seq == 0)
        continue;
      /* Only now is the toggle acknowledged: the commit has returned. */
      length = g_snprintf (line, sizeof line, "%" G_GINT64_FORMAT " %s %d\n", seq, purpose, state);
      if (write (report_fd, line, length) != length)
        _exit (5);
    }
}

typedef struct {
  gint64 seq;
  char   purpose[64];
  int    state;
} Ack;

/* Reads from the child's pipe until @want complete lines have arrived, or to
 * the end when @want is 0. */
static void
read_lines (int      fd,
            GString *text,
            guint    want)
{
  char buffer[4096];
  ssize_t got;

  for (;;)
    {
      guint lines = 0;

      for (const char *p = text->str; (p = strchr (p, '\n')) != NULL; p++)
        lines++;
      if (want != 0 && lines >= want)
        return;
      got = read (fd, buffer, sizeof buffer);
      if (got <= 0)
        return;
      g_string_append_len (text, buffer, got);
    }
}

static GArray *
parse_acks (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *acks = g_array_new (FALSE, TRUE, sizeof (Ack));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      Ack ack = { 0 };

      /* A line cut short by the kill was never fully reported. */
      if (lines[i + 1] == NULL)
        break;
      if (g_str_equal (lines[i], "ready"))
        continue;
      g_assert_cmpint (sscanf (lines[i], "%" G_GINT64_FORMAT " %63s %d", &ack.seq, ack.purpose, &ack.state),
                       ==, 3);
      g_array_append_val (acks, ack);
    }
  return acks;
}

static void
assert_integrity (sqlite3 *db)
{
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
}

static void
assert_ack_recorded (sqlite3   *db,
                     const Ack *ack)
{
  sqlite3_stmt *stmt;
  g_autofree char *expected_kind = g_strdup (ack->state ? "consent.granted" : "consent.revoked");
  g_autofree char *expected_purpose = g_strdup_printf ("\"purpose\":\"%s\"", ack->purpose);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT kind, body FROM event WHERE seq = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, ack->seq);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, expected_kind);
  g_assert_nonnull (strstr ((const char *) sqlite3_column_text (stmt, 1), expected_purpose));
  sqlite3_finalize (stmt);
}

/* The consent table and the log tell the same story: each purpose's state is
 * that of its latest event. */
static void
assert_state_matches_log (sqlite3 *db)
{
  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    {
      g_autofree char *like = g_strdup_printf ("%%\"purpose\":\"%s\"%%", purposes[i]);
      sqlite3_stmt *stmt;
      int logged = -1, stored = -1;

      g_assert_cmpint (sqlite3_prepare_v2 (db,
          "SELECT kind = 'consent.granted' FROM event WHERE body LIKE ?1 ORDER BY seq DESC LIMIT 1",
          -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, like, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        logged = sqlite3_column_int (stmt, 0);
      sqlite3_finalize (stmt);

      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT state FROM consent WHERE purpose_id = ?1",
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, purposes[i], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        stored = sqlite3_column_int (stmt, 0);
      sqlite3_finalize (stmt);

      g_assert_cmpint (logged, ==, stored);
    }
}

static void
test_kill_while_toggling (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = NULL;
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  guint total_acks = 0;

  {
    g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
    path = g_strdup (gh_store_get_path (store));
  }

  for (int round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GArray) acks = NULL;
      g_autoptr(GhStore) store = NULL;
      g_autoptr(GError) error = NULL;
      int fds[2], status;
      sqlite3 *db;
      pid_t pid;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          toggle_forever (path, fds[1], g_rand_int (rand));
        }
      close (fds[1]);
      /* Half the rounds kill at a random moment after the child is ready (before
       * its first commit, mid-transaction, mid-fsync); the other half let a few
       * toggles through first, so the check has acknowledged work to find
       * however slow the machine is. */
      read_lines (fds[0], text, round % 2 ? 1 + g_rand_int_range (rand, 2, 12) : 1);
      g_usleep (g_rand_int_range (rand, 0, round % 2 ? 3000 : 40000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      read_lines (fds[0], text, 0);
      acks = parse_acks (text->str);
      close (fds[0]);
      total_acks += acks->len;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      assert_integrity (db);
      for (guint i = 0; i < acks->len; i++)
        assert_ack_recorded (db, &g_array_index (acks, Ack, i));
      assert_state_matches_log (db);
      sqlite3_close (db);

      store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (gh_store_verify_chain (store, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  g_test_message ("%d kills, %u acknowledged toggles checked", ROUNDS, total_acks);
  /* The test means nothing if the child never got a toggle through. */
  g_assert_cmpuint (total_acks, >=, ROUNDS);
  g_rand_free (rand);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/crash/kill-while-toggling", test_kill_while_toggling);
  return g_test_run ();
}
