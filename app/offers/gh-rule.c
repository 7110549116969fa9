/* Offer rules: evaluating a compiled rule (gh-rule-parse.c) against one
 * shopper's data items. Evaluation is forgiving, since data items come from CRM
 * imports and may be malformed: a bad item never matches, never crashes, and is
 * only counted.
 * Evaluation is column-wise, because a kiosk evaluates hundreds of offers for
 * one shopper while the shopper waits: GhRuleItems groups the items by category,
 * newest first, parses each item's attributes once (gh-attribute-reader.c), pulls
 * out each attribute a filter names once, and remembers each distinct filter's
 * answer for every item as a bitset. A condition is then an AND of bitsets cut
 * to its time window and a population count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "glasshouse-offers"

#include <string.h>

#include "offers/gh-rule.h"
#include "offers/gh-rule-private.h"

#define SECONDS_PER_DAY ((gint64) 86400)

typedef enum {
  ATTRS_UNPARSED = 0,
  ATTRS_OBJECT,
  ATTRS_INVALID,
} AttrsState;

typedef struct {
  GhDataItem              *item;
  const GhAttributeMember *members;
  guint                    n_members;
  guint                    index;        /* in the items passed in */
  AttrsState               state;
} Entry;


/* The items of one category, newest first. */
typedef struct {
  GQuark      category;     /* 0 when no rule has ever read it */
  Entry      *entries;
  guint       n;
  guint       n_words;      /* of every bitset below */
  gint64     *collected;    /* collected_at per entry, descending, for window cuts */
  guint64    *live;         /* entries still within their retention at live_now */
  gint64      live_now;
  guint64    *scratch;
  GHashTable *columns;      /* attribute quark -> GhAttributeValue** (NULL: lacks it, or not
                             * an object) */
  GHashTable *answers;      /* filter signature quark -> guint64* bitset */
  GHashTable *folded;       /* attribute quark -> char** casefolded strings, for "contains" */
} Group;

struct _GhRuleItems {
  GPtrArray         *items;
  GPtrArray         *groups;  /* Group*; a shopper has a dozen categories, a scan beats hashing */
  GhAttributeReader *reader;  /* parses attributes; its arena holds what is derived from them */
  guint              n_invalid;
  guint              n_missing;
};


static void
entry_parse (GhRuleItems *self,
             Entry       *entry)
{
  if (!gh_attribute_reader_read_object (self->reader, entry->item->attributes,
                                        &entry->members, &entry->n_members))
    {
      entry->state = ATTRS_INVALID;
      self->n_invalid++;
      return;
    }
  entry->state = ATTRS_OBJECT;
}

static const GhAttributeValue *
entry_lookup (const Entry *entry,
              const char  *name)
{
  /* Backwards, so a repeated key means its last value, as in json-glib. */
  for (guint i = entry->n_members; i > 0; i--)
    if (strcmp (entry->members[i - 1].key, name) == 0)
      return &entry->members[i - 1].value;
  return NULL;
}

/* The prepared items */

static void
group_free (Group *group)
{
  g_free (group->entries);
  g_free (group->collected);
  g_free (group->live);
  g_free (group->scratch);
  g_clear_pointer (&group->columns, g_hash_table_unref);
  g_clear_pointer (&group->answers, g_hash_table_unref);
  g_clear_pointer (&group->folded, g_hash_table_unref);
  g_free (group);
}


static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const Entry *x = a, *y = b;

  if (x->item->collected_at != y->item->collected_at)
    return x->item->collected_at > y->item->collected_at ? -1 : 1;
  /* Equal times keep the order they came in. */
  return (x->index > y->index) - (x->index < y->index);
}

