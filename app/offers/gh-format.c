/* gh-format.h through ICU's C API. Each call opens its formatter: the kiosk writes
 * a few dozen values per screen, and an open formatter is not safe to share
 * between threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-offers"
#include "config.h"

#include "offers/gh-format.h"

#include <string.h>
#include <unicode/ucurr.h>
#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

/* "de-CH" as ICU names it ("de_CH"); NULL stays NULL (ICU's default: root). */
static char *
icu_locale (const char *language)
{
  char locale[ULOC_FULLNAME_CAPACITY];
  UErrorCode status = U_ZERO_ERROR;

  if (language == NULL || *language == '\0')
    return g_strdup ("en");
  uloc_forLanguageTag (language, locale, sizeof locale, NULL, &status);
  if (U_FAILURE (status) || *locale == '\0')
    return g_strdup ("en");
  return g_strdup (locale);
}

static char *
to_utf8 (const UChar *text,
         int32_t      length)
{
  char buffer[256];
  int32_t written = 0;
  UErrorCode status = U_ZERO_ERROR;

  u_strToUTF8 (buffer, sizeof buffer, &written, text, length, &status);
  if (U_FAILURE (status) || status == U_STRING_NOT_TERMINATED_WARNING)
    return NULL;
  return g_strdup (buffer);
}

/* A plain fallback when ICU refuses (it should not): still a readable number. */
static char *
plain (double value,
       guint  decimals)
{
  return g_strdup_printf ("%.*f", (int) MIN (decimals, 6u), value);
}

char *
gh_format_decimal (const char *language,
                   double      value,
                   guint       decimals)
{
  g_autofree char *locale = icu_locale (language);
  UErrorCode status = U_ZERO_ERROR;
  UNumberFormat *format = unum_open (UNUM_DECIMAL, NULL, 0, locale, NULL, &status);
  UChar out[128];
  int32_t length;
  char *text = NULL;

  if (U_FAILURE (status))
    return plain (value, decimals);
  unum_setAttribute (format, UNUM_MIN_FRACTION_DIGITS, (int32_t) MIN (decimals, 6u));
  unum_setAttribute (format, UNUM_MAX_FRACTION_DIGITS, (int32_t) MIN (decimals, 6u));
  length = unum_formatDouble (format, value, out, G_N_ELEMENTS (out), NULL, &status);
  if (U_SUCCESS (status))
    text = to_utf8 (out, length);
  unum_close (format);
  return text != NULL ? text : plain (value, decimals);
}

char *
gh_format_money (const char *language,
                 double      amount,
                 const char *currency)
{
  g_autofree char *locale = icu_locale (language);
  UErrorCode status = U_ZERO_ERROR;
  UNumberFormat *format;
  UChar code[4];
  UChar out[128];
  int32_t length;
  char *text = NULL;

  if (currency == NULL || strlen (currency) != 3)
    return gh_format_decimal (language, amount, 2);
  u_charsToUChars (currency, code, 3);
  code[3] = 0;

  format = unum_open (UNUM_CURRENCY, NULL, 0, locale, NULL, &status);
  if (U_FAILURE (status))
    return g_strdup_printf ("%.2f %s", amount, currency);
  /* Setting the currency also sets its digits: none for JPY, two for EUR. */
  unum_setTextAttribute (format, UNUM_CURRENCY_CODE, code, 3, &status);
  if (U_SUCCESS (status))
    length = unum_formatDouble (format, amount, out, G_N_ELEMENTS (out), NULL, &status);
  if (U_SUCCESS (status))
    text = to_utf8 (out, length);
  unum_close (format);
  return text != NULL ? text : g_strdup_printf ("%.2f %s", amount, currency);
}

char *
gh_format_date (const char *language,
                GDateTime  *date)
{
  g_autofree char *locale = icu_locale (language);
  g_autoptr(GDateTime) noon = NULL;
  static const UChar utc[] = { 'U', 'T', 'C', 0 };
  UErrorCode status = U_ZERO_ERROR;
  UDateFormat *format;
  UChar out[128];
  int32_t length;
  char *text = NULL;

  g_return_val_if_fail (date != NULL, NULL);

  /* The date's own calendar day, written in UTC so no zone moves it. */
  noon = g_date_time_new_utc (g_date_time_get_year (date), g_date_time_get_month (date),
                              g_date_time_get_day_of_month (date), 12, 0, 0);
  format = udat_open (UDAT_NONE, UDAT_LONG, locale, utc, -1, NULL, 0, &status);
  if (U_FAILURE (status))
    return g_date_time_format (noon, "%Y-%m-%d");
  length = udat_format (format, (UDate) g_date_time_to_unix (noon) * 1000.0, out,
                        G_N_ELEMENTS (out), NULL, &status);
  if (U_SUCCESS (status))
    text = to_utf8 (out, length);
  udat_close (format);
  return text != NULL ? text : g_date_time_format (noon, "%Y-%m-%d");
}
