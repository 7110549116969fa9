/* For the tests outside tests/ui that put a real GTK window on screen (the follow-up
 * page, the portal's browser check) to take its snapshot.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Spins the main loop until @window is mapped, laid out and painted once (and 100 ms
 * more of whatever follows): then a snapshot is what the screen shows. */
void        gh_test_wait_for_frame (GtkWidget  *window);

/* A borderless window of @width x @height holding @child, presented. */
GtkWidget  *gh_test_window_new     (GtkWidget  *child,
                                    int         width,
                                    int         height);

/* Waits for @window's frame, renders it as GTK's reftests do, asserts it was saved as
 * the PNG @path and returns the pixels. */
GdkTexture *gh_test_render_window  (GtkWidget  *window,
                                    const char *path);

G_END_DECLS
