/* GhSession's requests: follow-up receipts and erasure (see gh-session-requests.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-session-requests.h"

#include "visit/gh-session-private.h"

/* ---- receipts ------------------------------------------------------------------ */

GhReceiptKind
gh_session_get_follow_up_kind (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), GH_RECEIPT_KIND_ACCESS);
  return self->changes != NULL && self->changes->len > 0 ? GH_RECEIPT_KIND_CONSENT
                                                         : GH_RECEIPT_KIND_ACCESS;
}

/* The receipt of @kind this visit already issued and that still says what it did,
 * or NULL. An erasure receipt is never reused: forgetting happens once. */
static GhReceipt *
issued_receipt (GhSession     *self,
                GhReceiptKind  kind)
{
  switch (kind)
    {
    case GH_RECEIPT_KIND_ACCESS:
      return (GhReceipt *) self->access_receipt;
    case GH_RECEIPT_KIND_CONSENT:
      if (self->changes != NULL && self->consent_receipt_changes == self->changes->len)
        return (GhReceipt *) self->consent_receipt;
      return NULL;
    case GH_RECEIPT_KIND_ERASURE:
    default:
      return NULL;
    }
}

gboolean
gh_session_get_changes_receipted (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), FALSE);
  return issued_receipt (self, GH_RECEIPT_KIND_CONSENT) != NULL;
}

static void
remember_receipt (GhSession *self,
                  GhReceipt *receipt)
{
  if (self->ended)
    return;
  switch (gh_receipt_get_kind (receipt))
    {
    case GH_RECEIPT_KIND_ACCESS:
      g_set_object (&self->access_receipt, G_OBJECT (receipt));
      break;
    case GH_RECEIPT_KIND_CONSENT:
      g_set_object (&self->consent_receipt, G_OBJECT (receipt));
      self->consent_receipt_changes = self->changes != NULL ? self->changes->len : 0;
      break;
    case GH_RECEIPT_KIND_ERASURE:
    default:
      break;
    }
}

static void
receipt_issued (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GhReceipt *receipt = gh_receipt_issue_for_session_finish (result, &error);

  if (receipt == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  remember_receipt (g_task_get_source_object (task), receipt);
  g_task_return_pointer (task, receipt, g_object_unref);
}

void
gh_session_issue_receipt_async (GhSession           *self,
                                GhReceiptKind        kind,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GH_IS_SESSION (self));

  task = _gh_session_task_new (self, gh_session_issue_receipt_async, cancellable, callback,
                               user_data);
  if (task == NULL)
    return;
  if (issued_receipt (self, kind) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (issued_receipt (self, kind)), g_object_unref);
      return;
    }
  gh_receipt_issue_for_session_async (self, kind, cancellable, receipt_issued,
                                      g_steal_pointer (&task));
}

GhReceipt *
gh_session_issue_receipt_finish (GhSession     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- erasure --------------------------------------------------------------------- */

/* The worker's own copy of who to erase: the end of the visit wipes the session's
 * customer on the main thread, maybe while the worker still waits for the store. */
typedef struct {
  GhCatalog  *catalog;
  GhCustomer *customer;
  char       *db_path;
  char       *actor;
  char       *language;
} ForgetData;

static void
forget_data_free (ForgetData *data)
{
  g_clear_object (&data->catalog);
  g_clear_pointer (&data->customer, gh_customer_wipe);
  g_free (data->db_path);
  g_free (data->actor);
  g_free (data->language);
  g_free (data);
}

static GhErasureResult *
forget_on (GhStore     *store,
           ForgetData  *data,
           GError     **error)
{
  return gh_erasure_forget_customer (store, data->catalog, data->customer, data->actor,
                                     data->language, error);
}

static void
forget_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GhSession *self = source_object;
  ForgetData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) own = NULL;
  GhErasureResult *result = NULL;
  GhStore *store;

  store = gh_session_lock_store (self);
  if (store != NULL)
    {
      result = forget_on (store, data, &error);
      gh_session_unlock_store (self);
    }
  /* The visit ended first: the shopper asked, so the erasure still happens. */
  else if ((own = gh_store_open (data->db_path, GH_STORE_OPEN_DEFAULT, &error)) != NULL)
    result = forget_on (own, data, &error);

  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) gh_erasure_result_free);
}

void
gh_session_forget_async (GhSession           *self,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ForgetData *data;

  g_return_if_fail (GH_IS_SESSION (self));

  task = _gh_session_task_new (self, gh_session_forget_async, NULL, callback, user_data);
  if (task == NULL)
    return;

  data = g_new0 (ForgetData, 1);
  data->catalog = g_object_ref (self->catalog);
  data->customer = gh_customer_copy (self->customer);
  data->db_path = g_strdup (self->db_path);
  data->actor = g_strdup (self->actor);
  data->language = g_strdup (self->language);
  g_task_set_task_data (task, data, (GDestroyNotify) forget_data_free);
  g_task_run_in_thread (task, forget_thread);
}

GhErasureResult *
gh_session_forget_finish (GhSession     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
