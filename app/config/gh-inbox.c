/* The kiosk's bundle inbox. A GFileMonitor (with WATCH_MOVES, since HQ's tools
 * write a bundle elsewhere and rename it in, so it is never seen half-written)
 * says "something arrived"; the folder is then scanned as a whole, in name
 * order, so events that were missed, merged or arrived while the kiosk was off
 * all end the same way. Applying runs in a worker thread with its own store
 * connection (parsing a large bundle takes longer than a frame); only one scan
 * runs at a time. While a shopper's visit holds the inbox nothing new is
 * applied, and the UI hears about a new config only once the visit is over.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config/gh-config.h"
#include "config/gh-inbox.h"

#define RETRY_SECONDS 5

struct _GhInbox
{
  GObject        parent_instance;

  char          *db_path;
  char          *directory;
  GhTrust       *trust;
  GFileMonitor  *monitor;
  GCancellable  *cancellable;

  gint           hold;            /* atomic: the worker reads it between bundles */
  gint           hold_count;      /* atomic: holds begun; a scan stops at a new one */
  gboolean       running;         /* a scan is in the worker */
  gboolean       rescan;          /* something arrived during that scan */
  GhCatalog     *pending;         /* applied during a hold; announced on release */
  guint          retry_id;
};

G_DEFINE_FINAL_TYPE (GhInbox, gh_inbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CONFIG_CHANGED,
  SIGNAL_BUNDLE_REJECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What happened to one bundle, reported back to the main thread. */
typedef struct {
  char      *name;
  GhCatalog *catalog;   /* applied */
  char      *reason;    /* refused */
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  g_free (outcome->name);
  g_clear_object (&outcome->catalog);
  g_free (outcome->reason);
  g_free (outcome);
}

typedef struct {
  GPtrArray *outcomes;
  gboolean   retry;     /* the store was unavailable: try again later */
} ScanResult;

static void
scan_result_free (ScanResult *result)
{
  g_ptr_array_unref (result->outcomes);
  g_free (result);
}

static void start_scan (GhInbox *self);

static void
gh_inbox_dispose (GObject *object)
{
  GhInbox *self = GH_INBOX (object);

  g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_object (&self->pending);
  G_OBJECT_CLASS (gh_inbox_parent_class)->dispose (object);
}

static void
gh_inbox_finalize (GObject *object)
{
  GhInbox *self = GH_INBOX (object);

  g_free (self->db_path);
  g_free (self->directory);
  g_clear_object (&self->trust);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (gh_inbox_parent_class)->finalize (object);
}

static void
gh_inbox_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  GhInbox *self = GH_INBOX (object);

  switch (prop_id)
    {
    case PROP_HOLD:
      g_value_set_boolean (value, gh_inbox_get_hold (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_inbox_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  GhInbox *self = GH_INBOX (object);

  switch (prop_id)
    {
    case PROP_HOLD:
      gh_inbox_set_hold (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_inbox_class_init (GhInboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_inbox_dispose;
  object_class->finalize = gh_inbox_finalize;
  object_class->get_property = gh_inbox_get_property;
  object_class->set_property = gh_inbox_set_property;

  properties[PROP_HOLD] =
    g_param_spec_boolean ("hold", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CONFIG_CHANGED] =
    g_signal_new ("config-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, GH_TYPE_CATALOG);
  signals[SIGNAL_BUNDLE_REJECTED] =
    g_signal_new ("bundle-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
gh_inbox_init (GhInbox *self)
{
  self->cancellable = g_cancellable_new ();
}

char *
gh_inbox_default_directory (GhStore *store)
{
  g_autofree char *folder = g_path_get_dirname (gh_store_get_path (store));

  return g_build_filename (folder, "inbox", NULL);
}

GhInbox *
gh_inbox_new (GhStore    *store,
              const char *directory,
              GhTrust    *trust)
{
  GhInbox *self;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (GH_IS_TRUST (trust), NULL);

  self = g_object_new (GH_TYPE_INBOX, NULL);
  self->db_path = g_strdup (gh_store_get_path (store));
  self->directory = directory != NULL ? g_strdup (directory) : gh_inbox_default_directory (store);
  self->trust = g_object_ref (trust);
  return self;
}

const char *
gh_inbox_get_directory (GhInbox *self)
{
  g_return_val_if_fail (GH_IS_INBOX (self), NULL);
  return self->directory;
}

/* ---- the worker ------------------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_bundles (const char *directory)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;
  GStatBuf st;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      /* Dot files are HQ's tools still writing. */
      if (name[0] == '.' || !g_str_has_suffix (name, ".bundle"))
        continue;
      /* Not g_file_test: it follows links. Anything else named *.bundle (a link,
       * a FIFO, someone else's file) is listed too, and refused by the read. */
      path = g_build_filename (directory, name, NULL);
      if (g_lstat (path, &st) == 0 && !S_ISDIR (st.st_mode))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* applied/NAME, or NAME.1, NAME.2 ... when HQ reused a name. */
static char *
unused_destination (const char *folder,
                    const char *name)
{
  char *path = g_build_filename (folder, name, NULL);

  for (guint n = 1; g_file_test (path, G_FILE_TEST_EXISTS) && n < 10000; n++)
    {
      g_autofree char *numbered = g_strdup_printf ("%s.%u", name, n);
      g_free (path);
      path = g_build_filename (folder, numbered, NULL);
    }
  return path;
}

static void
file_away (const char *directory,
           const char *name,
           const char *subfolder,
           const char *reason)
{
  g_autofree char *source = g_build_filename (directory, name, NULL);
  g_autofree char *folder = g_build_filename (directory, subfolder, NULL);
  g_autofree char *destination = unused_destination (folder, name);

  if (reason != NULL)
    {
      g_autofree char *reason_path = g_strconcat (destination, ".reason", NULL);
      g_autofree char *text = g_strconcat (reason, "\n", NULL);
      g_autoptr(GError) error = NULL;

      /* Only the kiosk's user reads why HQ's bundle was refused. */
      if (!g_file_set_contents_full (reason_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                     &error))
        g_warning ("Could not write %s: %s", reason_path, error->message);
    }
  /* Last, so a bundle is never gone from the inbox before its reason is written. */
  if (g_rename (source, destination) != 0)
    {
      int saved = errno;
      g_warning ("Could not move %s to %s: %s", source, destination, g_strerror (saved));
    }
}

static void
scan_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GhInbox *self = source_object;
  /* Read before the listing: a hold that begins after it may bring bundles the
   * listing half saw, and its release scans again anyway. */
  gint holds_before = g_atomic_int_get (&self->hold_count);
  ScanResult *result = g_new0 (ScanResult, 1);
  g_autoptr(GPtrArray) names = list_bundles (self->directory);
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;

  result->outcomes = g_ptr_array_new_with_free_func ((GDestroyNotify) outcome_free);
  if (names->len > 0 && (store = gh_store_open (self->db_path, GH_STORE_OPEN_DEFAULT, &error)) == NULL)
    {
      g_warning ("Inbox %s: cannot open the store: %s", self->directory, error->message);
      result->retry = TRUE;
      g_task_return_pointer (task, result, (GDestroyNotify) scan_result_free);
      return;
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      g_autoptr(GError) apply_error = NULL;
      Outcome *outcome;
      GStatBuf st;

      if (g_atomic_int_get (&self->hold) || g_atomic_int_get (&self->hold_count) != holds_before
          || g_cancellable_is_cancelled (cancellable))
        break;
      if (g_lstat (path, &st) != 0)
        continue;  /* taken away since the listing */
      outcome = g_new0 (Outcome, 1);
      outcome->name = g_strdup (name);
      outcome->catalog = gh_config_apply_file (store, path, self->trust,
                                               GH_FILE_READ_NO_FOLLOW | GH_FILE_READ_OWNED,
                                               &apply_error);
      if (outcome->catalog != NULL)
        file_away (self->directory, name, "applied", NULL);
      else if (apply_error->domain == GH_STORE_ERROR)
        {
          /* The store, not the bundle: leave it in the inbox and try again later. */
          g_warning ("Inbox %s: %s waits: %s", self->directory, name, apply_error->message);
          result->retry = TRUE;
          outcome_free (outcome);
          break;
        }
      else
        {
          outcome->reason = g_strdup (apply_error->message);
          file_away (self->directory, name, "rejected", outcome->reason);
        }
      g_ptr_array_add (result->outcomes, outcome);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) scan_result_free);
}

/* ---- the main thread ------------------------------------------------------------ */

static gboolean
retry_cb (gpointer user_data)
{
  GhInbox *self = user_data;

  self->retry_id = 0;
  gh_inbox_rescan (self);
  return G_SOURCE_REMOVE;
}

static void
announce (GhInbox   *self,
          GhCatalog *catalog)
{
  if (g_atomic_int_get (&self->hold))
    {
      g_set_object (&self->pending, catalog);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CONFIG_CHANGED], 0, catalog);
}

static void
scan_done (GObject      *source,
           GAsyncResult *async_result,
           gpointer      user_data)
{
  GhInbox *self = GH_INBOX (source);
  ScanResult *result = g_task_propagate_pointer (G_TASK (async_result), NULL);
  GhCatalog *newest = NULL;

  self->running = FALSE;
  if (result == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&result, scan_result_free);
      return;
    }

  for (guint i = 0; i < result->outcomes->len; i++)
    {
      Outcome *outcome = g_ptr_array_index (result->outcomes, i);

      if (outcome->catalog != NULL)
        newest = outcome->catalog;
      else
        g_signal_emit (self, signals[SIGNAL_BUNDLE_REJECTED], 0, outcome->name, outcome->reason);
    }
  /* Several bundles in one scan: only the last one applied is in force. */
  if (newest != NULL)
    announce (self, newest);

  if (result->retry && self->retry_id == 0)
    self->retry_id = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
  scan_result_free (result);

  if (self->rescan)
    {
      self->rescan = FALSE;
      start_scan (self);
    }
}

static void
start_scan (GhInbox *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->running)
    {
      self->rescan = TRUE;
      return;
    }
  if (g_atomic_int_get (&self->hold))
    return;  /* the release scans */

  self->running = TRUE;
  task = g_task_new (self, self->cancellable, scan_done, NULL);
  g_task_set_source_tag (task, start_scan);
  g_task_run_in_thread (task, scan_in_thread);
}

void
gh_inbox_rescan (GhInbox *self)
{
  g_return_if_fail (GH_IS_INBOX (self));
  start_scan (self);
}

static void
monitor_changed (GhInbox           *self,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 GFileMonitor      *monitor)
{
  GFile *arrived;
  g_autofree char *name = NULL;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
      arrived = file;
      break;
    case G_FILE_MONITOR_EVENT_RENAMED:
      arrived = other_file;
      break;
    default:
      return;
    }
  if (arrived == NULL)
    return;
  name = g_file_get_basename (arrived);
  if (name != NULL && g_str_has_suffix (name, ".bundle"))
    start_scan (self);
}

gboolean
gh_inbox_start (GhInbox  *self,
                GError  **error)
{
  const char *subfolders[] = { "", "applied", "rejected" };
  g_autoptr(GFile) folder = NULL;

  g_return_val_if_fail (GH_IS_INBOX (self), FALSE);
  g_return_val_if_fail (self->monitor == NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (subfolders); i++)
    {
      g_autofree char *path = g_build_filename (self->directory, subfolders[i], NULL);

      if (g_mkdir_with_parents (path, 0750) != 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "inbox %s: cannot create %s: %s", self->directory, path, g_strerror (saved));
          return FALSE;
        }
    }

  folder = g_file_new_for_path (self->directory);
  self->monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, self->cancellable, error);
  if (self->monitor == NULL)
    return FALSE;
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (monitor_changed), self,
                           G_CONNECT_SWAPPED);

  /* Whatever arrived while the kiosk was off. */
  start_scan (self);
  return TRUE;
}

void
gh_inbox_set_hold (GhInbox  *self,
                   gboolean  hold)
{
  g_autoptr(GhCatalog) pending = NULL;

  g_return_if_fail (GH_IS_INBOX (self));

  hold = !!hold;
  if (g_atomic_int_get (&self->hold) == hold)
    return;
  if (hold)
    g_atomic_int_inc (&self->hold_count);
  g_atomic_int_set (&self->hold, hold);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLD]);
  if (hold)
    return;

  pending = g_steal_pointer (&self->pending);
  if (pending != NULL)
    g_signal_emit (self, signals[SIGNAL_CONFIG_CHANGED], 0, pending);
  if (self->monitor != NULL)
    start_scan (self);
}

gboolean
gh_inbox_get_hold (GhInbox *self)
{
  g_return_val_if_fail (GH_IS_INBOX (self), FALSE);
  return g_atomic_int_get (&self->hold);
}
