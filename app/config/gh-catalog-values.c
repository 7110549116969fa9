/* The config's "value_labels" (docs/config-format.md): HQ's words, per language, for
 * the values a data item's attribute can take ("segment": "high_value" is "High-value
 * customer", "Kunde mit hohem Umsatz"), so a shopper reads them in the visit's
 * language instead of the CRM's English or its codes. Product names are not
 * labelled: they stay as the CRM holds them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include "config/gh-catalog-private.h"

#include <string.h>

#define MAX_ATTRIBUTES 64
#define MAX_VALUES     1000  /* per attribute */

static char *
value_key (const char *attribute,
           const char *value)
{
  /* A unit separator cannot occur in either: both are ids or short JSON strings. */
  return g_strconcat (attribute, "\x1f", value, NULL);
}

gboolean
_gh_catalog_parse_value_labels (GhCatalog   *self,
                                JsonObject  *root,
                                GError     **error)
{
  JsonNode *member = json_object_get_member (root, "value_labels");
  g_autoptr(GList) attributes = NULL;
  JsonObject *object;

  self->value_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_strfreev);
  if (member == NULL)
    return TRUE;
  if (!_gh_catalog_read_object (member, "config", "value_labels", &object, error))
    return FALSE;
  if (json_object_get_size (object) > MAX_ATTRIBUTES)
    return _gh_catalog_fail (error, "value_labels", NULL, "%u attributes, more than the limit of %u",
                             json_object_get_size (object), MAX_ATTRIBUTES);

  attributes = json_object_get_members (object);
  for (GList *a = attributes; a != NULL; a = a->next)
    {
      const char *attribute = a->data;
      g_autofree char *path = g_strdup_printf ("value_labels.%s", attribute);
      g_autoptr(GList) values = NULL;
      JsonObject *labels;

      if (*attribute == '\0' || strlen (attribute) > GH_CATALOG_MAX_ID_BYTES)
        return _gh_catalog_fail (error, "value_labels", NULL,
                                 "an attribute name must be 1 to %d bytes",
                                 GH_CATALOG_MAX_ID_BYTES);
      if (!_gh_catalog_read_object (json_object_get_member (object, attribute), "value_labels",
                                    attribute, &labels, error))
        return FALSE;
      if (json_object_get_size (labels) > MAX_VALUES)
        return _gh_catalog_fail (error, path, NULL, "%u values, more than the limit of %u",
                                 json_object_get_size (labels), MAX_VALUES);
      values = json_object_get_members (labels);
      for (GList *v = values; v != NULL; v = v->next)
        {
          char **text = NULL;

          if (*(const char *) v->data == '\0'
              || strlen (v->data) > GH_CATALOG_MAX_NAME_BYTES)
            return _gh_catalog_fail (error, path, NULL, "a value must be 1 to %d bytes",
                                     GH_CATALOG_MAX_NAME_BYTES);
          if (!_gh_catalog_read_required_text (self, labels, path, v->data,
                                               GH_CATALOG_MAX_NAME_BYTES, &text, error))
            return FALSE;
          g_hash_table_insert (self->value_labels, value_key (attribute, v->data), text);
        }
    }
  return TRUE;
}

const char *
gh_catalog_get_value_label (GhCatalog  *self,
                            const char *attribute,
                            const char *value,
                            const char *language)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  if (attribute == NULL || value == NULL || self->value_labels == NULL)
    return NULL;
  key = value_key (attribute, value);
  return _gh_catalog_text_lookup (g_hash_table_lookup (self->value_labels, key), language);
}
