/* The right to be forgotten (GDPR Art. 17) for one shopper.
 *
 * Design: what the law makes the retailer keep is kept apart from the person.
 * Items of a category with a legal_hold in the active config (and not past
 * their retention) are copied into the legal_hold table, tied only to the
 * shopper's pseudonymous ref and the erasure row, with the config's reason.
 * Then the customer row goes, and with it (ON DELETE CASCADE) every data item
 * and consent: loyalty number, name, PIN hash and every other attribute.
 * secure_delete (set on every connection by GhStore) zeroes the freed cells
 * and pages, and a TRUNCATE checkpoint folds the WAL (which still holds old
 * page images) into the database file and empties it, so none of the erased
 * bytes survives in the file, its -wal or its -shm. What remains is
 * pseudonymous: the audit events (ref, kind, purpose), the erasure row, the
 * suppression entry that stops a later import from bringing the shopper back,
 * and the legal-hold items with their reason.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-erasure.h"
#include "visit/gh-erasure-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "receipts/gh-receipt.h"
#include "store/gh-store-private.h"
#include "visit/gh-session-news.h"


G_DEFINE_QUARK (gh-erasure-error-quark, gh_erasure_error)

static void
kept_free (GhErasureKept *kept)
{
  g_free (kept->category);
  g_free (kept->reason);
  g_free (kept);
}

void
gh_erasure_result_free (GhErasureResult *result)
{
  if (result == NULL)
    return;
  g_free (result->customer_ref);
  g_free (result->receipt_id);
  g_clear_object (&result->receipt);
  g_clear_pointer (&result->kept, g_ptr_array_unref);
  g_free (result);
}

static gint64
count_items (GhStore  *store,
             gint64    customer_id,
             GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT count(*) FROM data_item WHERE customer_id = ?1", error);
  gint64 count;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  rc = sqlite3_step (stmt);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _gh_store_set_error (store, rc, error, "counting a customer's data");
      return -1;
    }
  return count;
}

static gint64
insert_erasure_row (GhStore     *store,
                    const char  *ref,
                    GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO erasure (customer_ref, requested_at, status) VALUES (?1, ?2, 'in_progress')",
      error);
  g_autofree char *now = _gh_store_now_iso ();

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  if (!_gh_store_step_done (store, stmt, "recording an erasure", error))
    return -1;
  return sqlite3_last_insert_rowid (_gh_store_get_db (store));
}

/* Moves the held category's items to legal_hold; returns how many, or -1. */
static gint64
keep_category (GhStore     *store,
               gint64       erasure_id,
               const char  *ref,
               gint64       customer_id,
               const char  *category,
               const char  *reason,
               GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO legal_hold (erasure_id, customer_ref, category, attributes, source,"
      "  collected_at, retained_until, reason)"
      " SELECT ?1, ?2, category, attributes, source, collected_at, retained_until, ?3"
      " FROM data_item WHERE customer_id = ?4 AND category = ?5 AND retained_until > ?6"
      " ORDER BY collected_at, id", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, erasure_id);
  sqlite3_bind_text (stmt, 2, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, customer_id);
  sqlite3_bind_text (stmt, 5, category, -1, SQLITE_STATIC);
  /* What is past its retention the law no longer asks us to keep. */
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  if (!_gh_store_step_done (store, stmt, "keeping data under a legal hold", error))
    return -1;
  return sqlite3_changes (_gh_store_get_db (store));
}

static gboolean
delete_customer (GhStore  *store,
                 gint64    customer_id,
                 GError  **error)
{
  sqlite3_stmt *stmt;

  /* What the shopper's last visit showed (gh-session-news.c) goes with them. */
  stmt = _gh_store_prepare (store,
                            "DELETE FROM meta WHERE key = '" GH_SESSION_LAST_VISIT_PREFIX "'"
                            " || (SELECT ref FROM customer WHERE id = ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  if (!_gh_store_step_done (store, stmt, "deleting a customer's last visit", error))
    return FALSE;

  stmt = _gh_store_prepare (store, "DELETE FROM customer WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  if (!_gh_store_step_done (store, stmt, "deleting a customer", error))
    return FALSE;
  if (sqlite3_changes (_gh_store_get_db (store)) != 1)
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND,
                   "erasure: the customer was removed by someone else meanwhile");
      return FALSE;
    }
  return TRUE;
}

