/* An offer's rule: a list of conditions that must all hold (DESIGN.md "Offers").
 * Parsed from a bundle's offers[].rule and evaluated against one shopper's data items.
 * The format is in docs/config-format.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "store/gh-types.h"

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
/* Whether some condition filters on item attributes (needs them parsed). */
gboolean            gh_rule_reads_attributes (GhRule     *rule);

/* One shopper's data items prepared for evaluating many rules: grouped by
 * category, each item's attributes parsed at most once (lazily, on the first
 * filter that needs them) however many rules and conditions read it.
 * Borrows @items (GhDataItem*), which must outlive it. Items whose attributes
 * are not a JSON object, and filters that meet an item without their attribute,
 * simply do not match; they are counted and reported in a g_debug when freed. */
typedef struct _GhRuleItems GhRuleItems;

GhRuleItems        *gh_rule_items_new       (GPtrArray   *items);
void                gh_rule_items_free      (GhRuleItems *items);
/* How many items had attributes that are not a JSON object (among those parsed so far). */
guint               gh_rule_items_get_n_invalid (GhRuleItems *items);
/* How many filter checks met an item without the attribute (so far). */
guint               gh_rule_items_get_n_missing (GhRuleItems *items);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhRuleItems, gh_rule_items_free)

/* Whether every condition of @rule holds at @now (unix seconds). When it does
 * and @because is not NULL, appends to @because (borrowed GhDataItem*) the items
 * that made it true, each once, in rule order then newest first. An item counts
 * for a condition when its category matches, it is still within its retention
 * (retained_until 0 means no limit), it was collected within the condition's
 * window, and every filter holds. */
gboolean            gh_rule_evaluate        (GhRule      *rule,
                                             GhRuleItems *items,
                                             gint64       now,
                                             GPtrArray   *because);
/* The same for a single rule over a plain array of GhDataItem*. */
gboolean            gh_rule_matches         (GhRule      *rule,
                                             GPtrArray   *items,
                                             gint64       now,
                                             GPtrArray   *because);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhRule, gh_rule_unref)

G_END_DECLS
