/* The inbox tests' fixture (see gh-test-inbox.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-test-inbox.h"

#include "gh-test-bundle.h"
#include "gh-test-utils.h"

static void
on_config_changed (GhTestInbox *f,
                   GhCatalog   *catalog)
{
  g_ptr_array_add (f->changed, g_object_ref (catalog));
}

static void
on_bundle_rejected (GhTestInbox *f,
                    const char  *name,
                    const char  *reason)
{
  g_ptr_array_add (f->rejected, g_strdup_printf ("%s: %s", name, reason));
}

void
gh_test_inbox_set_up (GhTestInbox   *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *pub = NULL;

  f->dir = gh_test_mkdtemp ();
  db = g_build_filename (f->dir, "store.db", NULL);
  f->store = gh_store_open (db, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  f->key = gh_test_bundle_keygen (f->dir, "hq");
  pub = g_strconcat (f->key, ".pub", NULL);
  f->trust = gh_trust_new_from_file (pub, &error);
  g_assert_no_error (error);
  f->inbox = gh_inbox_new (f->store, NULL, f->trust);
  f->inbox_dir = g_strdup (gh_inbox_get_directory (f->inbox));
  f->changed = g_ptr_array_new_with_free_func (g_object_unref);
  f->rejected = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_swapped (f->inbox, "config-changed", G_CALLBACK (on_config_changed), f);
  g_signal_connect_swapped (f->inbox, "bundle-rejected", G_CALLBACK (on_bundle_rejected), f);
}

void
gh_test_inbox_tear_down (GhTestInbox   *f,
                         gconstpointer  data)
{
  g_clear_object (&f->inbox);
  /* Let a scan still in the worker finish before the folder goes. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&f->store);
  g_clear_object (&f->trust);
  g_ptr_array_unref (f->changed);
  g_ptr_array_unref (f->rejected);
  gh_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->inbox_dir);
  g_free (f->key);
}

static gboolean
deadline_passed (gpointer user_data)
{
  gboolean *passed = user_data;

  *passed = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
announced (GhTestInbox *f,
           guint        changes,
           guint        refusals)
{
  return f->changed->len >= changes && f->rejected->len >= refusals;
}

void
gh_test_inbox_wait (GhTestInbox *f,
                    guint        changes,
                    guint        refusals,
                    double       seconds)
{
  gboolean passed = FALSE;
  guint deadline = g_timeout_add ((guint) (seconds * 1000), deadline_passed, &passed);

  while (!announced (f, changes, refusals) && !passed)
    g_main_context_iteration (NULL, TRUE);
  if (!announced (f, changes, refusals))
    gh_test_fail ("timed out after %.1f s waiting for the inbox: %u of %u new configs, "
                  "%u of %u refusals", seconds, f->changed->len, changes, f->rejected->len, refusals);
  g_source_remove (deadline);
}
