/* GhSession: one shopper's visit (see gh-session.h for the threading rules).
 * Store work runs in GTask workers on the session's own connection, one worker
 * at a time under store_lock; results are swapped in on the main thread, by the
 * task itself, and announced by property notifications. This file holds the
 * object, reading and the end; gh-session-sign-in.c loading a visit;
 * gh-session-consent.c and gh-session-requests.c the visit's operations.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include <string.h>

#include "visit/gh-session-private.h"
#include "visit/gh-session-news.h"

G_DEFINE_FINAL_TYPE (GhSession, gh_session, G_TYPE_OBJECT)

enum {
  ENDED,
  N_SIGNALS
};

GParamSpec *_gh_session_properties[N_PROPS];
#define properties _gh_session_properties
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (gh-session-error-quark, gh_session_error)

void
gh_session_change_free (GhSessionChange *change)
{
  if (change == NULL)
    return;
  g_free (change->purpose_id);
  g_free (change->actor);
  g_free (change);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
wipe (GhSession *self)
{
  g_clear_pointer (&self->unused, g_ptr_array_unref);
  g_clear_pointer (&self->offers, g_ptr_array_unref);
  g_clear_pointer (&self->consents, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_clear_pointer (&self->news, g_ptr_array_unref);
  g_clear_pointer (&self->customer, gh_customer_wipe);
  g_clear_object (&self->access_receipt);
  g_clear_object (&self->consent_receipt);
}

static void
gh_session_dispose (GObject *object)
{
  GhSession *self = GH_SESSION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  /* Workers hold a reference to the session, so none is running here. */
  g_clear_object (&self->store);
  wipe (self);
  g_clear_object (&self->offer_list);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (gh_session_parent_class)->dispose (object);
}

static void
gh_session_finalize (GObject *object)
{
  GhSession *self = GH_SESSION (object);

  g_mutex_clear (&self->store_lock);
  g_free (self->db_path);
  g_free (self->language);
  g_free (self->actor);

  G_OBJECT_CLASS (gh_session_parent_class)->finalize (object);
}

static void
gh_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  GhSession *self = GH_SESSION (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;
    case PROP_ITEMS:
      g_value_set_boxed (value, self->items);
      break;
    case PROP_UNUSED_ITEMS:
      g_value_set_boxed (value, self->unused);
      break;
    case PROP_CHANGES:
      g_value_set_boxed (value, self->changes);
      break;
    case PROP_CONSENTS:
      g_value_set_boxed (value, self->consents);
      break;
    case PROP_OFFERS:
      g_value_set_boxed (value, self->offers);
      break;
    case PROP_ENDED:
      g_value_set_boolean (value, self->ended);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  GhSession *self = GH_SESSION (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      gh_session_set_language (self, g_value_get_string (value));
      break;
    case PROP_ACTOR:
      gh_session_set_actor (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_session_class_init (GhSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_session_dispose;
  object_class->finalize = gh_session_finalize;
  object_class->get_property = gh_session_get_property;
  object_class->set_property = gh_session_set_property;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, GH_TYPE_CATALOG,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The snapshots (GPtrArray, do not modify): replaced as a whole, and notified, when a
   * change is recorded (consents, offers, unused-items, changes) and when the visit
   * ends (all of them, emptied). */
  properties[PROP_ITEMS] =
    g_param_spec_boxed ("items", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNUSED_ITEMS] =
    g_param_spec_boxed ("unused-items", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHANGES] =
    g_param_spec_boxed ("changes", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, "shopper",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONSENTS] =
    g_param_spec_boxed ("consents", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFERS] =
    g_param_spec_boxed ("offers", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDED] =
    g_param_spec_boolean ("ended", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
gh_session_init (GhSession *self)
{
  g_mutex_init (&self->store_lock);
  self->actor = g_strdup ("shopper");
  self->cancellable = g_cancellable_new ();
  self->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_session_change_free);
  self->offer_list = g_list_store_new (GH_TYPE_OFFER);
}

/* ---- reading ---------------------------------------------------------------- */

gboolean
gh_session_get_ended (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), TRUE);
  return self->ended;
}

GhCatalog *
gh_session_get_catalog (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->catalog;
}

const char *
gh_session_get_db_path (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->db_path;
}

const GhCustomer *
gh_session_get_customer (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->customer;
}

const char *
gh_session_get_display_name (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->customer != NULL ? self->customer->display_name : NULL;
}

const char *
gh_session_get_language (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->language;
}

void
gh_session_set_language (GhSession  *self,
                         const char *language)
{
  g_return_if_fail (GH_IS_SESSION (self));

  if (language == NULL && self->catalog != NULL)
    language = gh_catalog_get_default_language (self->catalog);
  if (set_string (&self->language, language))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

const char *
gh_session_get_actor (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->actor;
}

void
gh_session_set_actor (GhSession  *self,
                      const char *actor)
{
  g_return_if_fail (GH_IS_SESSION (self));

  if (set_string (&self->actor, actor != NULL ? actor : "shopper"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR]);
}

GPtrArray *
gh_session_get_items (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->items;
}

GPtrArray *
gh_session_get_consents (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->consents;
}

GPtrArray *
gh_session_get_offers (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->offers;
}

GPtrArray *
gh_session_get_unused_items (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->unused;
}

gboolean
gh_session_item_is_unused (GhSession        *self,
                           const GhDataItem *item)
{
  g_return_val_if_fail (GH_IS_SESSION (self), FALSE);
  return self->unused != NULL && g_ptr_array_find (self->unused, item, NULL);
}

GhConsentState
gh_session_get_state (GhSession  *self,
                      const char *purpose_id)
{
  GhPurpose *purpose;
  GhConsent *consent;

  g_return_val_if_fail (GH_IS_SESSION (self), GH_CONSENT_REVOKED);

  purpose = self->catalog != NULL ? gh_catalog_find_purpose (self->catalog, purpose_id) : NULL;
  if (purpose != NULL)
    return gh_offers_purpose_state (purpose, self->consents);
  consent = gh_consent_find (self->consents, purpose_id);
  return consent != NULL ? consent->state : GH_CONSENT_REVOKED;
}

gboolean
gh_session_purpose_in_force (GhSession *self,
                             GhPurpose *purpose)
{
  g_return_val_if_fail (GH_IS_SESSION (self), FALSE);
  return self->consents != NULL && gh_offers_purpose_in_force (purpose, self->consents);
}

GPtrArray *
gh_session_purposes_reading (GhSession  *self,
                             const char *category_id)
{
  GPtrArray *result = g_ptr_array_new ();
  GListModel *purposes;

  g_return_val_if_fail (GH_IS_SESSION (self), result);
  if (self->catalog == NULL)
    return result;

  purposes = gh_catalog_get_purposes (self->catalog);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);

      if (g_strv_contains ((const char * const *) gh_purpose_get_categories (purpose), category_id)
          && gh_session_purpose_in_force (self, purpose))
        g_ptr_array_add (result, purpose);  /* the catalog keeps it alive */
    }
  return result;
}

GPtrArray *
gh_session_get_changes (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->changes;
}

GhStore *
gh_session_lock_store (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);

  g_mutex_lock (&self->store_lock);
  if (self->store == NULL)
    {
      g_mutex_unlock (&self->store_lock);
      return NULL;
    }
  return self->store;
}

