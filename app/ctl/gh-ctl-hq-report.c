/* glasshouse-ctl hq report: the fleet report (issue 17, docs/hq-report.md) as one HTML
 * page, and its figures as JSON with --json. The config is verified with --trust as
 * for hq import: the newest published bundle, or --config BUNDLE.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>

#include "config/gh-site-settings.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "ctl/gh-ctl-hq.h"
#include "hq/gh-hq-import.h"
#include "hq/gh-hq-report.h"

static gboolean
has_catalogs (const char *dir)
{
  g_autofree char *mo = g_build_filename (dir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  return g_file_test (mo, G_FILE_TEST_IS_REGULAR);
}

/* The page's texts in @language, from the installed catalogs or, run from the build
 * folder, from the ones built there. gettext follows LANGUAGE only when LC_MESSAGES
 * is not plain C, hence C.UTF-8 (Debian's one locale that is always there). */
static void
use_language (const char *language)
{
  const char *messages = setlocale (LC_MESSAGES, NULL);
  const char *override = g_getenv ("GLASSHOUSE_LOCALEDIR");
  const char *build_dir = gh_site_build_dir ();
  g_autofree char *build_po = build_dir != NULL ? g_build_filename (build_dir, "po", NULL) : NULL;
  const char *dir = LOCALEDIR;
  g_autofree char *posix = g_strdelimit (g_strdup (language), "-", '_');
  g_autofree char *base = g_strndup (language, strcspn (language, "-_"));
  g_autofree char *value = g_strconcat (posix, ":", base, NULL);

  if (override != NULL && *override != '\0')
    dir = override;
  else if (build_po != NULL && has_catalogs (build_po))
    dir = build_po;  /* run from the build folder: its own catalogues */
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_setenv ("LANGUAGE", value, TRUE);
  textdomain (GETTEXT_PACKAGE);
}

int
gh_ctl_hq_report (int    argc,
                  char **argv)
{
  const char *usage = "hq report --postgres CONNINFO --trust FILE [--config BUNDLE] --html FILE "
                      "[--language LANG] [--weeks N] [--now TIME] [--json]";
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *conninfo_option = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *bundle_path = NULL;
  g_autofree char *html_path = NULL;
  g_autofree char *language = NULL;
  g_autofree char *now_text = NULL;
  int weeks = 0;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GhHqReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;
  GhHqReportOptions options = { 0 };
  const char *conninfo;
  GOptionEntry entries[] = {
    GH_CTL_HQ_POSTGRES_OPTION (conninfo_option),
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      "The HQ public keys the config's bundle is verified with", "FILE" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &bundle_path,
      "Report against this bundle (default: the newest in glasshouse.bundle)", "BUNDLE" },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html_path, "Where the page is written", "FILE" },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language,
      "The page's language, one of the config's (default: its first)", "LANG" },
    { "weeks", 0, 0, G_OPTION_ARG_INT, &weeks, "Weeks covered, ending this week (default 12)", "N" },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      "Report as if it were this time (ISO 8601)", "TIME" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, usage, entries, TRUE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((conninfo = gh_ctl_hq_conninfo (conninfo_option)) == NULL)
    return gh_ctl_hq_fail_no_conninfo (usage);
  if (trust_path == NULL || html_path == NULL)
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE, "%s is required (usage: glasshouse-ctl %s)",
                   trust_path == NULL ? "--trust FILE" : "--html FILE", usage);
      return gh_ctl_fail (error);
    }
  if (weeks < 0 || weeks > 520)
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE, "--weeks: expected 1 to 520");
      return gh_ctl_fail (error);
    }
  if (now_text != NULL)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (now_text, utc);

      if (time == NULL)
        {
          g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE,
                       "--now: not an ISO 8601 time (e.g. 2026-12-07T12:00:00Z)");
          return gh_ctl_fail (error);
        }
      options.now = g_date_time_to_unix (time);
    }
  options.weeks = weeks;

  if ((trust = gh_trust_new_from_file (trust_path, &error)) == NULL)
    return gh_ctl_fail (error);
  if ((hq = gh_hq_connect (conninfo, &error)) == NULL ||
      (catalog = gh_hq_load_catalog (hq, trust, bundle_path, &error)) == NULL)
    return gh_ctl_hq_fail (error);
  if (language == NULL)
    language = g_strdup (gh_catalog_get_default_language (catalog));
  else if (!g_strv_contains (gh_catalog_get_languages (catalog), language))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) gh_catalog_get_languages (catalog));
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_USAGE,
                   "--language: \"%s\" is not one of the config's languages (%s)", language, known);
      return gh_ctl_fail (error);
    }
  if ((report = gh_hq_report_compute (conninfo, catalog, &options, &error)) == NULL)
    return gh_ctl_hq_fail (error);

  use_language (language);
  html = gh_hq_report_to_html (report, language);
  if (!g_file_set_contents (html_path, html, -1, &error))
    return gh_ctl_fail (error);
  if (common.json)
    {
      g_autoptr(JsonNode) node = gh_hq_report_to_json (report);
      gh_ctl_print_json (node);
    }
  else
    printf ("fleet report written to %s\n", html_path);
  return GH_CTL_EXIT_OK;
}
