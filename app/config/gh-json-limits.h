/* Parsing untrusted JSON with limits: size, nesting depth, UTF-8 and the escapes
 * json-glib would turn into broken strings. Used for bundles and configs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Checks @data before a parser sees it: at most @max_bytes, valid UTF-8 without
 * NUL bytes, no raw control character inside a string (JSON requires them escaped), arrays and objects nested at most @max_depth deep, no "\u0000"
 * escape (json-glib would cut the string there) and no unpaired surrogate escape
 * (it would produce invalid UTF-8). Errors are "<path>: <reason>" in @domain/@code. */
gboolean  gh_json_check_text (const char  *data,
                              gsize        length,
                              gsize        max_bytes,
                              guint        max_depth,
                              const char  *path,
                              GQuark       domain,
                              int          code,
                              GError     **error);

/* gh_json_check_text, then json-glib's parse; refuses an object with a repeated member
 * ("offers[3]: member \"rule\" appears more than once"). Returns the root node. */
JsonNode *gh_json_parse      (const char  *data,
                              gsize        length,
                              gsize        max_bytes,
                              guint        max_depth,
                              const char  *path,
                              GQuark       domain,
                              int          code,
                              GError     **error);

/* The value of the four hex digits of a "\uXXXX" escape at @p (before @end), or -1. */
int       gh_json_hex4       (const char  *p,
                              const char  *end);

/* A short, printable, quoted rendering of untrusted text for an error message. */
char     *gh_json_quote      (const char  *text);

/* What @node holds, for an error message: "an object", "a string", "null"... */
const char *gh_json_node_kind (JsonNode   *node);

G_END_DECLS
