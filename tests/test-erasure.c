/* Unit tests for gh-erasure and the erase / lockout clear commands: a shopper
 * written with unique marker strings is erased, and the raw bytes of the
 * database, its -wal and its -shm no longer hold any marker, while the events,
 * the legal-hold records and the audit chain are intact and a later import of
 * the same ref is refused.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/gh-auth.h"
#include "visit/gh-erasure.h"
#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-receipt.h"
#include "store/gh-store-private.h"
#include "gh-test-utils.h"

#define LOYALTY       "904417730021"
#define REF           "ref-erase-me"
#define PIN           "2580"
#define NAME          "Marker-Name-Qx7Vb"
#define EMAIL         "marker-email-Kp3Rz@example.org"
#define ITEM          "Marker-Item-Wt9Lm"
#define LATE_ITEM     "Marker-Late-Zr4Nc"
#define EXPIRED_ITEM  "Marker-Expired-Hj2Ds"
#define HELD_ITEM     "held-receipt-7781"
#define OTHER_LOYALTY "904417730099"
#define OTHER_NAME    "Other-Shopper-Keeps-Data"

static const char * const markers[] = { LOYALTY, NAME, EMAIL, ITEM, LATE_ITEM, EXPIRED_ITEM, NULL };

typedef struct {
  char    *dir;
  char    *path;
  GhStore *store;
  char    *pin_hash;
} Fixture;

static void
raw_exec (GhStore    *store,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (_gh_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

static void
add_item (GhStore    *store,
          gint64      customer_id,
          const char *category,
          const char *attributes,
          GhSource    source,
          gint64      retained_until)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  gh_store_add_data_item (store, customer_id, category, attributes, source, now - 86400,
                          retained_until, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autofree char *config = NULL;
  g_autofree char *staff_hash = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, id, other;

  gh_auth_set_cost_for_testing (crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  fixture->dir = gh_test_mkdtemp ();
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
  fixture->store = gh_store_open (fixture->path, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  /* As glasshouse-ctl init does: the key that signs the erasure receipt. */
  g_assert_true (gh_kiosk_keys_ensure (fixture->store, &error));
  g_assert_no_error (error);
  fixture->pin_hash = gh_auth_hash_pin (PIN);
  staff_hash = gh_auth_hash_pin ("9137");
  config = gh_test_privacy_config (1, staff_hash);
  if (GPOINTER_TO_INT (data))
    gh_test_activate_config (fixture->store, 1, config);

  id = gh_store_add_customer (fixture->store, LOYALTY, REF, NAME, fixture->pin_hash, &error);
  g_assert_no_error (error);
  other = gh_store_add_customer (fixture->store, OTHER_LOYALTY, "ref-other", OTHER_NAME, NULL, &error);
  g_assert_no_error (error);
  add_item (fixture->store, id, "user.name", "{\"value\":\"" NAME "\"}", GH_SOURCE_PROVIDED,
            now + 3650 * 86400);
  add_item (fixture->store, id, "user.contact.email", "{\"value\":\"" EMAIL "\"}", GH_SOURCE_PROVIDED,
            now + 3650 * 86400);
  add_item (fixture->store, id, "user.behavior.purchase_history",
            "{\"item\":\"" HELD_ITEM "\",\"amount\":42.5,\"department\":\"running\"}",
            GH_SOURCE_OBSERVED, now + 3650 * 86400);
  /* Past its retention: the law no longer asks us to keep it, so it goes too. */
  add_item (fixture->store, id, "user.behavior.purchase_history",
            "{\"item\":\"" EXPIRED_ITEM "\",\"amount\":1}", GH_SOURCE_OBSERVED, now - 60);
  add_item (fixture->store, other, "user.name", "{\"value\":\"" OTHER_NAME "\"}", GH_SOURCE_PROVIDED,
            now + 86400);
  customer = gh_store_find_customer (fixture->store, LOYALTY, &error);
  g_assert_no_error (error);
  gh_store_set_consent (fixture->store, customer, "personalize.offers", GH_CONSENT_GRANTED, "1",
                        "shopper", &error);
  g_assert_no_error (error);
  if (GPOINTER_TO_INT (data))
    {
      /* A copy of their data asked for earlier and not yet collected by HQ: it
       * waits in the outbox as an attachment, and must go with everything else. */
      g_autoptr(GhCatalog) catalog = gh_catalog_load_active (fixture->store, &error);
      g_autoptr(GhReceipt) access = NULL;

      g_assert_no_error (error);
      access = gh_receipt_issue (fixture->store, catalog, customer, GH_RECEIPT_KIND_ACCESS, NULL, NULL,
                                 "en", &error);
      g_assert_no_error (error);
    }
  /* Some markers in the main file, some only in the WAL, old row versions in both. */
  raw_exec (fixture->store, "PRAGMA wal_checkpoint(TRUNCATE)");
  add_item (fixture->store, id, "user.behavior.browsing_history",
            "{\"item\":\"" ITEM "\",\"views\":3}", GH_SOURCE_OBSERVED, now + 365 * 86400);
  add_item (fixture->store, id, "user.behavior.browsing_history",
            "{\"item\":\"" LATE_ITEM "\",\"views\":1}", GH_SOURCE_OBSERVED, now + 365 * 86400);
  raw_exec (fixture->store, "UPDATE customer SET failed_pins = 2 WHERE id = 1");
  gh_store_set_consent (fixture->store, customer, "personalize.offers", GH_CONSENT_REVOKED, "1",
                        "shopper", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  gh_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->pin_hash);
  gh_auth_set_cost_for_testing (0, 0);
}

