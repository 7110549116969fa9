/* GhDashboardPage's actions on a choice: a switch turned off is previewed first (the
 * offers that would go, from the session's what-if), then confirmed; every change is
 * written by the session and can be undone for GH_DASHBOARD_UNDO_SECONDS.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-dashboard-page-private.h"
#include "gh-narrator.h"
#include "gh-offer-card.h"
#include "gh-ui-widgets.h"

/* ---- preview, confirm, undo ----------------------------------------------------- */

static void
set_busy (GhDashboardPage *self,
          gboolean         busy)
{
  self->busy = busy;
  gh_dashboard_page_sync_choices (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.undo", !busy);
}

static void
close_chip_popovers (GhDashboardPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->offers_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gh_offer_card_close_popovers (GH_OFFER_CARD (child));
}

static void
hide_undo (GhDashboardPage *self)
{
  g_clear_handle_id (&self->undo_source, g_source_remove);
  g_clear_pointer (&self->undo_purpose, g_free);
  gtk_widget_set_visible (self->undo_bar, FALSE);
}

static void
update_undo_button (GhDashboardPage *self)
{
  /* Translators: the Undo button with the seconds left, e.g. "Undo (9)" */
  g_autofree char *label = g_strdup_printf (_("Undo (%d)"), self->undo_left);

  gtk_button_set_label (self->undo_button, label);
}

static gboolean
undo_tick (gpointer user_data)
{
  GhDashboardPage *self = user_data;

  if (--self->undo_left <= 0)
    {
      self->undo_source = 0;
      hide_undo (self);
      return G_SOURCE_REMOVE;
    }
  update_undo_button (self);
  return G_SOURCE_CONTINUE;
}

static void
show_undo (GhDashboardPage *self,
           const char      *purpose_id,
           GhConsentState   restore,
           const char      *message)
{
  hide_undo (self);
  self->undo_purpose = g_strdup (purpose_id);
  self->undo_state = restore;
  self->undo_left = GH_DASHBOARD_UNDO_SECONDS;
  gtk_label_set_label (self->undo_label, message);
  update_undo_button (self);
  gtk_widget_set_visible (self->undo_bar, TRUE);
  self->undo_source = g_timeout_add_seconds (1, undo_tick, self);
}

static void
hide_preview (GhDashboardPage *self)
{
  gtk_spinner_set_spinning (self->preview_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_spinner), FALSE);
  gh_box_remove_all (self->preview_list);
  gtk_widget_set_visible (self->scrim, FALSE);
}

/* Read aloud says the preview (or the failure) at once, with every offer it lists. */
static void
announce_sheet (GhDashboardPage *self)
{
  g_autoptr(GString) text = g_string_new (gtk_label_get_label (self->preview_title));

  g_string_append_printf (text, " %s", gtk_label_get_label (self->preview_body));
  for (GtkWidget *line = gtk_widget_get_first_child (GTK_WIDGET (self->preview_list));
       line != NULL; line = gtk_widget_get_next_sibling (line))
    if (GTK_IS_LABEL (line))
      g_string_append_printf (text, " %s", gtk_label_get_label (GTK_LABEL (line)));
  gh_narrator_announce (GTK_WIDGET (self), TRUE, text->str);
}

static void
set_consent_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GhDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *purpose_id = g_steal_pointer (&self->pending_purpose);
  GhConsentState state = self->pending_state;
  guint offers_after;
  int difference;
  g_autofree char *message = NULL;

  if (!gh_session_set_consent_finish (GH_SESSION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || g_error_matches (error, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED))
        return;
      g_warning ("Saving a choice failed: %s", error->message);
      set_busy (self, FALSE);
      gtk_label_set_label (self->preview_title, _("That did not work"));
      gtk_label_set_label (self->preview_body, _("Your choice could not be saved, so nothing has "
                                                 "changed. Please try again, or ask a member of "
                                                 "staff."));
      gtk_spinner_set_spinning (self->preview_spinner, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->preview_spinner), FALSE);
      gtk_widget_set_visible (self->confirm_button, FALSE);
      gtk_button_set_label (self->cancel_button,
                            _("Close"));
      gtk_widget_set_visible (self->scrim, TRUE);
      announce_sheet (self);
      return;
    }
  if (gh_session_get_ended (self->session))
    return;

  set_busy (self, FALSE);
  hide_preview (self);

  if (self->pending_is_undo)
    {
      hide_undo (self);
      return;
    }

  offers_after = gh_session_get_offers (self->session)->len;
  difference = (int) offers_after - (int) self->offers_before;
  if (state == GH_CONSENT_REVOKED)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "“%s” is off. %d offer went.",
                                            "“%s” is off. %d offers went.", MAX (0, -difference)),
                               gh_dashboard_page_purpose_title (self, purpose_id),
                               MAX (0, -difference));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "“%s” is on. %d new offer.",
                                            "“%s” is on. %d new offers.", MAX (0, difference)),
                               gh_dashboard_page_purpose_title (self, purpose_id),
                               MAX (0, difference));
  gh_narrator_announce (GTK_WIDGET (self), FALSE, message);
  show_undo (self, purpose_id,
             state == GH_CONSENT_REVOKED ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED, message);
}

