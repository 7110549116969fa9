/* The demo-shopper generator's inputs: data/demo/shoppers.json (compiled in
 * as a GResource) parsed and checked once per process into names, products,
 * stores, sizes and segment labels, with every string the generator writes
 * into JSON already escaped.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-demo"
#include "config.h"

#include "demo/gh-demo-private.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gh-demo-resources.h"

void
_gh_demo_append_json_escaped (GString    *out,
                              const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
}

static char *
json_escaped (const char *text)
{
  GString *out = g_string_new (NULL);
  _gh_demo_append_json_escaped (out, text);
  return g_string_free (out, FALSE);
}

static char *
ascii_slug (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  GString *out = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static gboolean
inputs_fail (GError    **error,
             const char *path,
             const char *why)
{
  g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INPUTS,
               "data/demo/shoppers.json: %s: %s", path, why);
  return FALSE;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name,
              guint       min_length)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  if (json_array_get_length (json_node_get_array (node)) < min_length)
    return NULL;
  return json_node_get_array (node);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static GPtrArray *
string_list (JsonArray *array,
             gboolean   escape)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *text = json_array_get_string_element (array, i);
      if (text == NULL)
        {
          g_ptr_array_unref (list);
          return NULL;
        }
      g_ptr_array_add (list, escape ? json_escaped (text) : g_strdup (text));
    }
  return list;
}

static GArray *
name_list (JsonArray *array)
{
  GArray *names;

  if (array == NULL)
    return NULL;
  names = g_array_new (FALSE, FALSE, sizeof (GhDemoName));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *text = json_array_get_string_element (array, i);
      GhDemoName name;

      if (text == NULL || *text == '\0')
        {
          g_array_unref (names);
          return NULL;
        }
      name.plain = g_strdup (text);
      name.json = json_escaped (text);
      name.ascii = ascii_slug (text);
      g_array_append_val (names, name);
      if (*name.ascii == '\0')
        {
          /* e-mail addresses are made from it */
          g_array_unref (names);
          return NULL;
        }
    }
  return names;
}

static gboolean
load_countries (GhDemoInputs *inputs,
                JsonObject   *root,
                GError      **error)
{
  JsonArray *countries = member_array (root, "countries", 1);

  if (countries == NULL)
    return inputs_fail (error, "countries", "missing or empty");
  inputs->countries = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (countries); i++)
    {
      JsonObject *object = json_array_get_object_element (countries, i);
      g_autofree char *path = g_strdup_printf ("countries[%u]", i);
      GhDemoCountry *country;
      JsonArray *domains;

      if (object == NULL)
        return inputs_fail (error, path, "not an object");
      country = g_new0 (GhDemoCountry, 1);
      g_ptr_array_add (inputs->countries, country);
      country->code = g_strdup (member_string (object, "code"));
      country->phone = g_strdup (member_string (object, "phone"));
      country->postcode = g_strdup (member_string (object, "postcode"));
      country->weight = json_object_get_int_member_with_default (object, "weight", 0);
      domains = member_array (object, "email_domains", 1);
      country->domains = domains != NULL ? string_list (domains, TRUE) : NULL;
      country->female = name_list (member_array (object, "female", 1));
      country->male = name_list (member_array (object, "male", 1));
      country->surnames = name_list (member_array (object, "surnames", 1));
      if (country->code == NULL || country->phone == NULL || country->postcode == NULL ||
          country->weight == 0 || country->domains == NULL || country->female == NULL ||
          country->male == NULL || country->surnames == NULL)
        return inputs_fail (error, path,
                            "needs code, weight > 0, phone, postcode, email_domains, female, male "
                            "and surnames (names with at least one Latin letter)");
      inputs->total_weight += country->weight;
    }
  return TRUE;
}