static void
assert_no_markers (const char *path,
                   const char *pin_hash)
{
  g_autoptr(GBytes) bytes = gh_test_read_store_files (path);

  for (guint i = 0; markers[i] != NULL; i++)
    if (gh_test_bytes_contain (bytes, markers[i]))
      gh_test_fail ("marker #%u is still in the raw bytes of %s or its -wal/-shm", i, path);
  if (pin_hash != NULL)
    g_assert_false (gh_test_bytes_contain (bytes, pin_hash));
}

static void
assert_erased (Fixture    *fixture,
               GhStore    *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) gone = NULL;
  g_autoptr(GhCustomer) other = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  gone = gh_store_find_customer (store, LOYALTY, &error);
  g_assert_null (gone);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Kept: the held purchase, under the pseudonym, with the config's reason. */
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM legal_hold WHERE customer_ref = ?1", REF), ==, 1);
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM legal_hold WHERE attributes LIKE '%' || ?1 || '%'"
                                 " AND category = 'user.behavior.purchase_history'"
                                 " AND reason = 'Tax law: sales records are kept for ten years'",
                          HELD_ITEM), ==, 1);
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM data_item WHERE customer_id NOT IN"
                                 " (SELECT id FROM customer)", NULL), ==, 0);
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM consent", NULL), ==, 0);
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM suppression WHERE customer_ref = ?1", REF), ==, 1);
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM erasure WHERE customer_ref = ?1"
                                 " AND status = 'completed'", REF), ==, 1);
  /* The receipt records it, and is the one the erasure row names. */
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM receipt r JOIN erasure e ON e.receipt_id = r.id"
                                 " WHERE r.kind = 'erasure' AND r.customer_ref = ?1", REF), ==, 1);

  /* The pseudonymous history stays: both consent events and the erasure's two. */
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM event WHERE customer_ref = ?1"
                                 " AND kind LIKE 'consent.%'", REF), ==, 2);
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM event WHERE customer_ref = ?1"
                                 " AND kind = 'erasure.requested'", REF), ==, 1);
  g_assert_cmpint (gh_test_store_int (store, "SELECT count(*) FROM event WHERE customer_ref = ?1"
                                 " AND kind = 'erasure.completed' AND body LIKE '%Tax law%'", REF), ==, 1);
  g_assert_true (gh_store_verify_chain (store, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Someone else's data is untouched. */
  other = gh_store_find_customer (store, OTHER_LOYALTY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other->display_name, ==, OTHER_NAME);

  /* A later import of the same person is refused. */
  g_assert_cmpint (gh_store_add_customer (store, LOYALTY, REF, NAME, NULL, &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "audit", "verify", "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "audit chain intact"));
}

static void
test_erase_leaves_no_trace (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GBytes) before = gh_test_read_store_files (fixture->path);
  g_autoptr(GhStore) reopened = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  const GhErasureKept *kept;
  guint found = 0;

  /* The test can fail: before the erasure every marker is on disk. */
  for (guint i = 0; markers[i] != NULL; i++)
    found += gh_test_bytes_contain (before, markers[i]);
  g_assert_cmpuint (found, ==, g_strv_length ((char **) markers));

  result = gh_erasure_forget (fixture->store, NULL, LOYALTY, "shopper", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->customer_ref, ==, REF);
  g_assert_cmpint (result->erasure_id, >, 0);
  g_assert_cmpuint (result->deleted_items, ==, 5);
  g_assert_cmpuint (result->kept->len, ==, 1);
  kept = g_ptr_array_index (result->kept, 0);
  g_assert_cmpstr (kept->category, ==, "user.behavior.purchase_history");
  g_assert_cmpuint (kept->items, ==, 1);
  g_assert_cmpstr (kept->reason, ==, "Tax law: sales records are kept for ten years");
  g_assert_nonnull (result->receipt);
  g_assert_cmpstr (gh_receipt_get_id (result->receipt), ==, result->receipt_id);
  g_assert_cmpint (gh_receipt_get_kind (result->receipt), ==, GH_RECEIPT_KIND_ERASURE);
  g_assert_cmpstr (gh_receipt_get_customer_ref (result->receipt), ==, REF);

  /* With the kiosk still running (store open), and the WAL emptied. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_bytes_get_size (gh_test_read_bytes (wal)), ==, 0);
  assert_no_markers (fixture->path, fixture->pin_hash);
  assert_erased (fixture, fixture->store);

  /* And after the kiosk stops and starts again. */
  g_clear_object (&fixture->store);
  assert_no_markers (fixture->path, fixture->pin_hash);
  reopened = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  assert_erased (fixture, reopened);
  g_clear_object (&reopened);
  assert_no_markers (fixture->path, fixture->pin_hash);
}

/* Another connection (the kiosk's inbox, HQ's push) reading through the erasure keeps
 * the WAL from being emptied: the erasure still counts as done, says the log is
 * pending, and the next checkpoint once the reader lets go leaves no trace. */
static void
test_erase_with_a_reader (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GhStore) reader = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  raw_exec (reader, "BEGIN");
  stmt = _gh_store_prepare (reader, "SELECT count(*) FROM data_item", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);  /* the snapshot is now held */
  gh_store_set_busy_timeout (fixture->store, 50);

  result = gh_erasure_forget (fixture->store, NULL, LOYALTY, "shopper", &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (result->log_pending);
  g_assert_cmpuint (result->deleted_items, ==, 5);

  sqlite3_reset (stmt);
  raw_exec (reader, "COMMIT");
  /* Not finished until the bytes are gone: the retry completes the erasure row. */
  g_assert_true (gh_erasure_finish_pending (fixture->store, NULL, &error));
  g_assert_no_error (error);
  assert_erased (fixture, fixture->store);
  assert_no_markers (fixture->path, fixture->pin_hash);
}

static void
test_erase_unknown (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  gint64 events = gh_store_count_events (fixture->store, NULL);

  result = gh_erasure_forget (fixture->store, NULL, "000000000000", "cli", &error);
  g_assert_null (result);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND);
  g_assert_null (strstr (error->message, "000000000000"));
  g_clear_error (&error);

  result = gh_erasure_forget (fixture->store, NULL, LOYALTY, "", &error);
  g_assert_error (error, GH_ERASURE_ERROR, GH_ERASURE_ERROR_INVALID);
  g_clear_error (&error);
  result = gh_erasure_forget (fixture->store, NULL, LOYALTY, "staff: sam", &error);
  g_assert_error (error, GH_ERASURE_ERROR, GH_ERASURE_ERROR_INVALID);
  g_assert_cmpint (gh_store_count_events (fixture->store, NULL), ==, events);
}

static void
test_erase_without_config (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GhCustomer) still = NULL;

  /* Without a config nobody can say what the law requires to keep: refuse, change nothing. */
  result = gh_erasure_forget (fixture->store, NULL, LOYALTY, "cli", &error);
  g_assert_null (result);
  g_assert_error (error, GH_ERASURE_ERROR, GH_ERASURE_ERROR_NO_CONFIG);
  still = gh_store_find_customer (fixture->store, LOYALTY, NULL);
  g_assert_nonnull (still);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM erasure", NULL), ==, 0);
}

