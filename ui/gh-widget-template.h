/* Tearing down a widget built from a .ui template.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_widget_dispose_template (), then unparents what it leaves: GTK 4.8 unparents
 * only the children bound with an id, and our templates' top box has none. Call it
 * from dispose () with the type whose template @widget was made from. */
void gh_widget_dispose_template (GtkWidget *widget,
                                 GType      template_type);

G_END_DECLS
