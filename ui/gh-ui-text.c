/* Shopper-facing words for store values (see gh-ui-text.h). Item summaries read
 * the attributes the demo and the CRM import use (docs/config-format.md) and fall
 * back to "name: value" pairs for anything else, so nothing held is hidden.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "gh-i18n.h"
#include "gh-ui-text.h"

const char *
gh_ui_source_label (GhSource source)
{
  switch (source)
    {
    case GH_SOURCE_PROVIDED:
      return _("You gave it to us");
    case GH_SOURCE_OBSERVED:
      return _("We saw it");
    case GH_SOURCE_INFERRED:
      return _("We inferred it — a guess, not a fact");
    case GH_SOURCE_THIRD_PARTY:
      return _("A partner gave it to us");
    default:
      return _("Unknown source");
    }
}

const char *
gh_ui_source_icon (GhSource source)
{
  switch (source)
    {
    case GH_SOURCE_PROVIDED:
      return "document-edit-symbolic";
    case GH_SOURCE_OBSERVED:
      return "view-reveal-symbolic";
    case GH_SOURCE_INFERRED:
      return "dialog-question-symbolic";
    case GH_SOURCE_THIRD_PARTY:
      return "system-users-symbolic";
    default:
      return "dialog-question-symbolic";
    }
}

const char *
gh_ui_legal_basis_label (GhLegalBasis basis)
{
  switch (basis)
    {
    case GH_LEGAL_BASIS_CONSENT:
      return _("Your consent");
    case GH_LEGAL_BASIS_LEGITIMATE_INTEREST:
      return _("Our legitimate interest");
    case GH_LEGAL_BASIS_CONTRACT:
      return _("Needed for your purchases");
    case GH_LEGAL_BASIS_LEGAL_OBLIGATION:
      return _("Required by law");
    default:
      return "";
    }
}

const char *
gh_ui_legal_basis_explain (GhLegalBasis basis)
{
  switch (basis)
    {
    case GH_LEGAL_BASIS_CONSENT:
      return _("We only do this because you said yes. Switch it off at any time.");
    case GH_LEGAL_BASIS_LEGITIMATE_INTEREST:
      return _("We do this without asking first, because it is part of running the shop. "
               "You can object: switch it off and we stop.");
    case GH_LEGAL_BASIS_CONTRACT:
      return _("We need this to deliver what you bought, such as orders, returns and warranties, "
               "so it cannot be switched off while you shop with us.");
    case GH_LEGAL_BASIS_LEGAL_OBLIGATION:
      return _("The law requires us to do this, for example to keep tax records, "
               "so it cannot be switched off.");
    default:
      return "";
    }
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%.2f", json_node_get_double (node));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
    default:
      return NULL;
    }
}

static void
append_part (GString    *out,
             const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, " · ");
  g_string_append (out, part);
}

/* "1984-03-12" as the visit writes a date; NULL for anything else. */
static char *
format_iso_date (const char *text)
{
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;
  char end;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3)
    return NULL;
  date = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (date == NULL)
    return NULL;
  return gh_i18n_format_date_time (date, _("%-d %B %Y"));
}

