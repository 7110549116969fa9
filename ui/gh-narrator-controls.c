/* Read aloud's controls: the "Read aloud" toggle in the style of Larger text and
 * High contrast, a "Voice" button (while it reads) whose popover makes the voice
 * louder, quieter, faster or slower, a line saying plainly when the kiosk has no
 * speech service, and, on the welcome screen, how to do it all from the keyboard.
 * They follow the narrator's language themselves.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-accessibility.h"
#include "gh-narrator.h"

typedef struct {
  GhNarrator *narrator;
  GtkWidget  *toggle;
  GtkWidget  *voice_button;
  GtkWidget  *louder;
  GtkWidget  *quieter;
  GtkWidget  *faster;
  GtkWidget  *slower;
  GtkLabel   *unavailable_label;
  GtkLabel   *hint_label;
} Controls;

static void
controls_free (gpointer data)
{
  Controls *controls = data;

  g_clear_object (&controls->narrator);
  g_free (controls);
}

static void
set_button_words (GtkWidget  *button,
                  const char *words)
{
  GtkWidget *label = GTK_IS_MENU_BUTTON (button)
                     ? gtk_menu_button_get_child (GTK_MENU_BUTTON (button))
                     : gtk_button_get_child (GTK_BUTTON (button));

  if (GTK_IS_LABEL (label))
    gtk_label_set_label (GTK_LABEL (label), words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, words,
                                  -1);
}

static void
relabel (Controls *controls)
{
  /* Translators: a toggle button on the welcome screen and the top bar that makes
   * the kiosk speak (for shoppers who cannot see the screen) */
  set_button_words (controls->toggle, _("Read aloud"));
  /* Translators: a button that opens the volume and speed of Read aloud */
  set_button_words (controls->voice_button, _("Voice"));
  /* Translators: buttons that change the volume and speed of Read aloud */
  set_button_words (controls->louder, _("Louder"));
  set_button_words (controls->quieter, _("Quieter"));
  set_button_words (controls->faster, _("Faster"));
  set_button_words (controls->slower, _("Slower"));
  if (controls->unavailable_label != NULL)
    gtk_label_set_label (controls->unavailable_label,
                         _("Read aloud is not available on this kiosk. Please ask a member of "
                           "staff."));
  if (controls->hint_label != NULL)
    /* Translators: under the Read aloud toggle on the welcome screen; the keys are
     * those of a keyboard's numeric keypad */
    gtk_label_set_label (controls->hint_label,
                         _("Or hold the Esc key for 2 seconds. While it reads, + and − change "
                           "the volume, * and / the speed."));
}

static GtkWidget *
word_button (const char *css_class)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_NONE);
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, css_class);
  return button;
}

static void
on_volume (GtkButton *button,
           Controls  *controls)
{
  gh_narrator_change_volume (controls->narrator,
                             GTK_WIDGET (button) == controls->louder ? 1 : -1);
}

static void
on_rate (GtkButton *button,
         Controls  *controls)
{
  gh_narrator_change_rate (controls->narrator, GTK_WIDGET (button) == controls->faster ? 1 : -1);
}

static GtkWidget *
voice_popover (Controls *controls)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  controls->quieter = word_button ("voice-step");
  controls->louder = word_button ("voice-step");
  controls->slower = word_button ("voice-step");
  controls->faster = word_button ("voice-step");
  gtk_grid_attach (GTK_GRID (grid), controls->quieter, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), controls->louder, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), controls->slower, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), controls->faster, 1, 1, 1, 1);
  g_signal_connect (controls->quieter, "clicked", G_CALLBACK (on_volume), controls);
  g_signal_connect (controls->louder, "clicked", G_CALLBACK (on_volume), controls);
  g_signal_connect (controls->slower, "clicked", G_CALLBACK (on_rate), controls);
  g_signal_connect (controls->faster, "clicked", G_CALLBACK (on_rate), controls);
  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  return popover;
}

static void
on_language (GtkWidget *box)
{
  relabel (g_object_get_data (G_OBJECT (box), "gh-narrator-controls"));
}

static GtkWidget *
styled_text_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

GtkWidget *
gh_narrator_controls_new (GhNarrator *self,
                          gboolean    with_hint)
{
  Controls *controls = g_new0 (Controls, 1);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  /* The top bar takes the buttons alone, as tall as its other buttons. */
  GtkWidget *box = with_hint ? gtk_box_new (GTK_ORIENTATION_VERTICAL, 8) : row;
  GtkWidget *voice_label = gtk_label_new (NULL);

  g_return_val_if_fail (GH_IS_NARRATOR (self), NULL);

  controls->narrator = g_object_ref (self);
  gtk_widget_set_name (box, "read-aloud");
  gtk_widget_set_halign (row, GTK_ALIGN_CENTER);
  controls->toggle = gh_accessibility_toggle_new (self, "enabled", _("Read aloud"));
  controls->voice_button = gtk_menu_button_new ();
  gtk_menu_button_set_child (GTK_MENU_BUTTON (controls->voice_button), voice_label);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (controls->voice_button), voice_popover (controls));
  gtk_widget_add_css_class (controls->voice_button, "a11y-toggle");
  /* Only while it reads: the voice of a silent kiosk means nothing. Not in the top
   * bar, which a portrait screen leaves no room in: there the keys change the voice. */
  if (with_hint)
    g_object_bind_property (self, "enabled", controls->voice_button, "visible",
                            G_BINDING_SYNC_CREATE);
  else
    gtk_widget_set_visible (controls->voice_button, FALSE);
  gtk_box_append (GTK_BOX (row), controls->toggle);
  gtk_box_append (GTK_BOX (row), controls->voice_button);
  if (with_hint)
    {
      gtk_box_append (GTK_BOX (box), row);
      /* Said on the welcome screen, where Read aloud is switched on; in the top bar
       * the toggle springs back off. */
      controls->unavailable_label = GTK_LABEL (styled_text_label ("status"));
      g_object_bind_property (self, "unavailable", controls->unavailable_label, "visible",
                              G_BINDING_SYNC_CREATE);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (controls->unavailable_label));
      controls->hint_label = GTK_LABEL (styled_text_label ("hint"));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (controls->hint_label));
    }

  relabel (controls);
  g_signal_connect_object (self, "notify::language", G_CALLBACK (on_language), box,
                           G_CONNECT_SWAPPED);
  g_object_set_data_full (G_OBJECT (box), "gh-narrator-controls", controls, controls_free);
  return box;
}
