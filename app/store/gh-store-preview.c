/* The switch-off preview's daily counters (see the header): one upsert per count, in
 * the caller's worker; the kiosk's heartbeat lists and sends them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include "store/gh-store-preview.h"

#include "store/gh-store-private.h"

void
gh_preview_daily_free (GhPreviewDaily *row)
{
  if (row == NULL)
    return;
  g_free (row->day);
  g_free (row->purpose_id);
  g_free (row);
}

gboolean
gh_store_preview_daily_count (GhStore     *store,
                              const char  *purpose_id,
                              guint        opened,
                              guint        kept_on,
                              gint64       at,
                              GError     **error)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (
      at != 0 ? at : g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *day = g_date_time_format (time, "%Y-%m-%d");
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (purpose_id != NULL, FALSE);

  stmt = _gh_store_prepare (store,
      "INSERT INTO preview_daily (day, purpose_id, opened, kept_on) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (day, purpose_id) DO UPDATE SET opened = opened + excluded.opened,"
      " kept_on = kept_on + excluded.kept_on", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, purpose_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, opened);
  sqlite3_bind_int64 (stmt, 4, kept_on);
  return _gh_store_step_done (store, stmt, "counting a switch-off preview", error);
}

GPtrArray *
gh_store_preview_daily_list (GhStore     *store,
                             const char  *since_day,
                             GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_preview_daily_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  stmt = _gh_store_prepare (store, "SELECT day, purpose_id, opened, kept_on FROM preview_daily"
                                   " WHERE day >= ?1 ORDER BY day, purpose_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, since_day != NULL ? since_day : "", -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GhPreviewDaily *row = g_new0 (GhPreviewDaily, 1);

      row->day = _gh_store_column_dup (stmt, 0);
      row->purpose_id = _gh_store_column_dup (stmt, 1);
      row->opened = sqlite3_column_int64 (stmt, 2);
      row->kept_on = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading the preview counts");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

gboolean
gh_store_preview_daily_prune (GhStore     *store,
                              const char  *before_day,
                              GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (before_day != NULL, FALSE);

  stmt = _gh_store_prepare (store, "DELETE FROM preview_daily WHERE day < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, before_day, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "pruning the preview counts", error);
}
