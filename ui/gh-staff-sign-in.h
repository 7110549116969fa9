/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"

G_BEGIN_DECLS

#define GH_TYPE_STAFF_SIGN_IN (gh_staff_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffSignIn, gh_staff_sign_in, GH, STAFF_SIGN_IN, GtkWidget)

GtkWidget *gh_staff_sign_in_new   (void);
/* Lists @catalog's staff to choose from and clears the PIN; emits "signed-in"
 * (GhStaffMember) on a right PIN, "cancelled" when staff go back. Wrong PINs
 * are counted in the store at @db_path. */
void       gh_staff_sign_in_setup (GhStaffSignIn *self,
                                   GhCatalog     *catalog,
                                   const char    *db_path);
/* Forgets the PIN typed so far and any message, and cancels a check in flight. */
void       gh_staff_sign_in_reset (GhStaffSignIn *self);

G_END_DECLS
