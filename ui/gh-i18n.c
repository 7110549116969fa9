/* The kiosk's language machinery. A visit's language is chosen on the screen, not
 * by the process's locale: gettext follows the LANGUAGE variable, which glibc
 * ignores while LC_MESSAGES is plain "C", so start-up moves messages to C.UTF-8.
 * Debian ships no other locales by default, so the number and date conventions of
 * each language come from our own catalogs (decimal separator, money pattern,
 * month names) rather than from LC_NUMERIC and LC_TIME: a German visit writes
 * "1.234,50 €" and "3. März 2026" on a kiosk that only has the C locale.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "gh-i18n.h"

#include "config/gh-site-settings.h"

static char *localedir;
static char *language;

static gboolean
has_catalogs (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *mo = g_build_filename (dir, name, "LC_MESSAGES", GETTEXT_PACKAGE ".mo",
                                              NULL);
      if (g_file_test (mo, G_FILE_TEST_IS_REGULAR))
        return TRUE;
    }
  return FALSE;
}

void
gh_i18n_init (void)
{
  static gsize initialised;
  const char *messages = setlocale (LC_MESSAGES, NULL);
  const char *override = g_getenv ("GLASSHOUSE_LOCALEDIR");
  const char *build_dir = gh_site_build_dir ();
  g_autofree char *build_po = build_dir != NULL ? g_build_filename (build_dir, "po", NULL) : NULL;

  /* main() calls it, and so does the window for tests that build one directly. */
  if (!g_once_init_enter (&initialised))
    return;
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");

  g_free (localedir);
  if (override != NULL && *override != '\0')
    localedir = g_strdup (override);
  else if (build_po != NULL && has_catalogs (build_po))
    localedir = g_steal_pointer (&build_po);  /* run from the build folder */
  else
    localedir = g_strdup (LOCALEDIR);

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_once_init_leave (&initialised, 1);
}

const char *
gh_i18n_get_localedir (void)
{
  return localedir != NULL ? localedir : LOCALEDIR;
}

void
gh_i18n_set_language (const char *code)
{
  g_free (language);
  language = g_strdup (code);

  /* gettext has no per-call language: LANGUAGE it is. It is set on the main thread
   * between visits or on a tap, and the kiosk's workers never translate. */
  if (code == NULL || *code == '\0')
    g_unsetenv ("LANGUAGE");
  else
    {
      /* Config codes are BCP 47 ("de-CH"); gettext wants "de_CH", then "de". */
      g_autofree char *posix = g_strdelimit (g_strdup (code), "-", '_');
      g_autofree char *base = g_strndup (code, strcspn (code, "-_"));
      g_autofree char *value = g_str_equal (posix, base) ? g_strdup (posix)
                                                         : g_strconcat (posix, ":", base, NULL);
      g_setenv ("LANGUAGE", value, TRUE);
    }
  /* Setting the domain again makes gettext drop the translations it cached. */
  textdomain (GETTEXT_PACKAGE);
}

const char *
gh_i18n_get_language (void)
{
  return language;
}

char *
gh_i18n_format_decimal (double value,
                        guint  decimals)
{
  /* Translators: the decimal separator of your language ("," in German) */
  const char *point = C_("decimal separator", ".");
  /* Translators: groups thousands in big numbers ("." in German, a narrow space in French) */
  const char *group = C_("thousands separator", ",");
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *format = g_strdup_printf ("%%.%uf", MIN (decimals, 6u));
  g_autoptr(GString) out = g_string_new (NULL);
  const char *digits;
  const char *dot;
  size_t integer_length;

  g_ascii_formatd (buffer, sizeof buffer, format, value);
  digits = buffer;
  if (*digits == '-')
    {
      g_string_append_c (out, '-');
      digits++;
    }
  dot = strchr (digits, '.');
  integer_length = dot != NULL ? (size_t) (dot - digits) : strlen (digits);
  for (size_t i = 0; i < integer_length; i++)
    {
      if (i > 0 && (integer_length - i) % 3 == 0)
        g_string_append (out, group);
      g_string_append_c (out, digits[i]);
    }
  if (dot != NULL)
    {
      g_string_append (out, point);
      g_string_append (out, dot + 1);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
currency_symbol (const char *code)
{
  static const struct {
    const char *code;
    const char *symbol;
  } symbols[] = {
    { "EUR", "€" }, { "GBP", "£" }, { "USD", "$" }, { "JPY", "¥" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (g_strcmp0 (code, symbols[i].code) == 0)
      return symbols[i].symbol;
  return NULL;
}

char *
gh_i18n_format_money (double      amount,
                      const char *currency)
{
  g_autofree char *number = gh_i18n_format_decimal (amount, 2);
  const char *symbol = currency_symbol (currency);

  if (currency == NULL || *currency == '\0')
    return g_steal_pointer (&number);
  if (symbol != NULL)
    /* Translators: money with a currency symbol: %1$s is the amount, %2$s the symbol,
     * e.g. "€89.00"; German writes "%1$s %2$s" ("89,00 €") */
    return g_strdup_printf (C_("money with a symbol", "%2$s%1$s"), number, symbol);
  /* Translators: money with a currency code: %1$s is the amount, %2$s the code,
   * e.g. "CHF 89.00"; German writes "%1$s %2$s" ("89,00 CHF") */
  return g_strdup_printf (C_("money with a code", "%2$s %1$s"), number, currency);
}

static const char *
month_name (int month)
{
  static const char *names[] = {
    NC_("month name", "January"), NC_("month name", "February"), NC_("month name", "March"),
    NC_("month name", "April"), NC_("month name", "May"), NC_("month name", "June"),
    NC_("month name", "July"), NC_("month name", "August"), NC_("month name", "September"),
    NC_("month name", "October"), NC_("month name", "November"), NC_("month name", "December"),
  };

  return g_dpgettext2 (GETTEXT_PACKAGE, "month name", names[CLAMP (month, 1, 12) - 1]);
}

static const char *
weekday_name (int weekday)
{
  static const char *names[] = {
    NC_("weekday name", "Monday"), NC_("weekday name", "Tuesday"),
    NC_("weekday name", "Wednesday"), NC_("weekday name", "Thursday"),
    NC_("weekday name", "Friday"), NC_("weekday name", "Saturday"),
    NC_("weekday name", "Sunday"),
  };

  return g_dpgettext2 (GETTEXT_PACKAGE, "weekday name", names[CLAMP (weekday, 1, 7) - 1]);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  for (; *text; text++)
    {
      if (*text == '%')
        g_string_append_c (out, '%');
      g_string_append_c (out, *text);
    }
}

char *
gh_i18n_format_date_time (GDateTime  *date,
                          const char *format)
{
  g_autoptr(GString) rewritten = g_string_new (NULL);

  g_return_val_if_fail (date != NULL && format != NULL, NULL);

  /* Names are ours; everything else (numbers, padding) is GLib's. */
  for (const char *p = format; *p; p++)
    {
      if (p[0] == '%' && p[1] == 'B')
        {
          append_escaped (rewritten, month_name (g_date_time_get_month (date)));
          p++;
        }
      else if (p[0] == '%' && p[1] == 'A')
        {
          append_escaped (rewritten, weekday_name (g_date_time_get_day_of_week (date)));
          p++;
        }
      else if (p[0] == '%' && p[1] != '\0')
        {
          g_string_append_c (rewritten, p[0]);
          g_string_append_c (rewritten, p[1]);
          p++;
        }
      else
        g_string_append_c (rewritten, *p);
    }
  return g_date_time_format (date, rewritten->str);
}
