/* Tests for offer rules (app/gh-rule.c): strict parsing with precise JSON paths,
 * each operator, the time window, the count, the "because" items, and data
 * items with bad attributes that must not match and must not crash.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "offers/gh-rule.h"

#include "gh-test-utils.h"

#define DAY ((gint64) 86400)
#define NOW ((gint64) 1780000000)

static GhRule *
parse_rule (const char  *json,
            const char  *path,
            GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return gh_rule_parse (node, path, error);
}

static GhRule *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  GhRule *rule = parse_rule (json, "offers[0].rule", &error);

  g_assert_no_error (error);
  g_assert_nonnull (rule);
  return rule;
}

/* An item collected @age_days before NOW. */
#define make_item(id, category, attributes, age_days) \
  gh_test_data_item_new ((id), (category), (attributes), NOW, (age_days))

static GPtrArray *
new_items (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);
}

#define PURCHASE "user.behavior.purchase_history"

/* Whether @rule_json matches a shopper holding one item with @attributes. */
static gboolean
matches_one (const char *rule_json,
             const char *attributes)
{
  g_autoptr(GhRule) rule = parse_ok (rule_json);
  g_autoptr(GPtrArray) items = new_items ();

  g_ptr_array_add (items, make_item (1, PURCHASE, attributes, 1));
  return gh_rule_matches (rule, items, NOW, NULL);
}

static char *
filter_rule (const char *attribute,
             const char *op,
             const char *value)
{
  return g_strdup_printf ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": \"%s\", "
                          "\"op\": \"%s\", \"value\": %s}]}]", attribute, op, value);
}

static void
test_parse_errors (void)
{
  static const struct {
    const char *json;
    const char *message;
  } cases[] = {
    { "{}", "offers[3].rule: expected an array of conditions, got an object" },
    { "[]", "offers[3].rule: a rule needs at least one condition" },
    { "[42]", "offers[3].rule[0]: expected an object, got a number" },
    { "[{}]", "offers[3].rule[0].category: missing" },
    { "[{\"category\": 7}]", "offers[3].rule[0].category: expected a string, got a number" },
    { "[{\"category\": \"\"}]", "offers[3].rule[0].category: must not be empty" },
    { "[{\"category\": \"a\", \"within_day\": 3}]", "offers[3].rule[0].within_day: unknown field" },
    { "[{\"category\": \"a\", \"within_days\": 0}]",
      "offers[3].rule[0].within_days: 0 is out of range" },
    { "[{\"category\": \"a\", \"within_days\": 1.5}]",
      "offers[3].rule[0].within_days: expected an integer, got a number" },
    { "[{\"category\": \"a\", \"within_days\": \"30\"}]",
      "offers[3].rule[0].within_days: expected an integer, got a string" },
    { "[{\"category\": \"a\", \"at_least\": -2}]",
      "offers[3].rule[0].at_least: -2 is out of range" },
    { "[{\"category\": \"a\", \"where\": {}}]",
      "offers[3].rule[0].where: expected an array, got an object" },
    { "[{\"category\": \"a\"}, {\"category\": \"b\", \"where\": [{\"attribute\": \"x\", \"op\": "
      "\"equals\", "
      "\"value\": 1}, {\"attribute\": \"x\", \"op\": \"regex\", \"value\": \"r.*\"}]}]",
      "offers[3].rule[1].where[1].op: unknown operator \"regex\"" },
    { "[{\"category\": \"a\", \"where\": [{\"op\": \"equals\", \"value\": 1}]}]",
      "offers[3].rule[0].where[0].attribute: missing" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"value\": 1}]}]",
      "offers[3].rule[0].where[0].op: missing" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"equals\"}]}]",
      "offers[3].rule[0].where[0].value: missing" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"equals\", \"value\": "
      "null}]}]",
      "offers[3].rule[0].where[0].value: expected a string, number or boolean, got null" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"equals\", \"value\": "
      "[1]}]}]",
      "offers[3].rule[0].where[0].value: expected a string, number or boolean, got an array" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"in\", \"value\": "
      "\"a\"}]}]",
      "offers[3].rule[0].where[0].value: \"in\" needs an array, got a string" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"in\", \"value\": []}]}]",
      "offers[3].rule[0].where[0].value: \"in\" needs at least one value" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"in\", \"value\": "
      "[\"a\", {}]}]}]",
      "offers[3].rule[0].where[0].value[1]: expected a string, number or boolean, got an object" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"gte\", \"value\": "
      "true}]}]",
      "offers[3].rule[0].where[0].value: \"gte\" needs a number or a string, got a boolean" },
    { "[{\"category\": \"a\", \"where\": [{\"attribute\": \"x\", \"op\": \"equals\", \"value\": 1, "
      "\"negate\": true}]}]",
      "offers[3].rule[0].where[0].negate: unknown field" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhRule) rule = parse_rule (cases[i].json, "offers[3].rule", &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (rule);
      g_assert_error (error, GH_RULE_ERROR, GH_RULE_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, cases[i].message))
        gh_test_fail ("case %u: got \"%s\", expected \"%s...\"", i, error->message, cases[i].message);
    }
}

