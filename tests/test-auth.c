/* Unit tests for gh-auth: PIN hashing, lockouts that grow, staff sign-in and
 * staff clearing a lockout, answers and timing that do not reveal whether a
 * loyalty number exists, and no identifier ever reaching a log or stderr.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/gh-auth.h"
#include "store/gh-store-private.h"
#include "gh-test-utils.h"

/* Identifiers that must never show up in a log line or on stderr. */
#define KNOWN_ID    "731994662058"
#define KNOWN_PIN   "8642"
#define KNOWN_NAME  "Zebulon Quarrington"
#define WEAK_ID     "731994662066"
#define WEAK_PIN    "1357"
#define UNKNOWN_ID  "731994669999"
#define STAFF_PIN   "9137"

typedef GhTestAuthFixture Fixture;

static void
add_shopper (GhStore    *store,
             const char *loyalty_id,
             const char *ref,
             const char *pin_hash)
{
  g_autoptr(GError) error = NULL;

  gh_store_add_customer (store, loyalty_id, ref, KNOWN_NAME, pin_hash, &error);
  g_assert_no_error (error);
}

/* Cheap hashes and a fake clock, unless @data asks for the real cost: for the
 * tests about counting, not about cost. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gh_test_auth_set_up (fixture, GPOINTER_TO_INT (data), STAFF_PIN, KNOWN_ID, KNOWN_NAME, KNOWN_PIN);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gh_test_auth_tear_down (fixture);
}

static GhCustomer *
reload (Fixture    *fixture,
        const char *loyalty_id)
{
  g_autoptr(GError) error = NULL;
  GhCustomer *customer = gh_store_find_customer (fixture->store, loyalty_id, &error);

  g_assert_no_error (error);
  return customer;
}

static GPtrArray *
events_of_kind (GhStore    *store,
                const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = gh_store_outbox_list (store, 0, 0, &error);
  GPtrArray *matching = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_event_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      GhEvent *event = g_ptr_array_index (all, i);
      if (g_str_equal (event->kind, kind))
        g_ptr_array_add (matching, g_steal_pointer (&all->pdata[i]));
    }
  return matching;
}

/* One attempt that must succeed (@right) or be refused. Returns the lock's
 * length when this refused attempt locked, else 0. */
static gint64
sign_in_once (Fixture    *fixture,
              const char *loyalty_id,
              const char *pin,
              gboolean    right)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  gint64 locked = -1;

  customer = gh_auth_sign_in (fixture->store, loyalty_id, pin, &locked, &error);
  if (right)
    {
      g_assert_no_error (error);
      g_assert_nonnull (customer);
      g_assert_cmpstr (customer->loyalty_id, ==, loyalty_id);
      g_assert_cmpint (customer->failed_pins, ==, 0);
      g_assert_cmpint (customer->locked_until, ==, 0);
      g_assert_cmpint (locked, ==, 0);
      return 0;
    }
  g_assert_null (customer);
  g_assert_nonnull (error);
  g_assert_true (error->domain == GH_AUTH_ERROR);
  if (error->code == GH_AUTH_ERROR_REJECTED)
    {
      g_assert_cmpint (locked, ==, 0);
      return 0;
    }
  g_assert_cmpint (error->code, ==, GH_AUTH_ERROR_LOCKED);
  g_assert_cmpint (locked, >, 0);
  return locked;
}

static gint64
fail_once (Fixture    *fixture,
           const char *loyalty_id,
           const char *pin)
{
  return sign_in_once (fixture, loyalty_id, pin, FALSE);
}

static void
sign_in_ok (Fixture    *fixture,
            const char *loyalty_id,
            const char *pin)
{
  sign_in_once (fixture, loyalty_id, pin, TRUE);
}