void
gh_session_unlock_store (GhSession *self)
{
  g_return_if_fail (GH_IS_SESSION (self));
  g_mutex_unlock (&self->store_lock);
}

/* ---- tasks on a visit ----------------------------------------------------- */

void
_gh_session_return_ended (GTask *task)
{
  g_task_return_new_error (task, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED, "the visit has ended");
}

GTask *
_gh_session_task_new (GhSession           *self,
                      gpointer             source_tag,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->ended)
    {
      _gh_session_return_ended (task);
      return NULL;
    }
  return g_steal_pointer (&task);
}

/* ---- the end ------------------------------------------------------------------ */

typedef struct {
  char *customer_ref;
  char *record;
} LastVisit;

static void
last_visit_free (LastVisit *visit)
{
  if (visit == NULL)
    return;
  g_free (visit->customer_ref);
  g_free (visit->record);
  g_free (visit);
}

static void
close_store_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GhSession *self = source_object;
  LastVisit *visit = task_data;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->store_lock);
  /* Remembering what this visit showed is a courtesy for the next one: a store
   * that refuses it (read-only, full) does not make the visit fail. */
  if (self->store != NULL && visit != NULL
      && !_gh_session_write_last_visit (self->store, visit->customer_ref, visit->record, &error))
    g_debug ("not remembering the last visit: %s", error->message);
  g_clear_object (&self->store);
  g_mutex_unlock (&self->store_lock);
  g_task_return_boolean (task, TRUE);
}

void
gh_session_end (GhSession *self)
{
  g_return_if_fail (GH_IS_SESSION (self));

  if (self->ended)
    return;

  g_object_ref (self);
  self->ended = TRUE;
  g_cancellable_cancel (self->cancellable);

  /* Closed in a worker: one that is writing a choice holds the lock, and that
   * choice must reach the store; the main loop does not wait for it. */
  {
    g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);
    LastVisit *visit = NULL;

    if (self->customer != NULL && self->catalog != NULL && self->items != NULL)
      {
        visit = g_new0 (LastVisit, 1);
        visit->customer_ref = g_strdup (self->customer->ref);
        visit->record = _gh_session_last_visit_record (self);
      }
    g_task_set_source_tag (task, gh_session_end);
    g_task_set_task_data (task, visit, (GDestroyNotify) last_visit_free);
    g_task_run_in_thread (task, close_store_thread);
  }

  wipe (self);
  self->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_session_change_free);
  self->news = g_ptr_array_new ();
  g_list_store_remove_all (self->offer_list);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSENTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNUSED_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDED]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[ENDED], 0);
  g_object_unref (self);
}
