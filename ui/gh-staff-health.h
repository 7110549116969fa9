/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "visit/gh-health.h"

G_BEGIN_DECLS

#define GH_TYPE_STAFF_HEALTH (gh_staff_health_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffHealth, gh_staff_health, GH, STAFF_HEALTH, GtkWidget)

GtkWidget *gh_staff_health_new     (void);
/* Collects the kiosk's health from @db_path in a worker, then shows it;
 * "notify::loading" goes FALSE when it is on screen. */
void       gh_staff_health_refresh (GhStaffHealth  *self,
                                    const char     *db_path);
void       gh_staff_health_show    (GhStaffHealth  *self,
                                    const GhHealth *health);
gboolean   gh_staff_health_get_loading (GhStaffHealth *self);

/* Sets the headings again in the language now in force; the figures follow at the
 * next refresh. */
void           gh_staff_health_retranslate (GhStaffHealth *self);

G_END_DECLS
