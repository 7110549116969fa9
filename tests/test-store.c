/* Unit tests for GhStore: every call, and each way it can refuse.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/gh-store-private.h"
#include "gh-test-utils.h"

typedef struct {
  char    *dir;
  char    *path;
  GhStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = gh_test_mkdtemp ();
  fixture->store = gh_test_store_with_shopper (fixture->dir);
  fixture->path = g_strdup (gh_store_get_path (fixture->store));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  gh_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static GhCustomer *
shopper (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GhCustomer *customer = gh_store_find_customer (fixture->store, "1000", &error);

  g_assert_no_error (error);
  return customer;
}

/* A second, raw connection, as another process or a tamperer would have. */
static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    gh_test_fail ("%s: %s", sql, message);
}

static void
test_open_creates_and_migrates (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) again = NULL;
  g_autofree char *created = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (gh_store_get_schema_version (fixture->store), >=, 1);
  g_assert_true (g_str_has_prefix (gh_store_get_kiosk_id (fixture->store), "kiosk-"));
  created = gh_store_get_meta (fixture->store, "created_at");
  g_assert_nonnull (created);

  /* Reopening keeps the identity: migrations do not run twice. */
  again = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gh_store_get_kiosk_id (again), ==, gh_store_get_kiosk_id (fixture->store));

  db = raw_open (fixture->path);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_open_missing (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "nothing.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);

  g_assert_null (store);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "glasshouse-ctl init"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gh_test_rmdir (dir);
}

static void
assert_refused_untouched (const char *path,
                          int         code,
                          const char *message_part)
{
  g_autoptr(GBytes) before = gh_test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  g_assert_null (store);
  g_assert_error (error, GH_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, message_part));
  g_assert_nonnull (strstr (error->message, path));
  after = gh_test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_open_not_a_database (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "notes.db", NULL);

  g_assert_true (g_file_set_contents (path, "shopping list: milk, eggs\n", -1, NULL));
  assert_refused_untouched (path, GH_STORE_ERROR_CORRUPT, "not a SQLite database");
  gh_test_rmdir (dir);
}

static void
test_open_truncated (Fixture *fixture, gconstpointer data)
{
  g_autofree char *copy = g_build_filename (fixture->dir, "truncated.db", NULL);
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *contents;
  sqlite3 *db = raw_open (fixture->path);

  /* Fold the WAL into the main file so it has every page, then cut it in half. */
  raw_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);
  bytes = gh_test_read_bytes (fixture->path);
  contents = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 8192);
  g_assert_true (g_file_set_contents (copy, contents, size / 2, NULL));
  assert_refused_untouched (copy, GH_STORE_ERROR_CORRUPT, "truncated");
}

static void
test_open_foreign_database (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  sqlite3 *db = raw_open (path);

  raw_exec (db, "CREATE TABLE recipes (name TEXT)");
  sqlite3_close (db);
  assert_refused_untouched (path, GH_STORE_ERROR_CORRUPT, "not a Glasshouse store");
  gh_test_rmdir (dir);
}

static void
test_open_too_new (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = NULL;
  sqlite3 *db = raw_open (fixture->path);

  raw_exec (db, "PRAGMA user_version = 999");
  sqlite3_close (db);
  store = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_TOO_NEW);
}

