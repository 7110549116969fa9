/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "gh-staff-mode.h"

G_BEGIN_DECLS

#define GH_TYPE_STAFF_BANNER (gh_staff_banner_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffBanner, gh_staff_banner, GH, STAFF_BANNER, GtkWidget)

GtkWidget *gh_staff_banner_new      (GhStaffMode   *mode);
/* The label the shopper reads, e.g. "Sam from staff is helping you". */
const char *gh_staff_banner_get_text (GhStaffBanner *self);
/* Writes the text again, in the language gettext now uses. */
void       gh_staff_banner_relabel  (GhStaffBanner *self);
/* Whether "Staff: finish helping" shows: not on the staff screens, whose own button is
 * their one way out. */
void       gh_staff_banner_set_end_shown (GhStaffBanner *self,
                                          gboolean       shown);

G_END_DECLS
