/* A strict JSON tokenizer for the member feed: one pass over a line into a flat
 * array of tokens, no tree of objects. A feed of a million members is 25 million
 * items; json-glib spends most of its time building and signalling nodes that the
 * import reads once. The rules are the ones gh-json-limits.c enforces for
 * configs: valid UTF-8, no NUL, bounded depth, no "\u0000", no unpaired
 * surrogate, no object with a repeated member.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  GH_JSON_OBJECT,
  GH_JSON_ARRAY,
  GH_JSON_STRING,
  GH_JSON_NUMBER,
  GH_JSON_TRUE,
  GH_JSON_FALSE,
  GH_JSON_NULL,
} GhJsonKind;

typedef struct {
  GhJsonKind kind;
  guint      start;    /* byte offsets in the text: a string's without its quotes */
  guint      end;
  guint      size;     /* an object's members, an array's elements */
  guint      next;     /* the index of the first token after this one's subtree */
  gboolean   escaped;  /* a string with a backslash: read it with gh_json_token_dup */
} GhJsonToken;

/* Tokenizes @text (@length bytes) into @tokens (an array of GhJsonToken, emptied
 * first). An object's tokens are its keys and values in turn. On a broken rule
 * returns FALSE with @message (if not NULL) set to "<reason> (at byte N)". */
gboolean    gh_json_tokenize      (const char   *text,
                                   gsize         length,
                                   guint         max_depth,
                                   GArray       *tokens,
                                   char        **message);

/* A string token's text, unescaped; NULL for other kinds. */
char       *gh_json_token_dup     (const char        *text,
                                   const GhJsonToken *token);
/* Whether a string token equals @literal (without allocating when unescaped). */
gboolean    gh_json_token_equal   (const char        *text,
                                   const GhJsonToken *token,
                                   const char        *literal);
/* The value of member @name of the object at @object, or -1. */
int         gh_json_object_get    (const char   *text,
                                   GArray       *tokens,
                                   guint         object,
                                   const char   *name);
/* "an object", "a string"… for messages. */
const char *gh_json_kind_name     (GhJsonKind    kind);

G_END_DECLS
