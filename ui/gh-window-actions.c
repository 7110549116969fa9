/* GhWindow's kiosk.* actions: starting and ending the visit, more time, forget me,
 * back to the dashboard, the follow-up screen and its codes, and the language (a
 * stateful action over the window's "language" property, set here).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "visit/gh-session-requests.h"
#include "gh-follow-up-page.h"
#include "gh-forget-page.h"
#include "gh-window-private.h"

static void
kiosk_start (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (gh_kiosk_get_catalog (self->kiosk) == NULL)
    return;
  gh_window_begin_visit (self);
}

/* A shopper who changed something is offered the receipt of it on the way out: one
 * tap shows the code, one leaves. Without a change, or with the receipt already
 * taken, signing out is one tap. */
static void
kiosk_sign_out (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (self->session != NULL && self->dashboard_page != NULL
      && gh_session_get_follow_up_kind (self->session) == GH_RECEIPT_KIND_CONSENT
      && !gh_session_get_changes_receipted (self->session)
      && gtk_stack_get_visible_child (self->stack) != self->leave_page
      && self->follow_up_page == NULL)
    {
      gh_window_show_page (self, self->leave_page);
      gtk_widget_grab_focus (GTK_WIDGET (self->leave_receipt_button));
      return;
    }
  gh_window_end_visit (self);
}

static void
kiosk_leave (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gh_window_end_visit (GH_WINDOW (widget));
}

static void
kiosk_more_time (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (gh_window_in_visit (self))
    gh_idle_timer_start (self->idle);
  else
    gh_idle_timer_stop (self->idle);
}

static void
kiosk_forget (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (self->session == NULL)
    return;
  if (self->forget_page == NULL)
    gh_window_new_forget_page (self);
  gh_window_show_page (self, self->forget_page);
}

static void
kiosk_dashboard (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (self->dashboard_page == NULL)
    return;
  if (self->forget_page != NULL && gh_forget_page_get_done (GH_FORGET_PAGE (self->forget_page)))
    return;
  gh_window_show_page (self, self->dashboard_page);
  gh_window_replace_page (self, &self->forget_page, NULL, NULL);
}

/* ---- follow-up on the phone ----------------------------------------------------- */

static void
on_follow_up_done (GhWindow *self)
{
  if (self->follow_up_ends_visit || self->dashboard_page == NULL)
    {
      gh_window_end_visit (self);
      return;
    }
  gh_window_show_page (self, self->dashboard_page);
  gh_window_replace_page (self, &self->follow_up_page, NULL, NULL);
}

static GtkWidget *
new_follow_up_page (GhWindow *self)
{
  GtkWidget *page = gh_follow_up_page_new ();

  g_object_bind_property (self, "language", page, "language", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (page, "done", G_CALLBACK (on_follow_up_done), self,
                           G_CONNECT_SWAPPED);
  return page;
}

void
gh_window_show_follow_up (GhWindow  *self,
                          GhReceipt *receipt,
                          gboolean   ends_visit)
{
  GtkWidget *page = new_follow_up_page (self);

  gh_follow_up_page_set_receipt (GH_FOLLOW_UP_PAGE (page), receipt,
                                 gh_kiosk_get_catalog (self->kiosk));
  self->follow_up_ends_visit = ends_visit;
  gh_window_replace_page (self, &self->follow_up_page, page, "follow-up");
  gh_window_show_page (self, page);
}

/* ---- language ------------------------------------------------------------------ */

/* The kiosk.language action's property: a language the config offers, for the visit. */
void
gh_window_set_language (GhWindow   *self,
                        const char *language)
{
  GhCatalog *catalog = gh_kiosk_get_catalog (self->kiosk);

  if (catalog == NULL || language == NULL
      || !g_strv_contains (gh_catalog_get_languages (catalog), language)
      || g_strcmp0 (language, self->language) == 0)
    return;

  /* Every page follows the language itself: attract, identify and follow-up are bound
   * to the window's, the visit's pages follow the session's; staff screens are made
   * again by their controller. */
  gh_window_set_language_field (self, language);
  gh_window_rebuild_language_box (self);
  gh_staff_controller_relabel (self->staff);
  if (self->session != NULL)
    gh_session_set_language (self->session, language);
}

static void
receipt_issued (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GhWindow) self = user_data;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;

  receipt = gh_session_issue_receipt_finish (GH_SESSION (source), result, &error);
  if (self->session == NULL || gh_session_get_ended (self->session))
    return;
  gh_window_set_follow_up_enabled (self, TRUE);
  if (receipt == NULL)
    /* The page says the code cannot be shown and sends the shopper to staff. */
    g_message ("No follow-up receipt: %s", error->message);
  gh_window_show_follow_up (self, receipt, self->leaving);
}

static void
issue_follow_up (GhWindow      *self,
                 GhReceiptKind  kind)
{
  if (self->session == NULL)
    return;
  gh_window_set_follow_up_enabled (self, FALSE);
  gh_session_issue_receipt_async (self->session, kind, self->cancellable, receipt_issued,
                                  g_object_ref (self));
}

static void
kiosk_follow_up (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  /* The receipt of the visit's changes, and only that: without a change there is
   * nothing to receipt (the button is hidden) and "Copy of my data" is its own tap. */
  if (self->session == NULL
      || gh_session_get_follow_up_kind (self->session) != GH_RECEIPT_KIND_CONSENT)
    return;
  issue_follow_up (self, GH_RECEIPT_KIND_CONSENT);
}

/* The receipt offered on the way out: its follow-up screen's Done ends the visit. */
static void
kiosk_leave_with_receipt (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (self->session == NULL)
    {
      gh_window_end_visit (self);
      return;
    }
  self->leaving = TRUE;
  issue_follow_up (self, GH_RECEIPT_KIND_CONSENT);
}

/* Art. 15/20 on request, whatever else the visit did: the data copy travels to HQ's
 * portal, and the QR code takes the shopper there. */
static void
kiosk_copy_data (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  issue_follow_up (GH_WINDOW (widget), GH_RECEIPT_KIND_ACCESS);
}

static void
kiosk_forget_done (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);
  GhReceipt *receipt = NULL;

  if (self->forget_page != NULL)
    receipt = gh_forget_page_get_receipt (GH_FORGET_PAGE (self->forget_page));
  if (receipt == NULL)
    {
      gh_window_end_visit (self);
      return;
    }
  gh_window_show_follow_up (self, receipt, TRUE);
}

void
gh_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "kiosk.start", NULL, kiosk_start);
  gtk_widget_class_install_action (widget_class, "kiosk.sign-out", NULL, kiosk_sign_out);
  gtk_widget_class_install_action (widget_class, "kiosk.leave", NULL, kiosk_leave);
  gtk_widget_class_install_action (widget_class, "kiosk.leave-with-receipt", NULL,
                                   kiosk_leave_with_receipt);
  gtk_widget_class_install_action (widget_class, "kiosk.more-time", NULL, kiosk_more_time);
  gtk_widget_class_install_action (widget_class, "kiosk.forget", NULL, kiosk_forget);
  gtk_widget_class_install_action (widget_class, "kiosk.dashboard", NULL, kiosk_dashboard);
  gtk_widget_class_install_action (widget_class, "kiosk.follow-up", NULL, kiosk_follow_up);
  gtk_widget_class_install_action (widget_class, "kiosk.copy-data", NULL, kiosk_copy_data);
  gtk_widget_class_install_action (widget_class, "kiosk.forget-done", NULL, kiosk_forget_done);
  /* Stateful: the language buttons show which one is on without being told. */
  gtk_widget_class_install_property_action (widget_class, "kiosk.language", "language");
}
