/* One sync round (glasshouse-ctl sync, started by glasshouse-sync.timer): push, register,
 * pull (gh-hq-pull.c), apply between visits (gh-fleet-apply.c), heartbeat. Every step can
 * be killed and rerun: the push acks only what HQ holds, the pull stages rows with their
 * cursor, the apply removes each row with its effect.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include <json-glib/json-glib.h>

#include "store/gh-store-preview.h"
#include "hq/gh-hq-sync.h"
#include "hq/gh-hq-private.h"

#include "config/gh-config.h"
#include "hq/gh-hq-pull-private.h"
#include "visit/gh-health.h"

/* A note for the staff page's health panel (gh-health.c), written only when it changes
 * and without waiting for the disk: the next round writes it again if a power cut loses it. */
static gboolean
note_for_staff (GhStore     *store,
                const char  *key,
                const char  *value,
                GError     **error)
{
  g_autofree char *noted = gh_store_get_meta (store, key);

  if (g_strcmp0 (noted, value) == 0)
    return TRUE;
  if (!gh_store_begin_redoable (store, error))
    return FALSE;
  if (!gh_store_set_meta (store, key, value, error))
    {
      gh_store_rollback (store);
      return FALSE;
    }
  return gh_store_commit (store, error);
}

static gboolean
register_kiosk (GhHq            *self,
                GhStore         *store,
                GhHqSyncResult  *result,
                GError         **error)
{
  g_autofree char *store_id = gh_store_get_meta (store, "store_id");
  g_autofree char *pubkey = gh_store_get_meta (store, "kiosk_pubkey");
  const char *params[] = { gh_store_get_kiosk_id (store), store_id, pubkey };
  g_autoptr(PGresult) answer = NULL;

  _gh_hq_arm_deadline (self);
  answer = PQexecParams (self->conn, "SELECT glasshouse.register_kiosk ($1, $2, $3)",
                         3, NULL, params, NULL, NULL, 0);
  _gh_hq_disarm_deadline (self);
  if (!_gh_hq_check_result (self, answer, PGRES_TUPLES_OK, "registering the kiosk", error))
    return FALSE;
  result->approved = g_strcmp0 (PQgetvalue (answer, 0, 0), "approved") == 0;
  return note_for_staff (store, GH_HEALTH_META_APPROVAL,
                         result->approved ? "approved" : "waiting", error);
}

/* What the heartbeat says about the last refused bundle: the pull's own note, else the
 * store's last config.rejected (an inbox bundle), by file name only. */
static char *
last_refused (GhStore        *store,
              GhConfigStatus *status)
{
  char *noted = gh_store_get_meta (store, "hq_last_refused_bundle");

  if (noted != NULL)
    return noted;
  if (status != NULL && status->rejected_reason != NULL)
    return g_strdup_printf ("%s: %s%s%s", status->rejected_source != NULL
                                          ? status->rejected_source : "a bundle",
                            status->rejected_path != NULL ? status->rejected_path : "",
                            status->rejected_path != NULL ? ": " : "", status->rejected_reason);
  return NULL;
}

/* The heartbeat's last error: this round's, else the last one any round met (with its
 * time), kept in the store's meta so that a kiosk which could not reach HQ says why once
 * it can; the staff page shows it until a later round goes well (gh-health.c). */
#define META_LAST_ERROR GH_HEALTH_META_SYNC_ERROR

/* How many days of preview totals each heartbeat repeats (a kiosk that could not reach HQ
 * for a while still delivers them), and how long the kiosk keeps them after that. */
#define PREVIEW_DAYS_SENT 14
#define PREVIEW_DAYS_KEPT 60

static char *
day_before (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -days);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* The preview's daily totals of the last days, for glasshouse.preview_daily. Counts only:
 * no shopper is named in them. */
