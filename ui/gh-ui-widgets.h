/* The kiosk's paragraph label, its status lines, and emptying a box: the pieces the
 * pages share (dashboard, Forget me, notices, sign-in, staff, the top bar's menus).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A left-aligned label that wraps between words, inside one only if it must, with
 * @css_class unless NULL; @max_width_chars bounds how wide it asks to be (-1: the
 * line). Its narrowest width is 12 letters: GTK 4.8 finds a wrapping label's narrowest
 * width by laying its text out one letter a line otherwise, which cost more than all
 * else on the dashboard. */
#define GH_WRAPPED_LABEL_NARROWEST_CHARS 12

GtkWidget *gh_wrapped_label_new (const char *text,
                                 const char *css_class,
                                 int         max_width_chars);

/* Shows @message (NULL: nothing) on a status line, in the error look when @is_error. */
void       gh_status_label_set  (GtkLabel   *label,
                                 const char *message,
                                 gboolean    is_error);

/* Removes every child of @box. */
void       gh_box_remove_all    (GtkBox     *box);

G_END_DECLS
