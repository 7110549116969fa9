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
 * The hashing and its constant cost are in gh-auth-pin.c; the _async variants,
 * which run these in a worker thread, are in gh-auth-async.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-auth"
#include "config.h"

#include "auth/gh-auth.h"

#include <string.h>

#include "auth/gh-auth-private.h"
#include "store/gh-store-private.h"

#define MAX_FAILED_PINS   5
#define FIRST_LOCK_SECS   60
#define LONGEST_LOCK_SECS 3600

G_DEFINE_QUARK (gh-auth-error-quark, gh_auth_error)

static const char rejected_message[] = "That loyalty number and PIN do not match";

gint64
gh_auth_lock_seconds_for (int lock_count)
{
  gint64 seconds = FIRST_LOCK_SECS;

  for (int i = 1; i < lock_count && seconds < LONGEST_LOCK_SECS; i++)
    seconds *= 2;
  return MIN (seconds, LONGEST_LOCK_SECS);
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

/* ---- where a subject's counters live ------------------------------------- */

/* A shopper's counters live in their customer row; those of a number that does
 * not exist, and of staff ids, in a pin_lockout row. Both go through the same
 * transactions below so the schedule and the races are handled once. */
typedef struct {
  const GhCustomer *customer;  /* NULL: the pin_lockout row of @subject */
  const char       *subject;
  const char       *kind;      /* GH_LOCKOUT_SHOPPER or GH_LOCKOUT_STAFF */
} LockTarget;

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
  return MAX (state.locked_until - _gh_auth_now (), 0);
}

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
  rc = _gh_auth_lockout_step (stmt, state);
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

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int (stmt, 2, state->failed);
  sqlite3_bind_int64 (stmt, 3, state->locked_until);
  sqlite3_bind_int (stmt, 4, state->lock_count);
  sqlite3_bind_text (stmt, 5, new_pin_hash, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "recording a sign-in attempt", error);
}

/* Opens the transaction and reads @target's counters into @state. Returns 0
 * inside the transaction; otherwise it is rolled back and the result is the
 * seconds left on a lock another attempt set while this one was hashing, or
 * -1 with @error set. */
static gint64
begin_unlocked (GhStore           *store,
                const LockTarget  *target,
                GhLockState       *state,
                gint64             now,
                GError           **error)
{
  if (!gh_store_begin (store, error))
    return -1;
  if (target->customer != NULL
      ? !read_lock_state (store, target->customer->id, state, error)
      : !_gh_auth_lockout_read (store, target->subject, state, error))
    {
      gh_store_rollback (store);
      return -1;
    }
  if (state->locked_until > now)
    {
      gh_store_rollback (store);
      return state->locked_until - now;
    }
  return 0;
}

/* The kiosk locks, not a person: actor "system"; the shopper appears only as
 * their ref. Only for shoppers: for a made-up number or a staff id a pin.locked
 * event would have no shopper to name, and a flood of made-up numbers would
 * grow the append-only chain without end. */
static gboolean
append_locked_event (GhStore            *store,
                     const GhCustomer   *customer,
                     const GhLockState  *state,
                     gint64              locked,
                     GError            **error)
{
  g_autofree char *until = _gh_store_format_unix (state->locked_until, "?");
  g_autofree char *body = g_strdup_printf ("{\"lock_count\":%d,\"seconds\":%" G_GINT64_FORMAT
                                           ",\"locked_until\":\"%s\"}",
                                           state->lock_count, locked, until);

  return gh_store_append_event (store, "system", customer->ref, "pin.locked", body, error) >= 0;
}

