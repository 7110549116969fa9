/* The pin_lockout table: wrong-PIN counters and locks for subjects that have
 * no customer row to keep them in, a loyalty number that does not exist (so
 * it locks like a real one and probing cannot tell them apart) and staff ids
 * (their accounts live in HQ's config). In the store, not in memory, so that
 * restarting the kiosk does not hand out fresh attempts.
 *
 * No row names its subject: the key is a keyed BLAKE2b of kind and identifier,
 * keyed with a random secret made when the table was (meta.pin_lockout_key).
 * The secret sits in the same file, so this keeps numbers out of sight of
 * anyone reading the table or grepping the file, not of someone who takes the
 * whole database and tries every possible number. So rows do not linger
 * either: a row whose lock is over and whose last wrong PIN is a day old is
 * deleted by the next failure, and each kind keeps at most GH_LOCKOUT_MAX_ROWS,
 * so a flood of made-up numbers cannot grow the store without end.
 * gh-auth.c decides what the counters mean; this file only keeps them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-auth"
#include "config.h"

#include "auth/gh-auth-private.h"

#include <sodium.h>
#include <string.h>

#include "store/gh-store-private.h"
#include "store/gh-store-schema.h"

/* 128 bits: no two of a few thousand subjects collide, and the row stays short. */
#define SUBJECT_BYTES 16

static gboolean
load_key (GhStore  *store,
          guint8    key[crypto_generichash_KEYBYTES],
          GError  **error)
{
  g_autofree char *hex = gh_store_get_meta (store, GH_STORE_META_PIN_LOCKOUT_KEY);
  size_t len = 0;
  gboolean ok;

  if (hex == NULL)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: the store has no PIN lockout key (meta.%s is missing or unreadable)",
                   gh_store_get_path (store), GH_STORE_META_PIN_LOCKOUT_KEY);
      return FALSE;
    }
  ok = strlen (hex) == crypto_generichash_KEYBYTES * 2
       && sodium_hex2bin (key, crypto_generichash_KEYBYTES, hex, strlen (hex), NULL, &len,
                          NULL) == 0
       && len == crypto_generichash_KEYBYTES;
  sodium_memzero (hex, strlen (hex));
  if (!ok)
    g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                 "%s: the PIN lockout key is damaged (meta.%s is not %d hex digits)",
                 gh_store_get_path (store), GH_STORE_META_PIN_LOCKOUT_KEY,
                 crypto_generichash_KEYBYTES * 2);
  return ok;
}

char *
_gh_auth_lockout_subject (GhStore     *store,
                          const char  *kind,
                          const char  *identifier,
                          GError     **error)
{
  guint8 key[crypto_generichash_KEYBYTES];
  crypto_generichash_state state;
  guint8 digest[SUBJECT_BYTES];
  char hex[sizeof digest * 2 + 1];

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  if (!load_key (store, key, error))
    return NULL;
  crypto_generichash_init (&state, key, sizeof key, sizeof digest);
  /* The NUL after the kind keeps "staff" + "x" apart from "staffx" + "". */
  crypto_generichash_update (&state, (const guint8 *) kind, strlen (kind) + 1);
  crypto_generichash_update (&state, (const guint8 *) identifier, strlen (identifier));
  crypto_generichash_final (&state, digest, sizeof digest);
  sodium_memzero (key, sizeof key);
  sodium_memzero (&state, sizeof state);
  return g_strdup (sodium_bin2hex (hex, sizeof hex, digest, sizeof digest));
}

int
_gh_auth_lockout_step (sqlite3_stmt *stmt,
                       GhLockState  *state)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      state->failed = sqlite3_column_int (stmt, 0);
      state->locked_until = sqlite3_column_int64 (stmt, 1);
      state->lock_count = sqlite3_column_int (stmt, 2);
    }
  sqlite3_reset (stmt);
  return rc;
}

gboolean
_gh_auth_lockout_read (GhStore      *store,
                       const char   *subject,
                       GhLockState  *state,
                       GError      **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT failed, locked_until, lock_count FROM pin_lockout WHERE subject = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  *state = (GhLockState) { 0 };
  sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_STATIC);
  rc = _gh_auth_lockout_step (stmt, state);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading a PIN lockout");
      return FALSE;
    }
  return TRUE;
}

/* How many rows of @kind there are besides @subject's own. */
static gint64
count_others (GhStore     *store,
              const char  *subject,
              const char  *kind,
              GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT count(*) FROM pin_lockout WHERE kind = ?1 AND subject <> ?2", error);
  gint64 n = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    _gh_store_set_error (store, rc, error, "counting PIN lockouts");
  return n;
}

/* Makes room for one more row of @kind. Rows not locked go first, those that
 * failed longest ago first; only when every row holds a lock does the one
 * ending soonest go. max (locked_until, updated_at) orders exactly so: it is
 * at most @now for a row without a lock, and the lock's end otherwise. The
 * kinds are counted apart, so made-up loyalty numbers never evict a staff lock. */
static gboolean
make_room (GhStore     *store,
           const char  *subject,
           const char  *kind,
           GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 others = count_others (store, subject, kind, error);

  if (others < 0)
    return FALSE;
  if (others < GH_LOCKOUT_MAX_ROWS)
    return TRUE;
  stmt = _gh_store_prepare (store,
      "DELETE FROM pin_lockout WHERE subject IN ("
      " SELECT subject FROM pin_lockout WHERE kind = ?1 AND subject <> ?2"
      " ORDER BY max (locked_until, updated_at), subject LIMIT ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, others - GH_LOCKOUT_MAX_ROWS + 1);
  return _gh_store_step_done (store, stmt, "making room for a PIN lockout", error);
}

gboolean
_gh_auth_lockout_write (GhStore            *store,
                        const char         *subject,
                        const char         *kind,
                        const GhLockState  *state,
                        gint64              now,
                        GError            **error)
{
  sqlite3_stmt *stmt;

  if (!make_room (store, subject, kind, error))
    return FALSE;
  stmt = _gh_store_prepare (store,
      "INSERT INTO pin_lockout (subject, kind, failed, locked_until, lock_count, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT (subject) DO UPDATE SET failed = excluded.failed,"
      "  locked_until = excluded.locked_until, lock_count = excluded.lock_count,"
      "  updated_at = excluded.updated_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, state->failed);
  sqlite3_bind_int64 (stmt, 4, state->locked_until);
  sqlite3_bind_int (stmt, 5, state->lock_count);
  sqlite3_bind_int64 (stmt, 6, now);
  return _gh_store_step_done (store, stmt, "recording a sign-in attempt", error);
}

gboolean
_gh_auth_lockout_forget (GhStore     *store,
                         const char  *subject,
                         GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "DELETE FROM pin_lockout WHERE subject = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "resetting a PIN lockout", error);
}

gboolean
_gh_auth_lockout_prune (GhStore  *store,
                        gint64    now,
                        GError  **error)
{
  /* Both kinds spelt out so the (kind, updated_at) index serves the range. */
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "DELETE FROM pin_lockout WHERE kind IN ('shopper', 'staff')"
      " AND updated_at < ?1 - ?2 AND locked_until <= ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, GH_LOCKOUT_STALE_SECS);
  return _gh_store_step_done (store, stmt, "pruning old PIN lockouts", error);
}
