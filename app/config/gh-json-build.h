/* Members of a JsonBuilder's open object in one call each: what the receipts, the
 * reports, the health check and glasshouse-ctl's --json write.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Member @name, the string @value, or null when @value is NULL. */
void gh_json_add_string (JsonBuilder *builder,
                         const char  *name,
                         const char  *value);
void gh_json_add_int    (JsonBuilder *builder,
                         const char  *name,
                         gint64       value);
void gh_json_add_bool   (JsonBuilder *builder,
                         const char  *name,
                         gboolean     value);

G_END_DECLS
