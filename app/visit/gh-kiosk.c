/* GhKiosk: the store, the configuration in force and HQ's inbox, for the window to
 * show (see gh-kiosk.h). Reads run in workers; results land on the main context.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-kiosk.h"

#include "config/gh-config.h"
#include "members/gh-retention.h"
#include "visit/gh-erasure.h"
#include "visit/gh-fleet-apply.h"

/* How often to try again for a lock `glasshouse-ctl sync` holds for a moment. */
#define LOCK_RETRY_MS 50

struct _GhKiosk
{
  GObject       parent_instance;

  char         *db_path;
  char         *inbox_dir;
  char         *trust_file;
  gboolean      demo;

  GhCatalog    *catalog;
  /* Bumped whenever the inbox hands over a config: a store read started before that
   * may finish after it and must not put the older config back. */
  guint         generation;
  guint         loads_in_flight;
  gboolean      in_visit;

  GhInbox      *inbox;
  GCancellable *cancellable;

  /* gh-fleet-apply.h: "the kiosk runs" (bundles go to the inbox), and "a visit is on"
   * (nothing pulled from HQ is applied under a shopper). */
  int           running_lock;
  int           visit_lock;
  guint         lock_retry_id;
};

G_DEFINE_FINAL_TYPE (GhKiosk, gh_kiosk, G_TYPE_OBJECT)

static void ensure_locks (GhKiosk *self);

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_LOADING,
  PROP_IN_VISIT,
  N_PROPS
};

enum {
  CATALOG_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_catalog (GhKiosk   *self,
             GhCatalog *catalog)
{
  /* Every config read or handed over is announced, the same one read again too: the
   * end of a visit puts the kiosk back in the config's own language and look. */
  g_set_object (&self->catalog, catalog);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
  g_signal_emit (self, signals[CATALOG_CHANGED], 0, catalog);
}

/* ---- HQ's inbox ------------------------------------------------------------------ */

static void
on_config_changed (GhKiosk   *self,
                   GhCatalog *catalog)
{
  self->generation++;
  /* The inbox holds new configs during a visit; this is between visits. */
  if (!self->in_visit)
    set_catalog (self, catalog);
}

static void
on_bundle_rejected (GhKiosk    *self,
                    const char *name,
                    const char *reason)
{
  g_message ("Configuration bundle %s refused: %s", name, reason);
}

static GhTrust *
load_trust (GhKiosk *self)
{
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GError) error = NULL;

  if (self->demo && (trust = gh_config_new_demo_trust (&error)) == NULL)
    {
      g_message ("Not trusting the demo key: %s", error->message);
      g_clear_error (&error);
    }
  if (trust == NULL)
    trust = gh_trust_new ();
  if (self->trust_file != NULL && !gh_trust_load_file (trust, self->trust_file, &error))
    {
      g_message ("Not watching for configuration bundles: %s", error->message);
      return NULL;
    }
  if (gh_trust_get_n_keys (trust) == 0)
    {
      g_message ("Not watching for configuration bundles: no HQ key to trust (--trust FILE)");
      return NULL;
    }
  return g_steal_pointer (&trust);
}

/* Watches HQ's inbox (--inbox, or "inbox" beside the store) with the keys of --trust,
 * and in --demo mode the demo key too. */
static void
start_inbox (GhKiosk *self,
             GhStore *store)
{
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GError) error = NULL;

  if (self->inbox != NULL || (self->inbox_dir == NULL && self->trust_file == NULL && !self->demo))
    return;
  if ((trust = load_trust (self)) == NULL)
    return;

  self->inbox = gh_inbox_new (store, self->inbox_dir, trust);
  g_signal_connect_object (self->inbox, "config-changed", G_CALLBACK (on_config_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inbox, "bundle-rejected", G_CALLBACK (on_bundle_rejected), self,
                           G_CONNECT_SWAPPED);
  gh_inbox_set_hold (self->inbox, self->in_visit);
  if (!gh_inbox_start (self->inbox, &error))
    g_message ("Not watching for configuration bundles: %s", error->message);
}

/* ---- reading the store's config ------------------------------------------------- */

typedef struct {
  GhStore   *store;
  GhCatalog *catalog;
} Loaded;

typedef struct {
  GWeakRef  kiosk;        /* a read does not keep a kiosk that is gone alive */
  char     *db_path;
  guint     generation;   /* self->generation when the read started */
  gboolean  retention;    /* no visit when the read started: carry out retention first */
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_weak_ref_clear (&request->kiosk);
  g_free (request->db_path);
  g_free (request);
}

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->catalog);
  g_clear_object (&loaded->store);
  g_free (loaded);
}

/* The date a shopper reads as "Will be deleted on" is kept by deleting then: at
 * start and after each visit, never during one, the kiosk runs the retention job
 * when the store says something is due (a look at one meta row, no scan). A
 * failure is logged and retried after the next visit; the daily timer runs the
 * same job too. */
