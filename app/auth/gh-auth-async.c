/* The _async variants of sign-in and the staff actions (gh-auth.h): each runs
 * its synchronous twin in a worker thread, opening its own store connection
 * there, since a PIN verify takes 0.1-0.3 s and the UI must not wait on it.
 * Copies of PINs and loyalty numbers are wiped when a task is done with them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-auth"
#include "config.h"

#include "auth/gh-auth.h"

#include <sodium.h>
#include <string.h>

/* What a worker needs; each call fills the fields it uses. */
typedef struct _AuthTask {
  char     *db_path;
  char     *loyalty_id;      /* a secret: wiped */
  char     *staff_id;
  char     *pin;             /* a secret: wiped */
  gboolean  started;
  gboolean  timed_out;
  gint64    locked_seconds;  /* sign-in's answer, read by _finish */
  gboolean  was_locked;      /* clear-lockout's answer, read by _finish */
  /* What store_action_thread runs on the worker's own connection: NULL with
   * @error set on failure; otherwise the task's pointer result, freed with
   * @result_free, or (when that is NULL) any non-NULL for TRUE. */
  gpointer (*action) (GTask *task, GhStore *store, struct _AuthTask *data, GError **error);
  GDestroyNotify result_free;
} AuthTask;

static void
free_secret (char *secret)
{
  if (secret != NULL)
    {
      sodium_memzero (secret, strlen (secret));
      g_free (secret);
    }
}

static void
auth_task_free (AuthTask *data)
{
  g_free (data->db_path);
  free_secret (data->loyalty_id);
  g_free (data->staff_id);
  free_secret (data->pin);
  g_free (data);
}

/* A task tagged @source_tag whose data holds copies of the strings (each may
 * be NULL when the call has none); the caller sets the rest of *@data. */
static GTask *
auth_task_new (gpointer              source_object,
               gpointer              source_tag,
               const char           *db_path,
               const char           *loyalty_id,
               const char           *staff_id,
               const char           *pin,
               GCancellable         *cancellable,
               GAsyncReadyCallback   callback,
               gpointer              user_data,
               AuthTask            **data)
{
  GTask *task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  *data = g_new0 (AuthTask, 1);
  (*data)->db_path = g_strdup (db_path);
  (*data)->loyalty_id = g_strdup (loyalty_id);
  (*data)->staff_id = g_strdup (staff_id);
  (*data)->pin = g_strdup (pin);
  g_task_set_task_data (task, *data, (GDestroyNotify) auth_task_free);
  return task;
}

/* The _finish of a task that answers TRUE or an error, checked to be @source_tag's. */
static gboolean
auth_task_finish_boolean (GAsyncResult  *result,
                          gpointer       source_tag,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Opens the store in the worker and runs the task's action on it. */
static void
store_action_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  AuthTask *data = task_data;
  g_autoptr(GhStore) store = NULL;
  GError *error = NULL;
  gpointer result = NULL;

  store = gh_store_open (data->db_path, GH_STORE_OPEN_DEFAULT, &error);
  if (store != NULL)
    result = data->action (task, store, data, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else if (data->result_free != NULL)
    g_task_return_pointer (task, result, data->result_free);
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- shoppers ------------------------------------------------------------ */

static gpointer
sign_in (GTask     *task,
         GhStore   *store,
         AuthTask  *data,
         GError   **error)
{
  /* An attempt cancelled before the worker got to it is not made. */
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), error))
    return NULL;
  return gh_auth_sign_in (store, data->loyalty_id, data->pin, &data->locked_seconds, error);
}

