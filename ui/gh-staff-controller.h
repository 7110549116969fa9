/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"
#include "visit/gh-session.h"
#include "gh-staff-mode.h"

G_BEGIN_DECLS

#define GH_TYPE_STAFF_CONTROLLER (gh_staff_controller_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffController, gh_staff_controller, GH, STAFF_CONTROLLER, GObject)

/* Puts the staff banner at the end of @banner_box and the staff sign-in and
 * staff pages into @stack ("staff-sign-in", "staff"), on the store at @db_path
 * (staff PIN lockouts, the kiosk's health). */
GhStaffController *gh_staff_controller_new           (GtkStack          *stack,
                                                      GtkBox            *banner_box,
                                                      const char        *db_path);
/* The config in force: the staff and their PINs, the staff timeout. */
void               gh_staff_controller_set_catalog   (GhStaffController *self,
                                                      GhCatalog         *catalog);
/* The visit, or NULL when there is none: its actor follows staff mode. */
void               gh_staff_controller_set_session   (GhStaffController *self,
                                                      GhSession         *session);
/* A long press on @logo (a brand mark: the logo picture or the brand's name)
 * opens the staff sign-in. */
void               gh_staff_controller_watch_logo    (GhStaffController *self,
                                                      GtkWidget         *logo);
/* Opens the staff PIN screen, as the long press does. */
void               gh_staff_controller_request_unlock (GhStaffController *self);
GhStaffMode       *gh_staff_controller_get_mode      (GhStaffController *self);
/* After a language change: the banner and staff screens in the new language. */
void               gh_staff_controller_relabel       (GhStaffController *self);

G_END_DECLS
