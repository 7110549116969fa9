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
#include "members/gh-member-feed.h"
#include "members/gh-member-import.h"
#include "members/gh-retention.h"

typedef struct {
  const char *name;          /* the feed's name in messages: its path, or "stdin" */
  const char *rejects_path;  /* NULL: refused lines are reported, not kept */
  FILE       *rejects;       /* opened at the first refused line */
  gboolean    terminal;      /* stderr is a terminal: a progress bar instead of lines */
  guint64     total_bytes;   /* the feed's size when known, for the bar */
  guint64     last_report;
} ImportOutput;

static void
on_refused (guint64      line_number,
            const char  *line,
            gsize        length,
            const char  *message,
            gpointer     user_data)
{
  ImportOutput *out = user_data;

  if (out->terminal)
    fputs ("\r\033[K", stderr);
  fprintf (stderr, "%s:%" G_GUINT64_FORMAT ": %s\n", out->name, line_number, message);
  if (out->rejects_path == NULL || line == NULL)
    return;
  if (out->rejects == NULL)
    {
      /* Refused lines are members' personal data: readable by the owner only. The
       * file starts with a header, so once fixed it is a feed of its own. */
      int fd = open (out->rejects_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

      if (fd < 0 || (out->rejects = fdopen (fd, "w")) == NULL)
        {
          fprintf (stderr, "glasshouse-ctl: warning: cannot write the rejects file %s: %s\n",
                   out->rejects_path, g_strerror (errno));
          if (fd >= 0)
            close (fd);
          out->rejects_path = NULL;
          return;
        }
      fputs ("{\"format\":\"" GH_MEMBER_FEED_FORMAT "\"}\n", out->rejects);
    }
  fwrite (line, 1, length, out->rejects);
  fputc ('\n', out->rejects);
}

static void
on_progress (const GhMemberImportSummary *so_far,
             gpointer                     user_data)
{
  ImportOutput *out = user_data;

  if (out->terminal)
    {
      int percent = out->total_bytes > 0 ? (int) (100 * so_far->bytes_read / out->total_bytes) : 0;
      int filled = percent * 30 / 100;

      fprintf (stderr, "\r[%.*s%*s] %3d%%  %" G_GUINT64_FORMAT " members", filled,
               "##############################", 30 - filled, "", percent, so_far->lines);
      fflush (stderr);
    }
  else if (so_far->lines - out->last_report >= 100000)
    {
      fprintf (stderr, "glasshouse-ctl: import: %" G_GUINT64_FORMAT " members read\n",
               so_far->lines);
      out->last_report = so_far->lines;
    }
}

static JsonNode *
summary_to_json (const GhMemberImportSummary *s)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const struct { const char *name; guint64 value; } fields[] = {
    { "lines", s->lines }, { "added", s->added }, { "updated", s->updated },
    { "unchanged", s->unchanged }, { "deleted", s->deleted }, { "refused", s->refused },
    { "suppressed", s->suppressed }, { "items_added", s->items_added },
    { "items_updated", s->items_updated }, { "items_deleted", s->items_deleted },
    { "consents_changed", s->consents_changed },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      json_builder_set_member_name (builder, fields[i].name);
      json_builder_add_int_value (builder, fields[i].value);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static GInputStream *
open_feed (const char    *path,
           ImportOutput  *out,
           GError       **error)
{
  int fd;
  struct stat st;

  if (g_strcmp0 (path, "-") == 0)
    {
      out->name = "stdin";
      return g_unix_input_stream_new (STDIN_FILENO, FALSE);
    }
  out->name = path;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED, "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    out->total_bytes = st.st_size;
  return g_unix_input_stream_new (fd, TRUE);
}

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
  ImportOutput out = { 0 };
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
      (input = open_feed (argv[1], &out, &error)) == NULL)
    return gh_ctl_fail (error);
  if (rejects == NULL && g_strcmp0 (argv[1], "-") != 0)
    rejects = g_strconcat (argv[1], ".rejects", NULL);
  out.rejects_path = rejects;
  out.terminal = isatty (STDERR_FILENO);
  options.actor = actor;
  options.batch_lines = batch;
  options.on_refused = on_refused;
  options.on_progress = on_progress;
  options.user_data = &out;

  ok = gh_member_import (store, input, &options, &summary, NULL, &error);
  if (out.terminal)
    fputs ("\r\033[K", stderr);
  if (out.rejects != NULL)
    fclose (out.rejects);
  if (!ok)
    {
      if (error->domain == GH_MEMBER_IMPORT_ERROR && error->code == GH_MEMBER_IMPORT_ERROR_FEED)
        g_prefix_error (&error, g_ascii_isdigit (error->message[0]) ? "%s:" : "%s: ", out.name);
      return gh_ctl_fail (error);
    }

  if (common.json)
    {
      g_autoptr(JsonNode) node = summary_to_json (&summary);
      gh_ctl_print_json (node);
    }
  else
    printf ("%" G_GUINT64_FORMAT " members read: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
            " updated, %" G_GUINT64_FORMAT " unchanged, %" G_GUINT64_FORMAT " deleted, %"
            G_GUINT64_FORMAT " refused, %" G_GUINT64_FORMAT " suppressed (asked to be forgotten)\n"
            "data items: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT " updated, %"
            G_GUINT64_FORMAT " deleted; %" G_GUINT64_FORMAT " consent decisions taken from the feed\n",
            summary.lines, summary.added, summary.updated, summary.unchanged, summary.deleted,
            summary.refused, summary.suppressed, summary.items_added, summary.items_updated,
            summary.items_deleted, summary.consents_changed);
  if (summary.refused > 0)
    {
      if (out.rejects_path != NULL)
        fprintf (stderr, "glasshouse-ctl: %" G_GUINT64_FORMAT " line%s refused, kept in %s\n",
                 summary.refused, summary.refused == 1 ? "" : "s", out.rejects_path);
      return GH_CTL_EXIT_REJECTED;
    }
  return GH_CTL_EXIT_OK;
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
