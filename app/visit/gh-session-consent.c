/* GhSession's consent operations: what a change would remove and add (what-if), the
 * change itself, and the offer list that follows it. The task makes the session's state change, on the main context,
 * before the caller's callback runs: _finish () only hands back the outcome.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-session-private.h"

#include "store/gh-store-preview.h"

#define properties _gh_session_properties

/* ---- the offer list -------------------------------------------------------- */

static gboolean
offers_contain (GPtrArray *offers,
                GhOffer   *offer,
                guint      from)
{
  for (guint i = from; offers != NULL && i < offers->len; i++)
    if (((GhOfferMatch *) g_ptr_array_index (offers, i))->offer == offer)
      return TRUE;
  return FALSE;
}

void
_gh_session_sync_offer_list (GhSession *self)
{
  GListModel *list = G_LIST_MODEL (self->offer_list);
  guint n_offers = self->offers != NULL ? self->offers->len : 0;
  guint i = 0, j = 0;

  /* Walked together: what stays stays, so a list following the model keeps its rows. */
  while (i < g_list_model_get_n_items (list) || j < n_offers)
    {
      g_autoptr(GhOffer) have = i < g_list_model_get_n_items (list)
                                ? g_list_model_get_item (list, i) : NULL;
      GhOffer *want = j < n_offers
                      ? ((GhOfferMatch *) g_ptr_array_index (self->offers, j))->offer : NULL;

      if (have != NULL && have == want)
        {
          i++;
          j++;
        }
      else if (have != NULL && !offers_contain (self->offers, have, j))
        g_list_store_remove (self->offer_list, i);
      else
        {
          g_list_store_insert (self->offer_list, i, want);
          i++;
          j++;
        }
    }
}

GListModel *
gh_session_get_offer_list (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->offer_list);
}

const GhOfferMatch *
gh_session_find_offer_match (GhSession *self,
                             GhOffer   *offer)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);

  for (guint i = 0; self->offers != NULL && i < self->offers->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (self->offers, i);

      if (match->offer == offer)
        return match;
    }
  return NULL;
}

/* ---- what-if ------------------------------------------------------------- */

typedef struct {
  GhCatalog      *catalog;
  GPtrArray      *items;
  GPtrArray      *consents;
  char           *purpose_id;
  GhConsentState  state;
  GPtrArray      *added;
} WhatIfData;

static void
what_if_data_free (WhatIfData *data)
{
  g_clear_object (&data->catalog);
  g_clear_pointer (&data->items, g_ptr_array_unref);
  g_clear_pointer (&data->consents, g_ptr_array_unref);
  g_clear_pointer (&data->added, g_ptr_array_unref);
  g_free (data->purpose_id);
  g_free (data);
}

static void
what_if_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  WhatIfData *data = task_data;
  GPtrArray *removed;

  removed = gh_offers_what_if (data->catalog, data->items, data->consents, data->purpose_id,
                               data->state, &data->added);
  g_ptr_array_set_free_func (removed, (GDestroyNotify) gh_offer_match_free);
  if (data->added != NULL)
    g_ptr_array_set_free_func (data->added, (GDestroyNotify) gh_offer_match_free);
  g_task_return_pointer (task, removed, (GDestroyNotify) g_ptr_array_unref);
}

void
gh_session_what_if_async (GhSession           *self,
                          const char          *purpose_id,
                          GhConsentState       state,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WhatIfData *data;

  g_return_if_fail (GH_IS_SESSION (self));
  g_return_if_fail (purpose_id != NULL);

  task = _gh_session_task_new (self, gh_session_what_if_async, cancellable, callback, user_data);
  if (task == NULL)
    return;

  data = g_new0 (WhatIfData, 1);
  data->catalog = g_object_ref (self->catalog);
  data->items = g_ptr_array_ref (self->items);
  data->consents = g_ptr_array_ref (self->consents);
  data->purpose_id = g_strdup (purpose_id);
  data->state = state;
  g_task_set_task_data (task, data, (GDestroyNotify) what_if_data_free);
  g_task_run_in_thread (task, what_if_thread);
}

GPtrArray *
gh_session_what_if_finish (GhSession     *self,
                           GAsyncResult  *result,
                           GPtrArray    **added,
                           GError       **error)
{
  GPtrArray *removed;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  removed = g_task_propagate_pointer (G_TASK (result), error);
  if (added != NULL)
    {
      WhatIfData *data = g_task_get_task_data (G_TASK (result));
      *added = (removed != NULL && data != NULL) ? g_steal_pointer (&data->added) : NULL;
    }
  return removed;
}

/* ---- changing a consent ----------------------------------------------------- */

typedef struct {
  GhCatalog       *catalog;
  GPtrArray       *items;
  GhCustomer      *customer;     /* a copy of the ids the store needs */
  char            *purpose_id;
  char            *notice_version;
  char            *actor;
  GhConsentState   from;
  GhConsentState   state;
  gint64           event_seq;
  GPtrArray       *consents;     /* results */
  GPtrArray       *offers;
  GPtrArray       *unused;
} SetConsentData;

static void
set_consent_data_free (SetConsentData *data)
{
  g_clear_object (&data->catalog);
  g_clear_pointer (&data->unused, g_ptr_array_unref);
  g_clear_pointer (&data->offers, g_ptr_array_unref);
  g_clear_pointer (&data->consents, g_ptr_array_unref);
  g_clear_pointer (&data->items, g_ptr_array_unref);
  g_clear_pointer (&data->customer, gh_customer_wipe);
  g_free (data->purpose_id);
  g_free (data->notice_version);
  g_free (data->actor);
  g_free (data);
}

