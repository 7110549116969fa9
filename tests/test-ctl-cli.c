/* glasshouse-ctl's conventions, as a store's IT person types them: options before or
 * after the subcommand, --version, a group alone listing its verbs, and each
 * subcommand's --help naming the program.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gh-test-utils.h"

static void
test_options_before_the_subcommand (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autofree char *db_option = g_strconcat ("--db=", gh_store_get_path (store), NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "--db", gh_store_get_path (store), "audit", "verify",
                                    NULL), ==, 0);
  g_assert_nonnull (strstr (out, "audit chain intact"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, db_option, "--json", "customer", "show", "1000", NULL),
                   ==, 0);
  g_assert_true (g_str_has_prefix (out, "{"));
  g_clear_pointer (&out, g_free);
  /* Behind it, as before. */
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "audit", "verify", "--db", gh_store_get_path (store),
                                    NULL), ==, 0);
  gh_test_rmdir (dir);
}

static void
test_version_and_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "glasshouse-ctl " PACKAGE_VERSION "\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "audit", "verify", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "glasshouse-ctl [OPTION…] audit verify"));
  g_clear_pointer (&out, g_free);
  /* A group alone: its verbs, not "unknown command". */
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "outbox", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "glasshouse-ctl outbox export"));
  g_assert_nonnull (strstr (err, "glasshouse-ctl outbox push"));
  g_assert_null (strstr (err, "unknown command"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ctl/cli/options-before-the-subcommand", test_options_before_the_subcommand);
  g_test_add_func ("/ctl/cli/version-and-help", test_version_and_help);
  return g_test_run ();
}
