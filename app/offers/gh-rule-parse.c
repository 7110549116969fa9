/* Offer rules: parsing a bundle's offers[].rule into the compiled form gh-rule.c
 * evaluates. Parsing is strict, since a rule HQ got wrong should be refused at
 * the kiosk with the JSON path of the mistake, not silently match nobody.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "glasshouse-offers"

#include "offers/gh-rule.h"
#include "offers/gh-rule-private.h"

#include "config/gh-json-limits.h"
#include "config/gh-json-path.h"

/* Bounds that catch typos (36500 days is a century) without limiting real rules. */
#define MAX_WITHIN_DAYS 36500
#define MAX_AT_LEAST    100000

G_DEFINE_QUARK (gh-rule-error-quark, gh_rule_error)

static const char *op_names[] = { "equals", "in", "gte", "lte", "contains" };

/* A rule problem: GH_RULE_ERROR_INVALID, "<path>: <reason>" (gh-json-path.c). */
#define fail(error, path, ...) \
  gh_json_path_fail ((error), GH_RULE_ERROR, GH_RULE_ERROR_INVALID, (path), NULL, __VA_ARGS__)

static void
value_clear (GhAttributeValue *value)
{
  g_clear_pointer (&value->string, g_free);
  g_clear_pointer (&value->folded, g_free);
}

static gboolean
parse_scalar (JsonNode          *node,
              const char        *path,
              GhAttributeValue  *out,
              GError           **error)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          out->kind = GH_ATTRIBUTE_STRING;
          out->string = g_strdup (json_node_get_string (node));
          out->folded = g_utf8_casefold (out->string, -1);
          return TRUE;
        case G_TYPE_BOOLEAN:
          out->kind = GH_ATTRIBUTE_BOOLEAN;
          out->boolean = json_node_get_boolean (node);
          return TRUE;
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          out->kind = GH_ATTRIBUTE_NUMBER;
          out->number = json_node_get_double (node);
          return TRUE;
        default:
          break;
        }
    }
  return fail (error, path, "expected a string, number or boolean, got %s",
               gh_json_node_kind (node));
}

static gboolean
parse_int_member (JsonObject  *object,
                  const char  *name,
                  const char  *path,
                  int          max,
                  int         *out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *where = gh_json_path_member (path, name);
  gint64 value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, where, "expected an integer, got %s", gh_json_node_kind (node));
  value = json_node_get_int (node);
  if (value < 1 || value > max)
    return fail (error, where, "%" G_GINT64_FORMAT " is out of range (1 to %d)", value, max);
  *out = (int) value;
  return TRUE;
}

/* An unknown field is most likely a misspelt one ("within_day"), which would
 * otherwise quietly widen the rule. */
#define check_members(object, path, known, error) \
  gh_json_path_check_members ((object), (path), (known), TRUE, GH_RULE_ERROR, \
                              GH_RULE_ERROR_INVALID, (error))

/* @object's member @name (at @where) as a string, refusing a missing one, another
 * type and, when @non_empty, "". */
static gboolean
read_string_member (JsonObject   *object,
                    const char   *name,
                    const char   *where,
                    gboolean      non_empty,
                    const char  **out,
                    GError      **error)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL)
    return fail (error, where, "missing");
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return fail (error, where, "expected a string, got %s", gh_json_node_kind (member));
  *out = json_node_get_string (member);
  if (non_empty && **out == '\0')
    return fail (error, where, "must not be empty");
  return TRUE;
}

static void
set_signature (Filter   *filter,
               JsonNode *value)
{
  g_autofree char *text = json_to_string (value, FALSE);
  g_autofree char *signature = g_strdup_printf ("%s\x1f%s\x1f%s", filter->attribute,
                                                op_names[filter->op], text);

  filter->attribute_quark = g_quark_from_string (filter->attribute);
  filter->signature = g_quark_from_string (signature);
}

static gboolean
parse_filter (JsonNode    *node,
              const char  *path,
              Filter      *filter,
              GError     **error)
{
  static const char * const known[] = { "attribute", "op", "value", NULL };
  JsonObject *object;
  JsonNode *member;
  const char *op, *text;
  g_autofree char *attribute_path = gh_json_path_member (path, "attribute");
  g_autofree char *op_path = gh_json_path_member (path, "op");
  g_autofree char *value_path = gh_json_path_member (path, "value");
  guint i;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "expected an object, got %s", gh_json_node_kind (node));
  object = json_node_get_object (node);
  if (!check_members (object, path, known, error))
    return FALSE;

  if (!read_string_member (object, "attribute", attribute_path, TRUE, &text, error))
    return FALSE;
  filter->attribute = g_strdup (text);

  if (!read_string_member (object, "op", op_path, FALSE, &op, error))
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (op_names); i++)
    if (g_str_equal (op, op_names[i]))
      break;
  if (i == G_N_ELEMENTS (op_names))
    return fail (error, op_path,
                 "unknown operator \"%s\" (expected equals, in, gte, lte or contains)", op);
  filter->op = (Op) i;

  member = json_object_get_member (object, "value");
  if (member == NULL)
    return fail (error, value_path, "missing");

  if (filter->op == OP_IN)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        return fail (error, value_path, "\"in\" needs an array, got %s",
                     gh_json_node_kind (member));
      array = json_node_get_array (member);
      if (json_array_get_length (array) == 0)
        return fail (error, value_path, "\"in\" needs at least one value");
      filter->n_values = json_array_get_length (array);
      filter->values = g_new0 (GhAttributeValue, filter->n_values);
      for (guint j = 0; j < filter->n_values; j++)
        {
          g_autofree char *element_path = g_strdup_printf ("%s[%u]", value_path, j);

          if (!parse_scalar (json_array_get_element (array, j), element_path, &filter->values[j],
                             error))
            return FALSE;
        }
      set_signature (filter, member);
      return TRUE;
    }

  filter->n_values = 1;
  filter->values = g_new0 (GhAttributeValue, 1);
  if (!parse_scalar (member, value_path, &filter->values[0], error))
    return FALSE;
  if ((filter->op == OP_GTE || filter->op == OP_LTE) &&
      filter->values[0].kind == GH_ATTRIBUTE_BOOLEAN)
    return fail (error, value_path, "\"%s\" needs a number or a string, got a boolean", op);
  set_signature (filter, member);
  return TRUE;
}

