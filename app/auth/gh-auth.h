/* Shopper and staff PINs: argon2id hashes, lockout with growing delays, and
 * answers that do not tell whether a loyalty number exists.
 * Everything here can take 0.1-0.3 s: the UI calls the _async variants.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-catalog.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_AUTH_ERROR (gh_auth_error_quark ())
GQuark gh_auth_error_quark (void);

typedef enum {
  GH_AUTH_ERROR_REJECTED,  /* unknown loyalty number or wrong PIN: one message for both */
  GH_AUTH_ERROR_LOCKED,    /* too many wrong PINs; see locked_seconds */
} GhAuthError;

/* The PIN hash the kiosk stores (crypto_pwhash_str, argon2id, the kiosk's cost). */
char       *gh_auth_hash_pin              (const char    *pin);

/* Checks a shopper's loyalty number and PIN. On success returns the customer
 * (failed count reset, hash upgraded if it used weaker parameters). On failure
 * returns NULL with GH_AUTH_ERROR_*; for LOCKED, @locked_seconds says how long
 * is left. Takes the same time whether the loyalty number exists or not. */
GhCustomer *gh_auth_sign_in               (GhStore       *store,
                                           const char    *loyalty_id,
                                           const char    *pin,
                                           gint64        *locked_seconds,
                                           GError       **error);
/* The same, and on GH_AUTH_ERROR_REJECTED @tries_left says how many wrong PINs are
 * left before the lock (the same for an unknown number, which counts alike). */
GhCustomer *gh_auth_sign_in_full          (GhStore       *store,
                                           const char    *loyalty_id,
                                           const char    *pin,
                                           gint64        *locked_seconds,
                                           int           *tries_left,
                                           GError       **error);
/* Opens its own connection to @db_path in a worker thread (a GhStore is not shared across threads). */
void        gh_auth_sign_in_async         (const char          *db_path,
                                           const char          *loyalty_id,
                                           const char          *pin,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GhCustomer *gh_auth_sign_in_finish        (GAsyncResult  *result,
                                           gint64        *locked_seconds,
                                           GError       **error);

/* Staff: checks @pin against the staff member's hash from the config. Wrong
 * PINs lock @staff_id (known to the config or not) with the shoppers'
 * schedule; the lock is kept in @store, so it outlasts a restart. */
GhStaffMember *gh_auth_staff_sign_in      (GhStore       *store,
                                           GhCatalog     *catalog,
                                           const char    *staff_id,
                                           const char    *pin,
                                           GError       **error);
/* Opens its own connection to @db_path in the worker, as gh_auth_sign_in_async does. */
void        gh_auth_staff_sign_in_async   (const char          *db_path,
                                           GhCatalog           *catalog,
                                           const char          *staff_id,
                                           const char          *pin,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GhStaffMember *gh_auth_staff_sign_in_finish (GAsyncResult *result,
                                             GError      **error);

/* Staff clears a shopper's lockout after checking identity; records an event
 * with actor "staff:<id>". @was_locked (may be NULL) says whether the shopper was
 * locked out at all (their wrong-PIN count is reset either way). */
gboolean    gh_auth_clear_lockout         (GhStore       *store,
                                           const char    *loyalty_id,
                                           const char    *staff_id,
                                           gboolean      *was_locked,
                                           GError       **error);

/* The same in a worker with its own connection to @db_path (for the staff page). */
void        gh_auth_clear_lockout_async   (const char          *db_path,
                                           const char          *loyalty_id,
                                           const char          *staff_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    gh_auth_clear_lockout_finish  (GAsyncResult        *result,
                                           gboolean            *was_locked,
                                           GError             **error);

/* Staff accountability: records that @staff_id began (staff.assist_started) or
 * ended (staff.assist_ended, with whether the timeout ended it) staff mode,
 * with actor "staff:<id>". The _async variant opens its own connection; pass
 * a NULL callback to fire and forget (a failure is then logged as a warning). */
gboolean    gh_auth_record_staff_assist   (GhStore             *store,
                                           const char          *staff_id,
                                           gboolean             started,
                                           gboolean             timed_out,
                                           GError             **error);
void        gh_auth_record_staff_assist_async (const char          *db_path,
                                               const char          *staff_id,
                                               gboolean             started,
                                               gboolean             timed_out,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    gh_auth_record_staff_assist_finish (GAsyncResult       *result,
                                                GError            **error);

/* How long the @lock_count-th lock lasts: 1 minute, doubling, at most 1 hour. */
gint64      gh_auth_lock_seconds_for      (int            lock_count);
/* Staff ids as events carry them ("staff:<id>"): letters, digits, '-', '_', '.'. */
gboolean    gh_auth_staff_id_is_valid     (const char    *staff_id);

/* Tests only: a clock in unix seconds instead of the real one (NULL restores
 * it), and the argon2id cost of new hashes and of the dummy verify (0, 0
 * restores the kiosk's). */
typedef gint64 (*GhAuthClock) (gpointer user_data);
void        gh_auth_set_clock_for_testing (GhAuthClock         clock,
                                           gpointer            user_data);
void        gh_auth_set_cost_for_testing  (unsigned long long  opslimit,
                                           gsize               memlimit);

G_END_DECLS
