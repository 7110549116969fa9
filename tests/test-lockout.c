/* Unit tests for the PIN lockouts kept in the store's pin_lockout table
 * (gh-auth-lockout.c): a loyalty number that does not exist and a staff id
 * stay locked across a kiosk restart (a new GhStore on the same file), lock
 * for twice as long the next time and unlock when their time is up; the table
 * never holds the number or the id, stays bounded, comes to a store made
 * before it by migration, and a missing or damaged key is an error.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "auth/gh-auth-private.h"
#include "auth/gh-auth.h"
#include "store/gh-store-private.h"
#include "store/gh-store-schema.h"
#include "gh-test-utils.h"

#define KNOWN_ID      "731994662058"
#define KNOWN_PIN     "8642"
#define UNKNOWN_ID    "731994669999"
#define STAFF_ID      "s-0042"        /* in the config, PIN STAFF_PIN */
#define STAFF_PIN     "9137"
#define STRANGER_ID   "s-7777"        /* a staff id the config does not know */

typedef GhTestAuthFixture Fixture;

/* Cheap hashes and a fake clock: these tests are about counting, not cost. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gh_test_auth_set_up (fixture, FALSE, STAFF_PIN, KNOWN_ID, "Known Shopper", KNOWN_PIN);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gh_test_auth_tear_down (fixture);
}

/* What a power cycle does: every connection closed, a new one on the same
 * file, the config read again from it. Nothing survives but the file. */
static void
restart (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->store);
  fixture->store = gh_store_open (fixture->path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gh_test_auth_load_catalog (fixture);
}

/* One shopper attempt, as the kiosk would show it: the error code and
 * message, and the seconds left (0 unless locked). */
typedef struct {
  int     code;
  char   *message;
  gint64  locked;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->message, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static Answer
attempt (Fixture    *fixture,
         const char *loyalty_id,
         const char *pin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  Answer answer = { 0 };

  answer.locked = -1;
  customer = gh_auth_sign_in (fixture->store, loyalty_id, pin, &answer.locked, &error);
  g_assert_null (customer);
  g_assert_nonnull (error);
  g_assert_true (error->domain == GH_AUTH_ERROR);
  answer.code = error->code;
  answer.message = g_strdup (error->message);
  return answer;
}

/* A wrong PIN for the real number and for the made-up one: the kiosk must
 * answer both alike. Returns the seconds locked (0: rejected, not locked). */
static gint64
fail_both (Fixture *fixture)
{
  g_auto(Answer) known = attempt (fixture, KNOWN_ID, "0000");
  g_auto(Answer) unknown = attempt (fixture, UNKNOWN_ID, "0000");

  g_assert_cmpint (known.code, ==, unknown.code);
  g_assert_cmpstr (known.message, ==, unknown.message);
  g_assert_cmpint (known.locked, ==, unknown.locked);
  if (unknown.code == GH_AUTH_ERROR_REJECTED)
    g_assert_cmpint (unknown.locked, ==, 0);
  else
    g_assert_cmpint (unknown.code, ==, GH_AUTH_ERROR_LOCKED);
  return unknown.locked;
}

static gint64
count_rows (GhStore    *store,
            const char *kind)
{
  return gh_test_store_int (store,
      "SELECT count(*) FROM pin_lockout WHERE ?1 IS NULL OR kind = ?1", kind);
}

/* The unknown number locks after five wrong PINs, just as the real one does,
 * and neither lock nor count nor doubling is lost by restarting the kiosk. */
static void
test_unknown_survives_restart (Fixture *fixture, gconstpointer data)
{
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (fail_both (fixture), ==, 0);
  g_assert_cmpint (fail_both (fixture), ==, 60);

  restart (fixture);
  /* Still locked, even for the right PIN of the real number, with the same time left. */
  g_assert_cmpint (fail_both (fixture), ==, 60);
  {
    g_auto(Answer) right = attempt (fixture, KNOWN_ID, KNOWN_PIN);
    g_assert_cmpint (right.code, ==, GH_AUTH_ERROR_LOCKED);
  }
  gh_test_fake_now += 45;
  restart (fixture);
  g_assert_cmpint (fail_both (fixture), ==, 15);

  /* The lock ends after its time; two wrong PINs, a restart, three more: the
   * count survived, and the second lock is twice as long. */
  gh_test_fake_now += 15;
  g_assert_cmpint (fail_both (fixture), ==, 0);
  g_assert_cmpint (fail_both (fixture), ==, 0);
  restart (fixture);
  g_assert_cmpint (fail_both (fixture), ==, 0);
  g_assert_cmpint (fail_both (fixture), ==, 0);
  g_assert_cmpint (fail_both (fixture), ==, 120);
  restart (fixture);
  gh_test_fake_now += 119;
  g_assert_cmpint (fail_both (fixture), ==, 1);
  gh_test_fake_now += 1;

  /* And the third, after another restart, twice as long again. */
  restart (fixture);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (fail_both (fixture), ==, 0);
  g_assert_cmpint (fail_both (fixture), ==, 240);
  g_assert_cmpint (count_rows (fixture->store, GH_LOCKOUT_SHOPPER), ==, 1);
}

#define STAFF_OK (-1)

/* One staff attempt: @expected is a GH_AUTH_ERROR code, or STAFF_OK. */
static void
assert_staff (Fixture    *fixture,
              const char *staff_id,
              const char *pin,
              int         expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStaffMember) member = NULL;

  member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, staff_id, pin, &error);
  if (expected == STAFF_OK)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (gh_staff_member_get_id (member), ==, staff_id);
      return;
    }
  g_assert_null (member);
  g_assert_error (error, GH_AUTH_ERROR, expected);
}

