/* The mark on what we inferred (a guess, not a fact): an icon of its own and the word
 * "Inferred", so it is told neither by colour nor by a shape alone.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GH_INFERRED_ICON "gh-inferred-symbolic"

/* The kiosk's own icons (GH_INFERRED_ICON) in @display's icon theme; once per display. */
void       gh_inferred_badge_ensure_icons (GdkDisplay *display);
/* The icon and the word, side by side. */
GtkWidget *gh_inferred_badge_new          (void);

G_END_DECLS
