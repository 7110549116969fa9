/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"

G_BEGIN_DECLS

#define GH_TYPE_STAFF_SIGN_IN (gh_staff_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffSignIn, gh_staff_sign_in, GH, STAFF_SIGN_IN, GtkWidget)

/* Lists @catalog's staff to choose from (property catalog, which may change); emits
 * "signed-in" (GhStaffMember) on a right PIN, "cancelled" when staff go back. Wrong
 * PINs are counted in the store at @db_path (construct-only property db-path). */
GtkWidget *gh_staff_sign_in_new         (const char    *db_path,
                                         GhCatalog     *catalog);
void       gh_staff_sign_in_set_catalog (GhStaffSignIn *self,
                                         GhCatalog     *catalog);
/* Sets the screen's words again in the language now in force. */
void       gh_staff_sign_in_retranslate (GhStaffSignIn *self);
/* Forgets the PIN typed so far, any message and the name chosen (unless the config
 * names only one), and cancels a check in flight. */
void       gh_staff_sign_in_reset       (GhStaffSignIn *self);

G_END_DECLS
