/* What the kiosk says for a control when Read aloud is on: its name, what kind of
 * control it is and its state ("Personalised offers, switch, on").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sets @widget's accessible label and keeps it for speech too: GTK 4.8 has no public
 * getter for accessible properties, so the kiosk keeps the spoken name itself. */
void         gh_spoken_set_label     (GtkWidget   *widget,
                                      const char  *label);
/* The name set above, or NULL. */
const char  *gh_spoken_get_label     (GtkWidget   *widget);
/* The name, kind and state of the control @widget (the focused widget), in the
 * language in force; never the characters of a PIN or loyalty number. NULL when
 * there is nothing to say. */
char        *gh_spoken_describe      (GtkWidget   *widget);
/* Whether @editable holds a number that must not be read out (a PIN, a loyalty
 * number), and how many digits it normally has. */
gboolean     gh_spoken_is_private    (GtkWidget   *editable,
                                      guint       *n_digits);
/* The words of the visible labels under @root in reading order, each once, leaving
 * out those inside controls (@controls receives the controls' names, in order, if
 * not NULL). */
void         gh_spoken_collect       (GtkWidget   *root,
                                      GPtrArray   *texts,
                                      GPtrArray   *controls);

G_END_DECLS
