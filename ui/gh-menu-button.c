/* Menu buttons a screen reader announces once (see gh-menu-button.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-menu-button.h"
#include "gh-spoken.h"

GtkWidget *
gh_menu_button_new (void)
{
  /* The role can only be given before the accessible is realized: at construction. */
  return g_object_new (GTK_TYPE_MENU_BUTTON, "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP, NULL);
}

void
gh_menu_button_set_name (GtkMenuButton *button,
                         const char    *name)
{
  GtkWidget *inner = gtk_widget_get_first_child (GTK_WIDGET (button));

  g_return_if_fail (GTK_IS_MENU_BUTTON (button));
  g_warn_if_fail (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (button))
                  != GTK_ACCESSIBLE_ROLE_BUTTON);
  /* GtkMenuButton's first child is its toggle button; the popover is a later one. */
  g_return_if_fail (GTK_IS_TOGGLE_BUTTON (inner));
  /* The accessible name, and the words Read aloud says when the focus comes to it. */
  gh_spoken_set_label (inner, name);
}
