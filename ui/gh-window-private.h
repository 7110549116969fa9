/* For tests and benchmarks only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-inbox.h"
#include "gh-window.h"

G_BEGIN_DECLS

/* Overrides the config's idle timeout (milliseconds) and warning (seconds). */
void _gh_window_set_idle_timeout (GhWindow *self,
                                  guint     idle_ms,
                                  guint     warning_seconds);
gboolean _gh_window_get_idle_warning_shown (GhWindow *self);
GtkWidget *_gh_window_get_page (GhWindow   *self,
                                const char *name);
/* Staff mode (gh-staff-controller.c). */
typedef struct _GhStaffController GhStaffController;
GhStaffController *_gh_window_get_staff (GhWindow *self);
/* HQ's inbox (NULL until the store is open, or without a key to trust). */
GhInbox *_gh_window_get_inbox (GhWindow *self);
/* Reads the store's active config again in a worker, as the end of a visit does. */
void _gh_window_reload_config (GhWindow *self);
gboolean _gh_window_is_loading_config (GhWindow *self);

G_END_DECLS
