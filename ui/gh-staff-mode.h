/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"

G_BEGIN_DECLS

/* How long a press on the logo must be held to ask for a staff PIN. */
#define GH_STAFF_MODE_PRESS_MS 3000

#define GH_TYPE_STAFF_MODE (gh_staff_mode_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffMode, gh_staff_mode, GH, STAFF_MODE, GObject)

GhStaffMode   *gh_staff_mode_new           (void);

/* Staff assist from now on, for @timeout_seconds (restarted by gh_staff_mode_extend). */
void           gh_staff_mode_begin         (GhStaffMode   *self,
                                            GhStaffMember *member,
                                            guint          timeout_seconds);
/* Ends staff assist now ("ended" with timed_out FALSE); nothing when not active. */
void           gh_staff_mode_end           (GhStaffMode   *self);
/* Staff did something: the timeout starts again. */
void           gh_staff_mode_extend        (GhStaffMode   *self);

gboolean       gh_staff_mode_get_active    (GhStaffMode   *self);
GhStaffMember *gh_staff_mode_get_member    (GhStaffMode   *self);
/* "staff:<id>" while active, else NULL: the actor every event carries. */
const char    *gh_staff_mode_get_actor     (GhStaffMode   *self);

/* Watches @logo for a press held GH_STAFF_MODE_PRESS_MS long, then emits
 * "unlock-requested". Several widgets may be watched (attract page, top bar). */
void           gh_staff_mode_watch_logo    (GhStaffMode   *self,
                                            GtkWidget     *logo);

G_END_DECLS