static void
test_erase_is_atomic (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GhCustomer) still = NULL;
  gint64 events = gh_store_count_events (fixture->store, NULL);

  /* Another module's row that refers to the customer without cascading blocks the delete. */
  raw_exec (fixture->store, "CREATE TABLE blocker (customer_id INTEGER REFERENCES customer (id));"
                            "INSERT INTO blocker VALUES (1)");
  result = gh_erasure_forget (fixture->store, NULL, LOYALTY, "cli", &error);
  g_assert_null (result);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing half-done: no erasure row, no events, no suppression, nothing moved. */
  still = gh_store_find_customer (fixture->store, LOYALTY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gh_store_count_events (fixture->store, NULL), ==, events);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM erasure", NULL), ==, 0);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM suppression", NULL), ==, 0);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM legal_hold", NULL), ==, 0);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM data_item WHERE customer_id = 1", NULL),
                   ==, 6);
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_erase_async (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GhCatalog) catalog = gh_catalog_load_active (fixture->store, &error);
  GAsyncResult *async_result = NULL;

  g_assert_no_error (error);
  gh_erasure_forget_async (fixture->path, catalog, LOYALTY, "staff:s-0042", "en", NULL, got_result,
                           &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = gh_erasure_forget_finish (async_result, &error);
  g_object_unref (async_result);
  g_assert_no_error (error);
  g_assert_cmpuint (result->kept->len, ==, 1);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM event WHERE kind = 'erasure.completed'"
                                          " AND actor = 'staff:s-0042'", NULL), ==, 1);
  assert_no_markers (fixture->path, fixture->pin_hash);
}