static gboolean
load_departments (GhDemoInputs *inputs,
                  JsonObject   *root,
                  GError      **error)
{
  JsonArray *departments = member_array (root, "departments", N_DEPTS);

  if (departments == NULL)
    return inputs_fail (error, "departments", "missing or incomplete");
  for (guint i = 0; i < json_array_get_length (departments); i++)
    {
      JsonObject *object = json_array_get_object_element (departments, i);
      g_autofree char *path = g_strdup_printf ("departments[%u]", i);
      const char *id = object != NULL ? member_string (object, "id") : NULL;
      JsonArray *products = object != NULL ? member_array (object, "products", 1) : NULL;
      guint d;

      for (d = 0; d < N_DEPTS; d++)
        if (g_strcmp0 (id, _gh_demo_department_ids[d]) == 0)
          break;
      if (d == N_DEPTS || products == NULL || inputs->departments[d].products != NULL)
        return inputs_fail (error, path, "needs a known, unrepeated id and products");
      inputs->departments[d].products = g_array_new (FALSE, FALSE, sizeof (GhDemoProduct));
      for (guint p = 0; p < json_array_get_length (products); p++)
        {
          JsonObject *product = json_array_get_object_element (products, p);
          g_autofree char *product_path = g_strdup_printf ("%s.products[%u]", path, p);
          const char *item = product != NULL ? member_string (product, "item") : NULL;
          const char *sku = product != NULL ? member_string (product, "sku") : NULL;
          JsonArray *price = product != NULL ? member_array (product, "price", 2) : NULL;
          const char *size = product != NULL ? member_string (product, "size") : NULL;
          GString *json;
          GhDemoProduct entry = { 0 };

          if (item == NULL || sku == NULL || price == NULL)
            return inputs_fail (error, product_path, "needs item, sku and price [low, high]");
          entry.price_low = json_array_get_int_element (price, 0);
          entry.price_high = json_array_get_int_element (price, 1);
          if (entry.price_low < 1 || entry.price_high < entry.price_low)
            return inputs_fail (error, product_path,
                                "price must be [low, high] with 1 <= low <= high");
          entry.consumable = json_object_get_boolean_member_with_default (product, "consumable",
                                                                          FALSE);
          if (size == NULL)
            entry.size = SIZE_NONE;
          else if (g_str_equal (size, "shoe"))
            entry.size = SIZE_SHOE;
          else if (g_str_equal (size, "clothing"))
            entry.size = SIZE_CLOTHING;
          else
            return inputs_fail (error, product_path, "size must be \"shoe\" or \"clothing\"");
          json = g_string_new ("\"item\":\"");
          _gh_demo_append_json_escaped (json, item);
          g_string_append (json, "\",\"sku\":\"");
          _gh_demo_append_json_escaped (json, sku);
          g_string_append_c (json, '"');
          entry.item_json = g_string_free (json, FALSE);
          g_array_append_val (inputs->departments[d].products, entry);
        }
    }
  for (guint d = 0; d < N_DEPTS; d++)
    if (inputs->departments[d].products == NULL)
      return inputs_fail (error, "departments", "a department is missing");
  return TRUE;
}