static char *
summary_from_object (const char *category,
                     JsonObject *object)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *value = member_text (object, "value");
  g_autofree char *item = member_text (object, "item");
  g_autofree char *label = member_text (object, "label");

  if (value != NULL)
    return g_steal_pointer (&value);

  if (label != NULL)
    {
      g_autofree char *confidence = member_text (object, "confidence");
      double c = confidence != NULL ? g_ascii_strtod (confidence, NULL) : -1;

      append_part (out, label);
      if (c >= 0 && c <= 1)
        {
          /* Translators: how sure the retailer's guess is, e.g. "72% sure" */
          g_autofree char *sure = g_strdup_printf (_("%d%% sure"), (int) (c * 100 + 0.5));
          append_part (out, sure);
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (item != NULL)
    {
      g_autofree char *department = member_text (object, "department");
      g_autofree char *amount = member_text (object, "amount");
      g_autofree char *currency = member_text (object, "currency");
      g_autofree char *size = member_text (object, "size");
      g_autofree char *views = member_text (object, "views");

      append_part (out, item);
      append_part (out, department);
      if (size != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("size %s"), size);
          append_part (out, text);
        }
      if (amount != NULL)
        {
          /* Money is written the visit's way: "€89.00", "89,00 €". */
          g_autofree char *text = gh_i18n_format_money (g_ascii_strtod (amount, NULL), currency);
          append_part (out, text);
        }
      if (views != NULL)
        {
          int n = atoi (views);
          g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "viewed %d time",
                                                                "viewed %d times", n), n);
          append_part (out, text);
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (json_object_has_member (object, "store_name"))
    {
      g_autofree char *store = member_text (object, "store_name");
      g_autofree char *dwell = member_text (object, "dwell_minutes");

      /* Translators: a visit to a shop seen by the store wifi, e.g. "Visit to Riverside" */
      g_autofree char *visit = g_strdup_printf (_("Visit to %s"), store);
      append_part (out, visit);
      if (dwell != NULL)
        {
          int n = atoi (dwell);
          g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute",
                                                                "%d minutes", n), n);
          append_part (out, text);
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (json_object_has_member (object, "date"))
    {
      g_autofree char *date = member_text (object, "date");
      g_autofree char *range = member_text (object, "age_range");
      g_autofree char *written = format_iso_date (date);

      append_part (out, written != NULL ? written : date);
      if (range != NULL)
        {
          /* Translators: an age range such as "35-44" */
          g_autofree char *text = g_strdup_printf (_("aged %s"), range);
          append_part (out, text);
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (json_object_has_member (object, "kind") && json_object_has_member (object, "size"))
    {
      g_autofree char *kind = member_text (object, "kind");
      g_autofree char *size = member_text (object, "size");

      if (g_strcmp0 (kind, "shoe") == 0)
        return g_strdup_printf (_("Shoe size %s"), size);
      if (g_strcmp0 (kind, "clothing") == 0)
        return g_strdup_printf (_("Clothing size %s"), size);
    }

  if (json_object_has_member (object, "channel"))
    {
      g_autofree char *channel = member_text (object, "channel");
      g_autofree char *frequency = member_text (object, "frequency");

      append_part (out, channel);
      append_part (out, frequency);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (json_object_has_member (object, "household_size"))
    {
      g_autofree char *size = member_text (object, "household_size");
      int n = size != NULL ? atoi (size) : 0;
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Household of %d",
                                                            "Household of %d", n), n);
      g_autofree char *partner = member_text (object, "partner");

      append_part (out, text);
      if (partner != NULL)
        {
          g_autofree char *p = g_strdup_printf (_("partner: %s"), partner);
          append_part (out, p);
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  /* Anything else: every simple member, so nothing held stays out of sight. */
  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *node;

    json_object_iter_init (&iter, object);
    while (json_object_iter_next (&iter, &name, &node))
      {
        g_autofree char *text = member_text (object, name);
        if (text != NULL)
          {
            g_autofree char *pair = g_strdup_printf ("%s: %s", name, text);
            append_part (out, pair);
          }
      }
  }
  if (out->len == 0)
    g_string_append (out, category);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
gh_ui_item_summary (const GhDataItem *item)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (item->attributes == NULL || !json_parser_load_from_data (parser, item->attributes, -1, NULL))
    return g_strdup (item->attributes != NULL ? item->attributes : item->category);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (item->attributes);

  return summary_from_object (item->category, json_node_get_object (root));
}

char *
gh_ui_format_date (gint64 unix_seconds)
{
  g_autoptr(GDateTime) date = NULL;

  if (unix_seconds <= 0)
    return g_strdup (_("no date set"));
  date = g_date_time_new_from_unix_local (unix_seconds);
  if (date == NULL)
    return g_strdup (_("no date set"));
  /* Translators: a date, see strftime(3); e.g. "3 March 2026"; German "%-d. %B %Y" */
  return gh_i18n_format_date_time (date, _("%-d %B %Y"));
}

const char *
gh_ui_category_title (GhCatalog  *catalog,
                      const char *category_id,
                      const char *language)
{
  GhDataCategory *category = catalog ? gh_catalog_find_data_category (catalog, category_id) : NULL;

  return category != NULL ? gh_data_category_get_title (category, language) : category_id;
}
