/* glasshouse-ctl import and retention run: members in from the CRM's feed
 * (docs/member-feed.md), and what is past its retention date deleted.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <unistd.h>

#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "ctl/gh-ctl-feed.h"
#include "members/gh-member-feed.h"
#include "members/gh-member-import.h"
#include "members/gh-retention.h"

int
gh_ctl_import (int    argc,
               char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *rejects = NULL;
  g_autofree char *actor = NULL;
  int batch = 0;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *default_rejects = NULL;
  GhMemberImportSummary summary = { 0 };
  GhCtlFeedOutput out = { 0 };
  GhMemberImportOptions options = { 0 };
  gboolean ok;
  GOptionEntry entries[] = {
    { "rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects,
      "Where refused lines go (default: FILE.rejects; none for stdin)", "PATH" },
    { "actor", 0, 0, G_OPTION_ARG_STRING, &actor, "Who imports, in the audit log (default: crm)",
      "A" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Lines per transaction (default 2000)", "N" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "import FILE|- [--rejects PATH] [--json]", entries, TRUE, 1,
                     &common))
    return GH_CTL_EXIT_USAGE;
  if (actor != NULL)
    {
      g_autoptr(GhActor) who = gh_ctl_parse_actor (actor);
      if (who == NULL)
        return GH_CTL_EXIT_USAGE;
    }
  if (batch < 0 || batch > 1000000)
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE, "--batch: expected 1 to 1000000");
      return gh_ctl_fail (error);
    }

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (input = gh_ctl_feed_open (argv[1], &out, &error)) == NULL)
    return gh_ctl_fail (error);
  if (rejects == NULL && g_strcmp0 (argv[1], "-") != 0)
    rejects = g_strconcat (argv[1], ".rejects", NULL);
  out.rejects_path = rejects;
  out.terminal = isatty (STDERR_FILENO);
  options.actor = actor;
  options.batch_lines = batch;
  options.on_refused = gh_ctl_feed_on_refused;
  options.on_progress = gh_ctl_feed_on_progress;
  options.user_data = &out;

  ok = gh_member_import (store, input, &options, &summary, NULL, &error);
  return gh_ctl_feed_finish (&out, ok, error, &summary, common.json);
}

int
gh_ctl_retention_run (int    argc,
                      char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *now_text = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhRetentionResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GOptionEntry entries[] = {
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      "Run as if it were this time (ISO 8601), to check what a date would delete", "TIME" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "retention run [--now TIME] [--json]", entries, TRUE, 0,
                     &common))
    return GH_CTL_EXIT_USAGE;
  if (now_text != NULL)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (now_text, utc);

      if (time == NULL)
        {
          g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE,
                       "--now: not an ISO 8601 time (e.g. 2027-01-31T00:00:00Z)");
          return gh_ctl_fail (error);
        }
      now = g_date_time_to_unix (time);
    }

  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (result = gh_retention_run (store, now, &error)) == NULL)
    return gh_ctl_fail (error);

  if (common.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      GHashTableIter iter;
      gpointer key, value;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "items");
      json_builder_add_int_value (builder, result->items);
      json_builder_set_member_name (builder, "legal_holds");
      json_builder_add_int_value (builder, result->legal_holds);
      json_builder_set_member_name (builder, "by_category");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, result->items_by_category);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_int_value (builder, GPOINTER_TO_UINT (value));
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "log_emptied");
      json_builder_add_boolean_value (builder, !result->log_pending);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      gh_ctl_print_json (node);
    }
  else
    printf ("retention: %" G_GUINT64_FORMAT " data item%s and %" G_GUINT64_FORMAT
            " legal-hold record%s past their date deleted\n", result->items,
            result->items == 1 ? "" : "s", result->legal_holds,
            result->legal_holds == 1 ? "" : "s");
  if (result->log_pending)
    fprintf (stderr, "glasshouse-ctl: warning: deleted, but another process was reading: the "
             "deleted bytes are still in the database file and its -wal file, and will be wiped "
             "at the next checkpoint (every later command retries it)\n");
  return GH_CTL_EXIT_OK;
}
