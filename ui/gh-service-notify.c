/* sd_notify for the kiosk: READY=1 once the window is up, then WATCHDOG=1 from the GTK
 * main loop itself. The ping is a main-loop timeout on purpose: a thread would keep
 * pinging while the screen is frozen, which is exactly what the watchdog is there to catch.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-service-notify.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#include <unistd.h>
#endif

guint64
gh_service_watchdog_usec (void)
{
  const char *text = g_getenv ("WATCHDOG_USEC");
  guint64 usec;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT64, &usec, NULL))
    return 0;
  return usec;
}

#ifdef HAVE_LIBSYSTEMD
static gboolean
ping_watchdog (gpointer data)
{
  sd_notify (0, "WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}
#endif

void
gh_service_notify_ready (void)
{
#ifdef HAVE_LIBSYSTEMD
  static gboolean done;
  guint64 usec = gh_service_watchdog_usec ();

  if (done || g_getenv ("NOTIFY_SOCKET") == NULL)
    return;
  done = TRUE;
  sd_notifyf (0, "READY=1\nSTATUS=Showing the attract screen\nMAINPID=%lu", (gulong) getpid ());
  if (usec > 0)
    g_timeout_add_full (G_PRIORITY_DEFAULT, MAX (usec / 2000, 100), ping_watchdog, NULL, NULL);
#endif
}
