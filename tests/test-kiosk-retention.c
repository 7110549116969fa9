/* The kiosk carries out retention itself: when it starts and after a visit, never
 * during one, an item past its date is deleted (bytes and all) without anyone
 * running glasshouse-ctl; and it finishes an erasure whose wipe a reader delayed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "receipts/gh-kiosk-keys.h"
#include "store/gh-store-private.h"
#include "visit/gh-erasure.h"
#include "visit/gh-kiosk.h"
#include "gh-test-utils.h"

#define EXPIRED "Kiosk-Retention-Marker-Expired"

static void
wait_until_loaded (GhKiosk *kiosk)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (gh_kiosk_get_loading (kiosk) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (gh_kiosk_get_loading (kiosk));
}

static gint64
count (const char *path,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_READ_ONLY, &error);
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* A store whose shopper holds one item that fell due a minute ago. */
static char *
store_with_expired_item (const char *dir)
{
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  customer = gh_store_find_customer (store, "1000", &error);
  g_assert_no_error (error);
  gh_store_add_data_item (store, customer->id, "user.contact.email", "{\"value\":\"" EXPIRED "\"}",
                          GH_SOURCE_PROVIDED, now - 400 * 86400, now - 60, &error);
  g_assert_no_error (error);
  return g_strdup (gh_store_get_path (store));
}

static void
test_at_start (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = store_with_expired_item (dir);
  g_autoptr(GhKiosk) kiosk = gh_kiosk_new (path, NULL, NULL, FALSE);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpint (count (path, "SELECT count (*) FROM data_item"), ==, 4);
  gh_kiosk_load (kiosk);
  wait_until_loaded (kiosk);
  g_assert_cmpint (count (path, "SELECT count (*) FROM data_item"), ==, 3);
  g_assert_cmpint (count (path, "SELECT count (*) FROM event WHERE kind = 'retention.purged'"), ==, 1);
  g_clear_object (&kiosk);
  bytes = gh_test_read_store_files (path);
  g_assert_false (gh_test_bytes_contain (bytes, EXPIRED));
  gh_test_rmdir (dir);
}

static void
test_not_during_a_visit (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = store_with_expired_item (dir);
  g_autoptr(GhKiosk) kiosk = gh_kiosk_new (path, NULL, NULL, FALSE);

  gh_kiosk_begin_visit (kiosk);
  gh_kiosk_load (kiosk);
  wait_until_loaded (kiosk);
  /* A shopper is at the screen: nothing changes under them. */
  g_assert_cmpint (count (path, "SELECT count (*) FROM data_item"), ==, 4);
  gh_kiosk_end_visit (kiosk);
  wait_until_loaded (kiosk);
  g_assert_cmpint (count (path, "SELECT count (*) FROM data_item"), ==, 3);
  gh_test_rmdir (dir);
}

/* An erasure whose bytes a reader kept in the files is finished by the kiosk itself
 * at its next quiet moment (here: its start), and recorded. */
static void
test_finishes_a_pending_wipe (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = NULL;
  g_autoptr(GhKiosk) kiosk = NULL;

  {
    g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
    g_autoptr(GhErasureResult) result = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true (gh_kiosk_keys_ensure (store, &error));
    result = gh_erasure_forget (store, NULL, "1000", "shopper", &error);
    g_assert_no_error (error);
    /* As a reader would have left it: the wipe still to do. */
    g_assert_true (_gh_store_exec (store, "UPDATE erasure SET status = 'log_pending';"
                                          "INSERT OR REPLACE INTO meta (key, value)"
                                          " VALUES ('wipe_pending', '1')", &error));
    path = g_strdup (gh_store_get_path (store));
  }
  kiosk = gh_kiosk_new (path, NULL, NULL, FALSE);
  gh_kiosk_load (kiosk);
  wait_until_loaded (kiosk);
  g_assert_cmpint (count (path, "SELECT count (*) FROM erasure WHERE status = 'completed'"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count (*) FROM event WHERE kind = 'erasure.log_emptied'"),
                   ==, 1);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/retention/at-start", test_at_start);
  g_test_add_func ("/kiosk/retention/not-during-a-visit", test_not_during_a_visit);
  g_test_add_func ("/kiosk/erasure/finishes-a-pending-wipe", test_finishes_a_pending_wipe);
  return g_test_run ();
}
