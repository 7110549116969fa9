/* Accessibility checks the UI tests share: does every control have a name a screen
 * reader can say, does every label get the room its words need, and the keyboard
 * (Tab, Shift+Tab, Enter) the way a keyboard or switch-device user drives the kiosk.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A control a person operates: a button, switch, text field, … by its accessible role. */
gboolean   gh_a11y_is_interactive      (GtkWidget  *widget);
/* Has a name a screen reader announces: an accessible label, a labelled-by
 * relation, or, for buttons, the words on it. */
gboolean   gh_a11y_has_name            (GtkWidget  *widget);
/* The words a control shows (its label, or its accessible label is not readable
 * through public API, so "" then); for messages and for finding controls. */
char      *gh_a11y_visible_text        (GtkWidget  *widget);
/* Fails the test naming every interactive widget under @root that has no name. */
void       gh_a11y_assert_all_named    (GtkWidget  *root,
                                        const char *screen);
/* Fails for every drawn label narrower than its natural width (unless it wraps
 * or ellipsizes) or shorter than its words need at its width. */
void       gh_a11y_assert_labels_fit   (GtkWidget  *root,
                                        const char *screen);
/* The same as a list of the clipped labels, one a line; NULL when none is. */
char      *gh_a11y_find_clipped_labels (GtkWidget  *root);

/* Fails for every control (a button, …) inside another control under @root: a screen
 * reader meets both, e.g. a menu button's two buttons with one name. */
void       gh_a11y_assert_no_nested_controls (GtkWidget  *root,
                                              const char *screen);
/* The words @label's lines break inside, as drawn now ("\"Clothing\" broken at
 * \"Clothin|g\"", comma-separated), NULL when none: a word is broken only when it
 * alone is wider than the label. */
char      *gh_a11y_find_broken_words   (GtkLabel   *label);

/* The keyboard: Tab / Shift+Tab move the focus as GtkWindow's bindings do (wrapping
 * at the end), Enter and Space activate the focused control. */
GtkWidget *gh_a11y_focus               (GtkWindow  *window);
void       gh_a11y_press_tab           (GtkWindow  *window,
                                        gboolean    backward);
void       gh_a11y_press_enter         (GtkWindow  *window);
typedef gboolean (*GhA11yFocusMatch) (GtkWidget *focus,
                                      gpointer   data);
/* Presses Tab until @match holds for the focused widget; FALSE after @max presses. */
gboolean   gh_a11y_tab_until           (GtkWindow        *window,
                                        GhA11yFocusMatch  match,
                                        gpointer          data,
                                        guint             max);
/* Matches: the focus is a button showing exactly @data; the focus is inside @data. */
gboolean   gh_a11y_focus_is_button     (GtkWidget  *focus,
                                        gpointer    data);
gboolean   gh_a11y_focus_is_inside     (GtkWidget  *focus,
                                        gpointer    data);
/* TRUE if the focused widget looks different with the focus ring shown than without:
 * the ring is visible. Renders the window twice. */
gboolean   gh_a11y_focus_ring_visible  (GtkWindow  *window);

G_END_DECLS
