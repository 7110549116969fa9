/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"

G_BEGIN_DECLS

/* WCAG 2.x contrast ratio of two "#rrggbb" colours (1 to 21); 0 if either is not a colour. */
double      gh_branding_contrast     (const char *color_a,
                                      const char *color_b);
/* CSS for the config's accent colour: buttons and switches take it with a text
 * colour that reaches 4.5:1 on it; where it is used as text it is darkened until
 * it reaches 4.5:1 on the page. */
char       *gh_branding_css          (GhCatalog  *catalog);
/* The same for an accent "#rrggbb" (NULL or not a colour: the kiosk's own blue). */
char       *gh_branding_css_for_accent (const char *accent);
/* The config's logo at @height pixels, or NULL when there is none or it cannot be read. */
GdkTexture *gh_branding_logo_texture (GhCatalog  *catalog,
                                      int         height);

G_END_DECLS
