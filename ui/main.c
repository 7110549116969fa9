/* The glasshouse kiosk's entry point: sets up gettext and runs GhApplication.
 * Everything else lives in libglasshouse_ui so that the tests can drive it.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "gh-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GhApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = gh_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
