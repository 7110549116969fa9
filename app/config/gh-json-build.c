/* Members of a JsonBuilder's open object (see gh-json-build.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include "gh-json-build.h"

void
gh_json_add_string (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
gh_json_add_int (JsonBuilder *builder,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
gh_json_add_bool (JsonBuilder *builder,
                  const char  *name,
                  gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}
