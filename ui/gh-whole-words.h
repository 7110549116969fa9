/* A wrapping label that keeps its words whole: it asks for at least the width of its
 * widest word (up to its natural width), so a narrow parent cannot make it break
 * "Clothing" into "Clothin-" / "g". Only a word wider than the whole line (HQ may
 * send 120 letters in one) is still broken, where it must.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GH_TYPE_WHOLE_WORDS (gh_whole_words_get_type ())
G_DECLARE_FINAL_TYPE (GhWholeWords, gh_whole_words, GH, WHOLE_WORDS, GtkWidget)

/* Wraps @label (a wrapping GtkLabel; the new widget owns it). Spaces that must not
 * break a unit apart (a date) are no-break spaces in the label's text. */
GtkWidget *gh_whole_words_new       (GtkLabel     *label);

G_END_DECLS