static void
test_parse_categories (void)
{
  g_autoptr(GhRule) rule = parse_ok ("[{\"category\": \"b\"}, {\"category\": \"a\"}, "
                                     "{\"category\": \"b\", \"at_least\": 2}]");
  const char * const *categories = gh_rule_get_categories (rule);
  g_autoptr(GhRule) plain = parse_ok ("[{\"category\": \"b\", \"within_days\": 30}]");
  g_autoptr(GhRule) filtered
      = parse_ok ("[{\"category\": \"b\", \"where\": [{\"attribute\": \"x\", "
                  "\"op\": \"lte\", \"value\": \"2026-01-01\"}]}]");

  g_assert_cmpuint (g_strv_length ((char **) categories), ==, 2);
  g_assert_cmpstr (categories[0], ==, "b");
  g_assert_cmpstr (categories[1], ==, "a");
  g_assert_false (gh_rule_reads_attributes (plain));
  g_assert_true (gh_rule_reads_attributes (filtered));
  g_assert_true (gh_rule_ref (rule) == rule);
  gh_rule_unref (rule);
}

/* One filter of an op and the attributes of the one item it is tried on. */
typedef struct {
  const char *attribute;
  const char *op;
  const char *value;       /* JSON */
  const char *attributes;  /* the item's, JSON */
  gboolean    matches;
} OpCase;

static const OpCase op_equals[] = {
  { "department", "equals", "\"running\"", "{\"department\": \"running\"}", TRUE },
  { "department", "equals", "\"running\"", "{\"department\": \"Running\"}", FALSE },
  { "department", "equals", "\"running\"", "{\"department\": \"running shoes\"}", FALSE },
  { "amount", "equals", "120", "{\"amount\": 120}", TRUE },
  { "amount", "equals", "120", "{\"amount\": 120.0}", TRUE },
  { "amount", "equals", "120", "{\"amount\": 120.5}", FALSE },
  { "amount", "equals", "120", "{\"amount\": \"120\"}", FALSE },
  { "consumable", "equals", "true", "{\"consumable\": true}", TRUE },
  { "consumable", "equals", "true", "{\"consumable\": false}", FALSE },
  { "consumable", "equals", "true", "{\"consumable\": 1}", FALSE },
  { "consumable", "equals", "true", "{\"consumable\": null}", FALSE },
  { NULL }
};

