/* The reporting both member imports share (see the header).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <gio/gunixinputstream.h>
#include <unistd.h>

#include "ctl/gh-ctl-feed.h"

#include "ctl/gh-ctl.h"
#include "members/gh-member-feed.h"

void
gh_ctl_feed_on_refused (guint64      line_number,
            const char  *line,
            gsize        length,
            const char  *message,
            gpointer     user_data)
{
  GhCtlFeedOutput *out = user_data;

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

void
gh_ctl_feed_on_progress (const GhMemberImportSummary *so_far,
             gpointer                     user_data)
{
  GhCtlFeedOutput *out = user_data;

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

GInputStream *
gh_ctl_feed_open (const char    *path,
           GhCtlFeedOutput  *out,
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
gh_ctl_feed_finish (GhCtlFeedOutput             *out,
                    gboolean                     ok,
                    GError                      *error,
                    const GhMemberImportSummary *summary,
                    gboolean                     json)
{
  if (out->terminal)
    fputs ("\r\033[K", stderr);
  if (out->rejects != NULL)
    fclose (out->rejects);
  if (!ok)
    {
      if (error->domain == GH_MEMBER_IMPORT_ERROR && error->code == GH_MEMBER_IMPORT_ERROR_FEED)
        g_prefix_error (&error, g_ascii_isdigit (error->message[0]) ? "%s:" : "%s: ", out->name);
      return gh_ctl_fail (error);
    }

  if (json)
    {
      g_autoptr(JsonNode) node = summary_to_json (summary);
      gh_ctl_print_json (node);
    }
  else
    printf ("%" G_GUINT64_FORMAT " members read: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
            " updated, %" G_GUINT64_FORMAT " unchanged, %" G_GUINT64_FORMAT " deleted, %"
            G_GUINT64_FORMAT " refused, %" G_GUINT64_FORMAT " suppressed (asked to be forgotten)\n"
            "data items: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT " updated, %"
            G_GUINT64_FORMAT " deleted; %" G_GUINT64_FORMAT " consent decisions taken from the feed\n",
            summary->lines, summary->added, summary->updated, summary->unchanged, summary->deleted,
            summary->refused, summary->suppressed, summary->items_added, summary->items_updated,
            summary->items_deleted, summary->consents_changed);
  if (summary->refused > 0)
    {
      if (out->rejects_path != NULL)
        fprintf (stderr, "glasshouse-ctl: %" G_GUINT64_FORMAT " line%s refused, kept in %s\n",
                 summary->refused, summary->refused == 1 ? "" : "s", out->rejects_path);
      return GH_CTL_EXIT_REJECTED;
    }
  return GH_CTL_EXIT_OK;
}