static void
test_hash_pin (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gint64 start;
  double hash_s, verify_s;

  start = g_get_monotonic_time ();
  a = gh_auth_hash_pin ("4711");
  hash_s = (g_get_monotonic_time () - start) / 1e6;
  b = gh_auth_hash_pin ("4711");
  g_assert_nonnull (a);
  g_assert_true (g_str_has_prefix (a, "$argon2id$v=19$m=65536,t=3,p=1$"));
  /* Salted: the same PIN never hashes alike, so equal PINs do not show in the store. */
  g_assert_cmpstr (a, !=, b);
  g_assert_null (strstr (a, "4711"));

  start = g_get_monotonic_time ();
  g_assert_cmpint (crypto_pwhash_str_verify (a, "4711", 4), ==, 0);
  verify_s = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpint (crypto_pwhash_str_verify (a, "4712", 4), !=, 0);
  g_assert_cmpint (crypto_pwhash_str_needs_rehash (a, 3, 64 * 1024 * 1024), ==, 0);
  g_test_message ("argon2id t=3 m=64MiB: hash %.3f s, verify %.3f s", hash_s, verify_s);
  /* Loose bounds: a shared machine may be slower, but never free or absurdly slow. */
  g_assert_cmpfloat (verify_s, >, 0.03);
  g_assert_cmpfloat (verify_s, <, 3.0);
}

static void
test_lock_schedule (void)
{
  static const gint64 expected[] = { 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (gh_auth_lock_seconds_for (i + 1), ==, expected[i]);
  g_assert_cmpint (gh_auth_lock_seconds_for (1000), ==, 3600);
}

static void
test_thousand_wrong_pins (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GhCustomer) after = NULL;
  g_autoptr(GPtrArray) locks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) nope = NULL;
  int n_locks = 0;
  gint64 locked = 0;

  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *pin = g_strdup_printf ("%04d", i);

      g_assert_cmpstr (pin, !=, KNOWN_PIN);
      locked = fail_once (fixture, KNOWN_ID, pin);
      if (locked > 0)
        {
          n_locks++;
          /* Every fifth attempt locks, and each lock is twice the last, up to an hour. */
          g_assert_cmpint ((i + 1) % 5, ==, 0);
          g_assert_cmpint (locked, ==, gh_auth_lock_seconds_for (n_locks));
          /* While locked, even the right PIN gets nowhere... */
          g_assert_cmpint (fail_once (fixture, KNOWN_ID, KNOWN_PIN), ==, locked);
          /* ...until the lock runs out, so that every one of the 1000 PINs is really checked. */
          if (i < 999)
            gh_test_fake_now += locked;
        }
    }
  g_assert_cmpint (n_locks, ==, 200);
  g_assert_cmpint (locked, ==, 3600);

  after = reload (fixture, KNOWN_ID);
  g_assert_cmpint (after->locked_until, ==, gh_test_fake_now + 3600);
  g_assert_cmpint (after->lock_count, ==, 200);
  nope = gh_auth_sign_in (fixture->store, KNOWN_ID, KNOWN_PIN, &locked, &error);
  g_assert_null (nope);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED);
  g_assert_cmpint (locked, ==, 3600);

  locks = events_of_kind (fixture->store, "pin.locked");
  g_assert_cmpuint (locks->len, ==, 200);
  for (guint i = 0; i < locks->len; i++)
    {
      const GhEvent *event = g_ptr_array_index (locks, i);
      g_autofree char *seconds = g_strdup_printf ("\"seconds\":%" G_GINT64_FORMAT,
                                                  gh_auth_lock_seconds_for (i + 1));

      g_assert_cmpstr (event->customer_ref, ==, "ref-known");
      g_assert_cmpstr (event->actor, ==, "system");
      g_assert_nonnull (strstr (event->body, seconds));
      g_assert_null (strstr (event->body, KNOWN_ID));
    }
}

static void
test_success_resets (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GhCustomer) customer = NULL;

  for (int i = 0; i < 4; i++)
    g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 0);
  customer = reload (fixture, KNOWN_ID);
  g_assert_cmpint (customer->failed_pins, ==, 4);
  g_clear_pointer (&customer, gh_customer_free);

  /* Four wrong then right: the count starts again, so four more do not lock. */
  sign_in_ok (fixture, KNOWN_ID, KNOWN_PIN);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 0);
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 60);

  /* Locked: the right PIN is refused; one second before the end, still refused. */
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, KNOWN_PIN), ==, 60);
  gh_test_fake_now += 59;
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, KNOWN_PIN), ==, 1);
  gh_test_fake_now += 1;
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 0);
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 120);
  gh_test_fake_now += 120;

  /* A success resets the growing delay too: the next lock is one minute again. */
  sign_in_ok (fixture, KNOWN_ID, KNOWN_PIN);
  customer = reload (fixture, KNOWN_ID);
  g_assert_cmpint (customer->lock_count, ==, 0);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 0);
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 60);
}