GhRuleItems *
gh_rule_items_new (GPtrArray *items)
{
  GhRuleItems *self;
  g_autoptr(GHashTable) building = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (items != NULL, NULL);

  self = g_new0 (GhRuleItems, 1);
  self->items = g_ptr_array_ref (items);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  self->reader = gh_attribute_reader_new ();

  building = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < items->len; i++)
    {
      GhDataItem *item = g_ptr_array_index (items, i);
      Entry entry = { item, NULL, 0, i, ATTRS_UNPARSED };
      GArray *entries;

      if (item == NULL || item->category == NULL)
        continue;
      entries = g_hash_table_lookup (building, item->category);
      if (entries == NULL)
        {
          entries = g_array_new (FALSE, FALSE, sizeof (Entry));
          g_hash_table_insert (building, item->category, entries);
        }
      g_array_append_val (entries, entry);
    }

  g_hash_table_iter_init (&iter, building);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *entries = value;
      Group *group = g_new0 (Group, 1);

      /* Newest first, so a time window is a prefix of the group. */
      g_array_sort (entries, compare_newest_first);
      group->n = entries->len;
      group->n_words = (group->n + 63) / 64;
      group->entries = g_memdup2 (entries->data, sizeof (Entry) * group->n);
      group->collected = g_new (gint64, group->n);
      for (guint i = 0; i < group->n; i++)
        group->collected[i] = group->entries[i].item->collected_at;
      group->live = g_new0 (guint64, group->n_words);
      group->live_now = G_MININT64;
      group->scratch = g_new0 (guint64, group->n_words);
      /* Only a category some rule names has a quark: try_string never grows the table
       * with whatever categories an import brought. */
      group->category = g_quark_try_string (key);
      g_ptr_array_add (self->groups, group);
    }
  return self;
}

void
gh_rule_items_free (GhRuleItems *self)
{
  if (self == NULL)
    return;
  /* Counts only, never the attributes: they are personal data. */
  if (self->n_invalid > 0 || self->n_missing > 0)
    g_debug ("%u data item(s) had attributes that are not a JSON object and %u lacked an attribute "
             "a filter reads; they did not match", self->n_invalid, self->n_missing);
  g_ptr_array_unref (self->groups);
  gh_attribute_reader_free (self->reader);
  g_ptr_array_unref (self->items);
  g_free (self);
}

guint
gh_rule_items_get_n_invalid (GhRuleItems *self)
{
  return self->n_invalid;
}

guint
gh_rule_items_get_n_missing (GhRuleItems *self)
{
  return self->n_missing;
}

/* Comparing */

static gboolean
value_equals (const GhAttributeValue *filter_value,
              const GhAttributeValue *value)
{
  if (filter_value->kind != value->kind)
    return FALSE;
  switch (value->kind)
    {
    case GH_ATTRIBUTE_STRING:
      return strcmp (filter_value->string, value->string) == 0;
    case GH_ATTRIBUTE_BOOLEAN:
      return !filter_value->boolean == !value->boolean;
    case GH_ATTRIBUTE_NUMBER:
      return filter_value->number == value->number;
    default:
      return FALSE;
    }
}

/* -1, 0, 1 like strcmp (value against operand); 2 when the two cannot be ordered. */
static int
value_compare (const GhAttributeValue *filter_value,
               const GhAttributeValue *value)
{
  if (filter_value->kind != value->kind)
    return 2;
  if (value->kind == GH_ATTRIBUTE_STRING)
    {
      int cmp = strcmp (value->string, filter_value->string);
      return (cmp > 0) - (cmp < 0);
    }
  if (value->kind == GH_ATTRIBUTE_NUMBER)
    return (value->number > filter_value->number) - (value->number < filter_value->number);
  return 2;
}

static char *
casefold (GhRuleItems *self,
          const char  *text)
{
  gsize length = strlen (text);
  char *lowered;

  for (gsize i = 0; i < length; i++)
    if ((guchar) text[i] >= 0x80)
      {
        g_autofree char *folded = g_utf8_casefold (text, length);
        return gh_attribute_reader_strndup (self->reader, folded, strlen (folded));
      }
  /* ASCII: casefolding is lowering. */
  lowered = gh_attribute_reader_strndup (self->reader, text, length);
  for (gsize i = 0; i < length; i++)
    lowered[i] = g_ascii_tolower (lowered[i]);
  return lowered;
}

