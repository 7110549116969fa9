/* What `import` (a kiosk's store) and `hq import` (HQ's PostgreSQL) share when they
 * read a glasshouse-members/1 feed: opening it, reporting refused lines with their
 * line numbers and keeping them in a 0600 rejects file, progress, and the counts at
 * the end (text or --json) with the exit code of the contract.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <stdio.h>

#include "members/gh-member-import.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;          /* the feed's name in messages: its path, or "stdin" */
  const char *rejects_path;  /* NULL: refused lines are reported, not kept */
  FILE       *rejects;       /* opened at the first refused line */
  gboolean    terminal;      /* stderr is a terminal: a progress bar instead of lines */
  guint64     total_bytes;   /* the feed's size when known, for the bar */
  guint64     last_report;
} GhCtlFeedOutput;

/* Opens FILE or "-" (stdin); sets @out's name and size. */
GInputStream *gh_ctl_feed_open        (const char                  *path,
                                       GhCtlFeedOutput             *out,
                                       GError                     **error);
/* GhMemberImportRefused and GhMemberImportProgress, @user_data the GhCtlFeedOutput. */
void          gh_ctl_feed_on_refused  (guint64                      line_number,
                                       const char                  *line,
                                       gsize                        length,
                                       const char                  *message,
                                       gpointer                     user_data);
void          gh_ctl_feed_on_progress (const GhMemberImportSummary *so_far,
                                       gpointer                     user_data);
/* Closes the rejects file, then prints the error (@ok FALSE) or the counts; returns
 * the exit code: 0, 3 when a line was refused, or the error's. */
int           gh_ctl_feed_finish      (GhCtlFeedOutput             *out,
                                       gboolean                     ok,
                                       GError                      *error,
                                       const GhMemberImportSummary *summary,
                                       gboolean                     json);

G_END_DECLS