static void
test_bad_inputs (Fixture *fixture, gconstpointer data)
{
  g_autofree char *long_pin = g_strnfill (5000, '7');

  /* Empty, absurdly long, non-digit, or a PIN for a shopper who has none: all just wrong. */
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, ""), ==, 0);
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, long_pin), ==, 0);
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, "' OR 1=1 --"), ==, 0);
  g_assert_cmpint (fail_once (fixture, "", KNOWN_PIN), ==, 0);
  g_assert_cmpint (fail_once (fixture, "' OR 1=1 --", KNOWN_PIN), ==, 0);

  add_shopper (fixture->store, "111", "ref-nopin", NULL);
  g_assert_cmpint (fail_once (fixture, "111", ""), ==, 0);
  add_shopper (fixture->store, "222", "ref-garbage", "not-an-argon2-hash");
  g_assert_cmpint (fail_once (fixture, "222", "not-an-argon2-hash"), ==, 0);
  sign_in_ok (fixture, KNOWN_ID, KNOWN_PIN);
}

static void
test_rehash_on_success (Fixture *fixture, gconstpointer data)
{
  char weak[crypto_pwhash_STRBYTES];
  g_autoptr(GhCustomer) after = NULL;

  /* As the demo generator stores them: the minimum cost. */
  g_assert_cmpint (crypto_pwhash_str (weak, WEAK_PIN, strlen (WEAK_PIN), crypto_pwhash_OPSLIMIT_MIN,
                                      crypto_pwhash_MEMLIMIT_MIN), ==, 0);
  add_shopper (fixture->store, WEAK_ID, "ref-weak", weak);

  g_assert_cmpint (fail_once (fixture, WEAK_ID, "0000"), ==, 0);
  after = reload (fixture, WEAK_ID);
  g_assert_cmpstr (after->pin_hash, ==, weak);  /* a failure does not upgrade */
  g_clear_pointer (&after, gh_customer_free);

  sign_in_ok (fixture, WEAK_ID, WEAK_PIN);
  after = reload (fixture, WEAK_ID);
  g_assert_cmpstr (after->pin_hash, !=, weak);
  g_assert_true (g_str_has_prefix (after->pin_hash, "$argon2id$v=19$m=65536,t=3,p=1$"));
  g_assert_cmpint (crypto_pwhash_str_needs_rehash (after->pin_hash, 3, 64 * 1024 * 1024), ==, 0);
  g_clear_pointer (&after, gh_customer_free);

  /* The upgraded hash still takes the same PIN. */
  sign_in_ok (fixture, WEAK_ID, WEAK_PIN);
}

