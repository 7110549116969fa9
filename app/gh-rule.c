/* Offer rules: parsing a bundle's offers[].rule into a compiled form, and
 * evaluating it against one shopper's data items. Parsing is strict, since a
 * rule HQ got wrong should be refused at the kiosk with the JSON path of the
 * mistake, not silently match nobody. Evaluation is forgiving, since data
 * items come from CRM imports and may be malformed: a bad item never matches,
 * never crashes, and is only counted.
 * Evaluation is column-wise, because a kiosk evaluates hundreds of offers for
 * one shopper while the shopper waits: GhRuleItems groups the items by category,
 * newest first, parses each item's attributes once (with a small strict JSON
 * reader: json-glib's parser costs more than the whole evaluation may), pulls
 * out each attribute a filter names once, and remembers each distinct filter's
 * answer for every item as a bitset. A condition is then an AND of bitsets cut
 * to its time window and a population count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "glasshouse-offers"

#include <string.h>

#include "gh-rule.h"

/* Bounds that catch typos (36500 days is a century) without limiting real rules. */
#define MAX_WITHIN_DAYS 36500
#define MAX_AT_LEAST    100000
#define SECONDS_PER_DAY ((gint64) 86400)

G_DEFINE_QUARK (gh-rule-error-quark, gh_rule_error)

typedef enum {
  OP_EQUALS,
  OP_IN,
  OP_GTE,
  OP_LTE,
  OP_CONTAINS,
} Op;

static const char *op_names[] = { "equals", "in", "gte", "lte", "contains" };

typedef enum {
  VALUE_STRING,
  VALUE_NUMBER,
  VALUE_BOOLEAN,
  VALUE_NULL,
  VALUE_ARRAY,
  VALUE_OBJECT,
} ValueKind;

/* A filter's operand (owned strings), or an item's attribute value (strings and
 * elements owned by the GhRuleItems that parsed it). */
typedef struct _Value Value;
struct _Value {
  ValueKind  kind;
  char      *string;
  char      *folded;      /* filters only: casefolded string, for "contains" */
  double     number;
  gboolean   boolean;
  Value     *elements;    /* items only: an array's members (nested containers are not kept) */
  guint      n_elements;
};

typedef struct {
  char  *attribute;
  Op     op;
  Value *values;         /* one, or the members of an "in" array */
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

typedef struct {
  const char *key;
  Value       value;
} Member;

typedef enum {
  ATTRS_UNPARSED = 0,
  ATTRS_OBJECT,
  ATTRS_INVALID,
} AttrsState;

typedef struct {
  GhDataItem *item;
  Member     *members;
  guint       n_members;
  guint       index;        /* in the items passed in */
  AttrsState  state;
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
  GHashTable *columns;      /* attribute quark -> Value** (NULL: lacks it, or not an object) */
  GHashTable *answers;      /* filter signature quark -> guint64* bitset */
  GHashTable *folded;       /* attribute quark -> char** casefolded strings, for "contains" */
} Group;

struct _GhRuleItems {
  GPtrArray    *items;
  GPtrArray    *groups;     /* Group*; a shopper has a dozen categories, a scan beats hashing */
  GPtrArray    *blocks;     /* the arena: parsed members, elements and strings */
  guint8       *free_space;
  gsize         n_free;
  GArray       *members;    /* scratch: the object being read */
  GArray       *elements;   /* scratch: the array being read */
  GString      *scratch;    /* scratch: a string being unescaped */
  guint         n_invalid;
  guint         n_missing;
};

/* Parsing */

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *reason = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GH_RULE_ERROR, GH_RULE_ERROR_INVALID, "%s: %s", path, reason);
  return FALSE;
}

static const char *
node_kind (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a number";
    }
}

static void
value_clear (Value *value)
{
  g_clear_pointer (&value->string, g_free);
  g_clear_pointer (&value->folded, g_free);
}

