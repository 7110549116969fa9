/* Test helpers for configs and bundles; see gh-test-bundle.h. Bad bundles are
 * made by editing a known-good config at one JSON path, so each test changes
 * exactly the thing it is about.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "config/gh-bundle.h"
#include "config/gh-catalog.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

char *
gh_test_bundle_config (gint64 version)
{
  return gh_test_data_config ("bundle-config.json", version);
}

char *
gh_test_bundle_big_config (gint64 version,
                           guint  n_categories,
                           guint  n_offers)
{
  GString *out = g_string_new (NULL);
  const guint n_purposes = 30;

  g_string_append_printf (out,
      "{\"format\":\"glasshouse-config/1\",\"version\":%" G_GINT64_FORMAT ","
      "\"issued_at\":\"2025-06-01T09:00:00Z\",\"expires_at\":\"2099-01-01T00:00:00Z\","
      "\"stores\":[\"*\"],\"languages\":[\"en\",\"de\"],"
      "\"controller\":{\"name\":\"Example Retail Ltd\",\"policy_url\":\"https://example.org/privacy\","
      "\"jurisdiction\":\"EU\"},\"data_categories\":[", version);
  for (guint i = 0; i < n_categories; i++)
    g_string_append_printf (out, "%s{\"id\":\"user.generated.c%u\",\"title\":{\"en\":\"Category %u\","
                            "\"de\":\"Kategorie %u\"},\"description\":{\"en\":\"Generated category %u "
                            "for measuring\"},\"retention_days\":%u}",
                            i ? "," : "", i, i, i, i, 30 + i);
  g_string_append (out, "],\"purposes\":[");
  for (guint p = 0; p < n_purposes; p++)
    {
      g_string_append_printf (out, "%s{\"id\":\"purpose.p%u\",\"title\":{\"en\":\"Purpose %u\"},"
                              "\"description\":{\"en\":\"Generated purpose %u\"},"
                              "\"legal_basis\":\"consent\",\"notice_version\":\"1\",\"data_categories\":[",
                              p ? "," : "", p, p, p);
      /* Purpose p declares every category c with c % n_purposes == p. */
      for (guint c = p, first = 1; c < n_categories; c += n_purposes, first = 0)
        g_string_append_printf (out, "%s\"user.generated.c%u\"", first ? "" : ",", c);
      g_string_append (out, "]}");
    }
  g_string_append (out, "],\"offers\":[");
  for (guint i = 0; i < n_offers; i++)
    {
      guint p = i % n_purposes;
      guint c1 = p, c2 = MIN (p + n_purposes, n_categories - 1);

      if (c2 % n_purposes != p)
        c2 = c1;
      g_string_append_printf (out, "%s{\"id\":\"offer-%u\",\"title\":{\"en\":\"Offer %u\",\"de\":\"Angebot %u\"},"
                              "\"description\":{\"en\":\"Generated offer %u, with a description long "
                              "enough to look like a real one\"},\"purpose\":\"purpose.p%u\","
                              "\"rule\":[{\"category\":\"user.generated.c%u\",\"where\":[{\"attribute\":"
                              "\"department\",\"op\":\"in\",\"value\":[\"running\",\"outdoor\"]}],"
                              "\"within_days\":365},{\"category\":\"user.generated.c%u\",\"at_least\":2}]}",
                              i ? "," : "", i, i, i, i, p, c1, c2);
    }
  g_string_append (out, "],\"kiosk\":{\"idle_timeout_seconds\":60,\"warning_seconds\":15,"
                   "\"portal_url\":\"https://example.org/portal\"},\"branding\":{\"name\":\"Example\","
                   "\"promise\":{\"en\":\"See what we hold\"},\"accent_color\":\"#1a7f5a\"}}");
  return g_string_free (out, FALSE);
}

/* "offers[0]" -> name "offers", index 0; "kiosk" -> index -1. */
static void
split_segment (const char  *segment,
               char       **name,
               int         *index)
{
  const char *bracket = strchr (segment, '[');

  *index = -1;
  if (bracket == NULL)
    {
      *name = g_strdup (segment);
      return;
    }
  *name = g_strndup (segment, bracket - segment);
  *index = atoi (bracket + 1);
}

char *
gh_test_bundle_edit (const char *config,
                     const char *path,
                     const char *value)
{
  g_autoptr(JsonNode) root = json_from_string (config, NULL);
  g_auto(GStrv) segments = g_strsplit (path, ".", -1);
  JsonNode *node = root;
  guint n = g_strv_length (segments);

  g_assert_nonnull (root);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = NULL;
      gboolean last = i == n - 1;
      JsonObject *object;
      int index;

      split_segment (segments[i], &name, &index);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      object = json_node_get_object (node);
      if (last && index < 0)
        {
          if (value == NULL)
            json_object_remove_member (object, name);
          else
            json_object_set_member (object, name, json_from_string (value, NULL));
          break;
        }
      node = json_object_get_member (object, name);
      g_assert_nonnull (node);
      if (index >= 0)
        {
          JsonArray *array = json_node_get_array (node);

          if (last)
            {
              if (value == NULL)
                json_array_remove_element (array, index);
              else
                {
                  /* json-glib has no "replace element": rebuild the array. */
                  JsonArray *copy = json_array_new ();
                  for (guint j = 0; j < json_array_get_length (array); j++)
                    json_array_add_element (copy, (int) j == index ? json_from_string (value, NULL)
                                                                   : json_node_copy (json_array_get_element (array, j)));
                  json_node_take_array (node, copy);
                }
              break;
            }
          node = json_array_get_element (array, index);
        }
    }
  return json_to_string (root, FALSE);
}

char *
gh_test_bundle_keygen (const char *dir,
                       const char *name)
{
  g_autoptr(GError) error = NULL;
  char *prefix = g_build_filename (dir, name, NULL);

  g_assert_true (gh_bundle_keygen (prefix, name, &error));
  g_assert_no_error (error);
  return prefix;
}

GBytes *
gh_test_bundle_sign (const char *config,
                     const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_path = g_strconcat (prefix, ".key", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (config, strlen (config));
  GBytes *bundle = gh_bundle_sign (bytes, key_path, &error);

  g_assert_no_error (error);
  return bundle;
}

char *
gh_test_bundle_write (const char *dir,
                      const char *name,
                      GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

void
gh_test_bundle_assert_refusals (const char                *config,
                                const char                *path,
                                const GhTestBundleRefusal *cases,
                                gsize                      n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *edited = gh_test_bundle_edit (config, path, cases[i].value);
      g_autoptr(GBytes) bytes = g_bytes_new (edited, strlen (edited));
      g_autoptr(GError) error = NULL;
      g_autoptr(GhCatalog) catalog = gh_catalog_new_from_bytes (bytes, &error);

      g_assert_null (catalog);
      g_assert_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID);
      if (strstr (error->message, cases[i].message) == NULL)
        gh_test_fail ("case %u: \"%s\" does not say \"%s\"", i, error->message, cases[i].message);
    }
}