static void
test_staff_clears_lockout (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cleared = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  const GhEvent *event;
  gboolean was_locked = FALSE;

  for (int i = 0; i < 4; i++)
    fail_once (fixture, KNOWN_ID, "0000");
  g_assert_cmpint (fail_once (fixture, KNOWN_ID, "0000"), ==, 60);

  g_assert_true (gh_auth_clear_lockout (fixture->store, KNOWN_ID, "s-0042", &was_locked, &error));
  g_assert_no_error (error);
  g_assert_true (was_locked);
  customer = reload (fixture, KNOWN_ID);
  g_assert_cmpint (customer->locked_until, ==, 0);
  g_assert_cmpint (customer->failed_pins, ==, 0);
  /* The escalation stays: more wrong PINs after staff helped lock for longer. */
  g_assert_cmpint (customer->lock_count, ==, 1);

  cleared = events_of_kind (fixture->store, "staff.lockout_cleared");
  g_assert_cmpuint (cleared->len, ==, 1);
  event = g_ptr_array_index (cleared, 0);
  g_assert_cmpstr (event->actor, ==, "staff:s-0042");
  g_assert_cmpstr (event->customer_ref, ==, "ref-known");
  g_assert_nonnull (strstr (event->body, "\"was_locked\":true"));
  g_assert_null (strstr (event->body, KNOWN_ID));
  g_assert_true (gh_store_verify_chain (fixture->store, NULL, NULL, &error));

  /* No waiting: the shopper signs in straight away. */
  sign_in_ok (fixture, KNOWN_ID, KNOWN_PIN);

  /* Refused: a staff id that could not appear in an event, and an unknown shopper. */
  g_assert_false (gh_auth_clear_lockout (fixture->store, KNOWN_ID, "sam smith", NULL, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (gh_auth_clear_lockout (fixture->store, KNOWN_ID, "", NULL, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (gh_auth_clear_lockout (fixture->store, UNKNOWN_ID, "s-0042", NULL, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND);
  g_assert_null (strstr (error->message, UNKNOWN_ID));
  g_clear_pointer (&cleared, g_ptr_array_unref);
  cleared = events_of_kind (fixture->store, "staff.lockout_cleared");
  g_assert_cmpuint (cleared->len, ==, 1);
  g_clear_error (&error);

  /* Cleared again, now that nothing is locked: the staff page must not say "cleared". */
  g_assert_true (gh_auth_clear_lockout (fixture->store, KNOWN_ID, "s-0042", &was_locked, &error));
  g_assert_no_error (error);
  g_assert_false (was_locked);
}

static void
test_staff_assist_recorded (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) started = NULL;
  g_autoptr(GPtrArray) ended = NULL;

  g_assert_true (gh_auth_record_staff_assist (fixture->store, "s-0042", TRUE, FALSE, &error));
  g_assert_true (gh_auth_record_staff_assist (fixture->store, "s-0042", FALSE, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (gh_auth_record_staff_assist (fixture->store, "s 42", TRUE, FALSE, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);

  started = events_of_kind (fixture->store, "staff.assist_started");
  ended = events_of_kind (fixture->store, "staff.assist_ended");
  g_assert_cmpuint (started->len, ==, 1);
  g_assert_cmpuint (ended->len, ==, 1);
  g_assert_cmpstr (((GhEvent *) g_ptr_array_index (started, 0))->actor, ==, "staff:s-0042");
  g_assert_null (((GhEvent *) g_ptr_array_index (started, 0))->customer_ref);
  g_assert_cmpstr (((GhEvent *) g_ptr_array_index (ended, 0))->body, ==, "{\"timed_out\":true}");
}

static char *
attempt_message (Fixture    *fixture,
                 const char *loyalty_id,
                 const char *pin,
                 int        *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = gh_auth_sign_in (fixture->store, loyalty_id, pin, NULL, &error);

  g_assert_null (customer);
  g_assert_nonnull (error);
  g_assert_true (error->domain == GH_AUTH_ERROR);
  *code = error->code;
  return g_strdup (error->message);
}

static void
test_unknown_id_same_answer (Fixture *fixture, gconstpointer data)
{
  g_autofree char *known_msg = NULL;
  g_autofree char *unknown_msg = NULL;
  int known_code, unknown_code;

  for (int i = 0; i < 5; i++)
    {
      g_free (known_msg);
      g_free (unknown_msg);
      known_msg = attempt_message (fixture, KNOWN_ID, "0000", &known_code);
      unknown_msg = attempt_message (fixture, UNKNOWN_ID, "0000", &unknown_code);
      g_assert_cmpint (known_code, ==, unknown_code);
      g_assert_cmpstr (known_msg, ==, unknown_msg);
      g_assert_null (strstr (known_msg, KNOWN_ID));
      g_assert_cmpint (known_code, ==, i < 4 ? GH_AUTH_ERROR_REJECTED : GH_AUTH_ERROR_LOCKED);
    }
  /* The made-up number is locked just like the real one, and unlocks the same way. */
  g_free (unknown_msg);
  unknown_msg = attempt_message (fixture, UNKNOWN_ID, "0000", &unknown_code);
  g_assert_cmpint (unknown_code, ==, GH_AUTH_ERROR_LOCKED);
  gh_test_fake_now += 60;
  g_free (unknown_msg);
  unknown_msg = attempt_message (fixture, UNKNOWN_ID, "0000", &unknown_code);
  g_assert_cmpint (unknown_code, ==, GH_AUTH_ERROR_REJECTED);
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), gh_test_compare_doubles);
  return values[n / 2];
}

static double
time_attempt (Fixture    *fixture,
              const char *loyalty_id,
              const char *pin,
              char      **message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  gint64 start = g_get_monotonic_time ();

  customer = gh_auth_sign_in (fixture->store, loyalty_id, pin, NULL, &error);
  g_assert_null (customer);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED);
  g_free (*message);
  *message = g_strdup (error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* Real argon2id parameters: an unknown number, a real shopper with a wrong PIN,
 * and a shopper whose hash still has the demo's minimum cost take the same time. */
static void
test_unknown_id_same_time (Fixture *fixture, gconstpointer data)
{
  enum { ROUNDS = 9, PASSES = 3 };
  char weak[crypto_pwhash_STRBYTES];
  g_autofree char *known_msg = NULL;
  g_autofree char *unknown_msg = NULL;
  g_autofree char *weak_msg = NULL;
  double mk = 0, mu = 0, mw = 0;
  int fresh = 0;

  g_assert_cmpint (crypto_pwhash_str (weak, WEAK_PIN, strlen (WEAK_PIN), crypto_pwhash_OPSLIMIT_MIN,
                                      crypto_pwhash_MEMLIMIT_MIN), ==, 0);
  add_shopper (fixture->store, WEAK_ID, "ref-weak", weak);
  /* Warm up: the dummy hash is made on first use. */
  (void) time_attempt (fixture, UNKNOWN_ID "0", "0000", &unknown_msg);

  /* The machine is shared, so a burst of someone else's work can skew one pass;
   * a real difference shows in every pass, noise does not. */
  for (int pass = 0; pass < PASSES; pass++)
    {
      double t[3][ROUNDS];

      for (int i = 0; i < ROUNDS; i++)
        {
          /* A fresh made-up number each time, and counters reset, so nothing meets a lock. */
          g_autofree char *unknown_id = g_strdup_printf (UNKNOWN_ID "%d", ++fresh);

          g_assert_true (_gh_store_exec (fixture->store, "UPDATE customer SET failed_pins = 0", NULL));
          /* Rotating the order spreads any drift in machine load over all three. */
          for (int k = 0; k < 3; k++)
            switch ((i + k) % 3)
              {
              case 0: t[0][i] = time_attempt (fixture, KNOWN_ID, "0000", &known_msg); break;
              case 1: t[1][i] = time_attempt (fixture, unknown_id, "0000", &unknown_msg); break;
              default: t[2][i] = time_attempt (fixture, WEAK_ID, "0000", &weak_msg); break;
              }
        }
      g_assert_cmpstr (known_msg, ==, unknown_msg);
      g_assert_cmpstr (weak_msg, ==, unknown_msg);

      mk = median (t[0], ROUNDS);
      mu = median (t[1], ROUNDS);
      mw = median (t[2], ROUNDS);
      g_test_message ("pass %d: median sign-in time: known+wrong PIN %.3f s, unknown id %.3f s, "
                      "demo-cost hash %.3f s; unknown/known %.2f, weak/known %.2f",
                      pass + 1, mk, mu, mw, mu / mk, mw / mk);
      if (fabs (mu - mk) / MAX (mu, mk) <= 0.20 && fabs (mw - mk) / MAX (mw, mk) <= 0.20)
        break;
    }
  g_assert_cmpfloat (fabs (mu - mk) / MAX (mu, mk), <=, 0.20);
  g_assert_cmpfloat (fabs (mw - mk) / MAX (mw, mk), <=, 0.20);
}

static void
test_staff_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStaffMember) member = NULL;
  g_autofree char *wrong_msg = NULL;

  member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-0042", STAFF_PIN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gh_staff_member_get_name (member), ==, "Sam");
  g_clear_object (&member);

  member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-0042", "0000", &error);
  g_assert_null (member);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED);
  wrong_msg = g_strdup (error->message);
  g_clear_error (&error);
  member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-9999", STAFF_PIN, &error);
  g_assert_null (member);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED);
  g_assert_cmpstr (error->message, ==, wrong_msg);
  g_clear_error (&error);

  /* Staff PINs lock too (in pin_lockout: staff accounts live in HQ's config, not the store). */
  for (int i = 0; i < 3; i++)
    {
      member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-0042", "", &error);
      g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED);
      g_clear_error (&error);
    }
  member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-0042", "1111", &error);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED);
  g_clear_error (&error);
  member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-0042", STAFF_PIN, &error);
  g_assert_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED);
  g_clear_error (&error);
  gh_test_fake_now += 60;
  member = gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-0042", STAFF_PIN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (member);
}

