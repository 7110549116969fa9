/* The store under bad luck: a copy on read-only media handed to an auditor can
 * still be verified and read, and a writer stopped by the file-size limit
 * (SIGXFSZ) neither dies silently nor locks the store out afterwards.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "store/gh-store.h"
#include "gh-test-utils.h"

static void
drop_root (gpointer data)
{
  /* root writes through any file mode; an auditor's account does not. */
  if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
    _exit (99);
}

static int
run_as_nobody (char      **out,
               char      **err,
               const char *first,
               ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("GLASSHOUSE_CTL"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, drop_root, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* @with_log: the copy keeps a write-ahead log (and -shm) as a live kiosk has them. */
static void
check_read_only_copy (gboolean with_log)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *copy_dir = g_build_filename (dir, "evidence", NULL);
  g_autofree char *copy = g_build_filename (copy_dir, "store.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_assert_cmpint (g_mkdir (copy_dir, 0755), ==, 0);
  if (!with_log)
    g_clear_object (&store);  /* the last connection closing checkpoints the log away */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (dir, "/store.db", suffixes[i], NULL);
      g_autofree char *to = g_strconcat (copy, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (from, &contents, &length, NULL))
        continue;
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
      g_assert_cmpint (g_chmod (to, 0444), ==, 0);
    }
  g_assert_cmpint (g_chmod (copy_dir, 0555), ==, 0);
  before = gh_test_read_store_files (copy);

  g_assert_cmpint (run_as_nobody (&out, &err, "audit", "verify", "--db", copy, NULL), ==, 0);
  g_test_message ("audit verify: %s%s", out, err);
  g_assert_nonnull (strstr (out, "audit chain intact"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_as_nobody (&out, &err, "customer", "show", "1000", "--db", copy, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Ada Example"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* A command that writes still says why it cannot. */
  g_assert_cmpint (run_as_nobody (NULL, &err, "consent", "set", "1000", "marketing.email", "granted",
                                  "--db", copy, NULL), ==, 4);
  g_assert_nonnull (strstr (err, "read-only"));

  after = gh_test_read_store_files (copy);
  g_assert_true (g_bytes_equal (before, after));
  g_chmod (copy_dir, 0755);
  gh_test_rmdir (dir);
}

static void
test_read_only_checkpointed (void)
{
  check_read_only_copy (FALSE);
}

static void
test_read_only_with_log (void)
{
  check_read_only_copy (TRUE);
}

static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { GPOINTER_TO_UINT (data), GPOINTER_TO_UINT (data) };

  setrlimit (RLIMIT_FSIZE, &limit);
}

/* A demo import that outgrows the file-size limit: the command says why it
 * stopped, and the store opens and verifies afterwards (not "truncated"). */
static void
test_file_size_limit (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "demo.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_subprocess_launcher_set_child_setup (launcher, limit_file_size, GUINT_TO_POINTER (3 << 20),
                                         NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("GLASSHOUSE_CTL"), "demo",
                                         "--customers", "5000", "--db", db, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_test_message ("demo under a 3 MiB file-size limit: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 4);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_nonnull (strstr (err, "file-size limit (ulimit -f); the change was rolled back"));

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "audit", "verify", "--db", db, NULL), ==, 0);
  g_assert_null (strstr (err, "truncated"));
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-faults/read-only-media/checkpointed", test_read_only_checkpointed);
  g_test_add_func ("/store-faults/read-only-media/with-log", test_read_only_with_log);
  g_test_add_func ("/store-faults/file-size-limit", test_file_size_limit);
  return g_test_run ();
}