static void
test_ctl_erase (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_clear_object (&fixture->store);  /* as on a kiosk PC: another process does it */

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "erase", "--db", fixture->path, NULL), ==, 2);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "erase", LOYALTY, "--db", fixture->path,
                                    "--actor", "hq", "--json", NULL), ==, 0);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "customer_ref"), ==, REF);
  g_assert_cmpint (json_object_get_int_member (object, "deleted_items"), ==, 5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "kept")), ==, 1);
  g_assert_null (strstr (out, LOYALTY));
  g_assert_cmpstr (err, ==, "");
  assert_no_markers (fixture->path, fixture->pin_hash);
  /* Every event of it names who recorded it, the receipt's too, not the shopper at a kiosk. */
  fixture->store = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, NULL);
  g_assert_nonnull (fixture->store);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM event WHERE customer_ref = ?1 AND "
                          "kind IN ('erasure.requested', 'erasure.completed') AND actor = 'hq'", REF), ==, 2);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT actor = 'hq' FROM event WHERE customer_ref = ?1 AND "
                          "kind = 'receipt.issued' ORDER BY seq DESC LIMIT 1", REF), ==, 1);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM receipt WHERE body LIKE "
                          "'%recorded with glasshouse-ctl by hq%'", NULL), ==, 1);
  g_clear_object (&fixture->store);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Again: that shopper is gone; the error does not repeat the number. */
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "erase", LOYALTY, "--db", fixture->path, NULL), ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_null (strstr (err, LOYALTY));
  g_assert_cmpuint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "erase", OTHER_LOYALTY, "--db", fixture->path, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "forgot customer ref-other"));
  g_assert_null (strstr (out, OTHER_LOYALTY));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "audit", "verify", "--db", fixture->path, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A store that is not there: a store problem. */
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "erase", LOYALTY, "--db", "/nonexistent/x.db", NULL),
                   ==, 4);
}

static void
test_ctl_erase_without_config (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "erase", LOYALTY, "--db", fixture->path, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "no configuration"));
  g_assert_null (strstr (err, LOYALTY));
}