static gboolean
load_rest (GhDemoInputs *inputs,
           JsonObject   *root,
           GError      **error)
{
  JsonArray *stores = member_array (root, "stores", 1);
  JsonArray *segments = member_array (root, "segments", N_SEGMENTS);
  JsonArray *array;
  JsonObject *shoes;

  if ((inputs->currency = g_strdup (member_string (root, "currency"))) == NULL)
    return inputs_fail (error, "currency", "missing");
  if (stores == NULL || json_array_get_length (stores) > G_N_ELEMENTS (inputs->store_ids))
    return inputs_fail (error, "stores", "needs 1 to 8 stores");
  for (guint i = 0; i < json_array_get_length (stores); i++)
    {
      JsonObject *store = json_array_get_object_element (stores, i);
      const char *id = store != NULL ? member_string (store, "id") : NULL;
      const char *name = store != NULL ? member_string (store, "name") : NULL;

      if (id == NULL || name == NULL)
        return inputs_fail (error, "stores", "each needs id and name");
      inputs->store_ids[i] = json_escaped (id);
      inputs->store_names[i] = json_escaped (name);
      inputs->n_stores++;
    }

  if ((array = member_array (root, "clothing_sizes", 1)) == NULL ||
      (inputs->clothing_sizes = string_list (array, TRUE)) == NULL)
    return inputs_fail (error, "clothing_sizes", "needs strings");
  if ((array = member_array (root, "frequencies", 1)) == NULL ||
      (inputs->frequencies = string_list (array, TRUE)) == NULL)
    return inputs_fail (error, "frequencies", "needs strings");
  if ((array = member_array (root, "household_partners", 1)) == NULL ||
      (inputs->partners = string_list (array, TRUE)) == NULL)
    return inputs_fail (error, "household_partners", "needs strings");

  shoes = json_object_get_object_member (root, "shoe_sizes");
  if (shoes == NULL || member_array (shoes, "female", 2) == NULL ||
      member_array (shoes, "male", 2) == NULL)
    return inputs_fail (error, "shoe_sizes", "needs female and male [smallest, largest]");
  for (guint i = 0; i < 2; i++)
    {
      inputs->shoe_female[i] = json_array_get_int_element (member_array (shoes, "female", 2), i);
      inputs->shoe_male[i] = json_array_get_int_element (member_array (shoes, "male", 2), i);
    }
  if (inputs->shoe_female[1] < inputs->shoe_female[0] ||
      inputs->shoe_male[1] < inputs->shoe_male[0])
    return inputs_fail (error, "shoe_sizes", "smallest must not exceed largest");

  if (segments == NULL)
    return inputs_fail (error, "segments", "missing or incomplete");
  for (guint i = 0; i < json_array_get_length (segments); i++)
    {
      JsonObject *segment = json_array_get_object_element (segments, i);
      const char *id = segment != NULL ? member_string (segment, "id") : NULL;
      const char *label = segment != NULL ? member_string (segment, "label") : NULL;
      guint s;

      for (s = 0; s < N_SEGMENTS; s++)
        if (g_strcmp0 (id, _gh_demo_segment_ids[s]) == 0)
          break;
      if (s == N_SEGMENTS || label == NULL || inputs->segment_labels[s] != NULL)
        return inputs_fail (error, "segments", "each needs a known, unrepeated id and a label");
      inputs->segment_labels[s] = json_escaped (label);
    }
  for (guint s = 0; s < N_SEGMENTS; s++)
    if (inputs->segment_labels[s] == NULL)
      return inputs_fail (error, "segments", "a segment the generator infers has no label");
  return TRUE;
}

const GhDemoInputs *
_gh_demo_get_inputs (GError **error)
{
  static GMutex lock;
  static GhDemoInputs *loaded;
  static char *load_error;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  GhDemoInputs *inputs;
  JsonNode *root;

  if (loaded != NULL)
    return loaded;
  if (load_error != NULL)
    {
      g_set_error_literal (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INPUTS, load_error);
      return NULL;
    }

  bytes = g_resource_lookup_data (gh_demo_get_resource (), "/org/glasshouse/demo/shoppers.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  parser = json_parser_new_immutable ();
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   &local_error))
    {
      load_error = g_strdup_printf ("data/demo/shoppers.json: %s", local_error->message);
      g_set_error_literal (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INPUTS, load_error);
      return NULL;
    }
  root = json_parser_get_root (parser);
  inputs = g_new0 (GhDemoInputs, 1);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    inputs_fail (&local_error, "(root)", "not an object");
  else if (load_countries (inputs, json_node_get_object (root), &local_error) &&
           load_departments (inputs, json_node_get_object (root), &local_error))
    load_rest (inputs, json_node_get_object (root), &local_error);
  if (local_error != NULL)
    {
      /* A half-loaded GhDemoInputs is leaked on purpose: this is a build defect, reported once. */
      load_error = g_strdup (local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  loaded = inputs;
  return loaded;
}