static const OpCase op_in[] = {
  { "department", "in", "[\"running\", \"outdoor\", 3]", "{\"department\": \"running\"}", TRUE },
  { "department", "in", "[\"running\", \"outdoor\", 3]", "{\"department\": \"outdoor\"}", TRUE },
  { "department", "in", "[\"running\", \"outdoor\", 3]", "{\"department\": 3}", TRUE },
  { "department", "in", "[\"running\", \"outdoor\", 3]", "{\"department\": \"kids\"}", FALSE },
  { "department", "in", "[\"running\", \"outdoor\", 3]", "{\"department\": [\"running\"]}", FALSE },
  { NULL }
};

static const OpCase op_gte_lte[] = {
  { "amount", "gte", "100", "{\"amount\": 100}", TRUE },
  { "amount", "gte", "100", "{\"amount\": 100.01}", TRUE },
  { "amount", "gte", "100", "{\"amount\": 99.99}", FALSE },
  { "amount", "gte", "100", "{\"amount\": \"150\"}", FALSE },
  { "amount", "lte", "100", "{\"amount\": 100}", TRUE },
  { "amount", "lte", "100", "{\"amount\": -5}", TRUE },
  { "amount", "lte", "100", "{\"amount\": 100.5}", FALSE },
  { "amount", "lte", "100", "{\"amount\": true}", FALSE },
  /* ISO dates order as text. */
  { "date", "gte", "\"2026-03-01\"", "{\"date\": \"2026-03-01\"}", TRUE },
  { "date", "gte", "\"2026-03-01\"", "{\"date\": \"2026-11-30\"}", TRUE },
  { "date", "gte", "\"2026-03-01\"", "{\"date\": \"2025-12-31\"}", FALSE },
  { "date", "gte", "\"2026-03-01\"", "{\"date\": 20260301}", FALSE },
  { NULL }
};

static const OpCase op_contains[] = {
  { "item", "contains", "\"Trail\"", "{\"item\": \"Trail running shoes\"}", TRUE },
  { "item", "contains", "\"Trail\"", "{\"item\": \"ULTRA TRAIL vest\"}", TRUE },
  { "item", "contains", "\"Trail\"", "{\"item\": \"Sentier trail\"}", TRUE },
  { "item", "contains", "\"Trail\"", "{\"item\": \"Road shoes\"}", FALSE },
  { "item", "contains", "\"Trail\"", "{\"item\": 12}", FALSE },
  { "tags", "contains", "\"gore-tex\"", "{\"tags\": [\"waterproof\", \"gore-tex\"]}", TRUE },
  { "tags", "contains", "\"gore-tex\"",
    "{\"tags\": [\"waterproof\", \"Gore-Tex lining\"]}", FALSE },
  { "tags", "contains", "\"gore-tex\"", "{\"tags\": []}", FALSE },
  { "sizes", "contains", "42", "{\"sizes\": [41, 42]}", TRUE },
  { "sizes", "contains", "42", "{\"sizes\": \"42\"}", FALSE },
  /* Non-ASCII text folds too. */
  { "item", "contains", "\"ÜBER\"", "{\"item\": \"Überjacke\"}", TRUE },
  { NULL }
};

static void
test_op (gconstpointer data)
{
  for (const OpCase *c = data; c->attribute != NULL; c++)
    {
      g_autofree char *rule = filter_rule (c->attribute, c->op, c->value);

      if (!matches_one (rule, c->attributes) != !c->matches)
        gh_test_fail ("%s %s %s on %s: expected %s", c->attribute, c->op, c->value,
                      c->attributes, c->matches ? "a match" : "no match");
    }
}

static void
test_several_filters (void)
{
  g_autoptr(GhRule) rule = parse_ok (
    "[{\"category\": \"" PURCHASE "\", \"where\": ["
    "  {\"attribute\": \"department\", \"op\": \"equals\", \"value\": \"running\"},"
    "  {\"attribute\": \"amount\", \"op\": \"gte\", \"value\": 50}]}]");
  g_autoptr(GPtrArray) items = new_items ();

  g_ptr_array_add (items,
                   make_item (1, PURCHASE, "{\"department\": \"running\", \"amount\": 20}", 1));
  g_ptr_array_add (items, make_item (2, PURCHASE, "{\"department\": \"kids\", \"amount\": 80}", 1));
  g_assert_false (gh_rule_matches (rule, items, NOW, NULL));
  g_ptr_array_add (items,
                   make_item (3, PURCHASE, "{\"department\": \"running\", \"amount\": 80}", 1));
  g_assert_true (gh_rule_matches (rule, items, NOW, NULL));
}

