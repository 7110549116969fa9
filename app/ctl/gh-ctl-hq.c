/* glasshouse-ctl subcommands for the HQ link: outbox push (the push half of sync), hq init
 * (HQ's schema) and hq status (the backlog for staff; --fleet is in gh-ctl-sync.c).
 *
 * Exit codes: 0 done (also: skipped because a backoff is in force), 2 usage or an
 * unparsable CONNINFO, 3 HQ refused or is not set up (unreachable, bad credentials,
 * no schema, permission denied, a conflicting event), 4 the kiosk's own store.
 * With --backoff-state, an HQ failure doubles the wait before the next real attempt
 * (1, 2, 4 ... 60 minutes), so a fleet does not hammer an HQ that is down.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "ctl/gh-ctl-hq.h"
#include "config/gh-site-settings.h"
#include "hq/gh-hq.h"

#define BACKOFF_FIRST_SECONDS 60
#define BACKOFF_MAX_SECONDS 3600
/* The timer ticks every 60 s; a wait of "60 s" must not miss the tick that comes a hair early. */
#define BACKOFF_SLACK_SECONDS 5

/* Set when glasshouse.conf names a connection file that cannot be used: that message
 * was printed, and is the one the user needs. */
static gboolean conninfo_file_refused;

/* --postgres, else $GLASSHOUSE_HQ_CONNINFO, else the file glasshouse.conf's [hq]
 * connection-file names: the environment and the file keep a password out of the process
 * list. */
const char *
gh_ctl_hq_conninfo (const char *option)
{
  static char *from_file;
  const char *env = g_getenv ("GLASSHOUSE_HQ_CONNINFO");
  const GhSiteSettings *settings;
  g_autoptr(GError) error = NULL;

  if (option != NULL)
    return option;
  if (env != NULL && *env != '\0')
    return env;
  if (from_file != NULL)
    return from_file;
  settings = gh_site_settings_get (&error);
  if (settings != NULL && settings->hq_connection_file == NULL)
    return NULL;
  if (settings == NULL
      || (from_file = gh_site_settings_read_hq_conninfo (settings, &error)) == NULL)
    {
      fprintf (stderr, "glasshouse-ctl: error: %s\n", error->message);
      conninfo_file_refused = TRUE;
      return NULL;
    }
  return from_file;
}

int
gh_ctl_hq_fail_no_conninfo (const char *usage)
{
  if (conninfo_file_refused)
    return GH_CTL_EXIT_REJECTED;
  fprintf (stderr, "glasshouse-ctl: error: no HQ given: pass --postgres CONNINFO, set "
           "GLASSHOUSE_HQ_CONNINFO or [hq] connection-file in glasshouse.conf (usage: glasshouse-ctl %s)\n", usage);
  return GH_CTL_EXIT_USAGE;
}

/* gh_ctl_fail, except that a CONNINFO that does not parse is a usage error (2). */
int
gh_ctl_hq_fail (GError *error)
{
  int code = gh_ctl_fail (error);

  return g_error_matches (error, GH_HQ_ERROR, GH_HQ_ERROR_CONNINFO) ? GH_CTL_EXIT_USAGE : code;
}

/* Returns TRUE when @path says to wait, with the message to print in @why. */
gboolean
gh_ctl_hq_backoff_in_force (const char  *path,
                  char       **why)
{
  g_autoptr(GKeyFile) state = g_key_file_new ();
  gint64 next, failures;

  if (!g_key_file_load_from_file (state, path, G_KEY_FILE_NONE, NULL))
    return FALSE;  /* none yet, or unreadable: trying is the safe side */
  next = g_key_file_get_int64 (state, "backoff", "next_attempt_unix", NULL);
  failures = g_key_file_get_int64 (state, "backoff", "failures", NULL);
  if (g_get_real_time () / G_USEC_PER_SEC >= next)
    return FALSE;
  {
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (next);
    g_autofree char *iso = g_date_time_format_iso8601 (when);

    *why = g_strdup_printf ("HQ failed %" G_GINT64_FORMAT " time%s in a row; backing off until %s "
                            "(%s)", failures, failures == 1 ? "" : "s", iso, path);
  }
  return TRUE;
}

static void
backoff_record (const char   *path,
                const GError *failure)
{
  g_autoptr(GKeyFile) state = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *message = NULL;
  gint64 failures = 0, delay, now = g_get_real_time () / G_USEC_PER_SEC;

  if (g_key_file_load_from_file (state, path, G_KEY_FILE_NONE, NULL))
    failures = MAX (g_key_file_get_int64 (state, "backoff", "failures", NULL), 0);
  failures++;
  delay = BACKOFF_FIRST_SECONDS << MIN (failures - 1, 10);
  delay = MIN (delay, BACKOFF_MAX_SECONDS);
  /* A tenth of jitter: kiosks that lost HQ together should not come back together. */
  delay += g_random_int_range (0, (int) delay / 10 + 1) - BACKOFF_SLACK_SECONDS;
  when = g_date_time_new_from_unix_utc (now + delay);
  iso = g_date_time_format_iso8601 (when);
  message = g_strdup (failure->message);
  g_strdelimit (message, "\r\n", ' ');

  g_key_file_set_int64 (state, "backoff", "failures", failures);
  g_key_file_set_int64 (state, "backoff", "next_attempt_unix", now + delay);
  g_key_file_set_string (state, "backoff", "next_attempt", iso);
  g_key_file_set_string (state, "backoff", "last_error", message);
  if (!g_key_file_save_to_file (state, path, &error))
    fprintf (stderr, "glasshouse-ctl: warning: cannot record the backoff: %s\n", error->message);
}