/* @folded is the value's string casefolded, when the caller has it. */
static gboolean
filter_holds (const Filter           *filter,
              const GhAttributeValue *value,
              const char             *folded)
{
  int cmp;

  switch (filter->op)
    {
    case OP_EQUALS:
      return value_equals (&filter->values[0], value);
    case OP_IN:
      for (guint i = 0; i < filter->n_values; i++)
        if (value_equals (&filter->values[i], value))
          return TRUE;
      return FALSE;
    case OP_GTE:
      cmp = value_compare (&filter->values[0], value);
      return cmp == 0 || cmp == 1;
    case OP_LTE:
      cmp = value_compare (&filter->values[0], value);
      return cmp == 0 || cmp == -1;
    case OP_CONTAINS:
      if (value->kind == GH_ATTRIBUTE_ARRAY)
        {
          for (guint i = 0; i < value->n_elements; i++)
            if (value_equals (&filter->values[0], &value->elements[i]))
              return TRUE;
          return FALSE;
        }
      if (value->kind == GH_ATTRIBUTE_STRING && filter->values[0].kind == GH_ATTRIBUTE_STRING)
        return folded != NULL && strstr (folded, filter->values[0].folded) != NULL;
      return FALSE;
    default:
      g_assert_not_reached ();
    }
}

/* Evaluating */

static const GhAttributeValue **
group_column (GhRuleItems  *self,
              Group        *group,
              const Filter *filter)
{
  const GhAttributeValue **column;

  if (group->columns == NULL)
    group->columns = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  column = g_hash_table_lookup (group->columns, GUINT_TO_POINTER (filter->attribute_quark));
  if (column != NULL)
    return column;
  column = g_new0 (const GhAttributeValue *, MAX (group->n, 1));
  for (guint i = 0; i < group->n; i++)
    {
      Entry *entry = &group->entries[i];

      if (entry->state == ATTRS_UNPARSED)
        entry_parse (self, entry);
      if (entry->state != ATTRS_OBJECT)
        continue;
      column[i] = entry_lookup (entry, filter->attribute);
      if (column[i] == NULL)
        self->n_missing++;
    }
  g_hash_table_insert (group->columns, GUINT_TO_POINTER (filter->attribute_quark), column);
  return column;
}

/* The column's strings casefolded once, however many "contains" filters read them. */
static char **
group_folded (GhRuleItems             *self,
              Group                   *group,
              const Filter            *filter,
              const GhAttributeValue **column)
{
  char **folded;

  if (group->folded == NULL)
    group->folded = g_hash_table_new (NULL, NULL);
  folded = g_hash_table_lookup (group->folded, GUINT_TO_POINTER (filter->attribute_quark));
  if (folded != NULL)
    return folded;
  folded = gh_attribute_reader_alloc (self->reader, sizeof (char *) * MAX (group->n, 1));
  for (guint i = 0; i < group->n; i++)
    folded[i] = column[i] != NULL && column[i]->kind == GH_ATTRIBUTE_STRING
                ? casefold (self, column[i]->string) : NULL;
  g_hash_table_insert (group->folded, GUINT_TO_POINTER (filter->attribute_quark), folded);
  return folded;
}

