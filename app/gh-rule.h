/* An offer's rule: a list of conditions that must all hold (DESIGN.md "Offers").
 * Parsed from a bundle's offers[].rule and evaluated against one shopper's data items.
 * The format is in docs/config-format.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "gh-types.h"

G_BEGIN_DECLS

#define GH_RULE_ERROR (gh_rule_error_quark ())
GQuark gh_rule_error_quark (void);

typedef enum {
  GH_RULE_ERROR_INVALID,   /* message: "<path>: <reason>", e.g. offers[3].rule[0].where[1].op: unknown operator "regex" */
} GhRuleError;

typedef struct _GhRule GhRule;

/* @path is the JSON path of @node, used as the prefix of every error message. */
GhRule             *gh_rule_parse           (JsonNode    *node,
                                             const char  *path,
                                             GError     **error);
GhRule             *gh_rule_ref             (GhRule      *rule);
void                gh_rule_unref           (GhRule      *rule);
/* The data categories the rule reads, without repeats, in rule order. */
const char * const *gh_rule_get_categories  (GhRule      *rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhRule, gh_rule_unref)

G_END_DECLS