void
gh_auth_sign_in_async (const char          *db_path,
                       const char          *loyalty_id,
                       const char          *pin,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuthTask *data;

  g_return_if_fail (db_path != NULL && loyalty_id != NULL && pin != NULL);

  task = auth_task_new (NULL, gh_auth_sign_in_async, db_path, loyalty_id, NULL, pin,
                        cancellable, callback, user_data, &data);
  data->action = sign_in;
  data->result_free = (GDestroyNotify) gh_customer_free;
  /* Once started, an attempt is counted whatever the caller does meanwhile. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, store_action_thread);
}

GhCustomer *
gh_auth_sign_in_finish (GAsyncResult  *result,
                        gint64        *locked_seconds,
                        GError       **error)
{
  AuthTask *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_auth_sign_in_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (locked_seconds != NULL)
    *locked_seconds = data->locked_seconds;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- staff --------------------------------------------------------------- */

static gpointer
staff_sign_in (GTask     *task,
               GhStore   *store,
               AuthTask  *data,
               GError   **error)
{
  /* A catalog is immutable once built, so reading it from a worker is safe. */
  return gh_auth_staff_sign_in (store, GH_CATALOG (g_task_get_source_object (task)),
                                data->staff_id, data->pin, error);
}

void
gh_auth_staff_sign_in_async (const char          *db_path,
                             GhCatalog           *catalog,
                             const char          *staff_id,
                             const char          *pin,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuthTask *data;

  g_return_if_fail (db_path != NULL);
  g_return_if_fail (GH_IS_CATALOG (catalog));
  g_return_if_fail (staff_id != NULL && pin != NULL);

  task = auth_task_new (catalog, gh_auth_staff_sign_in_async, db_path, NULL, staff_id, pin,
                        cancellable, callback, user_data, &data);
  data->action = staff_sign_in;
  data->result_free = g_object_unref;
  g_task_run_in_thread (task, store_action_thread);
}

GhStaffMember *
gh_auth_staff_sign_in_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_auth_staff_sign_in_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- staff clearing a lockout, and staff mode on the record -------------- */

static gpointer
clear_lockout (GTask     *task,
               GhStore   *store,
               AuthTask  *data,
               GError   **error)
{
  return gh_auth_clear_lockout (store, data->loyalty_id, data->staff_id, &data->was_locked, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

void
gh_auth_clear_lockout_async (const char          *db_path,
                             const char          *loyalty_id,
                             const char          *staff_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuthTask *data;

  g_return_if_fail (db_path != NULL && loyalty_id != NULL);

  task = auth_task_new (NULL, gh_auth_clear_lockout_async, db_path, loyalty_id, staff_id, NULL,
                        cancellable, callback, user_data, &data);
  data->action = clear_lockout;
  g_task_run_in_thread (task, store_action_thread);
}

gboolean
gh_auth_clear_lockout_finish (GAsyncResult  *result,
                              gboolean      *was_locked,
                              GError       **error)
{
  gboolean ok = auth_task_finish_boolean (result, gh_auth_clear_lockout_async, error);

  if (ok && was_locked != NULL)
    *was_locked = ((AuthTask *) g_task_get_task_data (G_TASK (result)))->was_locked;
  return ok;
}

static gpointer
record_assist (GTask     *task,
               GhStore   *store,
               AuthTask  *data,
               GError   **error)
{
  return gh_auth_record_staff_assist (store, data->staff_id, data->started, data->timed_out,
                                      error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
assist_logged (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Nobody waits for this one; the message names the store, never a shopper. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Staff mode was not recorded: %s", error->message);
}

void
gh_auth_record_staff_assist_async (const char          *db_path,
                                   const char          *staff_id,
                                   gboolean             started,
                                   gboolean             timed_out,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuthTask *data;

  g_return_if_fail (db_path != NULL && staff_id != NULL);

  task = auth_task_new (NULL, gh_auth_record_staff_assist_async, db_path, NULL, staff_id, NULL,
                        cancellable, callback != NULL ? callback : assist_logged, user_data,
                        &data);
  data->started = started;
  data->timed_out = timed_out;
  data->action = record_assist;
  g_task_run_in_thread (task, store_action_thread);
}

gboolean
gh_auth_record_staff_assist_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