/* The staff PIN lock, for a real staff id and for one the config does not
 * know, survives a restart, doubles, ends after its time, and a right PIN
 * wipes it (the row goes). */
static void
test_staff_survives_restart (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStaffMember) member = NULL;
  GhTestWait wait = { loop, NULL };

  for (int i = 0; i < 4; i++)
    {
      assert_staff (fixture, STAFF_ID, "0000", GH_AUTH_ERROR_REJECTED);
      assert_staff (fixture, STRANGER_ID, "0000", GH_AUTH_ERROR_REJECTED);
    }
  restart (fixture);
  assert_staff (fixture, STAFF_ID, "0000", GH_AUTH_ERROR_LOCKED);
  assert_staff (fixture, STRANGER_ID, "0000", GH_AUTH_ERROR_LOCKED);

  restart (fixture);
  assert_staff (fixture, STAFF_ID, STAFF_PIN, GH_AUTH_ERROR_LOCKED);
  /* The kiosk's own path: a worker with its own connection sees the lock too. */
  gh_auth_staff_sign_in_async (fixture->path, fixture->catalog, STAFF_ID, STAFF_PIN, NULL,
                               gh_test_got_result, &wait);
  g_main_loop_run (loop);
  member = gh_auth_staff_sign_in_finish (wait.result, &error);
  g_clear_object (&wait.result);
  g_assert_null (member);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED);
  g_clear_error (&error);

  /* A minute later it is over; five more wrong PINs lock for two. */
  gh_test_fake_now += 60;
  for (int i = 0; i < 4; i++)
    assert_staff (fixture, STAFF_ID, "0000", GH_AUTH_ERROR_REJECTED);
  assert_staff (fixture, STAFF_ID, "0000", GH_AUTH_ERROR_LOCKED);
  restart (fixture);
  gh_test_fake_now += 119;
  assert_staff (fixture, STAFF_ID, STAFF_PIN, GH_AUTH_ERROR_LOCKED);
  gh_test_fake_now += 1;
  assert_staff (fixture, STAFF_ID, STAFF_PIN, STAFF_OK);

  /* The right PIN reset everything: only the stranger's row is left. */
  g_assert_cmpint (count_rows (fixture->store, GH_LOCKOUT_STAFF), ==, 1);
  restart (fixture);
  for (int i = 0; i < 4; i++)
    assert_staff (fixture, STAFF_ID, "0000", GH_AUTH_ERROR_REJECTED);
  assert_staff (fixture, STAFF_ID, "0000", GH_AUTH_ERROR_LOCKED);
  gh_auth_staff_sign_in_async (fixture->path, fixture->catalog, STAFF_ID, "0000", NULL,
                               gh_test_got_result, &wait);
  g_main_loop_run (loop);
  g_assert_null (gh_auth_staff_sign_in_finish (wait.result, &error));
  g_clear_object (&wait.result);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED);
}

