/* Data items in words, for every screen and tool that shows one: the kiosk's
 * one-line summary of an item's attributes (translated; money and dates written
 * by the caller's formatter, the visit's way), and the English sentences
 * glasshouse-ctl gives as the "because" of an offer. One reader of the attribute
 * JSON for both. Summaries read the attributes the demo and the CRM import use
 * (docs/config-format.md) and fall back to "name: value" pairs for anything
 * else, so nothing held is hidden.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-offers"
#include "config.h"

#include "offers/gh-item-text.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- reading the attributes --------------------------------------------- */

/* The item's attributes when they are a JSON object, else NULL. */
static JsonNode *
parse_attributes (const GhDataItem *item)
{
  JsonNode *root;

  if (item->attributes == NULL)
    return NULL;
  root = json_from_string (item->attributes, NULL);
  if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
    g_clear_pointer (&root, json_node_unref);
  return root;
}

/* A string member, or NULL when it is missing or not a string. */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A simple member as text: a string as it is, a whole number in digits, any
 * other number with @decimal_format; a boolean as a translated yes or no when
 * @booleans, else NULL. NULL when missing or not a simple value. */
static char *
value_text (JsonObject *object,
            const char *name,
            const char *decimal_format,
            gboolean    booleans)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup_printf (decimal_format, json_node_get_double (node));
    case G_TYPE_BOOLEAN:
      if (!booleans)
        return NULL;
      return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
    default:
      return NULL;
    }
}

/* For summaries: money-like decimals, booleans in words. */
static char *
member_text (JsonObject *object,
             const char *name)
{
  return value_text (object, name, "%.2f", TRUE);
}

/* For ctl's sentences: numbers as short as they go, no booleans. */
static char *
reason_text (JsonObject *object,
             const char *name)
{
  return value_text (object, name, "%g", FALSE);
}

/* ---- the kiosk's summary ------------------------------------------------ */

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
format_iso_date (const char             *text,
                 const GhItemTextFormat *format)
{
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;
  char end;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3)
    return NULL;
  date = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (date == NULL)
    return NULL;
  if (format != NULL && format->format_date != NULL)
    return format->format_date (date, format->user_data);
  return g_date_time_format (date, "%Y-%m-%d");
}

static char *
format_money (double                  amount,
              const char             *currency,
              const GhItemTextFormat *format)
{
  if (format != NULL && format->format_money != NULL)
    return format->format_money (amount, currency, format->user_data);
  return currency != NULL ? g_strdup_printf ("%.2f %s", amount, currency)
                          : g_strdup_printf ("%.2f", amount);
}

/* An attribute's value in HQ's words when the config has them, else as held. */
static char *
labelled_text (JsonObject             *object,
               const char             *name,
               const GhItemTextFormat *format)
{
  g_autofree char *text = member_text (object, name);
  const char *label = NULL;

  if (text != NULL && format != NULL && format->value_label != NULL)
    label = format->value_label (name, text, format->user_data);
  return label != NULL ? g_strdup (label) : g_steal_pointer (&text);
}

static char *
summary_from_object (const char             *category,
                     JsonObject             *object,
                     const GhItemTextFormat *format)
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
      g_autofree char *segment = member_text (object, "segment");
      const char *words = segment != NULL && format != NULL && format->value_label != NULL
                          ? format->value_label ("segment", segment, format->user_data) : NULL;

      /* The CRM's label is English; HQ's words for the segment are the visit's. */
      if (words != NULL)
        {
          g_free (label);
          label = g_strdup (words);
        }
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
      g_autofree char *department = labelled_text (object, "department", format);
      g_autofree char *amount = member_text (object, "amount");
      g_autofree char *currency = member_text (object, "currency");
      g_autofree char *size = labelled_text (object, "size", format);
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
          g_autofree char *text = format_money (g_ascii_strtod (amount, NULL), currency, format);
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
      g_autofree char *range = labelled_text (object, "age_range", format);
      g_autofree char *written = format_iso_date (date, format);

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
      g_autofree char *size = labelled_text (object, "size", format);

      if (g_strcmp0 (kind, "shoe") == 0)
        return g_strdup_printf (_("Shoe size %s"), size);
      if (g_strcmp0 (kind, "clothing") == 0)
        return g_strdup_printf (_("Clothing size %s"), size);
    }

  if (json_object_has_member (object, "channel"))
    {
      g_autofree char *channel = labelled_text (object, "channel", format);
      g_autofree char *frequency = labelled_text (object, "frequency", format);

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
gh_item_text_summary (const GhDataItem       *item,
                      const GhItemTextFormat *format)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (item != NULL, NULL);

  root = parse_attributes (item);
  /* Not an object, or not JSON at all: shown as it is, so nothing held is hidden. */
  if (root == NULL)
    return g_strdup (item->attributes != NULL ? item->attributes : item->category);
  return summary_from_object (item->category, json_node_get_object (root), format);
}

