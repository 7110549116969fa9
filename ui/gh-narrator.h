/* GhNarrator: Read aloud. Watches a kiosk window and speaks through GhSpeech what a
 * shopper who cannot see the screen needs: each screen, the focused control, the
 * lists, the alerts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "gh-speech.h"

G_BEGIN_DECLS

/* How long a key is held to switch Read aloud on or off, and which key (README). */
#define GH_NARRATOR_HOLD_MS  2000
#define GH_NARRATOR_HOLD_KEY GDK_KEY_Escape

#define GH_TYPE_NARRATOR (gh_narrator_get_type ())
G_DECLARE_FINAL_TYPE (GhNarrator, gh_narrator, GH, NARRATOR, GObject)

/* Narrates @window, whose screens are the pages of @stack. Off until enabled. */
GhNarrator *gh_narrator_new             (GtkWindow   *window,
                                         GtkStack    *stack);
gboolean    gh_narrator_get_enabled     (GhNarrator  *self);
/* On: connects to the speech service and reads the screen; off: silence at once. */
void        gh_narrator_set_enabled     (GhNarrator  *self,
                                         gboolean     enabled);
/* TRUE after the speech service did not answer (Read aloud is off then). */
gboolean    gh_narrator_get_unavailable (GhNarrator  *self);
/* The visit's language (ISO 639), for the voice and the words. */
void        gh_narrator_set_language    (GhNarrator  *self,
                                         const char  *language);
GhSpeech   *gh_narrator_get_speech      (GhNarrator  *self);
/* One step louder (+1) or quieter (-1); faster (+1) or slower (-1). */
void        gh_narrator_change_volume   (GhNarrator  *self,
                                         int          steps);
void        gh_narrator_change_rate     (GhNarrator  *self,
                                         int          steps);

/* Says @text at once if the window @from is in is narrated (a preview, the idle
 * warning, the outcome of a change); @urgent interrupts whatever is being said. */
void        gh_narrator_announce        (GtkWidget   *from,
                                         gboolean     urgent,
                                         const char  *text);

/* gh-narrator-controls.c: the "Read aloud" toggle; @with_hint (the welcome screen)
 * adds the voice's volume and speed, how to use the keys and a line saying when
 * speech is not available. */
GtkWidget  *gh_narrator_controls_new    (GhNarrator  *self,
                                         gboolean     with_hint);

/* gh-narrator-screens.c: what the screen @page (the stack's page called @name) says
 * when it appears, one utterance per element of the result. */
GPtrArray  *gh_narrator_screen_words    (GtkWindow   *window,
                                         GtkWidget   *page,
                                         const char  *name);

G_END_DECLS