static void
test_window (void)
{
  g_autoptr(GhRule) rule = parse_ok ("[{\"category\": \"" PURCHASE "\", \"within_days\": 30}]");
  g_autoptr(GPtrArray) items = new_items ();
  GhDataItem *edge;

  g_ptr_array_add (items, make_item (1, PURCHASE, "{}", 31));
  g_assert_false (gh_rule_matches (rule, items, NOW, NULL));
  /* Exactly 30 days ago is still inside the window; one second earlier is not. */
  edge = make_item (2, PURCHASE, "{}", 30);
  edge->collected_at -= 1;
  g_ptr_array_add (items, edge);
  g_assert_false (gh_rule_matches (rule, items, NOW, NULL));
  edge->collected_at += 1;
  g_assert_true (gh_rule_matches (rule, items, NOW, NULL));
}

static void
test_count (void)
{
  g_autoptr(GhRule) rule
      = parse_ok ("[{\"category\": \"" PURCHASE "\", \"within_days\": 90, \"at_least\": 3, "
                  "\"where\": [{\"attribute\": \"consumable\", \"op\": \"equals\", "
                  "\"value\": true}]}]");
  g_autoptr(GPtrArray) items = new_items ();
  g_autoptr(GPtrArray) because = g_ptr_array_new ();

  g_ptr_array_add (items, make_item (1, PURCHASE, "{\"consumable\": true}", 10));
  g_ptr_array_add (items, make_item (2, PURCHASE, "{\"consumable\": true}", 20));
  g_ptr_array_add (items, make_item (3, PURCHASE, "{\"consumable\": false}", 5));
  g_ptr_array_add (items, make_item (4, PURCHASE, "{\"consumable\": true}", 200));
  g_assert_false (gh_rule_matches (rule, items, NOW, because));
  g_assert_cmpuint (because->len, ==, 0);
  g_ptr_array_add (items, make_item (5, PURCHASE, "{\"consumable\": true}", 60));
  g_ptr_array_add (items, make_item (6, PURCHASE, "{\"consumable\": true}", 80));
  g_assert_true (gh_rule_matches (rule, items, NOW, because));
  /* Every item that counts is a reason, not only the first three. */
  g_assert_cmpuint (because->len, ==, 4);
  g_assert_cmpint (((GhDataItem *) because->pdata[0])->id, ==, 1);
  g_assert_cmpint (((GhDataItem *) because->pdata[1])->id, ==, 2);
  g_assert_cmpint (((GhDataItem *) because->pdata[2])->id, ==, 5);
  g_assert_cmpint (((GhDataItem *) because->pdata[3])->id, ==, 6);
}

static void
test_all_conditions (void)
{
  g_autoptr(GhRule) rule = parse_ok (
    "[{\"category\": \"user.preference.wishlist\", \"where\": [{\"attribute\": \"in_stock\", "
    "   \"op\": \"equals\", \"value\": true}]},"
    " {\"category\": \"user.preference.sizes\"},"
    " {\"category\": \"user.preference.wishlist\"}]");
  g_autoptr(GPtrArray) items = new_items ();
  g_autoptr(GPtrArray) because = g_ptr_array_new ();

  g_ptr_array_add (items, make_item (1, "user.preference.wishlist", "{\"in_stock\": true}", 3));
  g_assert_false (gh_rule_matches (rule, items, NOW, because));
  g_ptr_array_add (items, make_item (2, "user.preference.wishlist", "{\"in_stock\": false}", 3));
  g_ptr_array_add (items, make_item (3, "user.preference.sizes", "{\"kind\": \"shoe\"}", 3));
  g_assert_true (gh_rule_matches (rule, items, NOW, because));
  /* Item 1 satisfies two conditions but is one reason. */
  g_assert_cmpuint (because->len, ==, 3);
  g_assert_cmpint (((GhDataItem *) because->pdata[0])->id, ==, 1);
  g_assert_cmpint (((GhDataItem *) because->pdata[1])->id, ==, 3);
  g_assert_cmpint (((GhDataItem *) because->pdata[2])->id, ==, 2);
}

