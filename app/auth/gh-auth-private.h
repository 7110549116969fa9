/* For gh-auth's own files and their tests: PIN lockouts that have no customer
 * row to live in, kept in the store's pin_lockout table (gh-auth-lockout.c),
 * and the hashing at a constant cost (gh-auth-pin.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

/* Whom a pin_lockout row throttles; also mixed into the subject's hash. */
#define GH_LOCKOUT_SHOPPER "shopper"  /* a loyalty number with no customer behind it */
#define GH_LOCKOUT_STAFF   "staff"    /* a staff id, known to the config or not */

/* Rows kept per kind at most; a new subject beyond it evicts the least useful. */
#define GH_LOCKOUT_MAX_ROWS   4096
/* A row whose lock is over and whose last wrong PIN is older than this goes. */
#define GH_LOCKOUT_STALE_SECS (24 * 60 * 60)

typedef struct {
  int    failed;        /* wrong PINs since the last lock or success */
  gint64 locked_until;  /* unix seconds; 0 or past when not locked */
  int    lock_count;    /* locks since the last success: how long the next one lasts */
} GhLockState;

/* The row's key for @identifier of @kind: a keyed BLAKE2b in hex, keyed with
 * the store's meta.pin_lockout_key. GH_STORE_ERROR_CORRUPT when that key is
 * missing or damaged. */
char     *_gh_auth_lockout_subject (GhStore      *store,
                                    const char   *kind,
                                    const char   *identifier,
                                    GError      **error);
/* Steps @stmt, whose columns are failed, locked_until and lock_count, into
 * @state (untouched when there is no row) and resets it: the one reading of
 * the counters for customer rows and pin_lockout rows. Returns SQLite's code. */
int       _gh_auth_lockout_step    (sqlite3_stmt *stmt,
                                    GhLockState  *state);
/* @subject's counters, all zero when it has no row. */
gboolean  _gh_auth_lockout_read    (GhStore      *store,
                                    const char   *subject,
                                    GhLockState  *state,
                                    GError      **error);
/* Inside the caller's transaction: stores @state for @subject as of @now,
 * evicting another row of @kind first when the table holds its maximum. */
gboolean  _gh_auth_lockout_write   (GhStore      *store,
                                    const char   *subject,
                                    const char   *kind,
                                    const GhLockState *state,
                                    gint64        now,
                                    GError      **error);
gboolean  _gh_auth_lockout_forget  (GhStore      *store,
                                    const char   *subject,
                                    GError      **error);
/* Deletes every row that is stale at @now (GH_LOCKOUT_STALE_SECS). */
gboolean  _gh_auth_lockout_prune   (GhStore      *store,
                                    gint64        now,
                                    GError      **error);

/* ---- gh-auth-pin.c ---- */

/* Now, in unix seconds, by the clock tests may set. */
gint64    _gh_auth_now                  (void);
/* Starts libsodium and makes the dummy hash for the current cost, so the first
 * sign-in costs what every other one does. */
void      _gh_auth_warm_up              (void);
/* Whether @pin matches @hash (NULL: nothing matches), in the time of one verify
 * at the kiosk's cost. */
gboolean  _gh_auth_verify_constant_cost (const char   *hash,
                                         const char   *pin);
/* Whether @hash was made at another cost than the kiosk's. */
gboolean  _gh_auth_needs_rehash         (const char   *hash);

G_END_DECLS