/* Neither the made-up number nor a staff id is in the table or the file: the
 * table holds only keyed hashes, which differ from store to store. */
static void
test_no_identifiers_stored (Fixture *fixture, gconstpointer data)
{
  static const char * const ids[] = { UNKNOWN_ID, STAFF_ID, STRANGER_ID, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *other_dir = gh_test_mkdtemp ();
  g_autofree char *other_path = g_build_filename (other_dir, "other.db", NULL);
  g_autoptr(GhStore) other = NULL;
  g_autofree char *other_subject = NULL;
  sqlite3_stmt *stmt;
  int rows = 0;

  for (int i = 0; i < 5; i++)
    {
      fail_both (fixture);
      assert_staff (fixture, STAFF_ID, "0000",
                    i < 4 ? GH_AUTH_ERROR_REJECTED : GH_AUTH_ERROR_LOCKED);
      assert_staff (fixture, STRANGER_ID, "0000",
                    i < 4 ? GH_AUTH_ERROR_REJECTED : GH_AUTH_ERROR_LOCKED);
    }

  /* Every column of every row, as text. */
  stmt = _gh_store_prepare (fixture->store,
      "SELECT subject, kind, failed, locked_until, lock_count, updated_at FROM pin_lockout",
      &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *row_subject = (const char *) sqlite3_column_text (stmt, 0);

      rows++;
      g_assert_cmpuint (strlen (row_subject), ==, 32);
      g_assert_cmpuint (strspn (row_subject, "0123456789abcdef"), ==, 32);
      for (int column = 0; column < 6; column++)
        for (guint i = 0; ids[i] != NULL; i++)
          g_assert_null (strstr ((const char *) sqlite3_column_text (stmt, column), ids[i]));
      g_assert_cmpint (sqlite3_column_int64 (stmt, 3), ==, gh_test_fake_now + 60);
    }
  sqlite3_reset (stmt);
  g_assert_cmpint (rows, ==, 3);

  /* Keyed: the same number has another subject in another store. */
  subject = _gh_auth_lockout_subject (fixture->store, GH_LOCKOUT_SHOPPER, UNKNOWN_ID, &error);
  g_assert_no_error (error);
  other = gh_store_open (other_path, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  other_subject = _gh_auth_lockout_subject (other, GH_LOCKOUT_SHOPPER, UNKNOWN_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subject, !=, other_subject);
  g_clear_object (&other);
  gh_test_rmdir (other_dir);

  /* The raw bytes: the config holds STAFF_ID and the customer table KNOWN_ID,
   * but the made-up number and the stranger's id exist nowhere else. */
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->store);
  bytes = gh_test_read_store_files (fixture->path);
  g_assert_true (gh_test_bytes_contain (bytes, KNOWN_ID));  /* the reading works */
  g_assert_false (gh_test_bytes_contain (bytes, UNKNOWN_ID));
  g_assert_false (gh_test_bytes_contain (bytes, STRANGER_ID));
  restart (fixture);
}

/* A row whose lock is over and whose last wrong PIN is a day old goes with
 * the next failure, real number or not; newer rows and locks stay. */
static void
test_stale_rows_pruned (Fixture *fixture, gconstpointer data)
{
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("99000000%d", i);
      g_auto(Answer) answer = attempt (fixture, id, "0000");
      g_assert_cmpint (answer.code, ==, GH_AUTH_ERROR_REJECTED);
    }
  for (int i = 0; i < 5; i++)
    fail_both (fixture);
  g_assert_cmpint (count_rows (fixture->store, GH_LOCKOUT_SHOPPER), ==, 4);
  for (int i = 0; i < 5; i++)
    assert_staff (fixture, STRANGER_ID, "0000",
                  i < 4 ? GH_AUTH_ERROR_REJECTED : GH_AUTH_ERROR_LOCKED);

  gh_test_fake_now += GH_LOCKOUT_STALE_SECS - 10;
  {
    g_auto(Answer) answer = attempt (fixture, "990000009", "0000");
    g_assert_cmpint (answer.code, ==, GH_AUTH_ERROR_REJECTED);
  }
  g_assert_cmpint (count_rows (fixture->store, NULL), ==, 6);

  /* A day after: the first rows go, whichever failure comes next; the newest stays. */
  gh_test_fake_now += 20;
  restart (fixture);
  {
    g_auto(Answer) answer = attempt (fixture, KNOWN_ID, "0000");
    g_assert_cmpint (answer.code, ==, GH_AUTH_ERROR_REJECTED);
  }
  g_assert_cmpint (count_rows (fixture->store, NULL), ==, 1);
  /* What was pruned was forgotten, doubling included: the made-up number's
   * next lock is one minute again (a real account's would be two). */
  for (int i = 0; i < 5; i++)
    {
      g_auto(Answer) answer = attempt (fixture, UNKNOWN_ID, "0000");
      g_assert_cmpint (answer.locked, ==, i < 4 ? 0 : 60);
    }
}

