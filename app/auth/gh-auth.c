/* Shopper and staff sign-in: argon2id PIN hashes, lockouts that grow, and
 * answers that do not give away whether a loyalty number exists.
 *
 * An unknown loyalty number costs one full verify against a dummy hash and
 * gets the same message as a wrong PIN; it even locks the same way, through
 * a "phantom" counter in the store's pin_lockout table (gh-auth-lockout.c),
 * so probing a number five times cannot tell a real account (which locks)
 * from a made-up one, not even across a restart. Staff PINs lock through the
 * same table. Hashes imported with cheaper parameters (the demo generator
 * uses the minimum) are padded with a dummy verify at the kiosk's cost so
 * they answer in the same time, and are upgraded on the next success.
 * A shopper's locks and counters live in the customer row; the verify runs
 * outside any transaction so a slow hash never holds the store's write lock.
 * The _async variants, which run these in a worker thread, are in gh-auth-async.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "auth/gh-auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/gh-auth-private.h"
#include "store/gh-store-private.h"

/* The kiosk's argon2id cost. Measured on the target (Debian 12, 2 cores, idle):
 *   t=2 m=64 MiB: 0.13 s   t=3 m=64 MiB: 0.18 s   t=2 m=128 MiB: 0.28 s   t=3 m=128 MiB: 0.33 s
 * t=3 with 64 MiB sits in the middle of the 0.1-0.3 s the design asks for, and
 * keeps headroom for a busy machine without making a shopper wait. */
#define GH_AUTH_OPSLIMIT 3ULL
#define GH_AUTH_MEMLIMIT ((size_t) 64 * 1024 * 1024)

#define MAX_FAILED_PINS   5
#define FIRST_LOCK_SECS   60
#define LONGEST_LOCK_SECS 3600

G_DEFINE_QUARK (gh-auth-error-quark, gh_auth_error)

static const char rejected_message[] = "That loyalty number and PIN do not match";

static unsigned long long cost_ops = GH_AUTH_OPSLIMIT;
static size_t             cost_mem = GH_AUTH_MEMLIMIT;

static GhAuthClock clock_func;
static gpointer    clock_data;

/* Guards everything below, which worker threads share. */
static GMutex      state_lock;
static char       *dummy_hash;      /* a hash at the current cost that no PIN matches */

static void
ensure_sodium (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialised");
      g_once_init_leave (&done, 1);
    }
}

