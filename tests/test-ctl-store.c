/* glasshouse-ctl's store subcommands as a user meets them: output, the one-line
 * error format and the contract's exit codes, for good and for bad input.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <unistd.h>

#include "gh-test-utils.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GhStore) store = NULL;

  fixture->dir = gh_test_mkdtemp ();
  store = gh_test_store_with_shopper (fixture->dir);
  fixture->path = g_strdup (gh_store_get_path (store));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_chmod (fixture->dir, 0755);
  gh_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* The contract: exactly one line on stderr, starting with the prefix. */
static void
assert_error_line (const char *err,
                   const char *part)
{
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);  /* exactly one line */
  if (part != NULL && strstr (err, part) == NULL)
    gh_test_fail ("expected \"%s\" in: %s", part, err);
}

static void
test_init (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "kiosk.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "init", "--db", path, "--kiosk-id", "kiosk-riverside-1", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "kiosk-riverside-1"));
  g_assert_cmpstr (err, ==, "");
  /* init again migrates or does nothing; the identity stays. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "init", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "kiosk-"));
  gh_test_rmdir (dir);
}

static void
test_customer_show (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *categories;

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "customer", "show", "1000", "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Ada Example"));
  g_assert_nonnull (strstr (out, "user.behavior.purchase_history"));
  g_assert_nonnull (strstr (out, "inferred"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "customer", "show", "1000", "--json", "--db", fixture->path,
                                    NULL), ==, 0);
  root = json_from_string (out, NULL);
  g_assert_nonnull (root);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "display_name"), ==, "Ada Example");
  categories = json_object_get_array_member (object, "categories");
  g_assert_cmpuint (json_array_get_length (categories), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (categories, 1), "category"),
                   ==, "user.contact.email");
}

static void
test_unknown_customer (Fixture *fixture, gconstpointer data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "customer", "show", "5555", "--db", fixture->path, NULL), ==, 3);
  assert_error_line (err, "no customer");
  /* The number typed is not repeated back: errors may end up in logs. */
  g_assert_null (strstr (err, "5555"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "consent", "set", "5555", "marketing.email", "granted",
                                    "--db", fixture->path, NULL), ==, 3);
  assert_error_line (err, "no customer");
}

static void
test_consent_set (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *export = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "consent", "set", "1000", "marketing.email", "granted",
                                    "--actor", "staff:s-0042", "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "event 1"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "consent", "set", "1000", "marketing.email", "granted",
                                    "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "already"));

  g_assert_cmpint (gh_test_run_ctl (&export, NULL, "outbox", "export", "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (export, "\"kind\":\"consent.granted\""));
  g_assert_nonnull (strstr (export, "\"actor\":\"staff:s-0042\""));
  g_assert_nonnull (strstr (export, "\"customer_ref\":\"ref-1000\""));
  g_assert_null (strstr (export, "Ada"));
}

static void
test_consent_set_refused (Fixture *fixture, gconstpointer data)
{
  g_autofree char *err1 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *err4 = NULL;

  g_assert_cmpint (gh_test_run_ctl (NULL, &err1, "consent", "set", "1000", "marketing.carrier-pigeon",
                                    "granted", "--db", fixture->path, NULL), ==, 3);
  assert_error_line (err1, "unknown purpose \"marketing.carrier-pigeon\"");

  g_assert_cmpint (gh_test_run_ctl (NULL, &err2, "consent", "set", "1000", "service.orders", "revoked",
                                    "--db", fixture->path, NULL), ==, 3);
  assert_error_line (err2, "cannot be switched off");

  g_assert_cmpint (gh_test_run_ctl (NULL, &err3, "consent", "set", "1000", "marketing.email", "perhaps",
                                    "--db", fixture->path, NULL), ==, 2);
  assert_error_line (err3, "granted or revoked");

  g_assert_cmpint (gh_test_run_ctl (NULL, &err4, "consent", "set", "1000", "--db", fixture->path, NULL), ==, 2);
  assert_error_line (err4, "usage");
}

static void
test_usage_errors (void)
{
  g_autofree char *err1 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (gh_test_run_ctl (NULL, &err1, "frobnicate", NULL), ==, 2);
  assert_error_line (err1, "unknown command");
  g_assert_cmpint (gh_test_run_ctl (NULL, &err2, "outbox", "ack", "soon", NULL), ==, 2);
  assert_error_line (err2, "\"soon\"");
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "customer show"));
}

static void
test_audit_verify (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *db;

  for (int i = 0; i < 4; i++)
    gh_test_run_ctl (NULL, NULL, "consent", "set", "1000", "marketing.email", i % 2 ? "revoked" : "granted",
                     "--db", fixture->path, NULL);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "audit", "verify", "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "4 events"));

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER event_no_update;"
                                     "UPDATE event SET actor = 'nobody' WHERE seq = 2", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "audit", "verify", "--db", fixture->path, NULL), ==, 4);
  assert_error_line (err, "event 2");
}

