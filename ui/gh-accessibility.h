/* GhAccessibility: the shopper's "Larger text" and "High contrast" choices for one
 * display, and the pair of toggle buttons that switch them from any screen.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Text is this much bigger with "Larger text" on (WCAG 1.4.4 asks for 2x zoom
 * without loss; a kiosk cannot zoom, so it enlarges its type instead). */
#define GH_ACCESSIBILITY_TEXT_SCALE 1.5

#define GH_TYPE_ACCESSIBILITY (gh_accessibility_get_type ())
G_DECLARE_FINAL_TYPE (GhAccessibility, gh_accessibility, GH, ACCESSIBILITY, GObject)

/* One per display, created on first use (borrowed). */
GhAccessibility *gh_accessibility_get_for_display (GdkDisplay      *display);

gboolean    gh_accessibility_get_larger_text      (GhAccessibility *self);
void        gh_accessibility_set_larger_text      (GhAccessibility *self,
                                                   gboolean         larger_text);
gboolean    gh_accessibility_get_high_contrast    (GhAccessibility *self);
void        gh_accessibility_set_high_contrast    (GhAccessibility *self,
                                                   gboolean         high_contrast);
/* Both off: the next shopper starts from the default look. */
void        gh_accessibility_reset                (GhAccessibility *self);

/* Two toggle buttons bound to @self, labelled in the current language. Build a
 * new pair when the language changes. */
GtkWidget  *gh_accessibility_toggles_new          (GhAccessibility *self);

/* A toggle button in the toggles' style, labelled @label, bound both ways to the
 * boolean @property of @object (Read aloud's toggle is one too). */
GtkWidget  *gh_accessibility_toggle_new           (gpointer         object,
                                                   const char      *property,
                                                   const char      *label);

/* The stylesheet with every font-size in px scaled by @scale (exposed for tests). */
char       *gh_accessibility_scale_css            (const char      *css,
                                                   double           scale);

G_END_DECLS
