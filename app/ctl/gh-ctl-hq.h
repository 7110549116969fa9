/* What the hq subcommands (gh-ctl-hq*.c, gh-ctl-sync.c) share: where HQ is, HQ's exit
 * codes, the batch size and the backoff file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "hq/gh-hq.h"

G_BEGIN_DECLS

#define GH_CTL_HQ_MAX_BATCH     100000

/* The option entries every command that talks to HQ takes. */
#define GH_CTL_HQ_POSTGRES_OPTION(variable) \
  { "postgres", 0, 0, G_OPTION_ARG_STRING, &(variable), \
    "HQ's PostgreSQL (default: $GLASSHOUSE_HQ_CONNINFO)", "CONNINFO" }
#define GH_CTL_HQ_BATCH_OPTION(variable) \
  { "batch", 0, 0, G_OPTION_ARG_INT, &(variable), \
    "Events per HQ transaction (default: " G_STRINGIFY (GH_HQ_DEFAULT_BATCH) ")", "N" }
#define GH_CTL_HQ_BACKOFF_OPTION(variable) \
  { "backoff-state", 0, 0, G_OPTION_ARG_FILENAME, &(variable), \
    "Skip while HQ is backing off; record failures here", "FILE" }

/* --postgres, else $GLASSHOUSE_HQ_CONNINFO; NULL when neither is given. */
const char *gh_ctl_hq_conninfo          (const char   *option);
/* Prints that no HQ was given, with @usage; returns the usage exit code. */
int         gh_ctl_hq_fail_no_conninfo  (const char   *usage);
/* gh_ctl_fail, except that a CONNINFO that does not parse is a usage error (2). */
int         gh_ctl_hq_fail              (GError       *error);
/* FALSE, having said why, when --batch is out of range. */
gboolean    gh_ctl_hq_batch_is_valid    (int           batch);

/* The backoff file (--backoff-state): TRUE, with *@why, while HQ is being given a rest. */
gboolean    gh_ctl_hq_backoff_in_force  (const char   *path,
                                         char        **why);
/* gh_ctl_hq_fail, after recording @error in the backoff file @path (if any) when it was
 * HQ's fault: a CONNINFO that does not parse will not get better by waiting. */
int         gh_ctl_hq_fail_backing_off  (const char   *path,
                                         GError       *error);

G_END_DECLS