static void
test_async (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GhStaffMember) member = NULL;
  GhTestWait wait = { loop, NULL };
  gint64 locked = -1;

  gh_auth_sign_in_async (fixture->path, KNOWN_ID, KNOWN_PIN, NULL, gh_test_got_result, &wait);
  customer = gh_auth_sign_in_finish (gh_test_wait_for (&wait), &locked, &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_cmpstr (customer->ref, ==, "ref-known");
  g_assert_cmpint (locked, ==, 0);
  g_clear_pointer (&customer, gh_customer_free);

  for (int i = 0; i < 5; i++)
    {
      gh_auth_sign_in_async (fixture->path, KNOWN_ID, "0000", NULL, gh_test_got_result, &wait);
      customer = gh_auth_sign_in_finish (gh_test_wait_for (&wait), &locked, &error);
      g_clear_object (&wait.result);
      g_assert_null (customer);
      g_assert_error (error, GH_AUTH_ERROR, (i < 4 ? GH_AUTH_ERROR_REJECTED : GH_AUTH_ERROR_LOCKED));
      g_clear_error (&error);
    }
  g_assert_cmpint (locked, ==, 60);

  /* A store that is not there is a store error, not a wrong PIN. */
  gh_auth_sign_in_async ("/nonexistent/glasshouse.db", KNOWN_ID, KNOWN_PIN, NULL,
                         gh_test_got_result, &wait);
  customer = gh_auth_sign_in_finish (gh_test_wait_for (&wait), &locked, &error);
  g_clear_object (&wait.result);
  g_assert_null (customer);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO);
  g_clear_error (&error);

  gh_auth_staff_sign_in_async (fixture->path, fixture->catalog, "s-0042", STAFF_PIN, NULL,
                               gh_test_got_result, &wait);
  member = gh_auth_staff_sign_in_finish (gh_test_wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_cmpstr (gh_staff_member_get_id (member), ==, "s-0042");
}

