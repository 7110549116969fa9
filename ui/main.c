/* The glasshouse kiosk's entry point: keeps the process from leaving shoppers' data
 * in core dumps, sets up gettext and runs GhApplication. Everything else lives in
 * libglasshouse_ui so that the tests can drive it.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "gh-application.h"
#include "gh-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GhApplication) app = NULL;
  const struct rlimit no_core = { 0, 0 };

  /* A crash must not write a shopper's name, number or email to disk: no core dump,
   * and no other process of the same user may read this one's memory (ptrace). The
   * kiosk's unit says the same with LimitCORE=0. */
  setrlimit (RLIMIT_CORE, &no_core);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Past a file-size limit, a failed write the store rolls back and reports, not a
   * silent death (as in glasshouse-ctl). */
  signal (SIGXFSZ, SIG_IGN);
  setlocale (LC_ALL, "");
  gh_i18n_init ();

  app = gh_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