/* A flood of made-up numbers through the real sign-in: the table stops at
 * its maximum, a lock taken before the flood is still there, and the staff
 * lock is never evicted by shoppers' numbers. */
static void
test_flood_bounded (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const int flood = GH_LOCKOUT_MAX_ROWS + 200;
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < 5; i++)
    {
      fail_both (fixture);
      assert_staff (fixture, STAFF_ID, "0000",
                    i < 4 ? GH_AUTH_ERROR_REJECTED : GH_AUTH_ERROR_LOCKED);
    }
  for (int i = 0; i < flood; i++)
    {
      g_autofree char *id = g_strdup_printf ("5%011d", i);
      g_auto(Answer) answer = attempt (fixture, id, "0000");

      g_assert_cmpint (answer.code, ==, GH_AUTH_ERROR_REJECTED);
      if (i % 100 == 99)
        gh_test_fake_now++;  /* time passes, but the locks taken first last through the flood */
    }
  g_test_message ("%d made-up numbers in %.1f s", flood,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (gh_test_fake_now, <, 1800000000 + 60);
  g_assert_cmpint (count_rows (fixture->store, GH_LOCKOUT_SHOPPER), ==, GH_LOCKOUT_MAX_ROWS);
  g_assert_cmpint (count_rows (fixture->store, GH_LOCKOUT_STAFF), ==, 1);

  restart (fixture);
  {
    g_auto(Answer) answer = attempt (fixture, UNKNOWN_ID, "0000");
    g_assert_cmpint (answer.code, ==, GH_AUTH_ERROR_LOCKED);
  }
  assert_staff (fixture, STAFF_ID, STAFF_PIN, GH_AUTH_ERROR_LOCKED);
  /* The oldest unlocked rows went first: the first numbers of the flood. */
  {
    g_autofree char *first = _gh_auth_lockout_subject (fixture->store, GH_LOCKOUT_SHOPPER,
                                                       "500000000000", &error);
    g_autofree char *last = _gh_auth_lockout_subject (fixture->store, GH_LOCKOUT_SHOPPER,
                                                      "500000004295", &error);
    GhLockState state;

    g_assert_no_error (error);
    g_assert_true (_gh_auth_lockout_read (fixture->store, first, &state, &error));
    g_assert_cmpint (state.failed, ==, 0);
    g_assert_true (_gh_auth_lockout_read (fixture->store, last, &state, &error));
    g_assert_cmpint (state.failed, ==, 1);
  }
}