static void
test_ctl_lockout_clear (Fixture *fixture, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GhCustomer) customer = NULL;

  raw_exec (fixture->store, "UPDATE customer SET failed_pins = 0, locked_until = 4000000000,"
                            " lock_count = 1 WHERE id = 1");

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "lockout", "clear", LOYALTY, "--db", fixture->path,
                                    NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--staff"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "lockout", "clear", LOYALTY, "--db", fixture->path,
                                    "--staff", "s-9999", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "s-9999"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "lockout", "clear", "111", "--db", fixture->path,
                                    "--staff", "s-0042", NULL), ==, 3);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "lockout", "clear", LOYALTY, "--db", fixture->path,
                                    "--staff", "s-0042", NULL), ==, 0);
  g_assert_null (strstr (out, LOYALTY));
  customer = gh_store_find_customer (fixture->store, LOYALTY, NULL);
  g_assert_cmpint (customer->locked_until, ==, 0);
  g_assert_cmpint (gh_test_store_int (fixture->store, "SELECT count(*) FROM event WHERE kind ="
                                          " 'staff.lockout_cleared' AND actor = 'staff:s-0042'"
                                          " AND customer_ref = ?1", REF), ==, 1);
}

static void
test_ctl_pin_hash (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *ctl = g_getenv ("GLASSHOUSE_CTL");
  const char *argv[] = { ctl, "pin", "hash", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                     | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "4711\n", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_strchomp (out);
  g_assert_true (g_str_has_prefix (out, "$argon2id$"));
  g_assert_cmpint (crypto_pwhash_str_verify (out, "4711", 4), ==, 0);
  g_assert_null (strstr (err, "4711"));
  g_clear_object (&process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                     | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_subprocess_communicate_utf8 (process, "47a1\n", NULL, &out, &err, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 3);
  g_assert_null (strstr (err, "47a1"));
}

static void
test_no_identifiers_logged (Fixture *fixture, gconstpointer data)
{
  g_autofree char *err_path = g_build_filename (fixture->dir, "stderr.txt", NULL);
  g_autofree char *err_text = NULL;
  g_autofree char *log_text = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GhErasureResult) again = NULL;
  int saved;

  saved = gh_test_capture_begin (err_path);

  result = gh_erasure_forget (fixture->store, NULL, LOYALTY, "shopper", NULL);
  again = gh_erasure_forget (fixture->store, NULL, LOYALTY, "shopper", NULL);

  gh_test_capture_end (saved);
  g_assert_nonnull (result);
  g_assert_null (again);

  g_assert_true (g_file_get_contents (err_path, &err_text, NULL, NULL));
  log_text = gh_test_log_capture_dup ();
  for (guint i = 0; markers[i] != NULL; i++)
    {
      g_assert_null (strstr (err_text, markers[i]));
      g_assert_null (strstr (log_text, markers[i]));
    }
}

#define ADD(path, func, with_config) GH_TEST_ADD_FIXTURE (path, GINT_TO_POINTER (with_config), func)

int
main (int    argc,
      char **argv)
{
  /* Debug messages too (in this process only: the CLI's stdout must stay clean). */
  gh_test_init_capturing (&argc, &argv);

  ADD ("/erasure/leaves-no-trace", test_erase_leaves_no_trace, TRUE);
  ADD ("/erasure/with-a-reader", test_erase_with_a_reader, TRUE);
  ADD ("/erasure/unknown-and-bad-actor", test_erase_unknown, TRUE);
  ADD ("/erasure/without-config", test_erase_without_config, FALSE);
  ADD ("/erasure/atomic", test_erase_is_atomic, TRUE);
  ADD ("/erasure/async", test_erase_async, TRUE);
  ADD ("/erasure/no-identifiers-logged", test_no_identifiers_logged, TRUE);
  ADD ("/erasure/ctl/erase", test_ctl_erase, TRUE);
  ADD ("/erasure/ctl/erase-without-config", test_ctl_erase_without_config, FALSE);
  ADD ("/erasure/ctl/lockout-clear", test_ctl_lockout_clear, TRUE);
  g_test_add_func ("/erasure/ctl/pin-hash", test_ctl_pin_hash);

  return g_test_run ();
}
