/* The kiosk's language machinery. A visit's language is chosen on the screen, not
 * by the process's locale: gettext follows the LANGUAGE variable, which glibc
 * ignores while LC_MESSAGES is plain "C", so start-up moves messages to C.UTF-8.
 * Debian ships no other locales by default, so the number and date conventions of
 * each language come from ICU's CLDR data (app/offers/gh-format.c) rather than
 * from LC_NUMERIC and LC_TIME: a German visit writes "1.234,50 €" and
 * "3. März 2026" on a kiosk that only has the C locale.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "gh-i18n.h"

#include "config/gh-site-settings.h"
#include "offers/gh-format.h"

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

/* The visit's code for ICU: the kiosk's own language when none was picked. */
static const char *
format_language (void)
{
  return language != NULL && *language != '\0' ? language : "en";
}

char *
gh_i18n_format_decimal (double value,
                        guint  decimals)
{
  return gh_format_decimal (format_language (), value, decimals);
}

char *
gh_i18n_format_money (double      amount,
                      const char *currency)
{
  return gh_format_money (format_language (), amount, currency);
}

char *
gh_i18n_format_date (GDateTime *date)
{
  g_return_val_if_fail (date != NULL, NULL);
  return gh_format_date (format_language (), date);
}