static gboolean
parse_condition (JsonNode    *node,
                 const char  *path,
                 Condition   *condition,
                 GError     **error)
{
  static const char * const known[] = { "category", "where", "within_days", "at_least", NULL };
  JsonObject *object;
  JsonNode *member;
  const char *text;
  g_autofree char *category_path = gh_json_path_member (path, "category");
  g_autofree char *where_path = gh_json_path_member (path, "where");

  condition->at_least = 1;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "expected an object, got %s", gh_json_node_kind (node));
  object = json_node_get_object (node);
  if (!check_members (object, path, known, error))
    return FALSE;

  if (!read_string_member (object, "category", category_path, TRUE, &text, error))
    return FALSE;
  condition->category = g_strdup (text);
  condition->category_quark = g_quark_from_string (condition->category);

  member = json_object_get_member (object, "where");
  if (member != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        return fail (error, where_path, "expected an array, got %s", gh_json_node_kind (member));
      array = json_node_get_array (member);
      condition->n_filters = json_array_get_length (array);
      condition->filters = g_new0 (Filter, condition->n_filters);
      for (guint i = 0; i < condition->n_filters; i++)
        {
          g_autofree char *filter_path = g_strdup_printf ("%s[%u]", where_path, i);

          if (!parse_filter (json_array_get_element (array, i), filter_path,
                             &condition->filters[i], error))
            return FALSE;
        }
    }

  return parse_int_member (object, "within_days", path, MAX_WITHIN_DAYS, &condition->within_days,
                           error)
         && parse_int_member (object, "at_least", path, MAX_AT_LEAST, &condition->at_least, error);
}

static void
rule_free (GhRule *rule)
{
  for (guint i = 0; i < rule->n_conditions; i++)
    {
      Condition *condition = &rule->conditions[i];

      for (guint j = 0; j < condition->n_filters; j++)
        {
          Filter *filter = &condition->filters[j];

          for (guint k = 0; k < filter->n_values; k++)
            value_clear (&filter->values[k]);
          g_free (filter->values);
          g_free (filter->attribute);
        }
      g_free (condition->filters);
      g_free (condition->category);
    }
  g_free (rule->conditions);
  g_strfreev (rule->categories);
  g_free (rule);
}

GhRule *
gh_rule_parse (JsonNode    *node,
               const char  *path,
               GError     **error)
{
  g_autoptr(GhRule) rule = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  JsonArray *array;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL)
    {
      fail (error, path, "missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (error, path, "expected an array of conditions, got %s", gh_json_node_kind (node));
      return NULL;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    {
      fail (error, path, "a rule needs at least one condition");
      return NULL;
    }

  rule = g_new0 (GhRule, 1);
  g_atomic_ref_count_init (&rule->ref_count);
  rule->n_conditions = json_array_get_length (array);
  rule->conditions = g_new0 (Condition, rule->n_conditions);
  categories = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < rule->n_conditions; i++)
    {
      g_autofree char *condition_path = g_strdup_printf ("%s[%u]", path, i);
      Condition *condition = &rule->conditions[i];
      gboolean seen = FALSE;

      if (!parse_condition (json_array_get_element (array, i), condition_path, condition, error))
        return NULL;
      if (condition->n_filters > 0)
        rule->reads_attributes = TRUE;
      for (guint j = 0; j < categories->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (categories, j), condition->category);
      if (!seen)
        g_ptr_array_add (categories, g_strdup (condition->category));
    }
  g_ptr_array_add (categories, NULL);
  g_ptr_array_set_free_func (categories, NULL);
  rule->categories = (char **) g_ptr_array_free (g_steal_pointer (&categories), FALSE);
  return g_steal_pointer (&rule);
}

GhRule *
gh_rule_ref (GhRule *rule)
{
  g_return_val_if_fail (rule != NULL, NULL);
  g_atomic_ref_count_inc (&rule->ref_count);
  return rule;
}

void
gh_rule_unref (GhRule *rule)
{
  g_return_if_fail (rule != NULL);
  if (g_atomic_ref_count_dec (&rule->ref_count))
    rule_free (rule);
}

const char * const *
gh_rule_get_categories (GhRule *rule)
{
  g_return_val_if_fail (rule != NULL, NULL);
  return (const char * const *) rule->categories;
}

gboolean
gh_rule_reads_attributes (GhRule *rule)
{
  g_return_val_if_fail (rule != NULL, FALSE);
  return rule->reads_attributes;
}