static void
write_choice (GhDashboardPage *self,
              const char      *purpose_id,
              GhConsentState   state,
              gboolean         is_undo)
{
  char *copy = g_strdup (purpose_id);  /* @purpose_id may be pending_purpose itself */

  g_free (self->pending_purpose);
  self->pending_purpose = copy;
  self->pending_state = state;
  self->pending_is_undo = is_undo;
  self->offers_before = gh_session_get_offers (self->session)->len;
  set_busy (self, TRUE);
  gh_session_set_consent_async (self->session, self->pending_purpose, state, self->cancellable,
                                set_consent_done, g_object_ref (self));
}

static void
what_if_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GhDashboardPage) self = user_data;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;
  const char *language;

  removed = gh_session_what_if_finish (GH_SESSION (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || gh_session_get_ended (self->session) || self->pending_purpose == NULL)
    return;

  gtk_spinner_set_spinning (self->preview_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_spinner), FALSE);
  if (removed == NULL)
    {
      g_warning ("Previewing a choice failed: %s", error->message);
      gtk_label_set_label (self->preview_body, _("We could not work out which offers would go. "
                                                 "You can still switch it off."));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.confirm", TRUE);
      return;
    }

  language = gh_session_get_language (self->session);
  if (removed->len == 0)
    gtk_label_set_label (self->preview_body, _("No offers will go. We will simply stop using "
                                               "your data for this."));
  else
    {
      g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "This offer will go:",
                                                            "These %u offers will go:",
                                                            removed->len), removed->len);
      gtk_label_set_label (self->preview_body, body);
    }
  for (guint i = 0; i < removed->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (removed, i);
      /* Translators: one offer in a list */
      g_autofree char *line = g_strdup_printf (_("• %s"), gh_offer_get_title (match->offer,
                                                                              language));

      gtk_box_append (self->preview_list, gh_wrapped_label_new (line, "preview-offer", -1));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.confirm", TRUE);
  announce_sheet (self);
  gtk_widget_grab_focus (self->confirm_button);
}

static void
show_preview (GhDashboardPage *self,
              const char      *purpose_id)
{
  /* Translators: %s is a purpose's title */
  g_autofree char *title = g_strdup_printf (_("Switch off “%s”?"),
                                            gh_dashboard_page_purpose_title (self, purpose_id));

  g_free (self->pending_purpose);
  self->pending_purpose = g_strdup (purpose_id);
  self->pending_state = GH_CONSENT_REVOKED;
  gh_box_remove_all (self->preview_list);
  gtk_label_set_label (self->preview_title, title);
  gtk_label_set_label (self->preview_body, _("Checking which offers would go…"));
  gtk_button_set_label (self->cancel_button,
                        _("Keep it on"));
  gtk_widget_set_visible (self->confirm_button, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.confirm", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_spinner), TRUE);
  gtk_spinner_set_spinning (self->preview_spinner, TRUE);
  gtk_widget_set_visible (self->scrim, TRUE);

  gh_session_what_if_async (self->session, purpose_id, GH_CONSENT_REVOKED, self->cancellable,
                            what_if_done, g_object_ref (self));
  gh_session_count_preview (self->session, purpose_id, FALSE);
}

void
gh_dashboard_page_change_requested (GhDashboardPage *self,
                                    const char      *purpose_id,
                                    gboolean         granted)
{
  if (self->busy || gtk_widget_get_visible (self->scrim))
    return;

  close_chip_popovers (self);
  if (granted)
    write_choice (self, purpose_id, GH_CONSENT_GRANTED, FALSE);
  else
    show_preview (self, purpose_id);
}

static void
dashboard_confirm (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (widget);

  if (self->pending_purpose == NULL || self->busy)
    return;
  gtk_label_set_label (self->preview_body, _("Saving…"));
  gh_box_remove_all (self->preview_list);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_spinner), TRUE);
  gtk_spinner_set_spinning (self->preview_spinner, TRUE);
  gtk_widget_action_set_enabled (widget, "dashboard.confirm", FALSE);
  write_choice (self, self->pending_purpose, GH_CONSENT_REVOKED, FALSE);
}

static void
dashboard_cancel (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (widget);

  if (self->busy)
    return;
  /* "Keep it on": the preview's effect HQ's report measures (daily totals only). */
  if (self->pending_purpose != NULL && self->pending_state == GH_CONSENT_REVOKED)
    gh_session_count_preview (self->session, self->pending_purpose, TRUE);
  g_clear_pointer (&self->pending_purpose, g_free);
  hide_preview (self);
}

static void
dashboard_undo (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (widget);
  g_autofree char *purpose_id = NULL;

  if (self->undo_purpose == NULL || self->busy)
    return;
  purpose_id = g_strdup (self->undo_purpose);
  g_clear_handle_id (&self->undo_source, g_source_remove);
  gtk_label_set_label (self->undo_label, _("Putting it back…"));
  write_choice (self, purpose_id, self->undo_state, TRUE);
}

void
gh_dashboard_page_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "dashboard.confirm", NULL, dashboard_confirm);
  gtk_widget_class_install_action (widget_class, "dashboard.cancel", NULL, dashboard_cancel);
  gtk_widget_class_install_action (widget_class, "dashboard.undo", NULL, dashboard_undo);
}
