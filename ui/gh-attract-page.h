/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"

G_BEGIN_DECLS

#define GH_TYPE_ATTRACT_PAGE (gh_attract_page_get_type ())
G_DECLARE_FINAL_TYPE (GhAttractPage, gh_attract_page, GH, ATTRACT_PAGE, GtkWidget)

/* Shows @catalog's brand, promise and languages (construct-only property catalog)
 * in @language (property language, which the page's words follow); a NULL catalog
 * says the kiosk is not set up yet. */
GtkWidget  *gh_attract_page_new          (GhCatalog     *catalog,
                                          const char    *language);
const char *gh_attract_page_get_language   (GhAttractPage *self);
void        gh_attract_page_set_language   (GhAttractPage *self,
                                            const char    *language);
/* The brand marks (the logo picture, the brand's name): staff mode's long press. */
GtkWidget  *gh_attract_page_get_logo        (GhAttractPage *self);
GtkWidget  *gh_attract_page_get_brand_label (GhAttractPage *self);
/* Read aloud's toggle (gh_narrator_controls_new), below the languages. */
void        gh_attract_page_add_speech_controls (GhAttractPage *self,
                                                 GtkWidget     *controls);
/* A language's name in that language ("Deutsch"), for language buttons. */
const char *gh_attract_page_language_name (const char   *code);
/* A toggle for the kiosk.language action with @code as its target, named in that
 * language: the attract page's row and the top bar's menu have the same. */
GtkWidget  *gh_attract_page_language_toggle_new (const char *code);

G_END_DECLS
