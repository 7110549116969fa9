/* The "Inferred" mark on data items and "because…" chips (see gh-inferred-badge.h).
 * It used dialog-question-symbolic before, which reads as a glyph the font lacked.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-inferred-badge.h"

#define ICONS_PATH "/org/glasshouse/Kiosk/icons"

void
gh_inferred_badge_ensure_icons (GdkDisplay *display)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (display);

  if (!gtk_icon_theme_has_icon (theme, GH_INFERRED_ICON))
    gtk_icon_theme_add_resource_path (theme, ICONS_PATH);
}

GtkWidget *
gh_inferred_badge_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* The word says it; the icon is not read out a second time. */
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", GH_INFERRED_ICON,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  /* Translators: the mark on a piece of data the shop worked out (a guess, not a fact),
   * one short word on a badge */
  GtkWidget *word = gtk_label_new (_("Inferred"));

  gtk_widget_add_css_class (icon, "inferred-icon");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), word);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (box, "inferred-badge");
  return box;
}