static gint64
now_seconds (void)
{
  if (clock_func != NULL)
    return clock_func (clock_data);
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
gh_auth_set_clock_for_testing (GhAuthClock clock,
                               gpointer    user_data)
{
  g_mutex_lock (&state_lock);
  clock_func = clock;
  clock_data = user_data;
  g_mutex_unlock (&state_lock);
}

void
gh_auth_set_cost_for_testing (unsigned long long opslimit,
                              gsize              memlimit)
{
  g_mutex_lock (&state_lock);
  cost_ops = opslimit != 0 ? opslimit : GH_AUTH_OPSLIMIT;
  cost_mem = memlimit != 0 ? memlimit : GH_AUTH_MEMLIMIT;
  g_clear_pointer (&dummy_hash, g_free);
  g_mutex_unlock (&state_lock);
}

static char *
hash_with_cost (const char         *pin,
                unsigned long long  ops,
                size_t              mem)
{
  char out[crypto_pwhash_STRBYTES];

  ensure_sodium ();
  if (crypto_pwhash_str (out, pin, strlen (pin), ops, mem) != 0)
    return NULL;  /* out of memory: the only way argon2id fails here */
  return g_strdup (out);
}

char *
gh_auth_hash_pin (const char *pin)
{
  unsigned long long ops;
  size_t mem;

  g_return_val_if_fail (pin != NULL, NULL);
  g_mutex_lock (&state_lock);
  ops = cost_ops;
  mem = cost_mem;
  g_mutex_unlock (&state_lock);
  return hash_with_cost (pin, ops, mem);
}

/* The dummy is made once per cost; its PIN is random bytes nobody knows. */
static char *
get_dummy_hash (void)
{
  char *copy;

  g_mutex_lock (&state_lock);
  if (dummy_hash == NULL)
    {
      guint8 secret[32];
      char hex[sizeof secret * 2 + 1];
      char out[crypto_pwhash_STRBYTES];

      ensure_sodium ();
      randombytes_buf (secret, sizeof secret);
      sodium_bin2hex (hex, sizeof hex, secret, sizeof secret);
      if (crypto_pwhash_str (out, hex, strlen (hex), cost_ops, cost_mem) == 0)
        dummy_hash = g_strdup (out);
      sodium_memzero (hex, sizeof hex);
    }
  copy = g_strdup (dummy_hash);
  g_mutex_unlock (&state_lock);
  return copy;
}

static gboolean
verify (const char *hash,
        const char *pin)
{
  return hash != NULL && crypto_pwhash_str_verify (hash, pin, strlen (pin)) == 0;
}

/* Whether @hash costs less than the kiosk's own parameters, so that a verify
 * against it would answer faster than one for an unknown number. */
static gboolean
hash_is_cheaper (const char *hash)
{
  unsigned long mem_kib = 0, ops = 0, lanes = 0;
  unsigned long long cur_ops;
  size_t cur_mem;

  if (hash == NULL || sscanf (hash, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$", &mem_kib, &ops, &lanes) != 3)
    return TRUE;
  g_mutex_lock (&state_lock);
  cur_ops = cost_ops;
  cur_mem = cost_mem;
  g_mutex_unlock (&state_lock);
  return (double) mem_kib * 1024.0 * ops < (double) cur_mem * cur_ops;
}

static gboolean
needs_rehash (const char *hash)
{
  unsigned long long ops;
  size_t mem;

  g_mutex_lock (&state_lock);
  ops = cost_ops;
  mem = cost_mem;
  g_mutex_unlock (&state_lock);
  return crypto_pwhash_str_needs_rehash (hash, ops, mem) != 0;
}

/* Checks @pin against @hash taking the time of one verify at the kiosk's cost,
 * whatever @hash is (NULL for an unknown number or a shopper without a PIN). */
static gboolean
verify_constant_cost (const char *hash,
                      const char *pin)
{
  gboolean ok = FALSE;

  if (hash != NULL)
    ok = verify (hash, pin);
  if (hash == NULL || hash_is_cheaper (hash))
    {
      g_autofree char *dummy = get_dummy_hash ();
      /* The result is thrown away; only the time it takes matters. */
      (void) verify (dummy, pin);
    }
  return ok;
}

gint64
gh_auth_lock_seconds_for (int lock_count)
{
  gint64 seconds = FIRST_LOCK_SECS;

  for (int i = 1; i < lock_count && seconds < LONGEST_LOCK_SECS; i++)
    seconds *= 2;
  return MIN (seconds, LONGEST_LOCK_SECS);
}

static void
set_locked_error (GError **error,
                  gint64   seconds)
{
  g_set_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED,
               "Too many wrong PINs: try again in %" G_GINT64_FORMAT " seconds", seconds);
}

/* Counts one wrong PIN in @state; returns the new lock's length when this one
 * locked, else 0. The one schedule for shoppers, made-up numbers and staff. */
static gint64
count_failure (GhLockState *state,
               gint64       now)
{
  gint64 locked;

  if (++state->failed < MAX_FAILED_PINS)
    return 0;
  state->failed = 0;
  state->lock_count++;
  locked = gh_auth_lock_seconds_for (state->lock_count);
  state->locked_until = now + locked;
  return locked;
}

/* ---- throttling numbers that do not exist (and staff ids) ---------------- */

/* Seconds left on @subject's lock, 0 when not locked, -1 with @error set. One
 * read outside a transaction, as a shopper's own lock is read with their row. */
static gint64
phantom_check (GhStore     *store,
               const char  *subject,
               GError     **error)
{
  GhLockState state;

  if (!_gh_auth_lockout_read (store, subject, &state, error))
    return -1;
  return MAX (state.locked_until - now_seconds (), 0);
}

/* As record_failure () for a shopper, in one transaction, minus the event:
 * a pin.locked event would have no shopper to name, and a flood of made-up
 * numbers would grow the append-only chain without end. */
static gint64
phantom_fail (GhStore     *store,
              const char  *subject,
              const char  *kind,
              GError     **error)
{
  GhLockState state;
  gint64 now = now_seconds (), locked;

  if (!gh_store_begin (store, error))
    return -1;
  if (!_gh_auth_lockout_read (store, subject, &state, error))
    goto fail;
  if (state.locked_until > now)
    {
      /* Another attempt locked it while this one was hashing. */
      gh_store_rollback (store);
      return state.locked_until - now;
    }
  locked = count_failure (&state, now);
  if (!_gh_auth_lockout_prune (store, now, error) ||
      !_gh_auth_lockout_write (store, subject, kind, &state, now, error) ||
      !gh_store_commit (store, error))
    goto fail;
  return locked;

fail:
  gh_store_rollback (store);
  return -1;
}

/* A right PIN forgets the counters and the doubling. Returns the seconds left
 * when a parallel attempt locked it meanwhile, 0 on success, -1 on error. */
static gint64
phantom_reset (GhStore     *store,
               const char  *subject,
               GError     **error)
{
  GhLockState state;
  gint64 now = now_seconds ();

  if (!gh_store_begin (store, error))
    return -1;
  if (!_gh_auth_lockout_read (store, subject, &state, error))
    goto fail;
  if (state.locked_until > now)
    {
      gh_store_rollback (store);
      return state.locked_until - now;
    }
  if (!_gh_auth_lockout_forget (store, subject, error) ||
      !gh_store_commit (store, error))
    goto fail;
  return 0;

fail:
  gh_store_rollback (store);
  return -1;
}

/* ---- shoppers ------------------------------------------------------------ */

static gboolean
read_lock_state (GhStore      *store,
                 gint64        customer_id,
                 GhLockState  *state,
                 GError      **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT failed_pins, locked_until, lock_count FROM customer WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state->failed = sqlite3_column_int (stmt, 0);
      state->locked_until = sqlite3_column_int64 (stmt, 1);
      state->lock_count = sqlite3_column_int (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND,
                   "the customer was removed while signing in");
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      _gh_store_set_error (store, rc, error, "reading a PIN lockout");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_lock_state (GhStore            *store,
                  gint64              customer_id,
                  const GhLockState  *state,
                  const char         *new_pin_hash,
                  GError            **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "UPDATE customer SET failed_pins = ?2, locked_until = ?3, lock_count = ?4,"
      " pin_hash = coalesce (?5, pin_hash) WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int (stmt, 2, state->failed);
  sqlite3_bind_int64 (stmt, 3, state->locked_until);
  sqlite3_bind_int (stmt, 4, state->lock_count);
  sqlite3_bind_text (stmt, 5, new_pin_hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "recording a sign-in attempt");
      return FALSE;
    }
  return TRUE;
}

static char *
iso_from_unix (gint64 seconds)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (seconds);
  return date != NULL ? g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
}

/* Records a failure in one transaction; returns the new lock's length (0: not locked now). */
static gint64
record_failure (GhStore           *store,
                const GhCustomer  *customer,
                GError           **error)
{
  GhLockState state;
  gint64 now = now_seconds (), locked;

  if (!gh_store_begin (store, error))
    return -1;
  if (!read_lock_state (store, customer->id, &state, error))
    goto fail;
  if (state.locked_until > now)
    {
      /* Another attempt locked it while this one was hashing. */
      gh_store_rollback (store);
      return state.locked_until - now;
    }
  locked = count_failure (&state, now);
  if (locked > 0)
    {
      g_autofree char *until = iso_from_unix (state.locked_until);
      g_autofree char *body = g_strdup_printf ("{\"lock_count\":%d,\"seconds\":%" G_GINT64_FORMAT
                                               ",\"locked_until\":\"%s\"}",
                                               state.lock_count, locked, until);

      /* The kiosk locks, not a person: actor "system"; the shopper appears only as their ref. */
      if (gh_store_append_event (store, "system", customer->ref, "pin.locked", body, error) < 0)
        goto fail;
    }
  /* Pruned here too, so a wrong PIN costs the same work whether the number exists or not. */
  if (!_gh_auth_lockout_prune (store, now, error) ||
      !write_lock_state (store, customer->id, &state, NULL, error) ||
      !gh_store_commit (store, error))
    goto fail;
  return locked;

fail:
  gh_store_rollback (store);
  return -1;
}

/* Resets the counters (and upgrades the hash) in one transaction. Returns the
 * seconds left when a parallel attempt locked the account meanwhile, 0 on success. */
static gint64
record_success (GhStore           *store,
                const GhCustomer  *customer,
                const char        *new_pin_hash,
                GError           **error)
{
  GhLockState state;
  gint64 now = now_seconds ();

  if (!gh_store_begin (store, error))
    return -1;
  if (!read_lock_state (store, customer->id, &state, error))
    goto fail;
  if (state.locked_until > now)
    {
      gh_store_rollback (store);
      return state.locked_until - now;
    }
  state = (GhLockState) { 0 };
  if (!write_lock_state (store, customer->id, &state, new_pin_hash, error) ||
      !gh_store_commit (store, error))
    goto fail;
  return 0;

fail:
  gh_store_rollback (store);
  return -1;
}

GhCustomer *
gh_auth_sign_in (GhStore     *store,
                 const char  *loyalty_id,
                 const char  *pin,
                 gint64      *locked_seconds,
                 GError     **error)
{
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autofree char *phantom = NULL;
  g_autofree char *new_hash = NULL;
  gint64 now, left;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (loyalty_id != NULL && pin != NULL, NULL);

  if (locked_seconds != NULL)
    *locked_seconds = 0;
  ensure_sodium ();
  /* Made before the lookup so the first attempt costs the same either way. */
  g_free (get_dummy_hash ());
  /* Also for a number that exists: a damaged lockout key must refuse both
   * alike, or the error would tell them apart. */
  phantom = _gh_auth_lockout_subject (store, GH_LOCKOUT_SHOPPER, loyalty_id, error);
  if (phantom == NULL)
    return NULL;

  customer = gh_store_find_customer (store, loyalty_id, &lookup_error);
  if (customer == NULL && !g_error_matches (lookup_error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return NULL;
    }

  if (customer == NULL)
    {
      left = phantom_check (store, phantom, error);
      if (left < 0)
        return NULL;
      if (left > 0)
        {
          if (locked_seconds != NULL)
            *locked_seconds = left;
          set_locked_error (error, left);
          return NULL;
        }
      verify_constant_cost (NULL, pin);
      left = phantom_fail (store, phantom, GH_LOCKOUT_SHOPPER, error);
      if (left < 0)
        return NULL;
      goto rejected;
    }

  now = now_seconds ();
  if (customer->locked_until > now)
    {
      left = customer->locked_until - now;
      if (locked_seconds != NULL)
        *locked_seconds = left;
      set_locked_error (error, left);
      return NULL;
    }

  if (!verify_constant_cost (customer->pin_hash, pin))
    {
      left = record_failure (store, customer, error);
      if (left < 0)
        return NULL;
      goto rejected;
    }

  if (needs_rehash (customer->pin_hash))
    new_hash = gh_auth_hash_pin (pin);
  left = record_success (store, customer, new_hash, error);
  if (left < 0)
    return NULL;
  if (left > 0)
    {
      if (locked_seconds != NULL)
        *locked_seconds = left;
      set_locked_error (error, left);
      return NULL;
    }
  g_clear_pointer (&customer, gh_customer_free);
  return gh_store_find_customer (store, loyalty_id, error);

rejected:
  /* The attempt that locks says so, so the shopper knows to stop trying. */
  if (left > 0)
    {
      if (locked_seconds != NULL)
        *locked_seconds = left;
      set_locked_error (error, left);
    }
  else
    g_set_error_literal (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED, rejected_message);
  return NULL;
}

/* ---- staff --------------------------------------------------------------- */

GhStaffMember *
gh_auth_staff_sign_in (GhStore     *store,
                       GhCatalog   *catalog,
                       const char  *staff_id,
                       const char  *pin,
                       GError     **error)
{
  g_autofree char *subject = NULL;
  GhStaffMember *member;
  gint64 left;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (staff_id != NULL && pin != NULL, NULL);

  ensure_sodium ();
  g_free (get_dummy_hash ());
  /* Staff accounts live in HQ's config, not in the store: their lockout is a
   * pin_lockout row, for an id the config does not know as well. */
  subject = _gh_auth_lockout_subject (store, GH_LOCKOUT_STAFF, staff_id, error);
  if (subject == NULL)
    return NULL;
  left = phantom_check (store, subject, error);
  if (left < 0)
    return NULL;
  if (left > 0)
    {
      set_locked_error (error, left);
      return NULL;
    }

  member = gh_catalog_find_staff (catalog, staff_id);
  if (verify_constant_cost (member != NULL ? gh_staff_member_get_pin_hash (member) : NULL, pin))
    {
      left = phantom_reset (store, subject, error);
      if (left < 0)
        return NULL;
      if (left > 0)
        {
          set_locked_error (error, left);
          return NULL;
        }
      return g_object_ref (member);
    }

  left = phantom_fail (store, subject, GH_LOCKOUT_STAFF, error);
  if (left < 0)
    return NULL;
  if (left > 0)
    set_locked_error (error, left);
  else
    g_set_error_literal (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED,
                         "That staff id and PIN do not match");
  return NULL;
}

/* ---- staff clearing a lockout -------------------------------------------- */

gboolean
gh_auth_staff_id_is_valid (const char *staff_id)
{
  if (staff_id == NULL || *staff_id == '\0' || strlen (staff_id) > 64)
    return FALSE;
  for (const char *p = staff_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

gboolean
gh_auth_clear_lockout (GhStore     *store,
                       const char  *loyalty_id,
                       const char  *staff_id,
                       GError     **error)
{
  g_autoptr(GhCustomer) customer = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *body = NULL;
  GhLockState state;
  gint64 now = now_seconds ();

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (loyalty_id != NULL, FALSE);

  if (!gh_auth_staff_id_is_valid (staff_id))
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID,
                   "clearing a lockout: \"%s\" is not a staff id (letters, digits, - _ . only)",
                   staff_id != NULL ? staff_id : "");
      return FALSE;
    }
  customer = gh_store_find_customer (store, loyalty_id, error);
  if (customer == NULL)
    return FALSE;

  if (!gh_store_begin (store, error))
    return FALSE;
  if (!read_lock_state (store, customer->id, &state, error))
    goto fail;
  body = g_strdup_printf ("{\"was_locked\":%s,\"failed_pins\":%d,\"lock_count\":%d}",
                          state.locked_until > now ? "true" : "false",
                          state.failed, state.lock_count);
  /* lock_count stays: if the wrong PINs go on after staff helped, the next lock is longer. */
  state.failed = 0;
  state.locked_until = 0;
  actor = g_strconcat ("staff:", staff_id, NULL);
  if (!write_lock_state (store, customer->id, &state, NULL, error) ||
      gh_store_append_event (store, actor, customer->ref, "staff.lockout_cleared", body, error) < 0 ||
      !gh_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  gh_store_rollback (store);
  return FALSE;
}

/* ---- staff mode on the record --------------------------------------------- */

gboolean
gh_auth_record_staff_assist (GhStore     *store,
                             const char  *staff_id,
                             gboolean     started,
                             gboolean     timed_out,
                             GError     **error)
{
  g_autofree char *actor = NULL;
  const char *body;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);

  if (!gh_auth_staff_id_is_valid (staff_id))
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_INVALID,
                   "recording staff mode: \"%s\" is not a staff id", staff_id != NULL ? staff_id : "");
      return FALSE;
    }
  actor = g_strconcat ("staff:", staff_id, NULL);
  body = started ? "{}" : timed_out ? "{\"timed_out\":true}" : "{\"timed_out\":false}";
  return gh_store_append_event (store, actor, NULL,
                                started ? "staff.assist_started" : "staff.assist_ended",
                                body, error) > 0;
}