/* ---- ctl's sentences ------------------------------------------------------ */

char *
gh_item_text_reason (const GhDataItem *item,
                     const char       *day)
{
  g_autoptr(JsonNode) root = parse_attributes (item);
  JsonObject *attributes = root != NULL ? json_node_get_object (root) : NULL;
  const char *category = item->category;
  const char *what = member_string (attributes, "item");

  if (g_str_equal (category, "user.behavior.purchase_history") && what != NULL)
    return g_strdup_printf ("you bought %s on %s", what, day);
  if (g_str_equal (category, "user.behavior.browsing_history") && what != NULL)
    {
      g_autofree char *views = reason_text (attributes, "views");
      return views != NULL ? g_strdup_printf ("you looked at %s in the app %s times", what, views)
                           : g_strdup_printf ("you looked at %s in the app", what);
    }
  if (g_str_equal (category, "user.location.imprecise"))
    {
      const char *store = member_string (attributes, "store_name");
      return g_strdup_printf ("you visited our %s store on %s", store != NULL ? store : "", day);
    }
  if (g_str_equal (category, "user.preference.wishlist") && what != NULL)
    {
      g_autofree char *size = reason_text (attributes, "size");
      return size != NULL ? g_strdup_printf ("%s in size %s is on your wishlist", what, size)
                          : g_strdup_printf ("%s is on your wishlist", what);
    }
  if (g_str_equal (category, "user.preference.sizes"))
    {
      g_autofree char *size = reason_text (attributes, "size");
      const char *kind = member_string (attributes, "kind");
      if (size != NULL)
        return g_strdup_printf ("you saved your %s size, %s", kind != NULL ? kind : "", size);
    }
  if (g_str_equal (category, "user.preference.communication"))
    {
      const char *channel = member_string (attributes, "channel");
      const char *frequency = member_string (attributes, "frequency");
      if (channel != NULL)
        return g_strdup_printf ("you asked to hear from us by %s%s%s", channel,
                                frequency != NULL ? ", " : "", frequency != NULL ? frequency : "");
    }
  if (g_str_equal (category, "user.demographic.profile"))
    {
      const char *label = member_string (attributes, "label");
      const char *segment = member_string (attributes, "segment");
      if (label != NULL || segment != NULL)
        return g_strdup_printf ("we think you are in the group \"%s\"",
                                label != NULL ? label : segment);
    }
  if (g_str_equal (category, "user.demographic.date_of_birth"))
    return g_strdup ("you told us your birthday");
  if (g_str_equal (category, "user.contact.email"))
    return g_strdup ("you gave us your email address");
  if (g_str_equal (category, "user.contact.phone"))
    return g_strdup ("you gave us your phone number");
  if (g_str_equal (category, "user.contact.address.postal_code"))
    return g_strdup ("you gave us your postcode");
  return g_strdup_printf ("we hold %s data from %s", category, day);
}

char *
gh_item_text_subject (const GhDataItem *item)
{
  const char *name = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (g_str_equal (item->category, "user.behavior.purchase_history"))
    name = "item";
  else if (g_str_equal (item->category, "user.location.imprecise"))
    name = "store_name";
  if (name == NULL || (root = parse_attributes (item)) == NULL)
    return NULL;
  return g_strdup (member_string (json_node_get_object (root), name));
}

char *
gh_item_text_reason_on_days (const GhDataItem *item,
                             const char       *subject,
                             const char       *days)
{
  if (g_str_equal (item->category, "user.location.imprecise"))
    return g_strdup_printf ("you visited our %s store on %s", subject, days);
  return g_strdup_printf ("you bought %s on %s", subject, days);
}
