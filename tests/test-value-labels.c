/* HQ's words for attribute values ("value_labels"): read from the demo config, looked
 * up per language with the usual fallback, used by the item summaries the kiosk shows
 * (segment labels, departments, channels, frequencies; product names untouched) and
 * by the data copy's "summary"; and the config's refusals, with their path.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "offers/gh-item-text.h"
#include "receipts/gh-receipt-private.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

static GhCatalog *
demo_catalog (char **text)
{
  g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                            "config.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *config = NULL;
  GhCatalog *catalog;

  g_assert_true (g_file_get_contents (path, &config, NULL, &error));
  bytes = g_bytes_new (config, strlen (config));
  catalog = gh_catalog_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  if (text != NULL)
    *text = config;
  else
    g_free (config);
  return catalog;
}

typedef struct {
  GhCatalog  *catalog;
  const char *language;
} Words;

static const char *
words_for (const char *attribute,
           const char *value,
           gpointer    user_data)
{
  Words *words = user_data;

  return gh_catalog_get_value_label (words->catalog, attribute, value, words->language);
}

static char *
summary (GhCatalog  *catalog,
         const char *language,
         const char *attributes)
{
  g_autoptr(GhDataItem) item = gh_test_data_item_new (1, "user.demographic.profile", attributes,
                                                      1700000000, 1);
  Words words = { catalog, language };
  GhItemTextFormat format = { NULL, NULL, &words, words_for };

  return gh_item_text_summary (item, &format);
}

static void
test_lookup (void)
{
  g_autofree char *config = NULL;
  g_autoptr(GhCatalog) catalog = demo_catalog (&config);

  g_assert_cmpstr (gh_catalog_get_value_label (catalog, "segment", "high_value", "de"), ==,
                   "Kunde mit hohem Umsatz");
  g_assert_cmpstr (gh_catalog_get_value_label (catalog, "segment", "high_value", "de-CH"), ==,
                   "Kunde mit hohem Umsatz");
  g_assert_cmpstr (gh_catalog_get_value_label (catalog, "frequency", "fortnightly", "fr"), ==,
                   "toutes les deux semaines");
  /* A language the config lacks falls back to its default. */
  g_assert_cmpstr (gh_catalog_get_value_label (catalog, "department", "womenswear", "it"), ==,
                   "womenswear");
  g_assert_null (gh_catalog_get_value_label (catalog, "segment", "nobody", "de"));
  g_assert_null (gh_catalog_get_value_label (catalog, "item", "Trail shoes", "de"));
  /* The demo's German says "vermutlich", as German does. */
  g_assert_null (strstr (config, "vermütlich"));
}

static void
test_summaries (void)
{
  g_autoptr(GhCatalog) catalog = demo_catalog (NULL);
  g_autofree char *segment = summary (catalog, "de",
      "{\"segment\":\"high_value\",\"label\":\"High-value customer\",\"confidence\":0.8}");
  g_autofree char *channel = summary (catalog, "de",
                                      "{\"channel\":\"email\",\"frequency\":\"fortnightly\"}");
  g_autofree char *bought = summary (catalog, "de",
      "{\"item\":\"Trail shoes\",\"department\":\"womenswear\",\"size\":\"one size\"}");
  g_autofree char *english = summary (catalog, "en",
                                      "{\"channel\":\"sms\",\"frequency\":\"weekly\"}");
  g_autofree char *unknown = summary (catalog, "de",
      "{\"segment\":\"vip_2031\",\"label\":\"VIP 2031\",\"confidence\":0.5}");

  g_assert_true (g_str_has_prefix (segment, "Kunde mit hohem Umsatz · "));
  g_assert_null (strstr (segment, "High-value"));
  g_assert_cmpstr (channel, ==, "E-Mail · alle zwei Wochen");
  /* Product names stay as the CRM holds them. */
  g_assert_true (g_str_has_prefix (bought, "Trail shoes · Damenmode · "));
  g_assert_nonnull (strstr (bought, "Einheitsgröße"));
  g_assert_cmpstr (english, ==, "text message · weekly");
  /* A value HQ has no words for is shown as the item holds it. */
  g_assert_true (g_str_has_prefix (unknown, "VIP 2031"));
}

static void
test_data_copy (void)
{
  g_autoptr(GhCatalog) catalog = demo_catalog (NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);
  g_autoptr(GPtrArray) consents = g_ptr_array_new ();
  g_autoptr(JsonNode) export = NULL;
  g_autofree char *text = NULL;
  GhCustomer customer = { 0 };

  customer.ref = (char *) "c-1";
  customer.loyalty_id = (char *) "4000000001";
  customer.display_name = (char *) "Test";
  g_ptr_array_add (items, gh_test_data_item_new (1, "user.contact.preferences",
                                                 "{\"channel\":\"post\",\"frequency\":\"monthly\"}",
                                                 1700000000, 3));
  export = _gh_receipt_build_export (catalog, &customer, items, consents, "es", 1700000000);
  text = json_to_string (export, FALSE);
  g_assert_nonnull (strstr (text, "\"summary\":\"correo postal · mensual\""));
  /* The values as held stay beside the words. */
  g_assert_nonnull (strstr (text, "\"channel\":\"post\""));
}

static void
test_refusals (void)
{
  static const GhTestBundleRefusal cases[] = {
    { "[]", "value_labels: expected" },
    { "{\"segment\":[]}", "value_labels.segment: expected" },
    { "{\"segment\":{\"x\":\"words\"}}", "value_labels.segment.x" },
    { "{\"segment\":{\"x\":{\"de\":\"Wörter\"}}}", "value_labels.segment.x" },
    { "{\"\":{}}", "value_labels: an attribute name must be" },
  };
  g_autofree char *config = gh_test_bundle_config (1);

  gh_test_bundle_assert_refusals (config, "value_labels", cases, G_N_ELEMENTS (cases));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/value-labels/lookup", test_lookup);
  g_test_add_func ("/value-labels/summaries", test_summaries);
  g_test_add_func ("/value-labels/data-copy", test_data_copy);
  g_test_add_func ("/value-labels/refusals", test_refusals);
  return g_test_run ();
}
