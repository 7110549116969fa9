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

/* Refuses a member of @object not named in @known, since a misspelt optional
 * field would otherwise be dropped without a word: "<path>: unknown field "x"",
 * or with @name_in_path "<path>.x: unknown field". */
gboolean    gh_json_path_check_members (JsonObject          *object,
                                        const char          *path,
                                        const char * const  *known,
                                        gboolean             name_in_path,
                                        GQuark               domain,
                                        int                  code,
                                        GError             **error);

G_END_DECLS