static gboolean
parse_scalar (JsonNode    *node,
              const char  *path,
              Value       *out,
              GError     **error)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          out->kind = VALUE_STRING;
          out->string = g_strdup (json_node_get_string (node));
          out->folded = g_utf8_casefold (out->string, -1);
          return TRUE;
        case G_TYPE_BOOLEAN:
          out->kind = VALUE_BOOLEAN;
          out->boolean = json_node_get_boolean (node);
          return TRUE;
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          out->kind = VALUE_NUMBER;
          out->number = json_node_get_double (node);
          return TRUE;
        default:
          break;
        }
    }
  return fail (error, path, "expected a string, number or boolean, got %s", node_kind (node));
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
  g_autofree char *where = g_strdup_printf ("%s.%s", path, name);
  gint64 value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, where, "expected an integer, got %s", node_kind (node));
  value = json_node_get_int (node);
  if (value < 1 || value > max)
    return fail (error, where, "%" G_GINT64_FORMAT " is out of range (1 to %d)", value, max);
  *out = (int) value;
  return TRUE;
}

static gboolean
check_members (JsonObject          *object,
               const char          *path,
               const char * const  *known,
               GError             **error)
{
  g_autoptr(GList) names = json_object_get_members (object);

  /* An unknown field is most likely a misspelt one ("within_day"), which would
   * otherwise quietly widen the rule. */
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *where = g_strdup_printf ("%s.%s", path, (const char *) l->data);
        return fail (error, where, "unknown field");
      }
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
  const char *op;
  g_autofree char *attribute_path = g_strdup_printf ("%s.attribute", path);
  g_autofree char *op_path = g_strdup_printf ("%s.op", path);
  g_autofree char *value_path = g_strdup_printf ("%s.value", path);
  guint i;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "expected an object, got %s", node_kind (node));
  object = json_node_get_object (node);
  if (!check_members (object, path, known, error))
    return FALSE;

  member = json_object_get_member (object, "attribute");
  if (member == NULL)
    return fail (error, attribute_path, "missing");
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return fail (error, attribute_path, "expected a string, got %s", node_kind (member));
  if (*json_node_get_string (member) == '\0')
    return fail (error, attribute_path, "must not be empty");
  filter->attribute = g_strdup (json_node_get_string (member));

  member = json_object_get_member (object, "op");
  if (member == NULL)
    return fail (error, op_path, "missing");
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return fail (error, op_path, "expected a string, got %s", node_kind (member));
  op = json_node_get_string (member);
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
        return fail (error, value_path, "\"in\" needs an array, got %s", node_kind (member));
      array = json_node_get_array (member);
      if (json_array_get_length (array) == 0)
        return fail (error, value_path, "\"in\" needs at least one value");
      filter->n_values = json_array_get_length (array);
      filter->values = g_new0 (Value, filter->n_values);
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
  filter->values = g_new0 (Value, 1);
  if (!parse_scalar (member, value_path, &filter->values[0], error))
    return FALSE;
  if ((filter->op == OP_GTE || filter->op == OP_LTE) && filter->values[0].kind == VALUE_BOOLEAN)
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
  g_autofree char *category_path = g_strdup_printf ("%s.category", path);
  g_autofree char *where_path = g_strdup_printf ("%s.where", path);

  condition->at_least = 1;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "expected an object, got %s", node_kind (node));
  object = json_node_get_object (node);
  if (!check_members (object, path, known, error))
    return FALSE;

  member = json_object_get_member (object, "category");
  if (member == NULL)
    return fail (error, category_path, "missing");
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return fail (error, category_path, "expected a string, got %s", node_kind (member));
  if (*json_node_get_string (member) == '\0')
    return fail (error, category_path, "must not be empty");
  condition->category = g_strdup (json_node_get_string (member));
  condition->category_quark = g_quark_from_string (condition->category);

  member = json_object_get_member (object, "where");
  if (member != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        return fail (error, where_path, "expected an array, got %s", node_kind (member));
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
      fail (error, path, "expected an array of conditions, got %s", node_kind (node));
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

/* Everything parsed from one shopper's items is freed at once, so it comes from
 * a bump allocator rather than a malloc per member and string. */
#define ARENA_BLOCK 16384

static gpointer
arena_alloc (GhRuleItems *self,
             gsize        size)
{
  gpointer memory;

  size = (size + 7) & ~(gsize) 7;
  if (size > self->n_free)
    {
      gsize block = MAX (size, ARENA_BLOCK);

      self->free_space = g_malloc (block);
      self->n_free = block;
      g_ptr_array_add (self->blocks, self->free_space);
    }
  memory = self->free_space;
  self->free_space += size;
  self->n_free -= size;
  return memory;
}

static char *
arena_strndup (GhRuleItems *self,
               const char  *text,
               gsize        length)
{
  char *copy = arena_alloc (self, length + 1);

  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

static gpointer
arena_copy (GhRuleItems   *self,
            gconstpointer  data,
            gsize          size)
{
  gpointer copy = arena_alloc (self, MAX (size, 1));

  memcpy (copy, data, size);
  return copy;
}

/* Reading item attributes: a strict JSON reader (RFC 8259) that keeps the top
 * level object's members and the scalar members of its arrays, and checks the
 * rest only for validity. */

#define MAX_DEPTH 64

typedef struct {
  GhRuleItems *owner;
  const char  *p;
  int          depth;
} Reader;

static void
skip_space (Reader *reader)
{
  while (*reader->p == ' ' || *reader->p == '\t' || *reader->p == '\n' || *reader->p == '\r')
    reader->p++;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Reader   *reader,
           gunichar *out)
{
  *out = 0;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_digit (reader->p[i]);

      if (digit < 0)
        return FALSE;
      *out = (*out << 4) | (gunichar) digit;
    }
  reader->p += 4;
  return TRUE;
}

/* At the opening quote. Stores the string in the owner's chunk when @out is not NULL. */
static gboolean
read_string (Reader  *reader,
             char   **out)
{
  const char *start = ++reader->p;
  GString *text = NULL;
  guchar high = 0;

  for (;;)
    {
      guchar c = (guchar) *reader->p;

      if (c == '"')
        break;
      if (c < 0x20)
        return FALSE;  /* a control character, or the end of the text */
      if (c != '\\')
        {
          high |= c;
          reader->p++;
          continue;
        }
      /* An escape: from here on the string is built in the scratch buffer. */
      if (text == NULL)
        {
          text = reader->owner->scratch;
          g_string_truncate (text, 0);
        }
      g_string_append_len (text, start, reader->p - start);
      reader->p++;
      switch (*reader->p)
        {
        case '"': g_string_append_c (text, '"'); break;
        case '\\': g_string_append_c (text, '\\'); break;
        case '/': g_string_append_c (text, '/'); break;
        case 'b': g_string_append_c (text, '\b'); break;
        case 'f': g_string_append_c (text, '\f'); break;
        case 'n': g_string_append_c (text, '\n'); break;
        case 'r': g_string_append_c (text, '\r'); break;
        case 't': g_string_append_c (text, '\t'); break;
        case 'u':
          {
            gunichar code, low;

            reader->p++;
            if (!read_hex4 (reader, &code))
              return FALSE;
            if (code >= 0xD800 && code < 0xDC00)
              {
                if (reader->p[0] != '\\' || reader->p[1] != 'u')
                  return FALSE;
                reader->p += 2;
                if (!read_hex4 (reader, &low) || low < 0xDC00 || low > 0xDFFF)
                  return FALSE;
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
              }
            else if (code >= 0xDC00 && code <= 0xDFFF)
              return FALSE;
            if (code == 0)
              return FALSE;  /* would cut the C string short */
            g_string_append_unichar (text, code);
            start = reader->p;
            continue;
          }
        default:
          return FALSE;
        }
      start = ++reader->p;
    }

  if (text != NULL)
    g_string_append_len (text, start, reader->p - start);
  reader->p++;
  /* Plain ASCII needs no UTF-8 check; escapes only ever add valid UTF-8. */
  if ((high & 0x80) != 0 && (text != NULL ? !g_utf8_validate (text->str, text->len, NULL)
                                          : !g_utf8_validate (start, reader->p - 1 - start, NULL)))
    return FALSE;
  if (out != NULL)
    *out = text != NULL ? arena_strndup (reader->owner, text->str, text->len)
                        : arena_strndup (reader->owner, start, reader->p - 1 - start);
  return TRUE;
}

static gboolean
read_number (Reader *reader,
             double *out)
{
  const char *start = reader->p;
  const char *p = reader->p;

  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  /* Most attribute numbers are small integers: skip strtod's locale-independent copy. */
  if (p - start <= 15 && memchr (start, '.', p - start) == NULL &&
      memchr (start, 'e', p - start) == NULL && memchr (start, 'E', p - start) == NULL)
    {
      gint64 value = 0;

      for (const char *d = *start == '-' ? start + 1 : start; d < p; d++)
        value = value * 10 + (*d - '0');
      *out = *start == '-' ? (double) -value : (double) value;
    }
  else
    *out = g_ascii_strtod (start, NULL);
  reader->p = p;
  return TRUE;
}

static gboolean read_value (Reader *reader, Value *out, gboolean keep);

static gboolean
read_array (Reader  *reader,
            Value   *out,
            gboolean keep)
{
  GArray *elements = keep ? reader->owner->elements : NULL;

  /* Kept arrays hang directly off the top-level object and hold no kept arrays
   * themselves, so one scratch array serves them all. */
  if (keep)
    g_array_set_size (elements, 0);
  reader->p++;
  skip_space (reader);
  if (*reader->p != ']')
    for (;;)
      {
        Value element = { 0 };

        skip_space (reader);
        /* Only scalars inside a kept array matter ("contains"): deeper arrays are
         * checked, not kept. */
        if (!read_value (reader, &element, keep && *reader->p != '['))
          return FALSE;
        if (keep)
          g_array_append_val (elements, element);
        skip_space (reader);
        if (*reader->p == ']')
          break;
        if (*reader->p != ',')
          return FALSE;
        reader->p++;
      }
  reader->p++;
  out->kind = VALUE_ARRAY;
  if (keep && elements->len > 0)
    {
      out->n_elements = elements->len;
      out->elements = arena_copy (reader->owner, elements->data, sizeof (Value) * elements->len);
    }
  return TRUE;
}

/* At the opening brace. Keeps the members in @members when it is not NULL. */
static gboolean
read_object (Reader *reader,
             GArray *members)
{
  reader->p++;
  skip_space (reader);
  if (*reader->p == '}')
    {
      reader->p++;
      return TRUE;
    }
  for (;;)
    {
      Member member = { 0 };
      char *key = NULL;

      skip_space (reader);
      if (*reader->p != '"' || !read_string (reader, members != NULL ? &key : NULL))
        return FALSE;
      skip_space (reader);
      if (*reader->p != ':')
        return FALSE;
      reader->p++;
      skip_space (reader);
      if (!read_value (reader, &member.value, members != NULL))
        return FALSE;
      if (members != NULL)
        {
          member.key = key;
          g_array_append_val (members, member);
        }
      skip_space (reader);
      if (*reader->p == '}')
        break;
      if (*reader->p != ',')
        return FALSE;
      reader->p++;
    }
  reader->p++;
  return TRUE;
}

static gboolean
read_value (Reader   *reader,
            Value    *out,
            gboolean  keep)
{
  gboolean ok;

  switch (*reader->p)
    {
    case '"':
      out->kind = VALUE_STRING;
      return read_string (reader, keep ? &out->string : NULL);
    case 't':
      out->kind = VALUE_BOOLEAN;
      out->boolean = TRUE;
      return strncmp (reader->p, "true", 4) == 0 && (reader->p += 4);
    case 'f':
      out->kind = VALUE_BOOLEAN;
      return strncmp (reader->p, "false", 5) == 0 && (reader->p += 5);
    case 'n':
      out->kind = VALUE_NULL;
      return strncmp (reader->p, "null", 4) == 0 && (reader->p += 4);
    case '[':
    case '{':
      if (++reader->depth > MAX_DEPTH)
        return FALSE;
      if (*reader->p == '[')
        ok = read_array (reader, out, keep);
      else
        {
          out->kind = VALUE_OBJECT;
          ok = read_object (reader, NULL);
        }
      reader->depth--;
      return ok;
    default:
      out->kind = VALUE_NUMBER;
      return read_number (reader, &out->number);
    }
}

static void
entry_parse (GhRuleItems *self,
             Entry       *entry)
{
  GArray *members = self->members;
  Reader reader = { self, entry->item->attributes, 1 };

  entry->state = ATTRS_INVALID;
  g_array_set_size (members, 0);
  if (reader.p != NULL)
    {
      skip_space (&reader);
      if (*reader.p == '{')
        {
          if (read_object (&reader, members))
            {
              skip_space (&reader);
              if (*reader.p == '\0')
                entry->state = ATTRS_OBJECT;
            }
        }
    }
  if (entry->state == ATTRS_INVALID)
    {
      self->n_invalid++;
      return;
    }
  entry->n_members = members->len;
  entry->members = arena_copy (self, members->data, sizeof (Member) * members->len);
}

static const Value *
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
  self->blocks = g_ptr_array_new_with_free_func (g_free);
  self->members = g_array_sized_new (FALSE, TRUE, sizeof (Member), 16);
  self->elements = g_array_sized_new (FALSE, TRUE, sizeof (Value), 16);
  self->scratch = g_string_sized_new (64);

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
  g_ptr_array_unref (self->blocks);
  g_array_unref (self->members);
  g_array_unref (self->elements);
  g_string_free (self->scratch, TRUE);
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
value_equals (const Value *filter_value,
              const Value *value)
{
  if (filter_value->kind != value->kind)
    return FALSE;
  switch (value->kind)
    {
    case VALUE_STRING:
      return strcmp (filter_value->string, value->string) == 0;
    case VALUE_BOOLEAN:
      return !filter_value->boolean == !value->boolean;
    case VALUE_NUMBER:
      return filter_value->number == value->number;
    default:
      return FALSE;
    }
}

/* -1, 0, 1 like strcmp (value against operand); 2 when the two cannot be ordered. */
static int
value_compare (const Value *filter_value,
               const Value *value)
{
  if (filter_value->kind != value->kind)
    return 2;
  if (value->kind == VALUE_STRING)
    {
      int cmp = strcmp (value->string, filter_value->string);
      return (cmp > 0) - (cmp < 0);
    }
  if (value->kind == VALUE_NUMBER)
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
        return arena_strndup (self, folded, strlen (folded));
      }
  /* ASCII: casefolding is lowering. */
  lowered = arena_strndup (self, text, length);
  for (gsize i = 0; i < length; i++)
    lowered[i] = g_ascii_tolower (lowered[i]);
  return lowered;
}

