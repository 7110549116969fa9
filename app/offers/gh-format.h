/* Numbers, money and dates the way a language writes them, from ICU's CLDR data
 * (libicu), so no system locale is needed: the kiosk runs with only C.UTF-8. GLib
 * only, for the kiosk and the portal alike. @language is a config code ("de",
 * "de-CH"); NULL writes English, an unknown code as ICU's root (1234.5).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 1234.5 with 2 decimals: "1,234.50" (en), "1.234,50" (de), "1’234.50" (de-CH). */
char *gh_format_decimal (const char *language,
                         double      value,
                         guint       decimals);
/* @amount in @currency (ISO 4217, e.g. "EUR"), with that currency's own digits:
 * "€1,234.50" (en), "1.234,50 €" (de), "¥1,235" (JPY has none). Without a
 * currency, the amount with 2 decimals. */
char *gh_format_money   (const char *language,
                         double      amount,
                         const char *currency);
/* The calendar date of @date (its own year, month and day, whatever its zone) in
 * the language's long form: "March 3, 2026" (en), "3. März 2026" (de),
 * "3 de marzo de 2026" (es). */
char *gh_format_date    (const char *language,
                         GDateTime  *date);

G_END_DECLS
