/* The inbox refuses what is not a bundle file of its own: a link to a private
 * file, a FIFO; and no refusal quotes what a refused file holds, not in the
 * signal, the .reason file (0600) nor the audit chain that goes to HQ.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "gh-test-inbox.h"
#include "gh-test-utils.h"

#define SECRET "hunter2-SECRET"

typedef GhTestInbox Fixture;

/* The shared fixture, with the inbox's folder made for the tests to put things in. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  gh_test_inbox_set_up (f, data);
  g_assert_cmpint (g_mkdir_with_parents (f->inbox_dir, 0750), ==, 0);
}

#define fixture_tear_down gh_test_inbox_tear_down

/* Starts the inbox on what the test put in its folder and waits for the one refusal. */
static void
start_and_wait_for_refusal (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_inbox_start (f->inbox, &error));
  g_assert_no_error (error);
  gh_test_inbox_wait (f, 0, 1, 20);
}

/* The refusal's words everywhere they go: signal, .reason file, store files. */
static void
assert_secret_nowhere (Fixture    *f,
                       const char *name)
{
  g_autofree char *reason_path = g_strdup_printf ("%s/rejected/%s.reason", f->inbox_dir, name);
  g_autofree char *db = g_build_filename (f->dir, "store.db", NULL);
  g_autoptr(GBytes) store_bytes = NULL;
  g_autofree char *reason = NULL;
  GStatBuf st;

  for (guint i = 0; i < f->rejected->len; i++)
    if (strstr (g_ptr_array_index (f->rejected, i), SECRET) != NULL)
      gh_test_fail ("the refusal quotes the file: %s", (char *) g_ptr_array_index (f->rejected, i));
  g_assert_true (g_file_get_contents (reason_path, &reason, NULL, NULL));
  g_assert_null (strstr (reason, SECRET));
  g_assert_cmpint (g_stat (reason_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  store_bytes = gh_test_read_store_files (db);
  g_assert_false (gh_test_bytes_contain (store_bytes, SECRET));
}

static void
test_link_to_private_file (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = g_build_filename (f->dir, "private.txt", NULL);
  g_autofree char *link = g_build_filename (f->inbox_dir, "c.bundle", NULL);
  g_autofree char *moved = g_build_filename (f->inbox_dir, "rejected", "c.bundle", NULL);
  GStatBuf st;

  g_assert_true (g_file_set_contents_full (secret, SECRET " is the password\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  g_assert_cmpint (symlink (secret, link), ==, 0);

  start_and_wait_for_refusal (f);
  g_assert_nonnull (strstr (g_ptr_array_index (f->rejected, 0), "symbolic link"));
  /* The link was filed away, not what it points at. */
  g_assert_cmpint (g_lstat (moved, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_true (g_file_test (secret, G_FILE_TEST_IS_REGULAR));
  assert_secret_nowhere (f, "c.bundle");
}

static void
test_regular_file_not_quoted (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->inbox_dir, "d.bundle", NULL);

  g_assert_true (g_file_set_contents (path, SECRET " {\"a\": 1}\n", -1, &error));
  start_and_wait_for_refusal (f);
  g_assert_cmpstr (g_ptr_array_index (f->rejected, 0), ==,
                   "d.bundle: bundle: not valid JSON: an unquoted word at line 1, column 14");
  assert_secret_nowhere (f, "d.bundle");
}

static void
test_fifo (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->inbox_dir, "e.bundle", NULL);

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  /* A FIFO with no writer would block a plain open for ever. */
  start_and_wait_for_refusal (f);
  g_assert_nonnull (strstr (g_ptr_array_index (f->rejected, 0), "a FIFO, not a regular file"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/inbox-links/link-to-private-file", Fixture, NULL, fixture_set_up,
              test_link_to_private_file, fixture_tear_down);
  g_test_add ("/inbox-links/regular-file-not-quoted", Fixture, NULL, fixture_set_up,
              test_regular_file_not_quoted, fixture_tear_down);
  g_test_add ("/inbox-links/fifo", Fixture, NULL, fixture_set_up, test_fifo, fixture_tear_down);
  return g_test_run ();
}
