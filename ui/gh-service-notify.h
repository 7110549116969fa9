/* Telling systemd the kiosk is up and alive.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tells the service manager the kiosk is ready and, when the unit has a watchdog, pings
 * it from the main loop at half its interval, so that a UI whose main loop hangs stops
 * pinging and is restarted. Does nothing outside systemd. */
void gh_service_notify_ready (void);

/* The watchdog interval systemd gave us in microseconds, 0 when none. Reads
 * $WATCHDOG_USEC without checking $WATCHDOG_PID: under cage the variable names cage's
 * process, our parent, and NotifyAccess=all lets us ping for the whole unit. */
guint64 gh_service_watchdog_usec (void);

G_END_DECLS
