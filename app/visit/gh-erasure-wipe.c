/* Making deleted bytes really go: a TRUNCATE checkpoint folds the WAL (which holds
 * the old page images) into the database file, whose pages secure_delete has
 * zeroed, and empties it. A reader in another process holding an old snapshot
 * keeps the checkpoint from completing; the deletion is committed but its bytes are
 * still in the main file and the WAL. That is remembered in the store
 * (meta.wipe_pending, and the erasure row's status 'log_pending'), and every later
 * writer retries through gh_erasure_finish_pending until the checkpoint succeeds,
 * which is recorded (status 'completed', event erasure.log_emptied).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-erasure.h"
#include "visit/gh-erasure-private.h"

#include "store/gh-store-private.h"

#define WIPE_PENDING_KEY "wipe_pending"

/* How long an erasure waits for readers to let go of the WAL, in all: each attempt may
 * also wait through the busy handler, so the bound is on time, not on attempts. */
#define CHECKPOINT_PATIENCE_US (5 * G_USEC_PER_SEC)
/* A retry runs at the start of other work: it must not hold that work up for long. */
#define RETRY_PATIENCE_US (1 * G_USEC_PER_SEC)
#define CHECKPOINT_PAUSE_US (100 * 1000)

static gboolean
checkpoint_within (GhStore  *store,
                   gint64    patience_us,
                   GError  **error)
{
  sqlite3 *db = _gh_store_get_db (store);
  int rc = SQLITE_OK, log_frames = -1, done_frames = -1;
  gint64 deadline = g_get_monotonic_time () + patience_us;

  /* TRUNCATE already waits through the busy handler; this covers a reader that
   * keeps an old snapshot a little longer (the kiosk's own session connection). */
  for (;;)
    {
      rc = sqlite3_wal_checkpoint_v2 (db, "main", SQLITE_CHECKPOINT_TRUNCATE,
                                      &log_frames, &done_frames);
      if (rc == SQLITE_OK)
        return TRUE;
      if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
          || g_get_monotonic_time () >= deadline)
        break;
      g_usleep (CHECKPOINT_PAUSE_US);
    }
  _gh_store_set_error (store, rc, error,
                       "another process kept the checkpoint from completing: deleted bytes stay"
                       " in the database file and its write-ahead log until the next checkpoint,"
                       " which every later command retries");
  return FALSE;
}

gboolean
gh_erasure_checkpoint (GhStore  *store,
                       GError  **error)
{
  g_autoptr(GError) mark_error = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);

  if (checkpoint_within (store, CHECKPOINT_PATIENCE_US, error))
    return TRUE;
  if (!gh_store_set_meta (store, WIPE_PENDING_KEY, "1", &mark_error))
    g_warning ("Could not remember a pending wipe: %s", mark_error->message);
  return FALSE;
}

gboolean
_gh_erasure_mark_log_pending (GhStore  *store,
                              gint64    erasure_id,
                              GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "UPDATE erasure SET status = 'log_pending' WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, erasure_id);
  return _gh_store_step_done (store, stmt, "marking an erasure whose bytes wait", error);
}

/* The erasures waiting for their bytes to go, oldest first. */
static GArray *
pending_erasures (GhStore  *store,
                  GError  **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT id FROM erasure WHERE status = 'log_pending' ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading the erasures that wait");
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&ids);
}

static gboolean
record_completed (GhStore  *store,
                  GArray   *ids,
                  GError  **error)
{
  if (!gh_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autofree char *body = g_strdup_printf ("{\"erasure_id\":%" G_GINT64_FORMAT "}", id);
      sqlite3_stmt *stmt = _gh_store_prepare (store,
          "UPDATE erasure SET status = 'completed' WHERE id = ?1 RETURNING customer_ref", error);
      g_autofree char *ref = NULL;

      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        ref = _gh_store_column_dup (stmt, 0);
      sqlite3_reset (stmt);
      if (gh_store_append_event (store, "system", ref, "erasure.log_emptied", body, error) < 0)
        goto fail;
    }
  if (!_gh_store_exec (store, "DELETE FROM meta WHERE key = '" WIPE_PENDING_KEY "'", error) ||
      !gh_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  gh_store_rollback (store);
  return FALSE;
}

gboolean
gh_erasure_finish_pending (GhStore   *store,
                           gboolean  *still_pending,
                           GError   **error)
{
  g_autofree char *flag = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) checkpoint_error = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (!_gh_store_in_transaction (store), FALSE);

  if (still_pending != NULL)
    *still_pending = FALSE;
  flag = gh_store_get_meta (store, WIPE_PENDING_KEY);
  if ((ids = pending_erasures (store, error)) == NULL)
    return FALSE;
  if (flag == NULL && ids->len == 0)
    return TRUE;

  if (!checkpoint_within (store, RETRY_PATIENCE_US, &checkpoint_error))
    {
      g_debug ("A wipe still waits: %s", checkpoint_error->message);
      if (still_pending != NULL)
        *still_pending = TRUE;
      return TRUE;
    }
  if (!record_completed (store, ids, error))
    return FALSE;
  /* The record itself holds nothing personal; folding it in keeps the WAL empty. */
  checkpoint_within (store, 0, NULL);
  g_debug ("The bytes of %u erasure%s waiting for a checkpoint are gone", ids->len,
             ids->len == 1 ? "" : "s");
  return TRUE;
}