static void
test_retention (void)
{
  g_autoptr(GhRule) rule = parse_ok ("[{\"category\": \"" PURCHASE "\"}]");
  g_autoptr(GPtrArray) items = new_items ();
  GhDataItem *item = make_item (1, PURCHASE, "{}", 400);

  g_ptr_array_add (items, item);
  item->retained_until = NOW - 1;
  g_assert_false (gh_rule_matches (rule, items, NOW, NULL));
  item->retained_until = 0;
  g_assert_true (gh_rule_matches (rule, items, NOW, NULL));
}

static void
test_bad_attributes (void)
{
  static const char *bad[] = {
    "not json at all",
    "{\"department\": ",
    "[\"running\"]",
    "\"running\"",
    "null",
    "42",
    "",
    "{\"department\": \"running\"} trailing",
    "{\"Department\": \"running\"}",
    "{\"department\": null}",
    "{\"department\": {\"name\": \"running\"}}",
  };
  g_autoptr(GhRule) filtered
      = parse_ok ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": "
                  "\"department\", \"op\": \"equals\", \"value\": \"running\"}]}]");
  g_autoptr(GhRule) other
      = parse_ok ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": "
                  "\"item\", \"op\": \"contains\", \"value\": \"shoe\"}]}]");
  g_autoptr(GhRule) unfiltered = parse_ok ("[{\"category\": \"" PURCHASE "\"}]");
  g_autoptr(GPtrArray) items = new_items ();
  g_autoptr(GhRuleItems) prepared = NULL;
  GhDataItem *null_attributes;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_ptr_array_add (items, make_item (i, PURCHASE, bad[i], 1));
  null_attributes = make_item (99, PURCHASE, NULL, 1);
  g_ptr_array_add (items, null_attributes);

  prepared = gh_rule_items_new (items);
  g_assert_false (gh_rule_evaluate (filtered, prepared, NOW, NULL));
  g_assert_false (gh_rule_evaluate (other, prepared, NOW, NULL));
  g_assert_false (gh_rule_evaluate (filtered, prepared, NOW, NULL));
  /* Eight texts are not a JSON object, plus the missing text; each is parsed
   * once however many rules read it. */
  g_assert_cmpuint (gh_rule_items_get_n_invalid (prepared), ==, 9);
  g_assert_cmpuint (gh_rule_items_get_n_missing (prepared), >=, 4);
  /* A condition without filters does not look at attributes at all. */
  g_assert_true (gh_rule_evaluate (unfiltered, prepared, NOW, NULL));
}

