/* Tearing down a widget built from a .ui template (see the header).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-widget-template.h"

void
gh_widget_dispose_template (GtkWidget *widget,
                            GType      template_type)
{
  GtkWidget *child;

  gtk_widget_dispose_template (widget, template_type);
  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}
