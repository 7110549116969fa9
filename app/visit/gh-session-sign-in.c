/* Starting a visit: the PIN check and the loading of what is held about the shopper
 * and their offers, in a GTask worker on a connection of its own (gh_session_sign_in_async),
 * or synchronously for glasshouse-ctl and the tests (gh_session_load).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "auth/gh-auth.h"
#include "visit/gh-session-private.h"

typedef struct {
  char       *db_path;
  GhCatalog  *catalog;
  char       *loyalty_id;
  char       *pin;
  char       *language;
  gint64      locked_seconds;
  int         tries_left;
} SignInData;

static void
sign_in_data_free (SignInData *data)
{
  g_free (data->db_path);
  g_clear_object (&data->catalog);
  gh_string_wipe (&data->loyalty_id);
  gh_string_wipe (&data->pin);
  g_free (data->language);
  g_free (data);
}

GPtrArray *
_gh_session_evaluate_offers (GhCatalog *catalog,
                             GPtrArray *items,
                             GPtrArray *consents)
{
  GPtrArray *offers = gh_offers_evaluate (catalog, items, consents);

  /* Whatever the engine set, the caller owns the matches. */
  g_ptr_array_set_free_func (offers, (GDestroyNotify) gh_offer_match_free);
  return offers;
}

/* Reads what is held about @customer and evaluates their offers, on @store. */
static GhSession *
session_new_loaded (GhStore     *store,
                    const char  *db_path,
                    GhCatalog   *catalog,
                    GhCustomer  *customer,
                    const char  *language,
                    GError     **error)
{
  g_autoptr(GhSession) self = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) consents = NULL;

  items = gh_store_list_data_items (store, customer->id, error);
  if (items == NULL)
    return NULL;
  consents = gh_store_list_consents (store, customer->id, error);
  if (consents == NULL)
    return NULL;

  self = g_object_new (GH_TYPE_SESSION, NULL);
  self->store = g_object_ref (store);
  self->db_path = g_strdup (db_path);
  self->catalog = g_object_ref (catalog);
  self->customer = customer;
  self->language = g_strdup (language != NULL ? language
                                              : gh_catalog_get_default_language (catalog));
  self->items = g_steal_pointer (&items);
  self->consents = g_steal_pointer (&consents);
  self->offers = _gh_session_evaluate_offers (catalog, self->items, self->consents);
  self->unused = gh_offers_unused_items (catalog, self->items, self->consents);
  _gh_session_read_news (self, store);
  _gh_session_sync_offer_list (self);
  return g_steal_pointer (&self);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SignInData *data = task_data;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GhCustomer *customer;
  GhSession *session;

  store = gh_store_open (data->db_path, GH_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  customer = gh_auth_sign_in_full (store, data->loyalty_id, data->pin, &data->locked_seconds,
                                   &data->tries_left, &error);
  if (customer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  session = session_new_loaded (store, data->db_path, data->catalog, customer, data->language,
                                &error);
  if (session == NULL)
    {
      gh_customer_wipe (customer);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, session, g_object_unref);
}

void
gh_session_sign_in_async (const char          *db_path,
                          GhCatalog           *catalog,
                          const char          *loyalty_id,
                          const char          *pin,
                          const char          *language,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignInData *data;

  g_return_if_fail (db_path != NULL);
  g_return_if_fail (GH_IS_CATALOG (catalog));
  g_return_if_fail (loyalty_id != NULL && pin != NULL);

  data = g_new0 (SignInData, 1);
  data->db_path = g_strdup (db_path);
  data->catalog = g_object_ref (catalog);
  data->loyalty_id = g_strdup (loyalty_id);
  data->pin = g_strdup (pin);
  data->language = g_strdup (language);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_session_sign_in_async);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_data_free);
  g_task_run_in_thread (task, sign_in_thread);
}

GhSession *
gh_session_sign_in_finish (GAsyncResult  *result,
                           gint64        *locked_seconds,
                           GError       **error)
{
  SignInData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (locked_seconds != NULL)
    *locked_seconds = data->locked_seconds;
  return g_task_propagate_pointer (G_TASK (result), error);
}

int
gh_session_sign_in_tries_left (GAsyncResult *result)
{
  SignInData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);

  data = g_task_get_task_data (G_TASK (result));
  return data->tries_left;
}

GhSession *
gh_session_load (const char  *db_path,
                 GhCatalog   *catalog,
                 const char  *loyalty_id,
                 const char  *language,
                 GError     **error)
{
  g_autoptr(GhStore) store = NULL;
  GhCustomer *customer;
  GhSession *session;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (loyalty_id != NULL, NULL);

  store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, error);
  if (store == NULL)
    return NULL;
  customer = gh_store_find_customer (store, loyalty_id, error);
  if (customer == NULL)
    return NULL;
  session = session_new_loaded (store, db_path, catalog, customer, language, error);
  if (session == NULL)
    gh_customer_wipe (customer);
  return session;
}

