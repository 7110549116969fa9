/* The portal's templates (GResource /org/glasshouse/Portal/).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fills template @name: {{key}} gets the value escaped, {{{key}}} as it is. */
char *gh_portal_template_fill (const char *name,
                               GHashTable *values);
/* The same with "key", value pairs, NULL-terminated. */
char *gh_portal_template      (const char *name,
                               ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
