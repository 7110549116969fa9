/* The switch-off preview's daily counters in the kiosk's store (migration 7): counts
 * add up per UTC day and purpose, list from a day on, prune before a day, survive a
 * reopening, and the table holds nothing that could name a shopper.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "store/gh-store-preview.h"
#include "store/gh-store-private.h"
#include "store/gh-store-schema.h"
#include "gh-test-utils.h"

#define DAY1 1764936000   /* 2025-12-05T12:00:00Z */
#define DAY2 (DAY1 + 24 * 3600)

static void
count (GhStore    *store,
       const char *purpose,
       guint       opened,
       guint       kept_on,
       gint64      at)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_store_preview_daily_count (store, purpose, opened, kept_on, at, &error));
  g_assert_no_error (error);
}

static void
test_counts (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GhPreviewDaily *row;

  {
    g_autoptr(GhStore) store = gh_test_kiosk_store_new (path, "k-1");

    g_assert_cmpint (gh_store_get_schema_version (store), ==, gh_store_schema_latest ());
    /* Three previews of email on day 1, one kept on; one of offers; two on day 2. */
    count (store, "marketing.email", 1, 0, DAY1);
    count (store, "marketing.email", 1, 0, DAY1 + 60);
    count (store, "marketing.email", 0, 1, DAY1 + 90);
    count (store, "marketing.email", 1, 0, DAY1 + 3600);
    count (store, "personalize.offers", 1, 0, DAY1);
    count (store, "marketing.email", 1, 0, DAY2);
    count (store, "marketing.email", 0, 1, DAY2);
    g_assert_cmpint (gh_test_store_int (store, "SELECT count (*) FROM pragma_table_info"
                                               " ('preview_daily')", NULL), ==, 4);
  }

  {
    g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);

    g_assert_no_error (error);
    rows = gh_store_preview_daily_list (store, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 3);
    row = g_ptr_array_index (rows, 0);
    g_assert_cmpstr (row->day, ==, "2025-12-05");
    g_assert_cmpstr (row->purpose_id, ==, "marketing.email");
    g_assert_cmpint (row->opened, ==, 3);
    g_assert_cmpint (row->kept_on, ==, 1);
    row = g_ptr_array_index (rows, 1);
    g_assert_cmpstr (row->purpose_id, ==, "personalize.offers");
    g_assert_cmpint (row->opened, ==, 1);
    g_assert_cmpint (row->kept_on, ==, 0);
    row = g_ptr_array_index (rows, 2);
    g_assert_cmpstr (row->day, ==, "2025-12-06");
    g_assert_cmpint (row->opened, ==, 1);
    g_assert_cmpint (row->kept_on, ==, 1);
    g_clear_pointer (&rows, g_ptr_array_unref);

    rows = gh_store_preview_daily_list (store, "2025-12-06", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 1);
    g_clear_pointer (&rows, g_ptr_array_unref);

    g_assert_true (gh_store_preview_daily_prune (store, "2025-12-06", &error));
    g_assert_no_error (error);
    rows = gh_store_preview_daily_list (store, NULL, &error);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (((GhPreviewDaily *) rows->pdata[0])->day, ==, "2025-12-06");
  }
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-preview/counts", test_counts);
  return g_test_run ();
}
