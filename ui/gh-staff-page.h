/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "gh-staff-mode.h"

G_BEGIN_DECLS

#define GH_TYPE_STAFF_PAGE (gh_staff_page_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffPage, gh_staff_page, GH, STAFF_PAGE, GtkWidget)

/* Shows the health of the store at @db_path and acts as @mode's member of staff
 * (construct-only properties mode, db-path). Emits "done" when staff go back to the
 * shopper's screens. */
GtkWidget *gh_staff_page_new     (GhStaffMode *mode,
                                  const char  *db_path);
/* Reads the kiosk's health again and names the member of staff: as the page shows. */
void       gh_staff_page_refresh (GhStaffPage *self);
/* Sets the page's words again in the language now in force. */
void       gh_staff_page_retranslate (GhStaffPage *self);
/* Forgets any loyalty number typed and any message (on leaving the page). */
void       gh_staff_page_reset   (GhStaffPage *self);

G_END_DECLS
