/* The glasshouse kiosk's entry point: keeps the process from leaving shoppers' data
 * in core dumps, sets up gettext and runs GhApplication. Everything else lives in
 * libglasshouse_ui so that the tests can drive it.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "gh-application.h"
#include "gh-i18n.h"
#include "gh-process.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GhApplication) app = NULL;

  /* No core dumps, no ptrace, freed memory overwritten: ui/gh-process.c says why. */
  gh_process_harden (argv);
  setlocale (LC_ALL, "");
  gh_i18n_init ();

  app = gh_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