/* Records a failure in one transaction; returns the new lock's length (0: not locked now). */
static gint64
record_failure (GhStore           *store,
                const LockTarget  *target,
                int               *failed,
                GError           **error)
{
  GhLockState state;
  gint64 now = _gh_auth_now (), locked;

  locked = begin_unlocked (store, target, &state, now, error);
  if (locked != 0)
    return locked;
  locked = count_failure (&state, now);
  if (failed != NULL)
    *failed = state.failed;
  if (locked > 0 && target->customer != NULL &&
      !append_locked_event (store, target->customer, &state, locked, error))
    goto fail;
  /* Pruned for shoppers too, so a wrong PIN costs the same work whether the
   * number exists or not. */
  if (!_gh_auth_lockout_prune (store, now, error) ||
      !(target->customer != NULL
        ? write_lock_state (store, target->customer->id, &state, NULL, error)
        : _gh_auth_lockout_write (store, target->subject, target->kind, &state, now, error)) ||
      !gh_store_commit (store, error))
    goto fail;
  return locked;

fail:
  gh_store_rollback (store);
  return -1;
}

/* A right PIN forgets the counters and the doubling (and upgrades a shopper's
 * hash to @new_pin_hash), in one transaction. Returns the seconds left when a
 * parallel attempt locked it meanwhile, 0 on success, -1 on error. */
static gint64
record_success (GhStore           *store,
                const LockTarget  *target,
                const char        *new_pin_hash,
                GError           **error)
{
  GhLockState state;
  gint64 left = begin_unlocked (store, target, &state, _gh_auth_now (), error);

  if (left != 0)
    return left;
  state = (GhLockState) { 0 };
  if (!(target->customer != NULL
        ? write_lock_state (store, target->customer->id, &state, new_pin_hash, error)
        : _gh_auth_lockout_forget (store, target->subject, error)) ||
      !gh_store_commit (store, error))
    {
      gh_store_rollback (store);
      return -1;
    }
  return 0;
}

/* Sets the locked error for @seconds and tells @locked_seconds (may be NULL). */
static void
refuse_locked (GError **error,
               gint64  *locked_seconds,
               gint64   seconds)
{
  if (locked_seconds != NULL)
    *locked_seconds = seconds;
  g_set_error (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED,
               "Too many wrong PINs: try again in %" G_GINT64_FORMAT " seconds", seconds);
}

/* A wrong PIN's answer: the attempt that locks says so, so the shopper knows
 * to stop trying; the others get @message, the same for every cause. */
static void
reject (GError     **error,
        gint64      *locked_seconds,
        gint64       locked,
        const char  *message)
{
  if (locked > 0)
    refuse_locked (error, locked_seconds, locked);
  else
    g_set_error_literal (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED, message);
}

GhCustomer *
gh_auth_sign_in (GhStore     *store,
                 const char  *loyalty_id,
                 const char  *pin,
                 gint64      *locked_seconds,
                 GError     **error)
{
  return gh_auth_sign_in_full (store, loyalty_id, pin, locked_seconds, NULL, error);
}

