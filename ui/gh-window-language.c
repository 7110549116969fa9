/* The kiosk window's words in the visit's language: GTK does not translate a built
 * widget again, so the window's own labels are re-set on every change of language, and
 * the language menu of the top bar is built from the config's languages.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-accessibility.h"
#include "gh-attract-page.h"
#include "gh-menu-button.h"
#include "gh-window-private.h"
#include "gh-ui-widgets.h"

/* GTK does not translate a built widget again: the window's own words are re-set
 * whenever the language changes, and the display toggles are built anew. */
static void
retranslate_chrome (GhWindow *self)
{
  gtk_label_set_label (self->idle_title, _("Are you still there?"));
  gtk_button_set_label (GTK_BUTTON (self->more_time_button), _("I need more time"));
  gtk_label_set_label (self->leave_title, _("Before you go"));
  gtk_label_set_label (self->leave_label, _("You changed your choices today. Take a receipt of "
                                            "them with you on your phone?"));
  gtk_button_set_label (self->leave_receipt_button, _("Show my receipt"));
  gtk_button_set_label (self->leave_button, _("Sign out without it"));
  gtk_button_set_label (self->sign_out_button,
                        self->session != NULL ? _("Sign out") : _("Cancel"));
  gtk_picture_set_alternative_text (self->top_logo, _("Logo"));
  gh_menu_button_set_name (self->language_button, _("Language"));
  if (gh_idle_timer_get_warning (self->idle))
    _gh_window_update_idle_label (self);
  _gh_window_sync_hidden_pages (self);

  gh_box_remove_all (self->a11y_box);
  gtk_box_append (self->a11y_box, gh_accessibility_toggles_new (
    gh_accessibility_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)))));
  gtk_box_append (self->a11y_box, gh_narrator_controls_new (self->narrator, FALSE));
}

void
gh_window_rebuild_language_box (GhWindow *self)
{
  GhCatalog *catalog = gh_kiosk_get_catalog (self->kiosk);
  const char * const *languages = catalog ? gh_catalog_get_languages (catalog) : NULL;

  retranslate_chrome (self);

  gh_box_remove_all (self->language_box);
  gtk_popover_popdown (self->language_popover);
  gtk_widget_set_visible (GTK_WIDGET (self->language_button),
                          languages != NULL && g_strv_length ((char **) languages) > 1);
  if (languages == NULL || g_strv_length ((char **) languages) < 2)
    return;
  /* Compact in the top bar: the current language, the others one tap away. The
   * toggles follow the kiosk.language action's state. */
  gtk_menu_button_set_label (self->language_button,
                             gh_attract_page_language_name (self->language));
  for (guint i = 0; languages[i] != NULL; i++)
    gtk_box_append (self->language_box, gh_attract_page_language_toggle_new (languages[i]));
}
