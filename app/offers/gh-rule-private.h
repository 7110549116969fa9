/* What the rule's two halves share: the compiled form gh-rule-parse.c builds from
 * a bundle's offers[].rule and gh-rule.c evaluates.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "offers/gh-rule.h"
#include "offers/gh-attribute-reader.h"

G_BEGIN_DECLS

typedef enum {
  OP_EQUALS,
  OP_IN,
  OP_GTE,
  OP_LTE,
  OP_CONTAINS,
} Op;

typedef struct {
  char  *attribute;
  Op     op;
  GhAttributeValue *values;         /* one, or the members of an "in" array */
  guint  n_values;
  /* Quarks, so that evaluation compares integers: the attribute, and the whole
   * filter (equal filters of different offers share their answers). Quarks are
   * never freed, but a config's vocabulary is small and applied rarely. */
  GQuark attribute_quark;
  GQuark signature;
} Filter;

typedef struct {
  char   *category;
  GQuark  category_quark;
  Filter *filters;
  guint   n_filters;
  int     within_days;  /* 0: any time */
  int     at_least;
} Condition;

struct _GhRule {
  gatomicrefcount  ref_count;
  Condition       *conditions;
  guint            n_conditions;
  char           **categories;
  gboolean         reads_attributes;
};

G_END_DECLS
