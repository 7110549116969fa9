/* After an erasure, the shopper's earlier receipts are void: their rows keep only
 * the kiosk id and the erasure id, and `glasshouse-ctl receipt verify --db` refuses
 * their tokens (exit 3, "withdrawn"). The erasure's own receipt stays.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "config/gh-catalog.h"
#include "receipts/gh-receipt.h"
#include "store/gh-store-private.h"
#include "gh-test-utils.h"

static char *
stored_body (const char *path,
             const char *receipt_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_READ_ONLY, &error);
  sqlite3_stmt *stmt;
  char *body = NULL;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, "SELECT body FROM receipt WHERE id = ?1", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, receipt_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    body = _gh_store_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return body;
}

static void
test_token_withdrawn (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *trust = g_build_filename (dir, "kiosks.pub", NULL);
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pubkey = NULL;
  g_autofree char *err = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;

  g_clear_object (&store);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "init", "--db", path, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (&pubkey, NULL, "kiosk", "pubkey", "--db", path, NULL), ==, 0);
  g_assert_true (g_file_set_contents (trust, pubkey, -1, &error));

  /* The data copy a shopper takes home. */
  store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  catalog = gh_catalog_load_active (store, &error);
  g_assert_no_error (error);
  customer = gh_store_find_customer (store, "1000", &error);
  g_assert_no_error (error);
  receipt = gh_receipt_issue_as (store, catalog, customer, GH_RECEIPT_KIND_ACCESS, NULL, "cli",
                                 NULL, &error);
  g_assert_no_error (error);
  id = g_strdup (gh_receipt_get_id (receipt));
  token = g_strdup (gh_receipt_get_token (receipt));
  g_clear_object (&receipt);
  g_clear_object (&store);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "receipt", "verify", "--trust", trust, token,
                                    "--db", path, NULL), ==, 0);

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "erase", "1000", "--db", path, NULL), ==, 0);

  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "receipt", "verify", "--trust", trust, token,
                                    "--db", path, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "withdrawn"));
  g_assert_cmpuint (strcspn (err, "\n"), ==, strlen (err) - 1);   /* one line */
  body = stored_body (path, id);
  g_assert_nonnull (body);
  g_assert_true (g_str_has_prefix (body, "{\"kioskId\":"));
  g_assert_nonnull (strstr (body, "\"withdrawn\":{\"erasureId\":1}"));
  g_assert_null (strstr (body, "ref-1000"));
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/receipt-withdrawn/token", test_token_withdrawn);
  return g_test_run ();
}
