/* An erasure that overlaps a reader in another process: the erasure is committed
 * but its bytes are still in the database file and the WAL. glasshouse-ctl says so
 * (and --json says "log_pending"), the erasure row remembers it, and the next
 * command that writes, once the reader has let go, wipes them and records it
 * (status 'completed', event erasure.log_emptied). The other process also keeps an
 * idle connection open throughout, as the kiosk does, so no "last connection
 * closing" checkpoint does the job by luck.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/gh-store-private.h"
#include "gh-test-utils.h"

#define MARKER "ada@example.org"

typedef struct {
  pid_t pid;
  int   to_child;
  int   from_child;
} Reader;

static void
child_step (sqlite3    *db,
            const char *sql)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    _exit (10);
}

/* The other process: an idle connection (the kiosk) and one that holds a read
 * transaction until told to let go. */
static void
run_reader (const char *path,
            int         in,
            int         out)
{
  sqlite3 *kiosk = NULL, *reader = NULL;
  sqlite3_stmt *stmt = NULL;
  char c;

  if (sqlite3_open (path, &kiosk) != SQLITE_OK || sqlite3_open (path, &reader) != SQLITE_OK)
    _exit (11);
  child_step (kiosk, "SELECT count(*) FROM meta");
  child_step (reader, "BEGIN");
  if (sqlite3_prepare_v2 (reader, "SELECT count(*) FROM data_item", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    _exit (12);
  if (write (out, "r", 1) != 1 || read (in, &c, 1) != 1)
    _exit (13);
  sqlite3_finalize (stmt);
  child_step (reader, "COMMIT");
  sqlite3_close (reader);
  if (write (out, "c", 1) != 1 || read (in, &c, 1) != 1)
    _exit (14);
  sqlite3_close (kiosk);
  _exit (0);
}

static void
reader_start (Reader     *r,
              const char *path)
{
  int down[2], up[2];
  char c;

  g_assert_cmpint (pipe (down), ==, 0);
  g_assert_cmpint (pipe (up), ==, 0);
  r->pid = fork ();
  g_assert_cmpint (r->pid, >=, 0);
  if (r->pid == 0)
    {
      close (down[1]);
      close (up[0]);
      run_reader (path, down[0], up[1]);
    }
  close (down[0]);
  close (up[1]);
  r->to_child = down[1];
  r->from_child = up[0];
  g_assert_cmpint (read (r->from_child, &c, 1), ==, 1);
  g_assert_cmpint (c, ==, 'r');
}

/* Lets go of the read transaction (the idle connection stays) or, next, ends. */
static void
reader_next (Reader *r)
{
  char c;

  g_assert_cmpint (write (r->to_child, "n", 1), ==, 1);
  if (read (r->from_child, &c, 1) == 1)
    g_assert_cmpint (c, ==, 'c');
}

static void
reader_end (Reader *r)
{
  int status = 0;

  g_assert_cmpint (write (r->to_child, "n", 1), ==, 1);
  g_assert_cmpint (waitpid (r->pid, &status, 0), ==, r->pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  close (r->to_child);
  close (r->from_child);
}

static char *
erasure_status (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_READ_ONLY, &error);
  sqlite3_stmt *stmt;
  char *status = NULL;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, "SELECT status FROM erasure ORDER BY id DESC LIMIT 1", &error);
  g_assert_no_error (error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    status = _gh_store_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return status;
}

static void
test_reader_during_erase (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *status = NULL;
  g_autofree char *log = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Reader reader;
  JsonObject *object;

  g_clear_object (&store);
  g_setenv ("GLASSHOUSE_DB", path, TRUE);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "init", NULL), ==, 0);   /* the kiosk key */
  reader_start (&reader, path);

  if (gh_test_run_ctl (&out, &err, "erase", "1000", "--json", NULL) != 0)
    gh_test_fail ("erase: %s", err);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "log_pending");
  g_assert_false (json_object_get_boolean_member (object, "log_emptied"));
  /* The truth, naming the right files. */
  g_assert_nonnull (strstr (err, "the deleted bytes are still in"));
  g_assert_nonnull (strstr (err, path));
  g_assert_nonnull (strstr (err, "will be wiped at the next checkpoint"));
  status = erasure_status (path);
  g_assert_cmpstr (status, ==, "log_pending");
  g_clear_pointer (&status, g_free);

  /* The reader lets go; the kiosk's connection stays open. The next command that
   * writes finishes the wipe. */
  reader_next (&reader);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "retention", "run", NULL), ==, 0);

  bytes = gh_test_read_store_files (path);
  if (gh_test_bytes_contain (bytes, MARKER))
    gh_test_fail ("the erased e-mail address is still in the store's files");
  status = erasure_status (path);
  g_assert_cmpstr (status, ==, "completed");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "outbox", "export", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "erasure.log_emptied"));
  reader_end (&reader);
  g_unsetenv ("GLASSHOUSE_DB");
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/erasure-pending/reader-during-erase", test_reader_during_erase);
  return g_test_run ();
}