static gboolean
send_preview_totals (GhHq     *self,
                     GhStore  *store,
                     GError  **error)
{
  g_autofree char *since = day_before (PREVIEW_DAYS_SENT);
  g_autofree char *forget_before = day_before (PREVIEW_DAYS_KEPT);
  g_autoptr(GPtrArray) rows = gh_store_preview_daily_list (store, since, error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *totals = NULL;
  g_autoptr(PGresult) answer = NULL;
  const char *params[2];

  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    return gh_store_preview_daily_prune (store, forget_before, error);
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      GhPreviewDaily *row = rows->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "day");
      json_builder_add_string_value (builder, row->day);
      json_builder_set_member_name (builder, "purpose_id");
      json_builder_add_string_value (builder, row->purpose_id);
      json_builder_set_member_name (builder, "opened");
      json_builder_add_int_value (builder, row->opened);
      json_builder_set_member_name (builder, "kept_on");
      json_builder_add_int_value (builder, row->kept_on);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  totals = json_to_string (root, FALSE);
  params[0] = gh_store_get_kiosk_id (store);
  params[1] = totals;
  _gh_hq_arm_deadline (self);
  answer = PQexecParams (self->conn, "SELECT glasshouse.kiosk_preview_totals ($1, $2::jsonb)", 2,
                         NULL, params, NULL, NULL, 0);
  _gh_hq_disarm_deadline (self);
  if (!_gh_hq_check_result (self, answer, PGRES_TUPLES_OK, "sending the preview's totals", error))
    return FALSE;
  return gh_store_preview_daily_prune (store, forget_before, error);
}

static gboolean
send_heartbeat (GhHq         *self,
                GhStore      *store,
                const char   *error_text,
                GError      **error)
{
  g_autofree char *remembered = error_text == NULL ? gh_store_get_meta (store, META_LAST_ERROR)
                                                   : NULL;
  g_autoptr(GhConfigStatus) status = gh_config_get_status (store, NULL);
  g_autofree char *clock = NULL;
  g_autofree char *config = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             status != NULL ? status->version : 0);
  g_autofree char *backlog = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              MAX (gh_store_outbox_count (store, NULL), 0));
  g_autofree char *refused = last_refused (store, status);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(PGresult) answer = NULL;
  const char *params[7];

  clock = g_date_time_format_iso8601 (now);
  params[0] = gh_store_get_kiosk_id (store);
  params[1] = clock;
  params[2] = PACKAGE_VERSION;
  params[3] = config;
  params[4] = backlog;
  params[5] = refused;
  params[6] = error_text != NULL ? error_text : remembered;
  /* A heartbeat lost in a crash at HQ is sent again by the next round: its commit need
   * not wait for HQ's disk, which is most of a round with nothing to do. */
  _gh_hq_arm_deadline (self);
  if (!_gh_hq_exec_command (self, "BEGIN; SET LOCAL synchronous_commit = off",
                            "sending the heartbeat", error))
    {
      _gh_hq_disarm_deadline (self);
      return FALSE;
    }
  answer = PQexecParams (self->conn,
                         "SELECT glasshouse.kiosk_heartbeat ($1, $2, $3, $4, $5, $6, $7)",
                         7, NULL, params, NULL, NULL, 0);
  if (!_gh_hq_check_result (self, answer, PGRES_TUPLES_OK, "sending the heartbeat", error)
      || !_gh_hq_exec_command (self, "COMMIT", "sending the heartbeat", error))
    {
      _gh_hq_rollback (self);
      _gh_hq_disarm_deadline (self);
      return FALSE;
    }
  _gh_hq_disarm_deadline (self);
  return send_preview_totals (self, store, error);
}

static void
step_applied (gint64    change_no,
              gpointer  user_data)
{
  const GhHqSyncOptions *options = user_data;

  options->progress (GH_HQ_SYNC_APPLIED_ONE, change_no, options->user_data);
}

/* Applies what is staged unless a shopper's visit is on (the kiosk holds the visit lock
 * then, and applies the stage itself when the visit ends, before the next sign-in). */