/* @folded is the value's string casefolded, when the caller has it. */
static gboolean
filter_holds (const Filter *filter,
              const Value  *value,
              const char   *folded)
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
      if (value->kind == VALUE_ARRAY)
        {
          for (guint i = 0; i < value->n_elements; i++)
            if (value_equals (&filter->values[0], &value->elements[i]))
              return TRUE;
          return FALSE;
        }
      if (value->kind == VALUE_STRING && filter->values[0].kind == VALUE_STRING)
        return folded != NULL && strstr (folded, filter->values[0].folded) != NULL;
      return FALSE;
    default:
      g_assert_not_reached ();
    }
}

/* Evaluating */

static const Value **
group_column (GhRuleItems  *self,
              Group        *group,
              const Filter *filter)
{
  const Value **column;

  if (group->columns == NULL)
    group->columns = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  column = g_hash_table_lookup (group->columns, GUINT_TO_POINTER (filter->attribute_quark));
  if (column != NULL)
    return column;
  column = g_new0 (const Value *, MAX (group->n, 1));
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
group_folded (GhRuleItems   *self,
              Group         *group,
              const Filter  *filter,
              const Value  **column)
{
  char **folded;

  if (group->folded == NULL)
    group->folded = g_hash_table_new (NULL, NULL);
  folded = g_hash_table_lookup (group->folded, GUINT_TO_POINTER (filter->attribute_quark));
  if (folded != NULL)
    return folded;
  folded = arena_alloc (self, sizeof (char *) * MAX (group->n, 1));
  for (guint i = 0; i < group->n; i++)
    folded[i] = column[i] != NULL && column[i]->kind == VALUE_STRING
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
  const Value **column;
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