static void
carry_out_retention (GhStore *store)
{
  g_autoptr(GhRetentionResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean due = FALSE;

  if (!gh_retention_is_due (store, now, &due, &error))
    {
      g_message ("Cannot tell whether retention is due: %s", error->message);
      return;
    }
  if (!due)
    return;
  result = gh_retention_run (store, now, &error);
  if (result == NULL)
    g_message ("Retention not carried out (tried again after the next visit): %s",
               error->message);
  else
    g_message ("Retention: %" G_GUINT64_FORMAT " data items and %" G_GUINT64_FORMAT
               " legal-hold records past their date deleted", result->items, result->legal_holds);
}

/* What a sync pulled during the visit (or while the kiosk was off) lands now, between
 * visits, before the next sign-in. A sync applying at this moment holds the lock: it
 * does the work itself then. */
static void
apply_from_hq (GhStore *store)
{
  g_autoptr(GError) error = NULL;
  GhFleetApplied applied = { 0 };
  int lock = gh_fleet_lock_try (gh_store_get_path (store), GH_FLEET_LOCK_VISIT, TRUE, &error);

  if (lock < 0)
    {
      if (error != NULL)
        g_message ("Changes from HQ not applied: %s", error->message);
      return;
    }
  if (!gh_fleet_apply_pending (store, &applied, NULL, NULL, &error))
    g_message ("Changes from HQ not applied (tried again after the next visit): %s",
               error->message);
  else if (applied.decisions + applied.erasures + applied.members + applied.ignored > 0)
    g_message ("From HQ: %u decisions, %u erasures, %u member lines applied, %u ignored",
               applied.decisions, applied.erasures, applied.members, applied.ignored);
  gh_fleet_lock_release (lock);
}

/* Opens the store and reads its config in a worker. The connection comes back too:
 * GhInbox is made from it, before any visit opens the visit's own connection. */
static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const LoadRequest *request = task_data;
  Loaded *loaded = g_new0 (Loaded, 1);
  g_autoptr(GError) error = NULL;

  loaded->store = gh_store_open (request->db_path, GH_STORE_OPEN_DEFAULT, &error);
  if (loaded->store == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (request->retention)
    {
      g_autoptr(GError) wipe_error = NULL;

      /* An erasure whose bytes a reader kept in the file is finished now, between
       * visits, not left to chance (gh-erasure-wipe.c). */
      if (!gh_erasure_finish_pending (loaded->store, NULL, &wipe_error))
        g_message ("An erased shopper's bytes are still waiting to be wiped: %s",
                   wipe_error->message);
      carry_out_retention (loaded->store);
      apply_from_hq (loaded->store);
    }
  loaded->catalog = gh_catalog_load_active (loaded->store, &error);
  if (loaded->catalog == NULL)
    g_message ("No configuration to show: %s", error->message);
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GhKiosk) self = g_weak_ref_get (&request->kiosk);
  g_autoptr(GError) error = NULL;
  gboolean superseded;
  Loaded *loaded;

  if (self == NULL)
    return;
  superseded = request->generation != self->generation;

  self->loads_in_flight--;
  if (self->loads_in_flight == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  loaded = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (loaded == NULL)
    {
      /* The attract page says the kiosk is not set up; staff find the reason in the log. */
      g_message ("Cannot open the store: %s", error->message);
      return;
    }
  /* Even without a config: the first bundle may be on its way. */
  start_inbox (self, loaded->store);
  g_clear_object (&loaded->store);
  /* Never swap the config under a shopper, nor back to one the inbox has replaced. */
  if (loaded->catalog != NULL && !self->in_visit && !superseded)
    {
      if (self->catalog == NULL
          || gh_catalog_get_version (self->catalog) != gh_catalog_get_version (loaded->catalog))
        g_message ("Configuration version %" G_GINT64_FORMAT " in force",
                   gh_catalog_get_version (loaded->catalog));
      set_catalog (self, loaded->catalog);
    }
  loaded_free (loaded);
}

void
gh_kiosk_load (GhKiosk *self)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *request;

  g_return_if_fail (GH_IS_KIOSK (self));

  if (self->db_path == NULL)
    return;
  ensure_locks (self);
  request = g_new0 (LoadRequest, 1);
  g_weak_ref_init (&request->kiosk, self);
  request->db_path = g_strdup (self->db_path);
  request->generation = self->generation;
  request->retention = !self->in_visit;
  if (self->loads_in_flight++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  task = g_task_new (NULL, self->cancellable, load_done, NULL);
  g_task_set_source_tag (task, gh_kiosk_load);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (task, load_thread);
}

/* ---- object ------------------------------------------------------------------------ */

static void
gh_kiosk_dispose (GObject *object)
{
  GhKiosk *self = GH_KIOSK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->lock_retry_id, g_source_remove);
  gh_fleet_lock_release (self->visit_lock);
  gh_fleet_lock_release (self->running_lock);
  self->visit_lock = self->running_lock = -1;
  g_clear_object (&self->inbox);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (gh_kiosk_parent_class)->dispose (object);
}

