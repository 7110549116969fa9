/* The visit's language for the kiosk's own words, and numbers, money and dates
 * written the way that language writes them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Once at start-up, after setlocale (main, tests): binds the text domain to the
 * installed catalogs, or to the build tree's when the kiosk runs uninstalled. */
void        gh_i18n_init                (void);
/* Where the catalogs were found ("…/share/locale" or "…/_build/po"). */
const char *gh_i18n_get_localedir       (void);

/* Our own strings in @language (a config code such as "de" or "de-CH"); NULL
 * goes back to the environment's. GTK does not re-translate built widgets: the
 * caller re-sets their texts or rebuilds them. */
void        gh_i18n_set_language        (const char *language);
const char *gh_i18n_get_language        (void);

/* In the visit's language, by ICU (gh-format.h). 1234.5 with 2 decimals:
 * "1,234.50" in English, "1.234,50" in German. */
char       *gh_i18n_format_decimal      (double      value,
                                         guint       decimals);
/* 89 and "EUR": "€89.00" in English, "89,00 €" in German and French; a currency's
 * own digits (JPY has none). */
char       *gh_i18n_format_money        (double      amount,
                                         const char *currency);
/* The date in the language's long form: "March 3, 2026", "3. März 2026". */
char       *gh_i18n_format_date         (GDateTime  *date);

G_END_DECLS
