/* GhIdleTimer: the visit's idle timeout, without GTK. After a quiet spell it warns
 * (the "warning" property), counts the warning's seconds down ("seconds-left") and,
 * unless asked for more time, says the visit is over ("expired").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GH_TYPE_IDLE_TIMER (gh_idle_timer_get_type ())
G_DECLARE_FINAL_TYPE (GhIdleTimer, gh_idle_timer, GH, IDLE_TIMER, GObject)

GhIdleTimer *gh_idle_timer_new              (void);

/* The quiet spell before the warning and the warning's length; a running countdown
 * starts again with them. */
void         gh_idle_timer_set_timeouts     (GhIdleTimer *self,
                                             guint        idle_ms,
                                             guint        warning_seconds);
/* Starts (or starts again) the quiet spell, hiding a warning: "I need more time". */
void         gh_idle_timer_start            (GhIdleTimer *self);
/* Stops everything: the visit is over. */
void         gh_idle_timer_stop             (GhIdleTimer *self);
/* The shopper did something: the quiet spell starts again, unless the warning is
 * showing (only an explicit "I need more time" ends it) or the timer is stopped. */
void         gh_idle_timer_poke             (GhIdleTimer *self);

gboolean     gh_idle_timer_get_running      (GhIdleTimer *self);
gboolean     gh_idle_timer_get_warning      (GhIdleTimer *self);
int          gh_idle_timer_get_seconds_left (GhIdleTimer *self);

G_END_DECLS
