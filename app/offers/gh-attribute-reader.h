/* A strict JSON reader for data items' attributes: each item's attributes
 * object read once into members and scalar values that live in the reader's
 * arena until the reader is freed. Used by offer rules (gh-rule.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  GH_ATTRIBUTE_STRING,
  GH_ATTRIBUTE_NUMBER,
  GH_ATTRIBUTE_BOOLEAN,
  GH_ATTRIBUTE_NULL,
  GH_ATTRIBUTE_ARRAY,
  GH_ATTRIBUTE_OBJECT,
} GhAttributeKind;

/* An attribute's value (strings and elements in the reader's arena), or a rule
 * filter's operand (owned strings). */
typedef struct _GhAttributeValue GhAttributeValue;
struct _GhAttributeValue {
  GhAttributeKind   kind;
  char             *string;
  char             *folded;      /* filters only: casefolded string, for "contains" */
  double            number;
  gboolean          boolean;
  GhAttributeValue *elements;    /* read values only: an array's scalar members (nested
                                  * containers are checked, not kept) */
  guint             n_elements;
};

typedef struct {
  const char       *key;
  GhAttributeValue  value;
} GhAttributeMember;

typedef struct _GhAttributeReader GhAttributeReader;

GhAttributeReader *gh_attribute_reader_new         (void);
void               gh_attribute_reader_free        (GhAttributeReader        *self);

/* Reads @text (may be NULL) as exactly one JSON object. On success @members
 * are its members in order, repeated keys included, valid until @self is freed;
 * on failure they are left alone. */
gboolean           gh_attribute_reader_read_object (GhAttributeReader        *self,
                                                    const char               *text,
                                                    const GhAttributeMember **members,
                                                    guint                    *n_members);

/* Memory from the arena, freed with @self: for what a caller derives from the
 * values read (casefolded strings, columns), freed with them. */
gpointer           gh_attribute_reader_alloc       (GhAttributeReader        *self,
                                                    gsize                     size);
char              *gh_attribute_reader_strndup     (GhAttributeReader        *self,
                                                    const char               *text,
                                                    gsize                     length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhAttributeReader, gh_attribute_reader_free)

G_END_DECLS
