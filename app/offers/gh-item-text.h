/* Data items in words: the kiosk's one-line summary of an item's attributes and
 * the sentences glasshouse-ctl gives as the "because" of an offer. The one
 * place that reads the attribute JSON for people.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "store/gh-types.h"

G_BEGIN_DECLS

/* How the caller writes money and dates (the kiosk: the visit's language), and
 * HQ's words for attribute values (gh_catalog_get_value_label in the visit's
 * language: "segment" "high_value" -> "Kunde mit hohem Umsatz"). A NULL
 * formatter, or a NULL function, writes "89.00 EUR", "1984-03-12" and the
 * values as the item holds them. */
typedef struct {
  char       *(*format_money) (double      amount,
                               const char *currency,
                               gpointer    user_data);
  char       *(*format_date)  (GDateTime  *date,
                               gpointer    user_data);
  gpointer      user_data;
  const char *(*value_label)  (const char *attribute,
                               const char *value,
                               gpointer    user_data);
} GhItemTextFormat;

/* The item's content in one line, translated, e.g. "Trail shoes · running ·
 * €89.00"; unknown attributes as "name: value" pairs, unreadable ones as they are. */
char *gh_item_text_summary         (const GhDataItem       *item,
                                    const GhItemTextFormat *format);

/* The reason @item gives for an offer, in English (glasshouse-ctl speaks English
 * whatever the locale): "you bought Trail running shoes on 12 March"; @day is
 * when it was collected, already written. */
char *gh_item_text_reason          (const GhDataItem       *item,
                                    const char             *day);
/* What items of @item's category are grouped by in one reason (the product
 * bought, the store visited), or NULL when each item speaks for itself. */
char *gh_item_text_subject         (const GhDataItem       *item);
/* The reason of several items with one @subject, on @days (already joined):
 * "you bought Trail running shoes on 12 March and 2 June". */
char *gh_item_text_reason_on_days  (const GhDataItem       *item,
                                    const char             *subject,
                                    const char             *days);

G_END_DECLS
