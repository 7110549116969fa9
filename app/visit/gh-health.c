/* What staff see on the kiosk's health page, gathered in one pass so the page
 * can show it from a worker without touching the store on the main thread.
 * Nothing here is about a shopper: counts, versions and sizes only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-health.h"

#include <glib/gstdio.h>
#include <string.h>

#include "config/gh-config.h"

void
gh_health_free (GhHealth *health)
{
  if (health == NULL)
    return;
  g_free (health->config_issued_at);
  g_free (health->config_applied_at);
  g_free (health->rejected_at);
  g_free (health->rejected_path);
  g_free (health->rejected_reason);
  g_free (health->rejected_source);
  g_free (health->chain_problem);
  g_free (health->hq_error);
  g_free (health);
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (gint64) buf.st_size : 0;
}

/* Seconds since @when, or -1 when there is no @when. */
static gint64
age_of_time (GDateTime *when)
{
  if (when == NULL)
    return -1;
  return MAX (0, g_get_real_time () / G_USEC_PER_SEC - g_date_time_to_unix (when));
}

/* Seconds since @iso, or -1 when @iso is NULL or not a time. */
static gint64
age_of (const char *iso)
{
  g_autoptr(GDateTime) when = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  return age_of_time (when);
}

/* The link to HQ from the sync round's notes. A failure counts until a later round goes
 * well: staff should see "failing" while it is, and not a problem long fixed. */
static void
collect_hq_link (GhStore  *store,
                 GhHealth *health)
{
  g_autofree char *synced = gh_store_get_meta (store, GH_HEALTH_META_SYNC_AT);
  g_autofree char *failed = gh_store_get_meta (store, GH_HEALTH_META_SYNC_ERROR);
  g_autofree char *approval = gh_store_get_meta (store, GH_HEALTH_META_APPROVAL);
  const char *why = failed != NULL ? strstr (failed, ": ") : NULL;

  g_autoptr(GDateTime) synced_at = synced != NULL ? g_date_time_new_from_iso8601 (synced, NULL)
                                                  : NULL;

  health->hq_sync_age_seconds = age_of_time (synced_at);
  health->hq_error_age_seconds = -1;
  if (why != NULL)
    {
      g_autofree char *when = g_strndup (failed, why - failed);
      g_autoptr(GDateTime) failed_at = g_date_time_new_from_iso8601 (when, NULL);

      if (failed_at != NULL
          && (synced_at == NULL || g_date_time_compare (failed_at, synced_at) > 0))
        {
          health->hq_error = g_strdup (why + 2);
          health->hq_error_age_seconds = age_of_time (failed_at);
        }
    }
  if (g_strcmp0 (approval, "approved") == 0)
    health->hq_approval = GH_HQ_APPROVAL_APPROVED;
  else if (g_strcmp0 (approval, "waiting") == 0)
    health->hq_approval = GH_HQ_APPROVAL_WAITING;
  else
    health->hq_approval = GH_HQ_APPROVAL_UNKNOWN;
}

GhHealth *
gh_health_collect (GhStore  *store,
                   GError  **error)
{
  g_autoptr(GhHealth) health = g_new0 (GhHealth, 1);
  g_autoptr(GhConfigStatus) status = NULL;
  g_autoptr(GError) chain_error = NULL;
  g_autofree char *wal = NULL;
  gint64 first_bad = 0;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  status = gh_config_get_status (store, error);
  if (status == NULL)
    return NULL;
  health->config_version = status->version;
  health->config_issued_at = g_strdup (status->issued_at);
  health->config_applied_at = g_strdup (status->applied_at);
  health->config_age_seconds = age_of (status->issued_at);
  health->rejected_at = g_strdup (status->rejected_at);
  health->rejected_path = g_strdup (status->rejected_path);
  health->rejected_reason = g_strdup (status->rejected_reason);
  health->rejected_source = g_strdup (status->rejected_source);

  if ((health->outbox_pending = gh_store_outbox_count (store, error)) < 0)
    return NULL;
  {
    /* Written by `outbox push` (gh-hq-push.c) after HQ committed. */
    g_autofree char *pushed = gh_store_get_meta (store, "hq_last_push_at");

    health->hq_push_age_seconds = age_of (pushed);
  }
  collect_hq_link (store, health);
  wal = g_strconcat (gh_store_get_path (store), "-wal", NULL);
  health->store_bytes = file_size (gh_store_get_path (store)) + file_size (wal);

  /* A broken chain is something to show, not a failure to collect. */
  health->chain_ok = gh_store_verify_chain (store, &health->chain_events, &first_bad, &chain_error);
  if (!health->chain_ok)
    {
      if (!g_error_matches (chain_error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&chain_error));
          return NULL;
        }
      health->chain_problem = g_strdup (chain_error->message);
      health->chain_first_bad = first_bad;
    }
  return g_steal_pointer (&health);
}

static void
collect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autoptr(GhStore) store = NULL;
  GError *error = NULL;
  GhHealth *health = NULL;

  store = gh_store_open (task_data, GH_STORE_OPEN_DEFAULT, &error);
  if (store != NULL)
    health = gh_health_collect (store, &error);
  if (health == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, health, (GDestroyNotify) gh_health_free);
}

void
gh_health_collect_async (const char          *db_path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (db_path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_health_collect_async);
  g_task_set_task_data (task, g_strdup (db_path), g_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, collect_thread);
}

GhHealth *
gh_health_collect_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_health_collect_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
