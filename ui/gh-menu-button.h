/* One control, one name, for a GtkMenuButton: GTK 4.8 makes a menu button a button
 * around a toggle button, so a screen reader meets a button inside a button, both
 * named, and says it twice. Our menu buttons are made with the "group" role (in
 * their .ui or with gh_menu_button_new ()) and the name goes on the toggle button
 * inside, the one that takes the focus and the tap.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A menu button that is not a button of its own to a screen reader. */
GtkWidget *gh_menu_button_new      (void);
/* Names the control inside @button (what a screen reader says for it). */
void       gh_menu_button_set_name (GtkMenuButton *button,
                                    const char    *name);

G_END_DECLS
