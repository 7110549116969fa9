/* The retention job: the date the kiosk shows as "Deleted on" is the date this
 * deletes the item. Run by glasshouse-ctl retention run (a daily timer), and by
 * the kiosk at start and between visits. secure_delete is on for every store
 * connection, and the WAL is checkpointed afterwards, so the values are gone from
 * the database file and its log, as for an erasure.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-members"
#include "config.h"

#include "members/gh-retention.h"

#include "store/gh-store-private.h"
#include "visit/gh-erasure.h"

void
gh_retention_result_free (GhRetentionResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->items_by_category, g_hash_table_unref);
  g_free (result);
}

gboolean
gh_retention_is_due (GhStore  *store,
                     gint64    now,
                     gboolean *due,
                     GError  **error)
{
  /* No scan of the items: the writers keep their earliest date in meta. */
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = '"
      GH_STORE_META_RETENTION_DUE_AT "'), 0) <= ?1"
      " OR EXISTS (SELECT 1 FROM legal_hold WHERE retained_until <= ?1)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *due = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _gh_store_set_error (store, rc, error, "looking for data past its retention");
      return FALSE;
    }
  return TRUE;
}

/* After the job: the earliest date of what is left (one scan, in the job's
 * transaction), or the largest gint64 when nothing is left. */
static gboolean
reset_due_at (GhStore  *store,
              GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "UPDATE meta SET value = (SELECT coalesce (min (retained_until), 9223372036854775807)"
      " FROM data_item) WHERE key = '" GH_STORE_META_RETENTION_DUE_AT "'", error);

  return stmt != NULL && _gh_store_step_done (store, stmt, "noting when retention is next due",
                                              error);
}

/* Deletes the items due and counts them per category in the same pass. */
static gboolean
delete_due_items (GhStore            *store,
                  gint64              now,
                  GhRetentionResult  *result,
                  GError            **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "DELETE FROM data_item WHERE retained_until <= ?1 RETURNING category", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *category = (const char *) sqlite3_column_text (stmt, 0);
      gpointer n = g_hash_table_lookup (result->items_by_category, category);

      if (n == NULL)
        g_hash_table_insert (result->items_by_category, g_strdup (category), GUINT_TO_POINTER (1));
      else
        g_hash_table_insert (result->items_by_category, g_strdup (category),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
      result->items++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "deleting data past its retention");
      return FALSE;
    }
  return TRUE;
}

static gboolean
delete_due (GhStore     *store,
            const char  *sql,
            gint64       now,
            guint64     *deleted,
            GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!_gh_store_step_done (store, stmt, "deleting data past its retention", error))
    return FALSE;
  if (deleted != NULL)
    *deleted = sqlite3_changes64 (_gh_store_get_db (store));
  return TRUE;
}

static char *
event_body (GhRetentionResult *result,
            gint64             now)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (now);
  g_autofree char *before = g_date_time_format_iso8601 (when);
  g_autoptr(GList) categories = g_hash_table_get_keys (result->items_by_category);
  GString *body = g_string_new ("{\"before\":\"");

  g_string_append_printf (body, "%s\",\"items\":%" G_GUINT64_FORMAT ",\"legal_holds\":%"
                          G_GUINT64_FORMAT ",\"by_category\":{", before, result->items,
                          result->legal_holds);
  categories = g_list_sort (categories, (GCompareFunc) g_strcmp0);
  for (GList *l = categories; l != NULL; l = l->next)
    {
      /* Category ids come from the signed config and are plain keys. */
      g_autofree char *escaped = g_strescape (l->data, NULL);
      g_string_append_printf (body, "%s\"%s\":%u", l == categories ? "" : ",", escaped,
                              GPOINTER_TO_UINT (g_hash_table_lookup (result->items_by_category,
                                                                     l->data)));
    }
  g_string_append (body, "}}");
  return g_string_free (body, FALSE);
}

GhRetentionResult *
gh_retention_run (GhStore  *store,
                  gint64    now,
                  GError  **error)
{
  g_autoptr(GhRetentionResult) result = g_new0 (GhRetentionResult, 1);
  g_autofree char *body = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  result->items_by_category = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!gh_store_begin (store, error))
    return NULL;
  if (!delete_due_items (store, now, result, error) ||
      !delete_due (store, "DELETE FROM legal_hold WHERE retained_until <= ?1", now,
                   &result->legal_holds, error))
    goto fail;
  if (!reset_due_at (store, error))
    goto fail;
  if (result->items == 0 && result->legal_holds == 0)
    return gh_store_commit (store, error) ? g_steal_pointer (&result) : NULL;
  body = event_body (result, now);
  if (gh_store_append_event (store, "retention", NULL, "retention.purged", body, error) <= 0 ||
      !gh_store_commit (store, error))
    goto fail;

  {
    g_autoptr(GError) checkpoint_error = NULL;

    if (!gh_erasure_checkpoint (store, &checkpoint_error))
      {
        g_message ("Retention: %s", checkpoint_error->message);
        result->log_pending = TRUE;
      }
  }
  return g_steal_pointer (&result);

fail:
  gh_store_rollback (store);
  return NULL;
}