/* The staff actions' _async variants open their own connection and do what
 * the synchronous ones do. */
static void
test_staff_async (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GPtrArray) cleared = NULL;
  g_autoptr(GPtrArray) ended = NULL;
  GhTestWait wait = { loop, NULL };

  for (int i = 0; i < 5; i++)
    fail_once (fixture, KNOWN_ID, "0000");
  gh_auth_clear_lockout_async (fixture->path, KNOWN_ID, "s-0042", NULL, gh_test_got_result, &wait);
  g_assert_true (gh_auth_clear_lockout_finish (gh_test_wait_for (&wait), NULL, &error));
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  customer = reload (fixture, KNOWN_ID);
  g_assert_cmpint (customer->locked_until, ==, 0);
  cleared = events_of_kind (fixture->store, "staff.lockout_cleared");
  g_assert_cmpuint (cleared->len, ==, 1);

  gh_auth_clear_lockout_async (fixture->path, KNOWN_ID, "sam smith", NULL, gh_test_got_result,
                               &wait);
  g_assert_false (gh_auth_clear_lockout_finish (gh_test_wait_for (&wait), NULL, &error));
  g_clear_object (&wait.result);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID);
  g_clear_error (&error);

  gh_auth_record_staff_assist_async (fixture->path, "s-0042", FALSE, TRUE, NULL, gh_test_got_result,
                                     &wait);
  g_assert_true (gh_auth_record_staff_assist_finish (gh_test_wait_for (&wait), &error));
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  ended = events_of_kind (fixture->store, "staff.assist_ended");
  g_assert_cmpuint (ended->len, ==, 1);
  g_assert_cmpstr (((GhEvent *) g_ptr_array_index (ended, 0))->body, ==, "{\"timed_out\":true}");
}

