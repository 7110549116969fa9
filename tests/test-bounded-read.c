/* gh_file_read_bounded, and every file input of glasshouse-ctl read through it:
 * a limit enforced while reading (/dev/zero as a trust file is refused, not read
 * until memory runs out), FIFOs and devices named as such, links refused where
 * asked, other users' files refused where asked.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/gh-file-read.h"
#include "gh-test-utils.h"

static void
test_limit (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "f", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) exact = NULL;
  g_autoptr(GBytes) over = NULL;
  g_autofree char *expected = NULL;
  char text[200001];

  memset (text, 'x', sizeof text);
  g_assert_true (g_file_set_contents (path, text, sizeof text - 1, &error));
  exact = gh_file_read_bounded (path, sizeof text - 1, GH_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (exact), ==, sizeof text - 1);

  over = gh_file_read_bounded (path, sizeof text - 2, GH_FILE_READ_DEFAULT, &error);
  g_assert_null (over);
  expected = g_strdup_printf ("%s: larger than %zu bytes", path, sizeof text - 2);
  g_assert_cmpstr (error->message, ==, expected);
  gh_test_rmdir (dir);
}

static void
test_not_regular (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  bytes = gh_file_read_bounded ("/dev/zero", 1024, GH_FILE_READ_DEFAULT, &error);
  g_assert_null (bytes);
  g_assert_cmpstr (error->message, ==, "/dev/zero: a character device, not a regular file");
  g_clear_error (&error);

  /* No writer: a blocking open would wait for ever. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  bytes = gh_file_read_bounded (fifo, 1024, GH_FILE_READ_DEFAULT, &error);
  g_assert_null (bytes);
  g_assert_true (g_str_has_suffix (error->message, ": a FIFO, not a regular file"));
  gh_test_rmdir (dir);
}

static void
test_links_and_owners (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *target = g_build_filename (dir, "target", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) followed = NULL;
  GBytes *bytes;

  g_assert_true (g_file_set_contents (target, "text", -1, &error));
  g_assert_cmpint (symlink (target, link), ==, 0);
  followed = gh_file_read_bounded (link, 100, GH_FILE_READ_DEFAULT, &error);
  g_assert_no_error (error);
  bytes = gh_file_read_bounded (link, 100, GH_FILE_READ_NO_FOLLOW, &error);
  g_assert_null (bytes);
  g_assert_true (g_str_has_suffix (error->message, ": a symbolic link (not followed)"));
  g_clear_error (&error);

  if (geteuid () != 0)
    {
      bytes = gh_file_read_bounded ("/etc/passwd", 1 << 20, GH_FILE_READ_OWNED, &error);
      g_assert_null (bytes);
      g_assert_cmpstr (error->message, ==, "/etc/passwd: not owned by this user");
    }
  gh_test_rmdir (dir);
}

/* Each file input of glasshouse-ctl, given /dev/zero: a one-line refusal, exit 3.
 * The address-space limit (inherited by glasshouse-ctl) turns "reads until the
 * kernel kills it" into a quick failure of this test instead of a swap storm. */
static void
test_ctl_inputs (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autofree char *prefix = g_build_filename (dir, "hq", NULL);
  g_autofree char *key = g_strconcat (prefix, ".key", NULL);
  g_autofree char *pub = g_strconcat (prefix, ".pub", NULL);
  g_autofree char *config = g_build_filename (dir, "config.json", NULL);
  struct rlimit limit = { 1024L * 1024 * 1024, 1024L * 1024 * 1024 };
  struct {
    const char *args[8];
    const char *expected;
  } cases[] = {
    { { "bundle", "verify", "--trust", "/dev/zero", config, NULL },
      "glasshouse-ctl: error: trust file /dev/zero: a character device, not a regular file\n" },
    { { "bundle", "verify", "--trust", pub, "/dev/zero", NULL },
      "glasshouse-ctl: error: /dev/zero: a character device, not a regular file\n" },
    { { "bundle", "sign", "--key", "/dev/zero", config, NULL },
      NULL },
    { { "bundle", "sign", "--key", key, "/dev/zero", NULL },
      "glasshouse-ctl: error: /dev/zero: a character device, not a regular file\n" },
    { { "receipt", "verify", "--trust", "/dev/zero", "AAAA", NULL },
      "glasshouse-ctl: error: cannot read the trust file /dev/zero: a character device, "
      "not a regular file\n" },
  };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "keygen", "--out", prefix, NULL), ==, 0);
  g_assert_true (g_file_set_contents (config, gh_test_small_config (), -1, &error));
  g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status = gh_test_run_ctlv (NULL, &err, cases[i].args);

      if (status != 3)
        gh_test_fail ("case %u: exit %d, %s", i, status, err);
      if (cases[i].expected != NULL)
        g_assert_cmpstr (err, ==, cases[i].expected);
      else
        g_assert_nonnull (strstr (err, "/dev/zero: a character device, not a regular file"));
    }
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bounded-read/limit", test_limit);
  g_test_add_func ("/bounded-read/not-regular", test_not_regular);
  g_test_add_func ("/bounded-read/links-and-owners", test_links_and_owners);
  g_test_add_func ("/bounded-read/ctl-inputs", test_ctl_inputs);
  return g_test_run ();
}