static void
test_audit_verify_deleted (Fixture *fixture, gconstpointer data)
{
  g_autofree char *err = NULL;
  sqlite3 *db;

  for (int i = 0; i < 4; i++)
    gh_test_run_ctl (NULL, NULL, "consent", "set", "1000", "personalize.offers", i % 2 ? "revoked" : "granted",
                     "--db", fixture->path, NULL);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER event_no_delete;"
                                     "DELETE FROM outbox WHERE seq = 3; DELETE FROM event WHERE seq = 3",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "audit", "verify", "--db", fixture->path, NULL), ==, 4);
  assert_error_line (err, "event 3");
}

static void
test_outbox (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;

  for (int i = 0; i < 3; i++)
    gh_test_run_ctl (NULL, NULL, "consent", "set", "1000", "marketing.email", i % 2 ? "revoked" : "granted",
                     "--db", fixture->path, NULL);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "outbox", "export", "--db", fixture->path, NULL), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], NULL);
      g_assert_nonnull (node);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "seq"), ==, i + 1);
    }

  g_assert_cmpint (gh_test_run_ctl (&after, NULL, "outbox", "export", "--after", "2", "--db", fixture->path,
                                    NULL), ==, 0);
  g_assert_nonnull (strstr (after, "\"seq\":3"));
  g_assert_null (strstr (after, "\"seq\":2"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "outbox", "ack", "2", "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "acknowledged 2 events"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "outbox", "export", "--db", fixture->path, NULL), ==, 0);
  g_assert_cmpuint (strlen (out), >, 0);
  g_assert_null (strstr (out, "\"seq\":1,"));

  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", "ack", "99", "--db", fixture->path, NULL), ==, 3);
  assert_error_line (err, "no such event");
}

static void
assert_store_problem_untouched (const char *path,
                                const char *part)
{
  g_autoptr(GBytes) before = gh_test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "consent", "set", "1000", "marketing.email", "granted",
                                    "--db", path, NULL), ==, 4);
  assert_error_line (err, part);
  g_assert_nonnull (strstr (err, path));
  after = gh_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_not_a_store (Fixture *fixture, gconstpointer data)
{
  g_autofree char *junk = g_build_filename (fixture->dir, "junk.db", NULL);
  g_autofree char *half = g_build_filename (fixture->dir, "half.db", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.db", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GBytes) bytes = NULL;
  sqlite3 *db;

  g_assert_true (g_file_set_contents (junk, "\x89PNG not a database at all", -1, NULL));
  assert_store_problem_untouched (junk, "not a SQLite database");

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  sqlite3_close (db);
  bytes = gh_test_read_bytes (fixture->path);
  g_assert_true (g_file_set_contents (half, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2, NULL));
  assert_store_problem_untouched (half, "truncated");

  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "audit", "verify", "--db", missing, NULL), ==, 4);
  assert_error_line (err, "no store here");
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
drop_root (gpointer data)
{
  if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
    _exit (99);
}

static void
test_read_only (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);

  g_chmod (fixture->path, 0444);
  g_chmod (wal, 0444);
  g_chmod (shm, 0444);
  g_chmod (fixture->dir, 0555);
  /* root writes through file modes; the user a kiosk runs as does not. */
  g_subprocess_launcher_set_child_setup (launcher, drop_root, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("GLASSHOUSE_CTL"), "consent", "set",
                                         "1000", "marketing.email", "granted", "--db", fixture->path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 4);
  assert_error_line (err, "read-only");
}

static void
test_locked (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  sqlite3 *other;

  g_assert_cmpint (sqlite3_open (fixture->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_subprocess_launcher_setenv (launcher, "GLASSHOUSE_BUSY_TIMEOUT_MS", "300", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("GLASSHOUSE_CTL"), "consent", "set",
                                         "1000", "marketing.email", "granted", "--db", fixture->path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 4);
  assert_error_line (err, "another process is writing");
}

#define ADD(path, func) GH_TEST_ADD_FIXTURE (path, NULL, func)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ctl/init", test_init);
  ADD ("/ctl/customer-show", test_customer_show);
  ADD ("/ctl/unknown-customer", test_unknown_customer);
  ADD ("/ctl/consent-set", test_consent_set);
  ADD ("/ctl/consent-set/refused", test_consent_set_refused);
  g_test_add_func ("/ctl/usage", test_usage_errors);
  ADD ("/ctl/audit-verify/edited", test_audit_verify);
  ADD ("/ctl/audit-verify/deleted", test_audit_verify_deleted);
  ADD ("/ctl/outbox", test_outbox);
  ADD ("/ctl/not-a-store", test_not_a_store);
  ADD ("/ctl/read-only", test_read_only);
  ADD ("/ctl/locked", test_locked);

  return g_test_run ();
}
