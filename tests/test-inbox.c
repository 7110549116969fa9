/* GhInbox under a real main loop: bundles that were there before the start,
 * bundles renamed in, bad bundles filed under rejected/ with a reason, and a
 * shopper's visit holding a bundle back until it ends.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "gh-test-bundle.h"
#include "gh-test-inbox.h"
#include "gh-test-utils.h"

typedef GhTestInbox Fixture;

/* The shared fixture, whose inbox lives beside the store. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *expected = NULL;

  gh_test_inbox_set_up (f, data);
  expected = g_build_filename (f->dir, "inbox", NULL);
  g_assert_cmpstr (f->inbox_dir, ==, expected);
}

#define fixture_tear_down gh_test_inbox_tear_down

/* Dispatches what is pending now, without waiting for more. */
static void
run_pending (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gint64
active_version (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 version = 0;
  g_autoptr(GBytes) payload = gh_store_get_active_config (f->store, &version, &error);

  g_assert_no_error (error);
  return version;
}

/* Written beside the inbox, then renamed in, as HQ's tools do. */
static void
drop (Fixture    *f,
      const char *name,
      GBytes     *bundle)
{
  g_autofree char *tmp = gh_test_bundle_write (f->dir, "partial.tmp", bundle);
  g_autofree char *final = g_build_filename (f->inbox_dir, name, NULL);

  g_assert_cmpint (g_rename (tmp, final), ==, 0);
}

static GBytes *
signed_config (Fixture *f,
               gint64   version)
{
  g_autofree char *config = gh_test_bundle_config (version);
  return gh_test_bundle_sign (config, f->key);
}

static gboolean
exists_in (Fixture    *f,
           const char *subfolder,
           const char *name)
{
  g_autofree char *path = g_build_filename (f->inbox_dir, subfolder, name, NULL);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static void
test_arrivals (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) v2 = signed_config (f, 2);
  g_autoptr(GBytes) v3 = signed_config (f, 3);
  g_autofree char *config4 = gh_test_bundle_config (4);
  g_autofree char *bad_config = gh_test_bundle_edit (config4, "offers[0].purpose", "\"personalize.sizes\"");
  g_autoptr(GBytes) bad = gh_test_bundle_sign (bad_config, f->key);
  g_autofree char *reason_path = NULL;
  g_autofree char *reason = NULL;

  /* Arrived while the kiosk was off. */
  g_assert_cmpint (g_mkdir_with_parents (f->inbox_dir, 0750), ==, 0);
  drop (f, "0002.bundle", v2);
  g_assert_true (gh_inbox_start (f->inbox, &error));
  g_assert_no_error (error);
  gh_test_inbox_wait (f, 1, 0, 20);
  g_assert_cmpint (gh_catalog_get_version (g_ptr_array_index (f->changed, 0)), ==, 2);
  g_assert_true (exists_in (f, "applied", "0002.bundle"));
  g_assert_false (exists_in (f, "", "0002.bundle"));

  /* Renamed in while running. */
  drop (f, "0003.bundle", v3);
  gh_test_inbox_wait (f, 2, 0, 20);
  g_assert_cmpint (gh_catalog_get_version (g_ptr_array_index (f->changed, 1)), ==, 3);
  g_assert_cmpint (active_version (f), ==, 3);
  g_assert_true (exists_in (f, "applied", "0003.bundle"));

  /* A bad one: rejected/, with the reason beside it; the config stays. */
  drop (f, "0004.bundle", bad);
  gh_test_inbox_wait (f, 0, 1, 20);
  g_assert_cmpstr (g_ptr_array_index (f->rejected, 0), ==,
                   "0004.bundle: offers[0].purpose: unknown purpose \"personalize.sizes\"");
  g_assert_true (exists_in (f, "rejected", "0004.bundle"));
  reason_path = g_build_filename (f->inbox_dir, "rejected", "0004.bundle.reason", NULL);
  g_file_get_contents (reason_path, &reason, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reason, ==, "offers[0].purpose: unknown purpose \"personalize.sizes\"\n");
  g_assert_cmpint (active_version (f), ==, 3);
  g_assert_cmpuint (f->changed->len, ==, 2);

  /* A replay of an applied bundle, under a new name, is refused too. */
  drop (f, "0003-again.bundle", v3);
  gh_test_inbox_wait (f, 0, 2, 20);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->rejected, 1), "0003-again.bundle: version: 3 is not newer"));

  /* Files that are not bundles are left alone: by the time a bundle dropped
   * after one is applied, the inbox has seen it. */
  {
    g_autofree char *note = g_build_filename (f->inbox_dir, "README.txt", NULL);
    g_autoptr(GBytes) v5 = signed_config (f, 5);

    g_file_set_contents (note, "not a bundle", -1, &error);
    drop (f, "0005.bundle", v5);
    gh_test_inbox_wait (f, 3, 0, 20);
    g_assert_true (g_file_test (note, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpuint (f->rejected->len, ==, 2);
  }
}

static void
count_notify (guint *count)
{
  (*count)++;
}

static void
test_hold (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) v2 = signed_config (f, 2);
  g_autoptr(GBytes) v3 = signed_config (f, 3);
  guint notified = 0;

  g_assert_true (gh_inbox_start (f->inbox, &error));
  drop (f, "0002.bundle", v2);
  gh_test_inbox_wait (f, 1, 0, 20);

  /* A shopper arrives; HQ sends version 3 during the visit. */
  gh_inbox_set_hold (f->inbox, TRUE);
  g_assert_true (gh_inbox_get_hold (f->inbox));
  drop (f, "0003.bundle", v3);
  /* Held: nothing may happen, however long the visit; whatever the folder
   * reported is dispatched before the checks. */
  run_pending ();
  g_assert_cmpuint (f->changed->len, ==, 1);
  g_assert_cmpint (active_version (f), ==, 2);
  g_assert_true (exists_in (f, "", "0003.bundle"));

  /* The visit ends: applied, and the screens hear about it. */
  g_signal_connect_swapped (f->inbox, "notify::hold", G_CALLBACK (count_notify), &notified);
  g_object_set (f->inbox, "hold", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 1);
  gh_inbox_set_hold (f->inbox, FALSE);   /* no change, no notification */
  g_assert_cmpuint (notified, ==, 1);
  gh_test_inbox_wait (f, 2, 0, 20);
  g_assert_cmpint (gh_catalog_get_version (g_ptr_array_index (f->changed, 1)), ==, 3);
  g_assert_cmpint (active_version (f), ==, 3);
  g_assert_true (exists_in (f, "applied", "0003.bundle"));
}

