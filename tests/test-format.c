/* Numbers, money and dates per language through ICU (app/offers/gh-format.c), on a
 * process that has only the C locale: en, de, de-CH, fr, es, a currency without
 * decimals (JPY: 1234.56 is ¥1,235) and CHF, whose code is what most languages write.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "offers/gh-format.h"

typedef struct {
  const char *language;
  const char *money;      /* 1234.56 EUR */
  const char *yen;        /* 1234.56 JPY */
  const char *francs;     /* 1234.56 CHF */
  const char *big;        /* 1234567.891, 2 decimals */
  const char *date;       /* 2026-03-03 */
} Case;

static const Case cases[] = {
  { "en", "€1,234.56", "¥1,235", "CHF\u00a01,234.56", "1,234,567.89", "March 3, 2026" },
  { "de", "1.234,56\u00a0€", "1.235\u00a0¥", "1.234,56\u00a0CHF", "1.234.567,89",
    "3. März 2026" },
  /* Swiss German: the apostrophe groups, the point separates, the currency comes first. */
  { "de-CH", "EUR\u00a01’234.56", "¥\u00a01’235", "CHF\u00a01’234.56", "1’234’567.89",
    "3. März 2026" },
  /* French groups with a narrow no-break space and keeps € on the line. */
  { "fr", "1\u202f234,56\u00a0€", "1\u202f235\u00a0JPY", "1\u202f234,56\u00a0CHF",
    "1\u202f234\u202f567,89", "3 mars 2026" },
  { "es", "1.234,56\u00a0€", "1.235\u00a0JPY", "1.234,56\u00a0CHF", "1.234.567,89",
    "3 de marzo de 2026" },
};

static void
test_languages (void)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 3, 3, 23, 30, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *money = gh_format_money (c->language, 1234.56, "EUR");
      g_autofree char *yen = gh_format_money (c->language, 1234.56, "JPY");
      g_autofree char *francs = gh_format_money (c->language, 1234.56, "CHF");
      g_autofree char *big = gh_format_decimal (c->language, 1234567.891, 2);
      g_autofree char *written = gh_format_date (c->language, date);

      g_test_message ("%s: %s | %s | %s | %s | %s", c->language, money, yen, francs, big,
                      written);
      g_assert_cmpstr (money, ==, c->money);
      g_assert_cmpstr (yen, ==, c->yen);
      g_assert_cmpstr (francs, ==, c->francs);
      g_assert_cmpstr (big, ==, c->big);
      g_assert_cmpstr (written, ==, c->date);
    }
}

static void
test_edges (void)
{
  g_autoptr(GDateTime) local = g_date_time_new (g_time_zone_new_offset (14 * 3600), 2026, 1, 1,
                                                0, 30, 0);
  g_autofree char *no_currency = gh_format_money ("de", 5, NULL);
  g_autofree char *bad_currency = gh_format_money ("de", 5, "EURO");
  g_autofree char *negative = gh_format_money ("en", -3.5, "EUR");
  g_autofree char *unknown = gh_format_decimal ("xx-YY", 1234.5, 1);
  g_autofree char *no_language = gh_format_decimal (NULL, 0.125, 2);
  g_autofree char *new_year = gh_format_date ("en", local);

  g_assert_cmpstr (no_currency, ==, "5,00");
  g_assert_cmpstr (bad_currency, ==, "5,00");
  g_assert_cmpstr (negative, ==, "-€3.50");
  /* A language ICU does not know writes as its root: no grouping, a point. */
  g_assert_cmpstr (unknown, ==, "1234.5");
  g_assert_cmpstr (no_language, ==, "0.12");
  /* The date's own calendar day, not UTC's (still 31 December there). */
  g_assert_cmpstr (new_year, ==, "January 1, 2026");
}

int
main (int   argc,
      char *argv[])
{
  /* Only the C locale, as on a kiosk: ICU must not need more. */
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/languages", test_languages);
  g_test_add_func ("/format/edges", test_edges);
  return g_test_run ();
}