GhCustomer *
gh_auth_sign_in_full (GhStore     *store,
                      const char  *loyalty_id,
                      const char  *pin,
                      gint64      *locked_seconds,
                      int         *tries_left,
                      GError     **error)
{
  int failed = 0;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autofree char *phantom = NULL;
  g_autofree char *new_hash = NULL;
  LockTarget target;
  gint64 left;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (loyalty_id != NULL && pin != NULL, NULL);

  if (locked_seconds != NULL)
    *locked_seconds = 0;
  if (tries_left != NULL)
    *tries_left = 0;
  /* The dummy hash is made before the lookup so the first attempt costs the
   * same either way. */
  _gh_auth_warm_up ();
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
  target = (LockTarget) { customer, phantom, GH_LOCKOUT_SHOPPER };

  left = customer != NULL ? MAX (customer->locked_until - _gh_auth_now (), 0)
                          : phantom_check (store, phantom, error);
  if (left < 0)
    return NULL;
  if (left > 0)
    {
      /* Logs never name the number: that the kiosk refused is enough for staff. */
      g_info ("Sign-in refused: locked for %" G_GINT64_FORMAT " s more", left);
      refuse_locked (error, locked_seconds, left);
      return NULL;
    }

  /* A number that does not exist has no hash: nothing matches, at full cost. */
  if (!_gh_auth_verify_constant_cost (customer != NULL ? customer->pin_hash : NULL, pin))
    {
      left = record_failure (store, &target, &failed, error);
      if (left >= 0)
        reject (error, locked_seconds, left, rejected_message);
      g_info ("Sign-in refused: wrong PIN or unknown number%s", left > 0 ? "; now locked" : "");
      /* Counted alike for a made-up number, so the count tells nothing either. */
      if (left == 0 && tries_left != NULL)
        *tries_left = MAX (MAX_FAILED_PINS - failed, 1);
      return NULL;
    }

  if (_gh_auth_needs_rehash (customer->pin_hash))
    new_hash = gh_auth_hash_pin (pin);
  left = record_success (store, &target, new_hash, error);
  if (left < 0)
    return NULL;
  if (left > 0)
    {
      refuse_locked (error, locked_seconds, left);
      return NULL;
    }
  g_clear_pointer (&customer, gh_customer_free);
  g_info ("Sign-in accepted");
  return gh_store_find_customer (store, loyalty_id, error);
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
  LockTarget target;
  gint64 left;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (staff_id != NULL && pin != NULL, NULL);

  _gh_auth_warm_up ();
  /* Staff accounts live in HQ's config, not in the store: their lockout is a
   * pin_lockout row, for an id the config does not know as well. */
  subject = _gh_auth_lockout_subject (store, GH_LOCKOUT_STAFF, staff_id, error);
  if (subject == NULL)
    return NULL;
  target = (LockTarget) { NULL, subject, GH_LOCKOUT_STAFF };
  left = phantom_check (store, subject, error);
  if (left < 0)
    return NULL;
  if (left > 0)
    {
      refuse_locked (error, NULL, left);
      return NULL;
    }

  member = gh_catalog_find_staff (catalog, staff_id);
  if (_gh_auth_verify_constant_cost (member != NULL ? gh_staff_member_get_pin_hash (member) : NULL,
                                     pin))
    {
      left = record_success (store, &target, NULL, error);
      if (left < 0)
        return NULL;
      if (left > 0)
        {
          refuse_locked (error, NULL, left);
          return NULL;
        }
      return g_object_ref (member);
    }

  left = record_failure (store, &target, NULL, error);
  if (left >= 0)
    reject (error, NULL, left, "That staff id and PIN do not match");
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

/* The actor text of a staff member whose id gh_auth_staff_id_is_valid accepted. */
static char *
staff_actor (const char *staff_id)
{
  g_autoptr(GhActor) actor = gh_actor_new (GH_ACTOR_STAFF, staff_id, NULL);

  return gh_actor_to_string (actor);
}

gboolean
gh_auth_clear_lockout (GhStore     *store,
                       const char  *loyalty_id,
                       const char  *staff_id,
                       gboolean    *was_locked,
                       GError     **error)
{
  g_autoptr(GhCustomer) customer = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *body = NULL;
  GhLockState state;
  gint64 now = _gh_auth_now ();
  gboolean locked;

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
  locked = state.locked_until > now;
  body = g_strdup_printf ("{\"was_locked\":%s,\"failed_pins\":%d,\"lock_count\":%d}",
                          locked ? "true" : "false",
                          state.failed, state.lock_count);
  /* lock_count stays: if the wrong PINs go on after staff helped, the next lock is longer. */
  state.failed = 0;
  state.locked_until = 0;
  actor = staff_actor (staff_id);
  if (!write_lock_state (store, customer->id, &state, NULL, error) ||
      gh_store_append_event (store, actor, customer->ref, "staff.lockout_cleared", body, error) < 0 ||
      !gh_store_commit (store, error))
    goto fail;
  if (was_locked != NULL)
    *was_locked = locked;
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
  actor = staff_actor (staff_id);
  body = started ? "{}" : timed_out ? "{\"timed_out\":true}" : "{\"timed_out\":false}";
  return gh_store_append_event (store, actor, NULL,
                                started ? "staff.assist_started" : "staff.assist_ended",
                                body, error) > 0;
}