/* When every row holds a lock, the one ending soonest makes room. */
static void
test_full_of_locks (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GhLockState locked = { 0, 0, 1 }, state;

  g_assert_true (gh_store_begin (fixture->store, &error));
  for (int i = 0; i < GH_LOCKOUT_MAX_ROWS; i++)
    {
      g_autofree char *subject = g_strdup_printf ("subject-%04d", i);

      /* Subject 0 ends soonest, the others later and later. */
      locked.locked_until = gh_test_fake_now + 60 + i;
      g_assert_true (_gh_auth_lockout_write (fixture->store, subject, GH_LOCKOUT_SHOPPER, &locked,
                                             gh_test_fake_now, &error));
    }
  g_assert_true (gh_store_commit (fixture->store, &error));
  g_assert_cmpint (count_rows (fixture->store, GH_LOCKOUT_SHOPPER), ==, GH_LOCKOUT_MAX_ROWS);

  {
    g_auto(Answer) answer = attempt (fixture, UNKNOWN_ID, "0000");
    g_assert_cmpint (answer.code, ==, GH_AUTH_ERROR_REJECTED);
  }
  g_assert_cmpint (count_rows (fixture->store, GH_LOCKOUT_SHOPPER), ==, GH_LOCKOUT_MAX_ROWS);
  g_assert_true (_gh_auth_lockout_read (fixture->store, "subject-0000", &state, &error));
  g_assert_cmpint (state.locked_until, ==, 0);
  g_assert_true (_gh_auth_lockout_read (fixture->store, "subject-0001", &state, &error));
  g_assert_cmpint (state.locked_until, ==, gh_test_fake_now + 61);
}

/* Open with raw sqlite so nothing of today's code runs: the schema as
 * migrations 1 to 3 left it, and what glasshouse-ctl init wrote then. */
static void
make_version_3_store (const char *path,
                      const char *pin_hash)
{
  sqlite3 *db = NULL;
  char *insert;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = WAL; BEGIN", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  for (guint v = 1; v <= 3; v++)
    g_assert_cmpint (sqlite3_exec (db, gh_store_schema_migration (v), NULL, NULL, NULL), ==,
                     SQLITE_OK);
  insert = sqlite3_mprintf (
      "INSERT INTO meta VALUES ('kiosk_id', 'kiosk-0000abcd'), ('created_at', '2026-01-01');"
      "INSERT INTO customer (loyalty_id, ref, display_name, pin_hash, failed_pins, created_at)"
      " VALUES ('%q', 'ref-known', 'Known Shopper', '%q', 2, 0);"
      "PRAGMA user_version = 3; COMMIT", KNOWN_ID, pin_hash);
  g_assert_cmpint (sqlite3_exec (db, insert, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (insert);
  sqlite3_close (db);
}

static void
test_migrate_from_version_3 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "v3.db", NULL);
  g_autofree char *pin_hash = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key_again = NULL;
  gint64 locked = 0;

  gh_auth_set_cost_for_testing (crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  gh_test_fake_now = 1800000000;
  gh_auth_set_clock_for_testing (gh_test_fake_clock, NULL);
  pin_hash = gh_auth_hash_pin (KNOWN_PIN);
  make_version_3_store (path, pin_hash);

  store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gh_store_get_schema_version (store), ==, gh_store_schema_latest ());
  g_assert_cmpint (gh_store_get_schema_version (store), >=, GH_STORE_SCHEMA_PIN_LOCKOUT);
  g_assert_cmpstr (gh_store_get_kiosk_id (store), ==, "kiosk-0000abcd");
  key = gh_store_get_meta (store, GH_STORE_META_PIN_LOCKOUT_KEY);
  g_assert_nonnull (key);
  g_assert_cmpuint (strlen (key), ==, 64);
  g_assert_cmpuint (strspn (key, "0123456789abcdef"), ==, 64);

  /* What was there is kept: the shopper and their count of wrong PINs. */
  customer = gh_store_find_customer (store, KNOWN_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpint (customer->failed_pins, ==, 2);

  /* The new table works in the migrated store. */
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(GhCustomer) nobody = gh_auth_sign_in (store, UNKNOWN_ID, "0000", &locked, &error);

      g_assert_null (nobody);
      g_assert_error (error, GH_AUTH_ERROR,
                      (i < 4 ? GH_AUTH_ERROR_REJECTED : GH_AUTH_ERROR_LOCKED));
      g_clear_error (&error);
    }
  g_assert_cmpint (locked, ==, 60);
  g_clear_pointer (&customer, gh_customer_free);
  customer = gh_auth_sign_in (store, KNOWN_ID, KNOWN_PIN, &locked, &error);
  g_assert_no_error (error);
  g_assert_nonnull (customer);

  /* Opening again migrates nothing and keeps the key, so the lock holds. */
  g_clear_object (&store);
  store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  key_again = gh_store_get_meta (store, GH_STORE_META_PIN_LOCKOUT_KEY);
  g_assert_cmpstr (key_again, ==, key);
  g_assert_null (gh_auth_sign_in (store, UNKNOWN_ID, "0000", &locked, &error));
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED);

  g_clear_object (&store);
  gh_test_rmdir (dir);
  gh_auth_set_clock_for_testing (NULL, NULL);
  gh_auth_set_cost_for_testing (0, 0);
}

