/* glasshouse-portal: serves the kiosk's follow-up link on the shopper's phone.
 *   glasshouse-portal [--config FILE] [--port N]
 * Stops cleanly on SIGTERM/SIGINT (systemd's stop). Errors: one line on stderr
 * starting "glasshouse-portal: error:", exit 2 for usage or configuration, 3
 * when it cannot listen.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "portal/gh-portal.h"

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_path = NULL;
  int port = -1;
  gboolean print_port = FALSE;
  gboolean version = FALSE;
  g_autofree char *default_config = g_build_filename (SYSCONFDIR, "glasshouse",
                                                      "glasshouse-portal.conf", NULL);
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "The key file (default /etc/glasshouse/glasshouse-portal.conf)", "FILE" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Listen on this port instead (0: any free one)", "N" },
    { "print-port", 0, 0, G_OPTION_ARG_NONE, &print_port,
      "Print the port listened on, on stdout, once listening", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the phone's end of the kiosk's QR code");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhPortalConfig) config = NULL;
  g_autoptr(GhPortal) portal = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "glasshouse-portal: error: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("glasshouse-portal %s\n", PACKAGE_VERSION);
      return 0;
    }
  config = gh_portal_config_load (config_path != NULL ? config_path : default_config, &error);
  if (config == NULL)
    {
      fprintf (stderr, "glasshouse-portal: error: %s\n", error->message);
      return 2;
    }
  if (port >= 0)
    config->port = MIN (port, 65535);
  portal = gh_portal_new (config, &error);
  if (portal == NULL)
    {
      fprintf (stderr, "glasshouse-portal: error: %s\n", error->message);
      return 2;
    }
  if (!gh_portal_listen (portal, &error))
    {
      fprintf (stderr, "glasshouse-portal: error: cannot listen on %s port %d: %s\n",
               config->address, config->port, error->message);
      return 3;
    }
  if (print_port)
    {
      printf ("%d\n", gh_portal_get_port (portal));
      fflush (stdout);
    }
  g_message ("listening on %s port %d", config->address, gh_portal_get_port (portal));
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  g_main_loop_run (loop);
  g_message ("stopped");
  return 0;
}