static gboolean
apply_staged (GhStore                *store,
              const GhHqSyncOptions  *options,
              GhHqSyncResult         *result,
              GError                **error)
{
  g_autoptr(GError) lock_error = NULL;
  int visit = gh_fleet_lock_try (gh_store_get_path (store), GH_FLEET_LOCK_VISIT, TRUE,
                                 &lock_error);
  gboolean ok;

  if (visit < 0)
    {
      if (lock_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&lock_error));
          return FALSE;
        }
      result->deferred = TRUE;
      return TRUE;
    }
  ok = gh_fleet_apply_pending (store, &result->applied,
                               options->progress != NULL ? step_applied : NULL,
                               (gpointer) options, error);
  gh_fleet_lock_release (visit);
  return ok;
}

static gboolean
round_steps (GhHq                   *self,
             GhStore                *store,
             const GhHqSyncOptions  *options,
             GhHqSyncResult         *result,
             GError                **error)
{
  GhHqProgressFunc no_push_progress = NULL;

  if (!gh_hq_push (self, store, options->batch > 0 ? options->batch : GH_HQ_DEFAULT_BATCH,
                   no_push_progress, NULL, &result->push, error))
    return FALSE;
  if (options->progress != NULL)
    options->progress (GH_HQ_SYNC_PUSHED, result->push.last_seq, options->user_data);
  if (!register_kiosk (self, store, result, error))
    return FALSE;
  if (options->progress != NULL)
    options->progress (GH_HQ_SYNC_REGISTERED, 0, options->user_data);
  if (!_gh_hq_settle (self, &result->settled, error))
    return FALSE;
  if (options->progress != NULL)
    options->progress (GH_HQ_SYNC_SETTLED, result->settled, options->user_data);
  /* Bundles first: a member line or decision may name a purpose only the new config has. */
  return _gh_hq_pull_bundles (self, store, result->settled, options, result, error)
         && _gh_hq_pull_streams (self, store, result->settled, options, result, error)
         && apply_staged (store, options, result, error);
}

void
gh_hq_sync_note_error (GhStore      *store,
                       const GError *failure)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *iso = g_date_time_format_iso8601 (now);
  g_autofree char *noted = g_strdup_printf ("%s: %s", iso, failure->message);

  g_strdelimit (noted, "\r\n", ' ');
  gh_store_set_meta (store, META_LAST_ERROR, noted, NULL);
}

gboolean
gh_hq_sync (GhHq                   *self,
            GhStore                *store,
            const GhHqSyncOptions  *options,
            GhHqSyncResult         *result,
            GError                **error)
{
  GhHqSyncOptions defaults = { 0 };
  GhHqSyncResult local = { 0 };
  g_autoptr(GError) failure = NULL;

  g_return_val_if_fail (GH_IS_HQ (self), FALSE);
  g_return_val_if_fail (GH_IS_STORE (store), FALSE);

  if (options == NULL)
    options = &defaults;
  if (result == NULL)
    result = &local;
  *result = (GhHqSyncResult) { 0 };

  if (!round_steps (self, store, options, result, &failure))
    {
      /* Tell HQ why, if it still listens; the error that matters is the first one. */
      g_autofree char *text = g_strdup (failure->message);

      g_strdelimit (text, "\r\n", ' ');
      gh_hq_sync_note_error (store, failure);
      if (failure->domain != GH_HQ_ERROR || failure->code == GH_HQ_ERROR_CONFLICT
          || failure->code == GH_HQ_ERROR_FAILED)
        send_heartbeat (self, store, text, NULL);
      g_propagate_error (error, g_steal_pointer (&failure));
      return FALSE;
    }
  if (!send_heartbeat (self, store, NULL, error))
    return FALSE;
  if (options->progress != NULL)
    options->progress (GH_HQ_SYNC_HEARTBEAT, result->settled, options->user_data);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *iso = g_date_time_format_iso8601 (now);

    return note_for_staff (store, GH_HEALTH_META_SYNC_AT, iso, error);
  }
}