int
gh_ctl_hq_fail_backing_off (const char *path,
                            GError     *error)
{
  if (path != NULL && error->domain == GH_HQ_ERROR && error->code != GH_HQ_ERROR_CONNINFO)
    backoff_record (path, error);
  return gh_ctl_hq_fail (error);
}

gboolean
gh_ctl_hq_batch_is_valid (int batch)
{
  if (batch >= 1 && batch <= GH_CTL_HQ_MAX_BATCH)
    return TRUE;
  fprintf (stderr, "glasshouse-ctl: error: --batch %d must be between 1 and %d\n", batch,
           GH_CTL_HQ_MAX_BATCH);
  return FALSE;
}

int
gh_ctl_outbox_push (int    argc,
                    char **argv)
{
  const char *usage = "outbox push --postgres CONNINFO [--batch N] [--backoff-state FILE]";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autofree char *backoff_path = NULL;
  g_autofree char *why = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  GhHqPushResult result = { 0 };
  const char *conninfo;
  gint64 backlog;
  int batch = GH_HQ_DEFAULT_BATCH;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    GH_CTL_HQ_BATCH_OPTION (batch),
    GH_CTL_HQ_BACKOFF_OPTION (backoff_path),
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if (!gh_ctl_hq_batch_is_valid (batch))
    return GH_CTL_EXIT_USAGE;
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);

  if (backoff_path != NULL && gh_ctl_hq_backoff_in_force (backoff_path, &why))
    {
      printf ("not pushing: %s\n", why);
      return GH_CTL_EXIT_OK;
    }

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL)
    return gh_ctl_fail (error);
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL
      || !gh_hq_push (hq, store, batch, NULL, NULL, &result, &error))
    return gh_ctl_hq_fail_backing_off (backoff_path, error);
  if (backoff_path != NULL)
    g_remove (backoff_path);

  backlog = gh_store_outbox_count (store, NULL);
  if (result.batches == 0)
    printf ("nothing to push; HQ %s is reachable\n", gh_hq_get_target (hq));
  else
    printf ("pushed %" G_GINT64_FORMAT " event%s to HQ %s in %u transaction%s, up to event %"
            G_GINT64_FORMAT " (%" G_GINT64_FORMAT " HQ had already); %" G_GINT64_FORMAT
            " waiting\n", result.sent, result.sent == 1 ? "" : "s", gh_hq_get_target (hq),
            result.batches, result.batches == 1 ? "" : "s", result.last_seq, result.skipped,
            MAX (backlog, 0));
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_hq_init (int    argc,
                char **argv)
{
  const char *usage = "hq init --postgres CONNINFO";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GError) error = NULL;
  const char *conninfo;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL || !gh_hq_init_schema (hq, &error))
    return gh_ctl_hq_fail (error);
  printf ("Glasshouse schema ready at HQ %s\n", gh_hq_get_target (hq));
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_hq_status (int    argc,
                  char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhHqStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo_option = NULL;
  const char *usage = "hq status [--json] [--fleet --postgres CONNINFO [--silent-minutes N]]";
  gboolean fleet = FALSE;
  int silent = 15;
  GOptionEntry entries[] = {
    { "fleet", 0, 0, G_OPTION_ARG_NONE, &fleet, "HQ's view: kiosks gone silent", NULL },
    { "postgres", 0, 0, G_OPTION_ARG_STRING, &conninfo_option,
      "HQ's PostgreSQL, with --fleet (default: $GLASSHOUSE_HQ_CONNINFO)", "CONNINFO" },
    { "silent-minutes", 0, 0, G_OPTION_ARG_INT, &silent,
      "With --fleet: silent after this long (default: 15)", "N" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, TRUE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if (fleet)
    {
      const char *conninfo = gh_ctl_hq_conninfo (conninfo_option);

      if (conninfo == NULL)
        return gh_ctl_hq_fail_no_conninfo (usage);
      if (silent < 1 || silent > 525600)
        {
          fprintf (stderr, "glasshouse-ctl: error: --silent-minutes %d must be between 1 and "
                   "525600\n", silent);
          return GH_CTL_EXIT_USAGE;
        }
      return gh_ctl_hq_status_fleet (conninfo, common.json, silent);
    }
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL
      || (status = gh_hq_status (store, &error)) == NULL)
    return gh_ctl_fail (error);

  if (common.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kiosk_id");
      json_builder_add_string_value (builder, gh_store_get_kiosk_id (store));
      json_builder_set_member_name (builder, "backlog");
      json_builder_add_int_value (builder, status->backlog);
      json_builder_set_member_name (builder, "oldest_pending_at");
      if (status->oldest_pending_at != NULL)
        json_builder_add_string_value (builder, status->oldest_pending_at);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "last_push_at");
      if (status->last_push_at != NULL)
        json_builder_add_string_value (builder, status->last_push_at);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      gh_ctl_print_json (root);
    }
  else
    {
      printf ("kiosk %s: %" G_GINT64_FORMAT " event%s waiting for HQ",
              gh_store_get_kiosk_id (store), status->backlog, status->backlog == 1 ? "" : "s");
      if (status->oldest_pending_at != NULL)
        printf (" (oldest from %s)", status->oldest_pending_at);
      printf ("; last push %s\n", status->last_push_at != NULL ? status->last_push_at : "never");
    }
  return GH_CTL_EXIT_OK;
}