static void
test_several_at_once (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) v2 = signed_config (f, 2);
  g_autoptr(GBytes) v3 = signed_config (f, 3);
  g_autoptr(GBytes) v4 = signed_config (f, 4);

  /* Three arrive during a hold, out of order: applied in name order on release,
   * and the stale one (named last, version 2) is refused as a downgrade. */
  g_assert_true (gh_inbox_start (f->inbox, &error));
  gh_inbox_set_hold (f->inbox, TRUE);
  drop (f, "a.bundle", v3);
  drop (f, "b.bundle", v4);
  drop (f, "c.bundle", v2);
  run_pending ();
  g_assert_cmpint (active_version (f), ==, 0);
  gh_inbox_set_hold (f->inbox, FALSE);
  gh_test_inbox_wait (f, 0, 1, 20);
  gh_test_inbox_wait (f, 1, 0, 20);
  run_pending ();
  g_assert_cmpint (active_version (f), ==, 4);
  /* One announcement for the config in force, not one per bundle. */
  g_assert_cmpuint (f->changed->len, ==, 1);
  g_assert_cmpint (gh_catalog_get_version (g_ptr_array_index (f->changed, 0)), ==, 4);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->rejected, 0), "c.bundle: version: 2"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/inbox/arrivals", Fixture, NULL, fixture_set_up, test_arrivals, fixture_tear_down);
  g_test_add ("/inbox/hold", Fixture, NULL, fixture_set_up, test_hold, fixture_tear_down);
  g_test_add ("/inbox/several-at-once", Fixture, NULL, fixture_set_up, test_several_at_once,
              fixture_tear_down);
  return g_test_run ();
}
