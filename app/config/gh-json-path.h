/* Naming a place in a JSON document in an error message ("offers[3].rule[0].where:
 * expected an array, got a string"), for every strict reader of HQ's JSON: the
 * catalog and the offer rules.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "<path>.<member>", or "<member>" when @path is the root (""). */
char       *gh_json_path_member   (const char  *path,
                                   const char  *member);

/* Sets @error (@domain, @code) to "<path>.<member>: <reason>"; without a @member,
 * "<path>: <reason>"; at the root (@path ""), "<member>: <reason>". Returns FALSE,
 * so a reader can `return gh_json_path_fail (...)`. */
gboolean    gh_json_path_fail     (GError     **error,
                                   GQuark       domain,
                                   int          code,
                                   const char  *path,
                                   const char  *member,
                                   const char  *format,
                                   ...) G_GNUC_PRINTF (6, 7);

/* The first member of @object not named in @known, or NULL: a misspelt optional
 * field would otherwise be dropped without a word. */
const char *gh_json_unknown_member (JsonObject         *object,
                                    const char * const *known);

G_END_DECLS