static gboolean
suppress_and_close (GhStore     *store,
                    gint64       erasure_id,
                    const char  *ref,
                    const char  *receipt_id,
                    GError     **error)
{
  g_autofree char *now = _gh_store_now_iso ();
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO suppression (customer_ref, since) VALUES (?1, ?2)"
      " ON CONFLICT (customer_ref) DO NOTHING", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  if (!_gh_store_step_done (store, stmt, "adding to the suppression list", error))
    return FALSE;

  stmt = _gh_store_prepare (store,
      "UPDATE erasure SET status = 'completed', receipt_id = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, erasure_id);
  sqlite3_bind_text (stmt, 2, receipt_id, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "completing an erasure", error);
}

static char *
requested_body (gint64 erasure_id)
{
  return g_strdup_printf ("{\"erasure_id\":%" G_GINT64_FORMAT "}", erasure_id);
}

void
gh_erasure_result_add_kept (const GhErasureResult *result,
                            JsonBuilder           *builder)
{
  json_builder_set_member_name (builder, "kept");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->kept->len; i++)
    {
      const GhErasureKept *kept = g_ptr_array_index (result->kept, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, kept->category);
      json_builder_set_member_name (builder, "items");
      json_builder_add_int_value (builder, kept->items);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, kept->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static char *
completed_body (const GhErasureResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "erasure_id");
  json_builder_add_int_value (builder, result->erasure_id);
  json_builder_set_member_name (builder, "deleted_items");
  json_builder_add_int_value (builder, result->deleted_items);
  gh_erasure_result_add_kept (result, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Copies out what the config says to keep, so the transaction below does not
 * depend on the catalog's lifetime. */
static GPtrArray *
legal_holds (GhCatalog *catalog)
{
  GListModel *categories = gh_catalog_get_data_categories (catalog);
  const char *language = gh_catalog_get_default_language (catalog);
  GPtrArray *holds = g_ptr_array_new_with_free_func ((GDestroyNotify) kept_free);
  guint n = g_list_model_get_n_items (categories);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, i);
      const char *reason = gh_data_category_get_legal_hold (category, language);
      GhErasureKept *hold;

      if (reason == NULL)
        continue;
      hold = g_new0 (GhErasureKept, 1);
      hold->category = g_strdup (gh_data_category_get_id (category));
      hold->reason = g_strdup (reason);
      g_ptr_array_add (holds, hold);
    }
  return holds;
}

GhErasureResult *
gh_erasure_forget_customer (GhStore           *store,
                            GhCatalog         *catalog,
                            const GhCustomer  *customer,
                            const char        *actor,
                            const char        *language,
                            GError           **error)
{
  g_autoptr(GhCatalog) loaded = NULL;
  g_autoptr(GhErasureResult) result = NULL;
  g_autoptr(GPtrArray) holds = NULL;
  g_autofree char *body = NULL;
  gint64 total, kept_total = 0;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (catalog == NULL || GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (customer != NULL && customer->ref != NULL, NULL);

  if (!gh_actor_text_is_valid (actor, NULL))
    {
      g_set_error (error, GH_ERASURE_ERROR, GH_ERASURE_ERROR_INVALID,
                   "erasure: the actor must be a short word such as shopper, cli or staff:<id>");
      return NULL;
    }
  if (catalog == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      loaded = gh_catalog_load_active (store, &local_error);
      if (loaded == NULL)
        {
          if (g_error_matches (local_error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE))
            g_set_error (error, GH_ERASURE_ERROR, GH_ERASURE_ERROR_NO_CONFIG,
                         "%s: no configuration has been applied, so what the law requires to"
                         " keep is unknown; apply one first (glasshouse-ctl config apply)",
                         gh_store_get_path (store));
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      catalog = loaded;
    }
  holds = legal_holds (catalog);

  result = g_new0 (GhErasureResult, 1);
  result->customer_ref = g_strdup (customer->ref);
  result->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) kept_free);

  if (!gh_store_begin (store, error))
    return NULL;
  if ((total = count_items (store, customer->id, error)) < 0 ||
      (result->erasure_id = insert_erasure_row (store, customer->ref, error)) < 0)
    goto fail;
  body = requested_body (result->erasure_id);
  if (gh_store_append_event (store, actor, customer->ref, "erasure.requested", body, error) < 0)
    goto fail;

  for (guint i = 0; i < holds->len; i++)
    {
      GhErasureKept *hold = g_ptr_array_index (holds, i);
      gint64 n = keep_category (store, result->erasure_id, customer->ref, customer->id,
                                hold->category, hold->reason, error);
      if (n < 0)
        goto fail;
      if (n > 0)
        {
          GhErasureKept *kept = g_new0 (GhErasureKept, 1);

          kept->category = g_strdup (hold->category);
          kept->reason = g_strdup (hold->reason);
          kept->items = n;
          g_ptr_array_add (result->kept, kept);
          kept_total += n;
        }
    }
  result->deleted_items = total - kept_total;

  /* Issued before the delete: the receipt states the consents that end here. */
  result->receipt = gh_receipt_issue_as (store, catalog, customer, GH_RECEIPT_KIND_ERASURE, NULL,
                                         actor, language, error);
  if (result->receipt == NULL)
    goto fail;
  result->receipt_id = g_strdup (gh_receipt_get_id (result->receipt));

  /* A copy of their data that still waits for HQ is personal data too; and the
   * tokens they took home must not open anything once they are forgotten. */
  if (!gh_store_forget_attachments (store, customer->ref, error) ||
      !gh_receipt_withdraw_for (store, customer->ref, result->receipt_id, result->erasure_id,
                                error) ||
      !delete_customer (store, customer->id, error) ||
      !suppress_and_close (store, result->erasure_id, customer->ref, result->receipt_id, error))
    goto fail;
  g_clear_pointer (&body, g_free);
  body = completed_body (result);
  if (gh_store_append_event (store, actor, customer->ref, "erasure.completed", body, error) < 0 ||
      !gh_store_commit (store, error))
    goto fail;

  /* Committed: from here on the erasure has happened, whatever the checkpoint says.
   * Saying otherwise would send the shopper to try again on data that is gone. */
  {
    g_autoptr(GError) checkpoint_error = NULL;

    if (!gh_erasure_checkpoint (store, &checkpoint_error))
      {
        g_autoptr(GError) mark_error = NULL;

        g_message ("Erasure %" G_GINT64_FORMAT ": %s", result->erasure_id,
                   checkpoint_error->message);
        result->log_pending = TRUE;
        /* Not finished until the bytes are gone: gh_erasure_finish_pending retries. */
        if (!_gh_erasure_mark_log_pending (store, result->erasure_id, &mark_error))
          g_warning ("Erasure %" G_GINT64_FORMAT ": %s", result->erasure_id, mark_error->message);
      }
  }
  return g_steal_pointer (&result);

fail:
  gh_store_rollback (store);
  return NULL;
}

GhErasureResult *
gh_erasure_forget (GhStore     *store,
                   GhCatalog   *catalog,
                   const char  *loyalty_id,
                   const char  *actor,
                   GError     **error)
{
  g_autoptr(GhCustomer) customer = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (loyalty_id != NULL, NULL);

  customer = gh_store_find_customer (store, loyalty_id, error);
  if (customer == NULL)
    return NULL;
  return gh_erasure_forget_customer (store, catalog, customer, actor, NULL, error);
}

typedef struct {
  char *db_path;
  char *loyalty_id;
  char *actor;
  char *language;
} ForgetData;

static void
forget_data_free (ForgetData *data)
{
  g_free (data->db_path);
  g_free (data->loyalty_id);
  g_free (data->actor);
  g_free (data->language);
  g_free (data);
}

static void
forget_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ForgetData *data = task_data;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  GError *error = NULL;
  GhErasureResult *result = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  store = gh_store_open (data->db_path, GH_STORE_OPEN_DEFAULT, &error);
  if (store != NULL)
    customer = gh_store_find_customer (store, data->loyalty_id, &error);
  /* A catalog is immutable, so the worker may read the caller's. */
  if (customer != NULL)
    result = gh_erasure_forget_customer (store, source_object, customer, data->actor,
                                         data->language, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) gh_erasure_result_free);
}

void
gh_erasure_forget_async (const char          *db_path,
                         GhCatalog           *catalog,
                         const char          *loyalty_id,
                         const char          *actor,
                         const char          *language,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ForgetData *data;

  g_return_if_fail (db_path != NULL && loyalty_id != NULL);
  g_return_if_fail (catalog == NULL || GH_IS_CATALOG (catalog));

  task = g_task_new (catalog, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_erasure_forget_async);
  data = g_new0 (ForgetData, 1);
  data->db_path = g_strdup (db_path);
  data->loyalty_id = g_strdup (loyalty_id);
  data->actor = g_strdup (actor);
  data->language = g_strdup (language);
  g_task_set_task_data (task, data, (GDestroyNotify) forget_data_free);
  /* An erasure that has started finishes: the shopper asked for it. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, forget_thread);
}

GhErasureResult *
gh_erasure_forget_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_erasure_forget_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