static void
assert_no_identifiers (const char *where,
                       const char *text)
{
  static const char * const secrets[] = { KNOWN_ID, KNOWN_PIN, KNOWN_NAME, UNKNOWN_ID, STAFF_PIN,
                                          WEAK_ID, WEAK_PIN, NULL };

  for (guint i = 0; secrets[i] != NULL; i++)
    if (strstr (text, secrets[i]) != NULL)
      gh_test_fail ("%s contains an identifier or a PIN (secret #%u)", where, i);
}

/* Every path through sign-in, with all of GLib's logging switched on and
 * stderr captured: neither may carry a loyalty number, a PIN or a name. */
static void
test_no_identifiers_logged (Fixture *fixture, gconstpointer data)
{
  g_autofree char *err_path = g_build_filename (fixture->dir, "stderr.txt", NULL);
  g_autofree char *err_text = NULL;
  g_autofree char *log_text = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GhTestWait wait = { loop, NULL };
  int saved;

  saved = gh_test_capture_begin (err_path);

  sign_in_ok (fixture, KNOWN_ID, KNOWN_PIN);
  for (int i = 0; i < 5; i++)
    {
      fail_once (fixture, KNOWN_ID, WEAK_PIN);
      fail_once (fixture, UNKNOWN_ID, KNOWN_PIN);
    }
  gh_auth_clear_lockout (fixture->store, KNOWN_ID, "s-0042", NULL, NULL);
  gh_auth_clear_lockout (fixture->store, UNKNOWN_ID, "s-0042", NULL, NULL);
  gh_auth_sign_in_async (fixture->path, KNOWN_ID, WEAK_PIN, NULL, gh_test_got_result, &wait);
  g_main_loop_run (loop);
  g_assert_null (gh_auth_sign_in_finish (wait.result, NULL, NULL));
  g_clear_object (&wait.result);
  g_assert_null (gh_auth_staff_sign_in (fixture->store, fixture->catalog, "s-0042", KNOWN_PIN,
                                        NULL));
  g_assert_null (gh_auth_staff_sign_in (fixture->store, fixture->catalog, "nobody", STAFF_PIN,
                                        NULL));

  gh_test_capture_end (saved);

  g_assert_true (g_file_get_contents (err_path, &err_text, NULL, NULL));
  log_text = gh_test_log_capture_dup ();
  assert_no_identifiers ("stderr", err_text);
  assert_no_identifiers ("the GLib log", log_text);
  /* The capture works: a line logged with an identifier would have been caught. */
  g_debug ("probe %s", "capture-check");
  g_clear_pointer (&log_text, g_free);
  log_text = gh_test_log_capture_dup ();
  g_assert_nonnull (strstr (log_text, "capture-check"));
}

#define ADD(path, func, real_cost) GH_TEST_ADD_FIXTURE (path, GINT_TO_POINTER (real_cost), func)

int
main (int    argc,
      char **argv)
{
  gh_test_init_capturing (&argc, &argv);

  g_test_add_func ("/auth/hash-pin", test_hash_pin);
  g_test_add_func ("/auth/lock-schedule", test_lock_schedule);
  ADD ("/auth/thousand-wrong-pins", test_thousand_wrong_pins, FALSE);
  ADD ("/auth/success-resets", test_success_resets, FALSE);
  ADD ("/auth/bad-inputs", test_bad_inputs, FALSE);
  ADD ("/auth/rehash-on-success", test_rehash_on_success, TRUE);
  ADD ("/auth/staff-clears-lockout", test_staff_clears_lockout, FALSE);
  ADD ("/auth/staff-assist-recorded", test_staff_assist_recorded, FALSE);
  ADD ("/auth/unknown-id/same-answer", test_unknown_id_same_answer, FALSE);
  ADD ("/auth/unknown-id/same-time", test_unknown_id_same_time, TRUE);
  ADD ("/auth/staff-sign-in", test_staff_sign_in, FALSE);
  ADD ("/auth/async", test_async, FALSE);
  ADD ("/auth/staff-async", test_staff_async, FALSE);
  ADD ("/auth/no-identifiers-logged", test_no_identifiers_logged, FALSE);

  return g_test_run ();
}