/* Every kind of sign-in refuses with a store error that names the key, and
 * alike for a number that exists and one that does not. */
static void
assert_key_refused (Fixture    *fixture,
                    const char *expected)
{
  static const char * const numbers[] = { KNOWN_ID, UNKNOWN_ID };
  g_autoptr(GError) error = NULL;
  g_autofree char *first_message = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_assert_null (gh_auth_sign_in (fixture->store, numbers[i], KNOWN_PIN, NULL, &error));
      g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, GH_STORE_META_PIN_LOCKOUT_KEY));
      g_assert_nonnull (strstr (error->message, expected));
      g_assert_null (strstr (error->message, numbers[i]));
      if (first_message == NULL)
        first_message = g_strdup (error->message);
      g_assert_cmpstr (error->message, ==, first_message);
      g_clear_error (&error);
    }
  g_assert_null (gh_auth_staff_sign_in (fixture->store, fixture->catalog, STAFF_ID, STAFF_PIN,
                                        &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (fixture->store, NULL), ==, 0);
}

static void
test_bad_key (Fixture *fixture, gconstpointer data)
{
  static const char * const damaged[] = {
    "",
    "zz",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",     /* 63 */
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef00",  /* 66 */
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX",
    "0123456789abcdef0123456789abcdef 123456789abcdef0123456789abcdef",
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (_gh_store_exec (fixture->store,
                                 "DELETE FROM meta WHERE key = '" GH_STORE_META_PIN_LOCKOUT_KEY "'",
                                 &error));
  assert_key_refused (fixture, "missing");
  /* A restart does not quietly make a new key (that would unlock everything). */
  restart (fixture);
  assert_key_refused (fixture, "missing");

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_assert_true (gh_store_set_meta (fixture->store, GH_STORE_META_PIN_LOCKOUT_KEY, damaged[i],
                                        &error));
      assert_key_refused (fixture, "damaged");
    }
}

#define ADD(path, func) GH_TEST_ADD_FIXTURE (path, NULL, func)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (sodium_init () < 0)
    gh_test_fail ("libsodium");

  ADD ("/lockout/unknown-survives-restart", test_unknown_survives_restart);
  ADD ("/lockout/staff-survives-restart", test_staff_survives_restart);
  ADD ("/lockout/no-identifiers-stored", test_no_identifiers_stored);
  ADD ("/lockout/stale-rows-pruned", test_stale_rows_pruned);
  ADD ("/lockout/flood-bounded", test_flood_bounded);
  ADD ("/lockout/full-of-locks", test_full_of_locks);
  g_test_add_func ("/lockout/migrate-from-version-3", test_migrate_from_version_3);
  ADD ("/lockout/bad-key", test_bad_key);

  return g_test_run ();
}
