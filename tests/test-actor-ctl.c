/* `glasshouse-ctl consent set --actor` goes through the one actor check: an actor of
 * 131,000 bytes, one with a newline and an ESC, and an empty one are usage errors
 * (exit 2, one line that does not echo the 131,000 bytes) and change nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gh-test-utils.h"

static void
test_refused (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autofree char *huge = g_strnfill (131000, 'a');
  const char *actors[] = { huge, "cli\n\033[31mstaff", "" };
  gint64 events = gh_store_count_events (store, NULL);

  g_clear_object (&store);
  for (guint i = 0; i < G_N_ELEMENTS (actors); i++)
    {
      g_autofree char *err = NULL;
      int status = gh_test_run_ctl (NULL, &err, "consent", "set", "1000", "marketing.email",
                                    "granted", "--db", path, "--actor", actors[i], NULL);

      if (status != 2)
        gh_test_fail ("actor %u: exit %d: %s", i, status, err);
      g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: --actor: "));
      g_assert_cmpuint (strcspn (err, "\n"), ==, strlen (err) - 1);   /* one line */
      g_assert_null (strchr (err, '\033'));
      g_assert_cmpuint (strlen (err), <, 400);
    }
  store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, NULL);
  g_assert_cmpint (gh_store_count_events (store, NULL), ==, events);
  g_clear_object (&store);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/actor-ctl/refused", test_refused);
  return g_test_run ();
}