static void
gh_kiosk_finalize (GObject *object)
{
  GhKiosk *self = GH_KIOSK (object);

  g_clear_object (&self->cancellable);
  g_free (self->db_path);
  g_free (self->inbox_dir);
  g_free (self->trust_file);

  G_OBJECT_CLASS (gh_kiosk_parent_class)->finalize (object);
}

static void
gh_kiosk_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  GhKiosk *self = GH_KIOSK (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loads_in_flight > 0);
      break;
    case PROP_IN_VISIT:
      g_value_set_boolean (value, self->in_visit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_kiosk_class_init (GhKioskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_kiosk_dispose;
  object_class->finalize = gh_kiosk_finalize;
  object_class->get_property = gh_kiosk_get_property;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, GH_TYPE_CATALOG,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IN_VISIT] =
    g_param_spec_boolean ("in-visit", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CATALOG_CHANGED] = g_signal_new ("catalog-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, GH_TYPE_CATALOG);
}

static void
gh_kiosk_init (GhKiosk *self)
{
  self->cancellable = g_cancellable_new ();
  self->running_lock = self->visit_lock = -1;
}

GhKiosk *
gh_kiosk_new (const char *db_path,
              const char *inbox_dir,
              const char *trust_file,
              gboolean    demo)
{
  GhKiosk *self = g_object_new (GH_TYPE_KIOSK, NULL);

  self->db_path = g_strdup (db_path);
  self->inbox_dir = g_strdup (inbox_dir);
  self->trust_file = g_strdup (trust_file);
  self->demo = demo;
  return self;
}

const char *
gh_kiosk_get_db_path (GhKiosk *self)
{
  g_return_val_if_fail (GH_IS_KIOSK (self), NULL);
  return self->db_path;
}

GhCatalog *
gh_kiosk_get_catalog (GhKiosk *self)
{
  g_return_val_if_fail (GH_IS_KIOSK (self), NULL);
  return self->catalog;
}

gboolean
gh_kiosk_get_loading (GhKiosk *self)
{
  g_return_val_if_fail (GH_IS_KIOSK (self), FALSE);
  return self->loads_in_flight > 0;
}

static void
set_in_visit (GhKiosk  *self,
              gboolean  in_visit)
{
  /* HQ's bundles wait until the visit ends: texts never change under a shopper. */
  if (self->inbox != NULL)
    gh_inbox_set_hold (self->inbox, in_visit);
  if (self->in_visit == in_visit)
    return;
  self->in_visit = in_visit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IN_VISIT]);
}

/* Takes the locks the kiosk should hold and does not yet; TRUE when none is missing.
 * Without waiting: a sync holds either only for the moment it applies something. */
static gboolean
take_locks (GhKiosk *self)
{
  if (self->db_path == NULL)
    return TRUE;
  if (self->running_lock < 0)
    self->running_lock = gh_fleet_lock_try (self->db_path, GH_FLEET_LOCK_RUNNING, TRUE, NULL);
  if (self->in_visit && self->visit_lock < 0)
    self->visit_lock = gh_fleet_lock_try (self->db_path, GH_FLEET_LOCK_VISIT, FALSE, NULL);
  return self->running_lock >= 0 && (!self->in_visit || self->visit_lock >= 0);
}

static gboolean
retry_locks (gpointer user_data)
{
  GhKiosk *self = user_data;

  if (take_locks (self))
    {
      self->lock_retry_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_locks (GhKiosk *self)
{
  if (!take_locks (self) && self->lock_retry_id == 0)
    self->lock_retry_id = g_timeout_add (LOCK_RETRY_MS, retry_locks, self);
}

void
gh_kiosk_begin_visit (GhKiosk *self)
{
  g_return_if_fail (GH_IS_KIOSK (self));
  g_info ("Visit began");
  set_in_visit (self, TRUE);
  ensure_locks (self);
}

void
gh_kiosk_end_visit (GhKiosk *self)
{
  g_return_if_fail (GH_IS_KIOSK (self));
  g_info ("Visit ended");
  set_in_visit (self, FALSE);
  gh_fleet_lock_release (self->visit_lock);
  self->visit_lock = -1;
  /* A configuration that arrived during the visit applies now. */
  gh_kiosk_load (self);
}

gboolean
gh_kiosk_get_in_visit (GhKiosk *self)
{
  g_return_val_if_fail (GH_IS_KIOSK (self), FALSE);
  return self->in_visit;
}

GhInbox *
gh_kiosk_get_inbox (GhKiosk *self)
{
  g_return_val_if_fail (GH_IS_KIOSK (self), NULL);
  return self->inbox;
}