/* The attributes reader is strict JSON: what it accepts and what it refuses. */
static void
test_attribute_syntax (void)
{
  static const struct {
    const char *attributes;
    const char *op;
    const char *value;
    gboolean    matches;
  } cases[] = {
    { "{\"a\": \"x\\\"y\"}", "equals", "\"x\\\"y\"", TRUE },
    { "{\"a\": \"\\u00fcber\"}", "equals", "\"über\"", TRUE },
    { "{\"a\": \"\\ud83c\\udfc3 run\"}", "equals", "\"\xf0\x9f\x8f\x83 run\"", TRUE },
    { "{\"a\": \"tab\\there\\n\"}", "equals", "\"tab\\there\\n\"", TRUE },
    { "{\"a\": \"a\\/b\"}", "equals", "\"a/b\"", TRUE },
    { "{\"a\": 1e2}", "equals", "100", TRUE },
    { "{\"a\": -0.5}", "lte", "0", TRUE },
    { "{\"a\": -12}", "lte", "-11", TRUE },
    { "{\"a\": 12345678901234567}", "gte", "1e16", TRUE },
    { "{\"a\": 0}", "equals", "0", TRUE },
    { " \n{ \"a\" :\t\"x\" } \r\n", "equals", "\"x\"", TRUE },
    { "{\"b\": {\"a\": \"y\", \"c\": [1, {\"d\": []}]}, \"a\": \"x\"}", "equals", "\"x\"", TRUE },
    { "{\"a\": 1, \"a\": 2}", "equals", "2", TRUE },
    { "{\"a\": 1, \"a\": 2}", "equals", "1", FALSE },
    { "{\"a\": [[1], 2, \"x\", true]}", "contains", "2", TRUE },
    { "{\"a\": [[1], 2, \"x\", true]}", "contains", "1", FALSE },
    { "{\"a\": [[1], 2, \"x\", true]}", "contains", "true", TRUE },
    { "{\"a\": {\"x\": 1}}", "contains", "\"x\"", FALSE },
    /* Refused: not JSON, so nothing matches. */
    { "{\"a\": 01}", "equals", "1", FALSE },
    { "{\"a\": 1.}", "equals", "1", FALSE },
    { "{\"a\": .5}", "equals", "0.5", FALSE },
    { "{\"a\": +1}", "equals", "1", FALSE },
    { "{\"a\": 1e}", "equals", "1", FALSE },
    { "{'a': 1}", "equals", "1", FALSE },
    { "{a: 1}", "equals", "1", FALSE },
    { "{\"a\": 1,}", "equals", "1", FALSE },
    { "{\"a\": [1,]}", "contains", "1", FALSE },
    { "{\"a\": 1 \"b\": 2}", "equals", "1", FALSE },
    { "{\"a\": tru}", "equals", "true", FALSE },
    { "{\"a\": True}", "equals", "true", FALSE },
    { "{\"a\": \"\\x41\"}", "equals", "\"A\"", FALSE },
    { "{\"a\": \"\\ud800\"}", "contains", "\"\"", FALSE },
    { "{\"a\": \"\\udc00x\"}", "contains", "\"x\"", FALSE },
    { "{\"a\": \"\\u0000\"}", "contains", "\"\"", FALSE },
    { "{\"a\": \"raw\ttab\"}", "contains", "\"raw\"", FALSE },
    { "{\"a\": \"bad \xc3\x28 utf-8\"}", "contains", "\"bad\"", FALSE },
    { "{\"a\": \"unterminated}", "contains", "\"u\"", FALSE },
    { "{\"a\": 1} {}", "equals", "1", FALSE },
    { "{\"a\": 1}}", "equals", "1", FALSE },
    { "{\"a\": 1", "equals", "1", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rule
          = g_strdup_printf ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": "
                             "\"a\", \"op\": \"%s\", \"value\": %s}]}]",
                             cases[i].op, cases[i].value);

      g_autofree char *printable = g_strescape (cases[i].attributes, NULL);

      g_test_message ("case %u: %s", i, printable);
      g_assert_cmpint (matches_one (rule, cases[i].attributes), ==, cases[i].matches);
    }
}

/* Nesting deeper than the reader allows is refused without exhausting the stack. */
static void
test_attribute_depth (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"a\": \"x\", \"b\": ");
  g_autoptr(GString) shallow = g_string_new ("{\"a\": \"x\", \"b\": ");
  const char *rule = "[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": \"a\", \"op\": "
                     "\"equals\", \"value\": \"x\"}]}]";

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  g_assert_false (matches_one (rule, deep->str));

  for (guint i = 0; i < 30; i++)
    g_string_append_c (shallow, '[');
  for (guint i = 0; i < 30; i++)
    g_string_append_c (shallow, ']');
  g_string_append_c (shallow, '}');
  g_assert_true (matches_one (rule, shallow->str));
}

