/* Shopper and staff PINs: argon2id hashes, lockout with growing delays, and
 * answers that do not tell whether a loyalty number exists.
 * Everything here can take 0.1-0.3 s: the UI calls the _async variants.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "gh-catalog.h"
#include "gh-store.h"

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

/* Staff: checks @pin against the staff member's hash from the config. */
GhStaffMember *gh_auth_staff_sign_in      (GhCatalog     *catalog,
                                           const char    *staff_id,
                                           const char    *pin,
                                           GError       **error);
void        gh_auth_staff_sign_in_async   (GhCatalog           *catalog,
                                           const char          *staff_id,
                                           const char          *pin,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GhStaffMember *gh_auth_staff_sign_in_finish (GAsyncResult *result,
                                             GError      **error);

/* Staff clears a shopper's lockout after checking identity; records an event
 * with actor "staff:<id>". */
gboolean    gh_auth_clear_lockout         (GhStore       *store,
                                           const char    *loyalty_id,
                                           const char    *staff_id,
                                           GError       **error);

G_END_DECLS
