/* What the hq subcommands (gh-ctl-hq*.c) share: where HQ is, and HQ's exit codes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* --postgres, else $GLASSHOUSE_HQ_CONNINFO; NULL when neither is given. */
const char *gh_ctl_hq_conninfo         (const char *option);
/* Prints that no HQ was given, with @usage; returns the usage exit code. */
int         gh_ctl_hq_fail_no_conninfo (const char *usage);
/* gh_ctl_fail, except that a CONNINFO that does not parse is a usage error (2). */
int         gh_ctl_hq_fail             (GError     *error);

G_END_DECLS