/* Many rules over the same items share filter answers; sharing must not mix up
 * different filters or outlive a rule. */
static void
test_shared_answers (void)
{
  g_autoptr(GPtrArray) items = new_items ();
  g_autoptr(GhRuleItems) prepared = NULL;
  g_autoptr(GPtrArray) because = g_ptr_array_new ();
  GhRule *first;
  g_autoptr(GhRule) same
      = parse_ok ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": "
                  "\"amount\", \"op\": \"gte\", \"value\": 50}]}]");
  g_autoptr(GhRule) other
      = parse_ok ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": "
                  "\"amount\", \"op\": \"gte\", \"value\": 50.5}]}]");
  g_autoptr(GhRule) lte = parse_ok ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": "
                                    "\"amount\", \"op\": \"lte\", \"value\": 50}]}]");

  g_ptr_array_add (items, make_item (1, PURCHASE, "{\"amount\": 50}", 1));
  g_ptr_array_add (items, make_item (2, PURCHASE, "{\"amount\": 10}", 2));
  prepared = gh_rule_items_new (items);

  first = parse_ok ("[{\"category\": \"" PURCHASE "\", \"where\": [{\"attribute\": "
                    "\"amount\", \"op\": \"gte\", \"value\": 50}]}]");
  g_assert_true (gh_rule_evaluate (first, prepared, NOW, NULL));
  gh_rule_unref (first);
  g_assert_true (gh_rule_evaluate (same, prepared, NOW, because));
  g_assert_cmpuint (because->len, ==, 1);
  g_assert_false (gh_rule_evaluate (other, prepared, NOW, NULL));
  g_ptr_array_set_size (because, 0);
  g_assert_true (gh_rule_evaluate (lte, prepared, NOW, because));
  g_assert_cmpuint (because->len, ==, 2);
  /* Newest first. */
  g_assert_cmpint (((GhDataItem *) because->pdata[0])->id, ==, 1);
}

static void
test_no_items (void)
{
  g_autoptr(GhRule) rule = parse_ok ("[{\"category\": \"" PURCHASE "\"}]");
  g_autoptr(GPtrArray) items = new_items ();
  g_autoptr(GPtrArray) because = g_ptr_array_new ();

  g_assert_false (gh_rule_matches (rule, items, NOW, because));
  g_ptr_array_add (items, make_item (1, "user.preference.sizes", "{}", 1));
  g_assert_false (gh_rule_matches (rule, items, NOW, because));
  g_assert_cmpuint (because->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rule/parse/errors", test_parse_errors);
  g_test_add_func ("/rule/parse/categories", test_parse_categories);
  g_test_add_data_func ("/rule/op/equals", op_equals, test_op);
  g_test_add_data_func ("/rule/op/in", op_in, test_op);
  g_test_add_data_func ("/rule/op/gte-lte", op_gte_lte, test_op);
  g_test_add_data_func ("/rule/op/contains", op_contains, test_op);
  g_test_add_func ("/rule/several-filters", test_several_filters);
  g_test_add_func ("/rule/window", test_window);
  g_test_add_func ("/rule/count", test_count);
  g_test_add_func ("/rule/all-conditions", test_all_conditions);
  g_test_add_func ("/rule/retention", test_retention);
  g_test_add_func ("/rule/bad-attributes", test_bad_attributes);
  g_test_add_func ("/rule/no-items", test_no_items);
  g_test_add_func ("/rule/attributes/syntax", test_attribute_syntax);
  g_test_add_func ("/rule/attributes/depth", test_attribute_depth);
  g_test_add_func ("/rule/shared-answers", test_shared_answers);

  return g_test_run ();
}