static const guint64 *
group_answer (GhRuleItems  *self,
              Group        *group,
              const Filter *filter)
{
  guint64 *bits;
  const GhAttributeValue **column;
  char **folded;

  if (group->answers == NULL)
    group->answers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  bits = g_hash_table_lookup (group->answers, GUINT_TO_POINTER (filter->signature));
  if (bits != NULL)
    return bits;
  column = group_column (self, group, filter);
  folded = filter->op == OP_CONTAINS ? group_folded (self, group, filter, column) : NULL;
  bits = g_new0 (guint64, MAX (group->n_words, 1));
  for (guint i = 0; i < group->n; i++)
    if (column[i] != NULL && filter_holds (filter, column[i], folded != NULL ? folded[i] : NULL))
      bits[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
  g_hash_table_insert (group->answers, GUINT_TO_POINTER (filter->signature), bits);
  return bits;
}

static void
group_update_live (Group  *group,
                   gint64  now)
{
  if (group->live_now == now)
    return;
  memset (group->live, 0, sizeof (guint64) * group->n_words);
  for (guint i = 0; i < group->n; i++)
    {
      gint64 until = group->entries[i].item->retained_until;

      if (until == 0 || until >= now)
        group->live[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
    }
  group->live_now = now;
}

/* How many entries (a prefix, newest first) were collected at or after @cutoff. */
static guint
group_window (Group  *group,
              gint64  cutoff)
{
  guint low = 0, high = group->n;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (group->collected[mid] >= cutoff)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* Leaves in group->scratch the entries that count for @condition; returns how many. */
static guint
condition_count (GhRuleItems     *self,
                 Group           *group,
                 const Condition *condition,
                 gint64           now)
{
  guint64 *mask = group->scratch;
  guint n = group->n, count = 0;

  if (condition->within_days > 0)
    n = group_window (group, now - condition->within_days * SECONDS_PER_DAY);
  if (n == 0)
    return 0;
  group_update_live (group, now);
  memcpy (mask, group->live, sizeof (guint64) * group->n_words);
  for (guint i = 0; i < condition->n_filters; i++)
    {
      const guint64 *bits = group_answer (self, group, &condition->filters[i]);

      for (guint w = 0; w < group->n_words; w++)
        mask[w] &= bits[w];
    }
  /* Cut to the window. */
  if (n % 64 != 0)
    mask[n / 64] &= (G_GUINT64_CONSTANT (1) << (n % 64)) - 1;
  for (guint w = (n + 63) / 64; w < group->n_words; w++)
    mask[w] = 0;
  for (guint w = 0; w < group->n_words; w++)
    count += __builtin_popcountll (mask[w]);
  return count;
}

static Group *
find_group (GhRuleItems     *self,
            const Condition *condition)
{
  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *group = g_ptr_array_index (self->groups, i);

      if (group->category == condition->category_quark)
        return group;
    }
  return NULL;
}

gboolean
gh_rule_evaluate (GhRule      *rule,
                  GhRuleItems *items,
                  gint64       now,
                  GPtrArray   *because)
{
  g_return_val_if_fail (rule != NULL, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  /* Decide first, collect after: most rules fail, and fail on a cheap condition. */
  for (guint i = 0; i < rule->n_conditions; i++)
    {
      const Condition *condition = &rule->conditions[i];
      Group *group = find_group (items, condition);

      if (group == NULL || group->n < (guint) condition->at_least ||
          condition_count (items, group, condition, now) < (guint) condition->at_least)
        return FALSE;
    }

  if (because == NULL)
    return TRUE;
  for (guint i = 0; i < rule->n_conditions; i++)
    {
      const Condition *condition = &rule->conditions[i];
      Group *group = find_group (items, condition);
      gboolean seen_category = FALSE;

      /* Only a category read twice by one rule can give the same item twice. */
      for (guint j = 0; j < i && !seen_category; j++)
        seen_category = g_str_equal (rule->conditions[j].category, condition->category);
      condition_count (items, group, condition, now);
      for (guint w = 0; w < group->n_words; w++)
        for (guint64 bits = group->scratch[w]; bits != 0; bits &= bits - 1)
          {
            GhDataItem *item = group->entries[w * 64 + __builtin_ctzll (bits)].item;

            if (!seen_category || !g_ptr_array_find (because, item, NULL))
              g_ptr_array_add (because, item);
          }
    }
  return TRUE;
}

gboolean
gh_rule_matches (GhRule    *rule,
                 GPtrArray *items,
                 gint64     now,
                 GPtrArray *because)
{
  g_autoptr(GhRuleItems) prepared = NULL;

  g_return_val_if_fail (rule != NULL, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  prepared = gh_rule_items_new (items);
  return gh_rule_evaluate (rule, prepared, now, because);
}