static void
set_consent_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GhSession *self = source_object;
  SetConsentData *data = task_data;
  g_autoptr(GError) error = NULL;
  GhStore *store;

  store = gh_session_lock_store (self);
  if (store == NULL)
    {
      _gh_session_return_ended (task);
      return;
    }

  data->event_seq = gh_store_set_consent (store, data->customer, data->purpose_id, data->state,
                                          data->notice_version, data->actor, &error);
  if (data->event_seq >= 0)
    data->consents = gh_store_list_consents (store, data->customer->id, &error);
  gh_session_unlock_store (self);

  if (data->consents == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->offers = _gh_session_evaluate_offers (data->catalog, data->items, data->consents);
  data->unused = gh_offers_unused_items (data->catalog, data->items, data->consents);
  g_task_return_boolean (task, TRUE);
}

/* On the main context, once the worker has recorded the choice: the session takes
 * the new consents and offers, then the caller hears of it. */
static void
set_consent_recorded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GhSession *self = GH_SESSION (source);
  g_autoptr(GTask) task = user_data;
  SetConsentData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The visit may have ended while the worker ran: the choice is recorded in the
   * store, but there is nothing left on screen to refresh. */
  if (!self->ended)
    {
      g_object_freeze_notify (G_OBJECT (self));
      if (data->event_seq > 0)
        {
          GhSessionChange *change = g_new0 (GhSessionChange, 1);

          change->purpose_id = g_strdup (data->purpose_id);
          change->from = data->from;
          change->to = data->state;
          change->at = g_get_real_time () / G_USEC_PER_SEC;
          change->event_seq = data->event_seq;
          change->actor = g_strdup (data->actor);
          g_ptr_array_add (self->changes, change);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGES]);
        }

      g_clear_pointer (&self->unused, g_ptr_array_unref);
      self->unused = g_steal_pointer (&data->unused);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNUSED_ITEMS]);
      g_clear_pointer (&self->consents, g_ptr_array_unref);
      self->consents = g_steal_pointer (&data->consents);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSENTS]);
      g_clear_pointer (&self->offers, g_ptr_array_unref);
      self->offers = g_steal_pointer (&data->offers);
      _gh_session_sync_offer_list (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERS]);
      g_object_thaw_notify (G_OBJECT (self));
    }
  g_task_return_boolean (task, TRUE);
}

void
gh_session_set_consent_async (GhSession           *self,
                              const char          *purpose_id,
                              GhConsentState       state,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  SetConsentData *data;
  GhPurpose *purpose;

  g_return_if_fail (GH_IS_SESSION (self));
  g_return_if_fail (purpose_id != NULL);

  task = _gh_session_task_new (self, gh_session_set_consent_async, cancellable, callback,
                               user_data);
  if (task == NULL)
    return;

  purpose = gh_catalog_find_purpose (self->catalog, purpose_id);
  if (purpose == NULL || (state == GH_CONSENT_REVOKED && !gh_purpose_get_can_revoke (purpose)))
    {
      g_task_return_new_error (task, GH_SESSION_ERROR, GH_SESSION_ERROR_NOT_ALLOWED,
                               "purpose %s cannot be set to %s", purpose_id,
                               gh_consent_state_to_string (state));
      return;
    }

  data = g_new0 (SetConsentData, 1);
  data->catalog = g_object_ref (self->catalog);
  data->items = g_ptr_array_ref (self->items);
  data->customer = g_new0 (GhCustomer, 1);
  data->customer->id = self->customer->id;
  data->customer->ref = g_strdup (self->customer->ref);
  data->customer->loyalty_id = g_strdup (self->customer->loyalty_id);
  data->purpose_id = g_strdup (purpose_id);
  data->notice_version = g_strdup (gh_purpose_get_notice_version (purpose));
  data->actor = g_strdup (self->actor);
  data->from = gh_session_get_state (self, purpose_id);
  data->state = state;
  /* The write is not cancellable: once recorded, the session shows it whatever the
   * caller wanted by then. */
  worker = g_task_new (self, NULL, set_consent_recorded, g_steal_pointer (&task));
  g_task_set_source_tag (worker, set_consent_thread);
  g_task_set_task_data (worker, data, (GDestroyNotify) set_consent_data_free);
  g_task_run_in_thread (worker, set_consent_thread);
}

gboolean
gh_session_set_consent_finish (GhSession     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the preview's counters ----------------------------------------------------------- */

typedef struct {
  char  *purpose_id;
  guint  opened;
  guint  kept_on;
} PreviewCount;

static void
preview_count_free (PreviewCount *count)
{
  g_free (count->purpose_id);
  g_free (count);
}

static void
preview_count_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  PreviewCount *count = task_data;
  g_autoptr(GError) error = NULL;
  GhStore *store = gh_session_lock_store (source_object);

  if (store == NULL)
    return;  /* the visit ended first: nothing to count it in */
  if (!gh_store_preview_daily_count (store, count->purpose_id, count->opened, count->kept_on, 0,
                                     &error))
    /* A lost count must not trouble the shopper; it is only a statistic. */
    g_message ("the switch-off preview was not counted: %s", error->message);
  gh_session_unlock_store (source_object);
  g_task_return_boolean (task, TRUE);
}

void
gh_session_count_preview (GhSession  *self,
                          const char *purpose_id,
                          gboolean    kept_on)
{
  g_autoptr(GTask) task = NULL;
  PreviewCount *count;

  g_return_if_fail (GH_IS_SESSION (self));
  g_return_if_fail (purpose_id != NULL);

  count = g_new0 (PreviewCount, 1);
  count->purpose_id = g_strdup (purpose_id);
  count->opened = kept_on ? 0 : 1;
  count->kept_on = kept_on ? 1 : 0;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, gh_session_count_preview);
  g_task_set_task_data (task, count, (GDestroyNotify) preview_count_free);
  g_task_run_in_thread (task, preview_count_thread);
}