static void
test_customers (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = shopper (fixture);
  g_autoptr(GhCustomer) by_ref = NULL;
  g_autoptr(GhCustomer) nobody = NULL;

  g_assert_cmpstr (customer->loyalty_id, ==, "1000");
  g_assert_cmpstr (customer->ref, ==, "ref-1000");
  g_assert_cmpstr (customer->display_name, ==, "Ada Example");
  g_assert_cmpint (customer->failed_pins, ==, 0);

  by_ref = gh_store_find_customer_by_ref (fixture->store, "ref-1000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (by_ref->id, ==, customer->id);

  nobody = gh_store_find_customer (fixture->store, "9999", &error);
  g_assert_null (nobody);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND);
  /* The identifier is personal data: it must not appear in a message that may be logged. */
  g_assert_null (strstr (error->message, "9999"));
  g_clear_error (&error);

  g_assert_cmpint (gh_store_add_customer (fixture->store, "1000", "ref-x", "Dup", NULL, &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
}

static void
test_suppressed_ref_not_imported (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = raw_open (fixture->path);

  raw_exec (db, "INSERT INTO suppression (customer_ref, since) VALUES ('ref-gone', 'now')");
  sqlite3_close (db);
  g_assert_cmpint (gh_store_add_customer (fixture->store, "2000", "ref-gone", "Back", NULL, &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "forgotten"));
}

static void
test_data_items (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = shopper (fixture);
  g_autoptr(GPtrArray) items = gh_store_list_data_items (fixture->store, customer->id, &error);
  g_autoptr(GPtrArray) none = gh_store_list_data_items (fixture->store, 424242, &error);
  const GhDataItem *first;

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  /* Grouped by category, so the kiosk can show them under one heading each. */
  first = g_ptr_array_index (items, 0);
  g_assert_cmpstr (first->category, ==, "user.behavior.purchase_history");
  g_assert_cmpint (first->source, ==, GH_SOURCE_OBSERVED);
  g_assert_nonnull (strstr (first->attributes, "trail shoes"));
  g_assert_cmpint (first->retained_until, >, first->collected_at);
  g_assert_cmpstr (((GhDataItem *) g_ptr_array_index (items, 1))->category, ==, "user.contact.email");
  g_assert_cmpint (((GhDataItem *) g_ptr_array_index (items, 2))->source, ==, GH_SOURCE_INFERRED);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_cmpint (gh_store_add_data_item (fixture->store, 424242, "user.name", "{}",
                                           GH_SOURCE_PROVIDED, 0, 1, &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
}

static void
test_set_consent (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = shopper (fixture);
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  const GhConsent *consent;
  const GhEvent *event;
  gint64 seq, again, revoked;

  seq = gh_store_set_consent (fixture->store, customer, "marketing.email", GH_CONSENT_GRANTED,
                              "3", "shopper", &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 1);

  /* Same state again: nothing to record. */
  again = gh_store_set_consent (fixture->store, customer, "marketing.email", GH_CONSENT_GRANTED,
                                "3", "shopper", &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, 0);

  revoked = gh_store_set_consent (fixture->store, customer, "marketing.email", GH_CONSENT_REVOKED,
                                  "3", "staff:s-0042", &error);
  g_assert_no_error (error);
  g_assert_cmpint (revoked, ==, 2);

  consents = gh_store_list_consents (fixture->store, customer->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (consents->len, ==, 1);
  consent = g_ptr_array_index (consents, 0);
  g_assert_cmpstr (consent->purpose_id, ==, "marketing.email");
  g_assert_cmpint (consent->state, ==, GH_CONSENT_REVOKED);
  g_assert_cmpstr (consent->notice_version, ==, "3");

  outbox = gh_store_outbox_list (fixture->store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 2);
  event = g_ptr_array_index (outbox, 1);
  g_assert_cmpint (event->seq, ==, 2);
  g_assert_cmpstr (event->kind, ==, "consent.revoked");
  g_assert_cmpstr (event->actor, ==, "staff:s-0042");
  g_assert_cmpstr (event->customer_ref, ==, "ref-1000");
  g_assert_cmpstr (event->kiosk_id, ==, gh_store_get_kiosk_id (fixture->store));
  g_assert_nonnull (strstr (event->body, "\"purpose\":\"marketing.email\""));
  g_assert_nonnull (strstr (event->body, "\"state\":\"revoked\""));
  /* Pseudonymous: the loyalty id and the name never reach an event. */
  g_assert_null (strstr (event->body, "1000"));
  g_assert_cmpstr (event->prev_hash, ==, ((GhEvent *) g_ptr_array_index (outbox, 0))->hash);
}

static void
test_set_consent_unknown_customer (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GhCustomer ghost = { .id = 424242, .ref = (char *) "ref-ghost" };

  g_assert_cmpint (gh_store_set_consent (fixture->store, &ghost, "marketing.email",
                                         GH_CONSENT_GRANTED, "3", "cli", &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_assert_cmpint (gh_store_count_events (fixture->store, NULL), ==, 0);
  g_assert_cmpint (gh_store_outbox_count (fixture->store, NULL), ==, 0);
}

static void
test_events_and_chain (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 checked = 0, bad = -1;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"n\":%d}", i);
      g_assert_cmpint (gh_store_append_event (fixture->store, "system", NULL, "test.event", body, &error),
                       ==, i + 1);
      g_assert_no_error (error);
    }
  g_assert_cmpint (gh_store_count_events (fixture->store, &error), ==, 5);
  g_assert_true (gh_store_verify_chain (fixture->store, &checked, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, 5);
  g_assert_cmpint (bad, ==, 0);
}

/* One way of editing the chain behind the store's back, and what verifying it
 * must then say: the first bad event, and part of the message. */
typedef struct {
  const char *sql;
  gint64      expected_bad;
  const char *message_part;
} Tampering;

static const Tampering chain_edited = {
  "UPDATE event SET body = '{\"n\":99}' WHERE seq = 3", 3, "event 3"
};
static const Tampering chain_deleted_middle = { "DELETE FROM event WHERE seq = 2", 2, "event 2" };
static const Tampering chain_deleted_tail = {
  "DELETE FROM event WHERE seq = 5", 5, "missing from the end"
};
/* Re-linking a forged event needs every later hash redone; changing just one
 * row's prev_hash is still caught at that row. */
static const Tampering chain_relinked = {
  "UPDATE event SET prev_hash = hash WHERE seq = 4", 4, "does not link"
};

static void
test_chain_tampered (Fixture       *fixture,
                     gconstpointer  data)
{
  const Tampering *tampering = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) reopened = NULL;
  gint64 bad = 0;
  sqlite3 *db;

  for (int i = 0; i < 5; i++)
    gh_store_append_event (fixture->store, "system", NULL, "test.event", "{}", NULL);

  db = raw_open (fixture->path);
  raw_exec (db, "DROP TRIGGER event_no_update; DROP TRIGGER event_no_delete;");
  raw_exec (db, tampering->sql);
  sqlite3_close (db);

  reopened = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_false (gh_store_verify_chain (reopened, NULL, &bad, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT);
  g_assert_cmpint (bad, ==, tampering->expected_bad);
  g_assert_nonnull (strstr (error->message, tampering->message_part));
}

static void
test_events_append_only (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  gh_store_append_event (fixture->store, "system", NULL, "test.event", "{}", &error);
  g_assert_no_error (error);
  g_assert_false (_gh_store_exec (fixture->store, "DELETE FROM event", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_assert_cmpint (gh_store_count_events (fixture->store, NULL), ==, 1);
}

static void
test_outbox (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) rest = NULL;

  for (int i = 0; i < 10; i++)
    gh_store_append_event (fixture->store, "system", NULL, "test.event", "{}", NULL);

  page = gh_store_outbox_list (fixture->store, 3, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 4);
  g_assert_cmpint (((GhEvent *) g_ptr_array_index (page, 0))->seq, ==, 4);

  g_assert_cmpint (gh_store_outbox_ack (fixture->store, 6, &error), ==, 6);
  g_assert_no_error (error);
  g_assert_cmpint (gh_store_outbox_count (fixture->store, NULL), ==, 4);
  /* Acking again is harmless: HQ may repeat itself after a lost reply. */
  g_assert_cmpint (gh_store_outbox_ack (fixture->store, 6, &error), ==, 0);
  rest = gh_store_outbox_list (fixture->store, 0, 0, &error);
  g_assert_cmpint (((GhEvent *) g_ptr_array_index (rest, 0))->seq, ==, 7);

  g_assert_cmpint (gh_store_outbox_ack (fixture->store, 11, &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (gh_store_outbox_ack (fixture->store, 0, &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (gh_store_outbox_count (fixture->store, NULL), ==, 4);
  /* Acknowledged events leave the outbox, never the audit chain. */
  g_assert_cmpint (gh_store_count_events (fixture->store, NULL), ==, 10);
}

static void
test_transactions (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_true (gh_store_begin (fixture->store, &error));
  g_assert_cmpint (gh_store_append_event (fixture->store, "system", NULL, "a", "{}", &error), ==, 1);
  g_assert_true (gh_store_set_meta (fixture->store, "colour", "green", &error));
  gh_store_rollback (fixture->store);
  g_assert_cmpint (gh_store_count_events (fixture->store, NULL), ==, 0);
  g_assert_null (gh_store_get_meta (fixture->store, "colour"));

  g_assert_true (gh_store_begin (fixture->store, &error));
  g_assert_cmpint (gh_store_append_event (fixture->store, "system", NULL, "a", "{}", &error), ==, 1);
  g_assert_true (gh_store_set_meta (fixture->store, "colour", "blue", &error));
  g_assert_true (gh_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  value = gh_store_get_meta (fixture->store, "colour");
  g_assert_cmpstr (value, ==, "blue");
  g_assert_true (gh_store_verify_chain (fixture->store, NULL, NULL, &error));
}

static void
test_active_config (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "fresh.db", NULL);
  g_autoptr(GhStore) fresh = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
  g_autoptr(GBytes) none = gh_store_get_active_config (fresh, NULL, &error);
  g_autoptr(GBytes) active = NULL;
  gint64 version = 0;

  g_assert_no_error (error);
  g_assert_null (none);

  gh_test_activate_config (fixture->store, 7, "{\"version\":7}");
  active = gh_store_get_active_config (fixture->store, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 7);
  g_assert_cmpmem (g_bytes_get_data (active, NULL), g_bytes_get_size (active), "{\"version\":7}", 13);
  gh_test_rmdir (dir);
}

static void
test_busy (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = shopper (fixture);
  sqlite3 *other = raw_open (fixture->path);
  gint64 start;

  raw_exec (other, "BEGIN IMMEDIATE");
  gh_store_set_busy_timeout (fixture->store, 200);
  start = g_get_monotonic_time ();
  g_assert_cmpint (gh_store_set_consent (fixture->store, customer, "marketing.email",
                                         GH_CONSENT_GRANTED, "3", "cli", &error), ==, -1);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_BUSY);
  /* It waited for the other writer before giving up. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  raw_exec (other, "ROLLBACK");
  sqlite3_close (other);

  g_clear_error (&error);
  g_assert_cmpint (gh_store_set_consent (fixture->store, customer, "marketing.email",
                                         GH_CONSENT_GRANTED, "3", "cli", &error), ==, 1);
  g_assert_no_error (error);
}

/* Root writes through any file mode, so the read-only check runs in a child
 * that gives up root first (when there is root to give up). */
static void
test_read_only (Fixture *fixture, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);
  int status;
  pid_t pid;

  g_clear_object (&fixture->store);
  g_assert_cmpint (g_chmod (fixture->path, 0444), ==, 0);
  g_chmod (wal, 0444);
  g_chmod (shm, 0444);
  g_chmod (fixture->dir, 0555);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhStore) store = NULL;
      g_autoptr(GhCustomer) customer = NULL;

      if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
        _exit (10);
      store = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
      if (store == NULL)
        /* Refusing to open is fine too, as long as it says read-only. */
        _exit (g_error_matches (error, GH_STORE_ERROR, GH_STORE_ERROR_READONLY) ? 0 : 11);
      customer = gh_store_find_customer (store, "1000", &error);
      if (customer == NULL)
        _exit (12);
      if (gh_store_set_consent (store, customer, "marketing.email", GH_CONSENT_GRANTED, "3",
                                "cli", &error) != -1)
        _exit (13);
      _exit (g_error_matches (error, GH_STORE_ERROR, GH_STORE_ERROR_READONLY) ? 0 : 14);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_chmod (fixture->dir, 0755);
  g_chmod (fixture->path, 0644);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

/* Opening a second connection in the same process must not cost the first
 * its locks: if it did, another process closing its own connection would
 * believe it was the last, delete the WAL, and the first connection's later
 * commits would go into a deleted file. */
static void
test_second_connection_keeps_locks (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = shopper (fixture);
  g_autoptr(GhStore) second = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (gh_store_set_consent (fixture->store, customer, "marketing.email",
                                         GH_CONSENT_GRANTED, "3", "shopper", &error), ==, 1);
  second = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  /* Another process opens and closes the store, as glasshouse-ctl or the pusher does. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "audit", "verify", "--db", fixture->path, NULL), ==, 0);
  g_assert_cmpint (gh_store_set_consent (fixture->store, customer, "marketing.email",
                                         GH_CONSENT_REVOKED, "3", "shopper", &error), ==, 2);
  /* A fresh process must see the second change while this one still runs. */
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "outbox", "export", "--db", fixture->path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"kind\":\"consent.revoked\""));
}

static void
test_enum_names (void)
{
  GhSource source;
  GhConsentState state;

  for (GhSource s = GH_SOURCE_PROVIDED; s <= GH_SOURCE_THIRD_PARTY; s++)
    {
      g_assert_true (gh_source_from_string (gh_source_to_string (s), &source));
      g_assert_cmpint (source, ==, s);
    }
  g_assert_false (gh_source_from_string ("rumour", &source));
  g_assert_false (gh_source_from_string (NULL, &source));
  g_assert_true (gh_consent_state_from_string ("granted", &state));
  g_assert_cmpint (state, ==, GH_CONSENT_GRANTED);
  g_assert_false (gh_consent_state_from_string ("maybe", &state));
}

static int
synchronous_level (GhStore *store)
{
  sqlite3_stmt *stmt = NULL;
  int level;

  g_assert_cmpint (sqlite3_prepare_v2 (_gh_store_get_db (store), "PRAGMA synchronous", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  level = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return level;
}

/* HQ's acknowledgement commits without a sync (it is redone if lost); a shopper's
 * decision written after it must wait for the disk again, whether the redoable
 * transaction committed or rolled back. */
static void
test_redoable_commit (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const int normal = 1, full = 2;

  g_assert_cmpint (synchronous_level (fixture->store), ==, full);
  g_assert_true (gh_store_begin_redoable (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (synchronous_level (fixture->store), ==, normal);
  g_assert_true (gh_store_set_meta (fixture->store, "hq_last_push_at", "now", &error));
  g_assert_true (gh_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (synchronous_level (fixture->store), ==, full);

  g_assert_true (gh_store_begin_redoable (fixture->store, &error));
  gh_store_rollback (fixture->store);
  g_assert_cmpint (synchronous_level (fixture->store), ==, full);
  g_assert_true (gh_store_begin (fixture->store, &error));
  g_assert_cmpint (synchronous_level (fixture->store), ==, full);
  g_assert_true (gh_store_commit (fixture->store, &error));
  g_assert_no_error (error);
}

#define ADD(path, func) GH_TEST_ADD_FIXTURE (path, NULL, func)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/store/open/creates-and-migrates", test_open_creates_and_migrates);
  g_test_add_func ("/store/open/missing", test_open_missing);
  ADD ("/store/redoable-commit", test_redoable_commit);
  g_test_add_func ("/store/open/not-a-database", test_open_not_a_database);
  ADD ("/store/open/truncated", test_open_truncated);
  g_test_add_func ("/store/open/foreign-database", test_open_foreign_database);
  ADD ("/store/open/too-new", test_open_too_new);
  ADD ("/store/customers", test_customers);
  ADD ("/store/customers/suppressed", test_suppressed_ref_not_imported);
  ADD ("/store/data-items", test_data_items);
  ADD ("/store/consent/set", test_set_consent);
  ADD ("/store/consent/unknown-customer", test_set_consent_unknown_customer);
  ADD ("/store/chain/intact", test_events_and_chain);
  GH_TEST_ADD_FIXTURE ("/store/chain/edited", &chain_edited, test_chain_tampered);
  GH_TEST_ADD_FIXTURE ("/store/chain/deleted-middle", &chain_deleted_middle, test_chain_tampered);
  GH_TEST_ADD_FIXTURE ("/store/chain/deleted-tail", &chain_deleted_tail, test_chain_tampered);
  GH_TEST_ADD_FIXTURE ("/store/chain/relinked", &chain_relinked, test_chain_tampered);
  ADD ("/store/chain/append-only", test_events_append_only);
  ADD ("/store/outbox", test_outbox);
  ADD ("/store/transactions", test_transactions);
  ADD ("/store/active-config", test_active_config);
  ADD ("/store/busy", test_busy);
  ADD ("/store/read-only", test_read_only);
  ADD ("/store/second-connection-keeps-locks", test_second_connection_keeps_locks);
  g_test_add_func ("/store/enum-names", test_enum_names);

  return g_test_run ();
}
