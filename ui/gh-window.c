/* GhWindow: the kiosk window and the visit's flow. A stack of screens (attract,
 * identify, dashboard, forget me, follow-up) under a top bar with the brand, the
 * language choice and sign-out, and a banner slot for staff mode.
 *
 * The window owns the visit: it starts at Start, gets a GhSession from the
 * identify page, builds the per-visit pages from it, and ends it on sign-out,
 * on "Forget me" finishing, or when the idle timeout (from the config) runs out
 * after its announced warning. Ending the visit wipes the session and destroys
 * every page that showed the shopper's data.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "gh-accessibility.h"
#include "gh-attract-page.h"
#include "gh-branding.h"
#include "gh-dashboard-page.h"
#include "gh-follow-up-page.h"
#include "gh-forget-page.h"
#include "gh-i18n.h"
#include "gh-identify-page.h"
#include "config/gh-inbox.h"
#include "gh-staff-controller.h"
#include "gh-window-private.h"

struct _GhWindow
{
  GtkApplicationWindow  parent_instance;

  GtkBox               *banner_box;
  GtkWidget            *top_bar;
  GtkWidget            *brand_box;
  GtkPicture           *top_logo;
  GtkLabel             *top_brand_label;
  GtkBox               *language_box;
  GtkMenuButton        *language_button;
  GtkPopover           *language_popover;
  GtkBox               *a11y_box;
  GtkButton            *sign_out_button;
  GtkStack             *stack;
  GtkWidget            *idle_scrim;
  GtkLabel             *idle_title;
  GtkLabel             *idle_label;
  GtkWidget            *more_time_button;

  GtkWidget            *attract_page;
  GtkWidget            *identify_page;
  GtkWidget            *dashboard_page;
  GtkWidget            *forget_page;
  GtkWidget            *follow_up_page;
  gboolean              follow_up_ends_visit;

  char                 *db_path;
  char                 *inbox_dir;
  char                 *trust_file;
  gboolean              demo;

  GhCatalog            *catalog;
  /* Bumped whenever the inbox hands over a config: a store read started before that
   * may finish after it and must not put the older config back on screen. */
  guint                 catalog_generation;
  guint                 loads_in_flight;
  GhSession            *session;
  char                 *language;
  GtkCssProvider       *brand_css;
  GCancellable         *cancellable;

  guint                 idle_source;
  guint                 warning_source;
  int                   warning_left;
  guint                 idle_ms_override;
  guint                 warning_override;
  gboolean              in_visit;

  GhInbox              *inbox;

  GhStaffController    *staff;
};

G_DEFINE_FINAL_TYPE (GhWindow, gh_window, GTK_TYPE_APPLICATION_WINDOW)

static void end_visit (GhWindow *self);
static void update_idle_label (GhWindow *self);

/* ---- language ---------------------------------------------------------------------- */

static void
apply_gettext_language (const char *language)
{
  /* The visit's language for our own strings; texts from the config take it from
   * the session. */
  gh_i18n_set_language (language);
}

/* GTK does not translate a built widget again: the window's own words are re-set
 * whenever the language changes, and the display toggles are built anew. */
static void
retranslate_chrome (GhWindow *self)
{
  GtkWidget *child;

  gtk_label_set_label (self->idle_title, _("Are you still there?"));
  gtk_button_set_label (GTK_BUTTON (self->more_time_button), _("I need more time"));
  gtk_button_set_label (self->sign_out_button,
                        self->session != NULL ? _("Sign out") : _("Cancel"));
  gtk_picture_set_alternative_text (self->top_logo, _("Logo"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->language_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Language"), -1);
  if (self->warning_source != 0)
    update_idle_label (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->a11y_box))) != NULL)
    gtk_box_remove (self->a11y_box, child);
  gtk_box_append (self->a11y_box, gh_accessibility_toggles_new (
    gh_accessibility_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)))));
}

static void
rebuild_language_box (GhWindow *self)
{
  const char * const *languages = self->catalog ? gh_catalog_get_languages (self->catalog) : NULL;
  GtkWidget *child;

  retranslate_chrome (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->language_box))) != NULL)
    gtk_box_remove (self->language_box, child);
  gtk_popover_popdown (self->language_popover);
  gtk_widget_set_visible (GTK_WIDGET (self->language_button),
                          languages != NULL && g_strv_length ((char **) languages) > 1);
  if (languages == NULL || g_strv_length ((char **) languages) < 2)
    return;
  /* Compact in the top bar: the current language, the others one tap away. */
  gtk_menu_button_set_label (self->language_button,
                             gh_attract_page_language_name (self->language));
  for (guint i = 0; languages[i] != NULL; i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (
        gh_attract_page_language_name (languages[i]));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "kiosk.language");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", languages[i]);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                    g_strcmp0 (languages[i], self->language) == 0);
      gtk_widget_add_css_class (button, "language");
      gtk_box_append (self->language_box, button);
    }
}

/* ---- pages ------------------------------------------------------------------------- */

static void on_signed_in (GhWindow  *self,
                          GhSession *session);

static void
replace_page (GhWindow    *self,
              GtkWidget  **slot,
              GtkWidget   *page,
              const char  *name)
{
  if (*slot != NULL)
    gtk_stack_remove (self->stack, *slot);
  *slot = page;
  if (page != NULL)
    gtk_stack_add_named (self->stack, page, name);
}

static void
build_static_pages (GhWindow *self)
{
  gboolean on_attract = self->attract_page == NULL
                        || gtk_stack_get_visible_child (self->stack) == self->attract_page;
  gboolean on_identify = self->identify_page != NULL
                         && gtk_stack_get_visible_child (self->stack) == self->identify_page;
  GtkWidget *attract = g_object_new (GH_TYPE_ATTRACT_PAGE, NULL);
  GtkWidget *identify = g_object_new (GH_TYPE_IDENTIFY_PAGE, NULL);

  gh_attract_page_setup (GH_ATTRACT_PAGE (attract), self->catalog, self->language);
  gh_staff_controller_watch_logo (self->staff, attract);
  gh_identify_page_setup (GH_IDENTIFY_PAGE (identify), self->db_path, self->catalog,
                          self->language);
  g_signal_connect_object (identify, "signed-in", G_CALLBACK (on_signed_in), self,
                           G_CONNECT_SWAPPED);

  replace_page (self, &self->attract_page, attract, "attract");
  replace_page (self, &self->identify_page, identify, "identify");
  if (on_attract)
    gtk_stack_set_visible_child (self->stack, attract);
  else if (on_identify)
    gtk_stack_set_visible_child (self->stack, identify);
  if (self->staff != NULL)
    gh_staff_controller_relabel (self->staff);
}

static void
show_page (GhWindow  *self,
           GtkWidget *page)
{
  gboolean attract = page == self->attract_page;

  gtk_stack_set_visible_child (self->stack, page);
  gtk_widget_set_visible (self->top_bar, !attract);
  gtk_button_set_label (self->sign_out_button,
                        self->session != NULL ? _("Sign out") : _("Cancel"));
}

/* ---- branding and the catalog ------------------------------------------------------ */

static void
apply_catalog (GhWindow  *self,
               GhCatalog *catalog)
{
  g_autofree char *css = NULL;
  g_autoptr(GdkTexture) logo = NULL;

  g_set_object (&self->catalog, catalog);
  gh_staff_controller_set_catalog (self->staff, catalog);
  g_free (self->language);
  self->language = catalog != NULL ? g_strdup (gh_catalog_get_default_language (catalog)) : NULL;
  apply_gettext_language (self->language);

  css = gh_branding_css (catalog);
  gtk_css_provider_load_from_data (self->brand_css, css, -1);

  gtk_label_set_label (self->top_brand_label,
                       catalog != NULL ? gh_catalog_get_brand_name (catalog) : _("Glasshouse"));
  logo = gh_branding_logo_texture (catalog, 48);
  gtk_picture_set_paintable (self->top_logo, GDK_PAINTABLE (logo));
  gtk_widget_set_visible (GTK_WIDGET (self->top_logo), logo != NULL);
  if (catalog != NULL)
    gtk_window_set_title (GTK_WINDOW (self), gh_catalog_get_brand_name (catalog));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.start", catalog != NULL);
  rebuild_language_box (self);
  build_static_pages (self);
}

typedef struct {
  GhStore   *store;
  GhCatalog *catalog;
} Loaded;

typedef struct {
  char  *db_path;
  guint  generation;   /* self->catalog_generation when the read started */
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_free (request->db_path);
  g_free (request);
}

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->catalog);
  g_clear_object (&loaded->store);
  g_free (loaded);
}

/* Opens the store and reads its config in a worker. The connection comes back too:
 * GhInbox is made from it, before any visit opens the visit's own connection. */
static void
load_catalog_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  const LoadRequest *request = task_data;
  const char *db_path = request->db_path;
  Loaded *loaded = g_new0 (Loaded, 1);
  g_autoptr(GError) error = NULL;

  loaded->store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, &error);
  if (loaded->store == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  loaded->catalog = gh_catalog_load_active (loaded->store, &error);
  if (loaded->catalog == NULL)
    g_message ("No configuration to show: %s", error->message);
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

/* ---- HQ's inbox ------------------------------------------------------------------ */

static void
on_config_changed (GhWindow  *self,
                   GhCatalog *catalog)
{
  self->catalog_generation++;
  /* The inbox holds new configs during a visit; this is between visits. */
  if (!self->in_visit)
    apply_catalog (self, catalog);
}

static void
on_bundle_rejected (GhWindow   *self,
                    const char *name,
                    const char *reason)
{
  g_message ("Configuration bundle %s refused: %s", name, reason);
}

static char *
find_demo_key (void)
{
  const char * const *dirs = g_get_system_data_dirs ();
  char *path = g_build_filename (GH_SOURCE_DATADIR, "demo", "demo-hq-key-DO-NOT-USE.pub", NULL);

  for (guint i = 0; !g_file_test (path, G_FILE_TEST_EXISTS) && dirs[i] != NULL; i++)
    {
      g_free (path);
      path = g_build_filename (dirs[i], "glasshouse", "demo", "demo-hq-key-DO-NOT-USE.pub", NULL);
    }
  return path;
}

/* Watches HQ's inbox (--inbox, or "inbox" beside the store) with the keys of --trust,
 * and in --demo mode the demo key too. */
static void
start_inbox (GhWindow *self,
             GhStore  *store)
{
  g_autoptr(GhTrust) trust = gh_trust_new ();
  g_autoptr(GError) error = NULL;

  if (self->inbox != NULL || (self->inbox_dir == NULL && self->trust_file == NULL && !self->demo))
    return;
  if (self->trust_file != NULL && !gh_trust_load_file (trust, self->trust_file, &error))
    {
      g_message ("Not watching for configuration bundles: %s", error->message);
      return;
    }
  if (self->demo)
    {
      g_autofree char *demo_key = find_demo_key ();
      if (!gh_trust_load_file (trust, demo_key, &error))
        {
          g_message ("Not trusting the demo key: %s", error->message);
          g_clear_error (&error);
        }
    }
  if (gh_trust_get_n_keys (trust) == 0)
    {
      g_message ("Not watching for configuration bundles: no HQ key to trust (--trust FILE)");
      return;
    }

  self->inbox = gh_inbox_new (store, self->inbox_dir, trust);
  g_signal_connect_object (self->inbox, "config-changed", G_CALLBACK (on_config_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inbox, "bundle-rejected", G_CALLBACK (on_bundle_rejected), self,
                           G_CONNECT_SWAPPED);
  gh_inbox_set_hold (self->inbox, self->in_visit);
  if (!gh_inbox_start (self->inbox, &error))
    g_message ("Not watching for configuration bundles: %s", error->message);
}

static void
load_catalog_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GhWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const LoadRequest *request = g_task_get_task_data (G_TASK (result));
  gboolean superseded = request->generation != self->catalog_generation;
  Loaded *loaded;

  self->loads_in_flight--;
  loaded = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (loaded == NULL)
    {
      /* The attract page says the kiosk is not set up; staff find the reason in the log. */
      g_message ("Cannot open the store: %s", error->message);
      return;
    }
  /* Even without a config: the first bundle may be on its way. */
  start_inbox (self, loaded->store);
  g_clear_object (&loaded->store);
  /* Never swap the config under a shopper, nor back to one the inbox has replaced. */
  if (loaded->catalog != NULL && !self->in_visit && !superseded)
    apply_catalog (self, loaded->catalog);
  loaded_free (loaded);
}

static void
load_catalog (GhWindow *self)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *request;

  if (self->db_path == NULL)
    return;
  request = g_new0 (LoadRequest, 1);
  request->db_path = g_strdup (self->db_path);
  request->generation = self->catalog_generation;
  self->loads_in_flight++;
  task = g_task_new (NULL, self->cancellable, load_catalog_done, g_object_ref (self));
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (task, load_catalog_thread);
}

/* ---- idle timeout ------------------------------------------------------------------ */

static guint
idle_ms (GhWindow *self)
{
  if (self->idle_ms_override > 0)
    return self->idle_ms_override;
  return self->catalog != NULL ? (guint) gh_catalog_get_idle_timeout (self->catalog) * 1000
                               : 60 * 1000;
}

static guint
warning_seconds (GhWindow *self)
{
  if (self->warning_override > 0)
    return self->warning_override;
  /* WCAG 2.2.1 gives a person at least 20 seconds to ask for more time, whatever
   * the config says (docs/config-format.md). */
  return self->catalog != NULL ? MAX (20, (guint) gh_catalog_get_warning_seconds (self->catalog))
                               : 20;
}

static void
update_idle_label (GhWindow *self)
{
  g_autofree char *text =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                  "For your privacy, this visit ends in %d second and the "
                                  "screen is cleared.",
                                  "For your privacy, this visit ends in %d seconds and the "
                                  "screen is cleared.", self->warning_left), self->warning_left);

  gtk_label_set_label (self->idle_label, text);
}

static gboolean
warning_tick (gpointer user_data)
{
  GhWindow *self = user_data;

  if (--self->warning_left <= 0)
    {
      self->warning_source = 0;
      end_visit (self);
      return G_SOURCE_REMOVE;
    }
  update_idle_label (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
idle_expired (gpointer user_data)
{
  GhWindow *self = user_data;

  self->idle_source = 0;
  self->warning_left = warning_seconds (self);
  update_idle_label (self);
  gtk_widget_set_visible (self->idle_scrim, TRUE);
  gtk_widget_grab_focus (self->more_time_button);
  self->warning_source = g_timeout_add_seconds (1, warning_tick, self);
  return G_SOURCE_REMOVE;
}

static void
stop_idle (GhWindow *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->warning_source, g_source_remove);
  gtk_widget_set_visible (self->idle_scrim, FALSE);
}

static void
restart_idle (GhWindow *self)
{
  stop_idle (self);
  if (self->in_visit)
    self->idle_source = g_timeout_add (idle_ms (self), idle_expired, self);
}

/* The idle warning is modal for the keyboard too: only "I need more time" (and what
 * else the warning holds) takes the focus while it shows. */
static void
on_idle_scrim_visible (GhWindow *self)
{
  GtkWidget *overlay = gtk_widget_get_parent (self->idle_scrim);

  gtk_widget_set_can_focus (gtk_overlay_get_child (GTK_OVERLAY (overlay)),
                            !gtk_widget_get_visible (self->idle_scrim));
}

static gboolean
on_any_event (GhWindow *self,
              GdkEvent *event)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_BUTTON_PRESS:
    case GDK_KEY_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_SCROLL:
    case GDK_MOTION_NOTIFY:
      /* While the warning shows, only "I need more time" extends: the choice is explicit. */
      if (self->in_visit && self->warning_source == 0)
        restart_idle (self);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

/* ---- the visit ---------------------------------------------------------------------- */

/* Both follow-up buttons wait while a receipt is being signed, so one tap makes one receipt. */
static void
set_follow_up_enabled (GhWindow *self,
                       gboolean  enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.follow-up", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.copy-data", enabled);
}

static gboolean
is_portrait (GhWindow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (width <= 0 || height <= 0)
    gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  return width < height;
}

static void
on_signed_in (GhWindow  *self,
              GhSession *session)
{
  GtkWidget *dashboard;

  if (!self->in_visit)
    {
      /* Timed out while the PIN was being checked: nobody is there to see it. */
      gh_session_end (session);
      return;
    }

  g_set_object (&self->session, session);
  gh_staff_controller_set_session (self->staff, session);
  gh_session_set_language (session, self->language);
  dashboard = gh_dashboard_page_new (session);
  /* Laid out for the screen from the start: a landscape layout first would widen a
   * portrait window to its minimum width. */
  gh_dashboard_page_set_portrait (GH_DASHBOARD_PAGE (dashboard), is_portrait (self));
  replace_page (self, &self->dashboard_page, dashboard, "dashboard");
  show_page (self, dashboard);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", TRUE);
  set_follow_up_enabled (self, TRUE);
  restart_idle (self);
}

static void
end_visit (GhWindow *self)
{
  gboolean language_changed;

  stop_idle (self);
  self->in_visit = FALSE;
  if (self->inbox != NULL)
    gh_inbox_set_hold (self->inbox, FALSE);
  if (self->session != NULL)
    gh_session_end (self->session);
  g_clear_object (&self->session);
  gh_staff_controller_set_session (self->staff, NULL);

  gtk_stack_set_visible_child (self->stack, self->attract_page);
  replace_page (self, &self->dashboard_page, NULL, NULL);
  replace_page (self, &self->forget_page, NULL, NULL);
  replace_page (self, &self->follow_up_page, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", FALSE);
  set_follow_up_enabled (self, FALSE);

  /* The display choices and the language last for the visit only. */
  gh_accessibility_reset (gh_accessibility_get_for_display (
    gtk_widget_get_display (GTK_WIDGET (self))));
  language_changed = self->catalog != NULL
                     && g_strcmp0 (self->language,
                                   gh_catalog_get_default_language (self->catalog)) != 0;
  if (language_changed)
    {
      g_free (self->language);
      self->language = g_strdup (gh_catalog_get_default_language (self->catalog));
      apply_gettext_language (self->language);
      rebuild_language_box (self);
      build_static_pages (self);
    }
  else
    gh_identify_page_reset (GH_IDENTIFY_PAGE (self->identify_page));
  show_page (self, self->attract_page);

  /* A configuration that arrived during the visit applies now. */
  load_catalog (self);
}

static void
kiosk_start (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (self->catalog == NULL)
    return;
  self->in_visit = TRUE;
  /* HQ's bundles wait until the visit ends: texts never change under a shopper. */
  if (self->inbox != NULL)
    gh_inbox_set_hold (self->inbox, TRUE);
  gh_identify_page_reset (GH_IDENTIFY_PAGE (self->identify_page));
  show_page (self, self->identify_page);
  restart_idle (self);
}

static void
kiosk_sign_out (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  end_visit (GH_WINDOW (widget));
}

static void
kiosk_more_time (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  restart_idle (GH_WINDOW (widget));
}

/* The shopper is forgotten: the dashboard (their data, offers, name) goes at once, not at
 * the end of the visit, and nothing more can be issued for them; only the erasure's own
 * receipt, on the follow-up screen, remains to take away. */
static void
on_erased (GhWindow *self)
{
  replace_page (self, &self->dashboard_page, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", FALSE);
  set_follow_up_enabled (self, FALSE);
}

static void
new_forget_page (GhWindow *self)
{
  replace_page (self, &self->forget_page, gh_forget_page_new (self->session), "forget");
  g_signal_connect_object (self->forget_page, "erased", G_CALLBACK (on_erased), self,
                           G_CONNECT_SWAPPED);
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
    new_forget_page (self);
  show_page (self, self->forget_page);
}

/* ---- follow-up on the phone ----------------------------------------------------- */

static void
on_follow_up_done (GhWindow *self)
{
  if (self->follow_up_ends_visit || self->dashboard_page == NULL)
    {
      end_visit (self);
      return;
    }
  show_page (self, self->dashboard_page);
  replace_page (self, &self->follow_up_page, NULL, NULL);
}

static void
show_follow_up (GhWindow  *self,
                GhReceipt *receipt,
                gboolean   ends_visit)
{
  GtkWidget *page = gh_follow_up_page_new ();

  gh_follow_up_page_set_receipt (GH_FOLLOW_UP_PAGE (page), receipt, self->catalog);
  g_signal_connect_object (page, "done", G_CALLBACK (on_follow_up_done), self,
                           G_CONNECT_SWAPPED);
  self->follow_up_ends_visit = ends_visit;
  replace_page (self, &self->follow_up_page, page, "follow-up");
  show_page (self, page);
}

static void
receipt_issued (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GhWindow) self = user_data;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;

  receipt = gh_receipt_issue_for_session_finish (result, &error);
  if (self->session == NULL || gh_session_get_ended (self->session))
    return;
  set_follow_up_enabled (self, TRUE);
  if (receipt == NULL)
    /* The page says the code cannot be shown and sends the shopper to staff. */
    g_message ("No follow-up receipt: %s", error->message);
  show_follow_up (self, receipt, FALSE);
}

static void
issue_follow_up (GhWindow      *self,
                 GhReceiptKind  kind)
{
  if (self->session == NULL)
    return;
  set_follow_up_enabled (self, FALSE);
  gh_receipt_issue_for_session_async (self->session, kind, self->cancellable, receipt_issued,
                                      g_object_ref (self));
}

static void
kiosk_follow_up (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);

  if (self->session == NULL)
    return;
  /* A visit with changes takes its consent receipt; otherwise a copy of the data. */
  issue_follow_up (self, gh_session_get_changes (self->session)->len > 0 ? GH_RECEIPT_KIND_CONSENT
                                                                          : GH_RECEIPT_KIND_ACCESS);
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
      end_visit (self);
      return;
    }
  show_follow_up (self, receipt, TRUE);
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
  show_page (self, self->dashboard_page);
  replace_page (self, &self->forget_page, NULL, NULL);
}

static void
kiosk_language (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);
  const char *language = g_variant_get_string (parameter, NULL);
  const char * const *languages;

  if (self->catalog == NULL)
    return;
  languages = gh_catalog_get_languages (self->catalog);
  if (!g_strv_contains (languages, language) || g_strcmp0 (language, self->language) == 0)
    {
      rebuild_language_box (self);  /* keeps the toggle on the current language */
      return;
    }

  g_free (self->language);
  self->language = g_strdup (language);
  apply_gettext_language (language);
  rebuild_language_box (self);
  build_static_pages (self);

  /* After an erasure there is no dashboard to bring back. */
  if (self->session != NULL && self->dashboard_page != NULL)
    {
      GtkWidget *visible = gtk_stack_get_visible_child (self->stack);
      gboolean on_dashboard = visible == self->dashboard_page;
      gboolean on_forget = visible == self->forget_page && self->forget_page != NULL;

      gh_session_set_language (self->session, language);
      replace_page (self, &self->dashboard_page, gh_dashboard_page_new (self->session),
                    "dashboard");
      gh_dashboard_page_set_portrait (GH_DASHBOARD_PAGE (self->dashboard_page),
                                      is_portrait (self));
      if (on_forget && !gh_forget_page_get_done (GH_FORGET_PAGE (self->forget_page)))
        {
          new_forget_page (self);
          show_page (self, self->forget_page);
        }
      else if (on_dashboard)
        show_page (self, self->dashboard_page);
    }

  /* The follow-up screen keeps its code; only its words change. */
  if (self->follow_up_page != NULL)
    {
      GhFollowUpPage *old = GH_FOLLOW_UP_PAGE (self->follow_up_page);
      GtkWidget *page = gh_follow_up_page_new ();
      gboolean on_follow_up = gtk_stack_get_visible_child (self->stack) == self->follow_up_page;

      gh_follow_up_page_set_kind (GH_FOLLOW_UP_PAGE (page), gh_follow_up_page_get_kind (old));
      gh_follow_up_page_set_short_code (GH_FOLLOW_UP_PAGE (page),
                                        gh_follow_up_page_get_short_code (old));
      gh_follow_up_page_set_url (GH_FOLLOW_UP_PAGE (page), gh_follow_up_page_get_url (old));
      g_signal_connect_object (page, "done", G_CALLBACK (on_follow_up_done), self,
                               G_CONNECT_SWAPPED);
      replace_page (self, &self->follow_up_page, page, "follow-up");
      if (on_follow_up)
        show_page (self, page);
    }
}

/* ---- object ------------------------------------------------------------------------ */

/* The kiosk's stylesheet, once per display however many windows (tests make several). */
static void
ensure_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) css = NULL;

  if (g_object_get_data (G_OBJECT (display), "gh-style") != NULL)
    return;
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/glasshouse/Kiosk/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "gh-style", g_steal_pointer (&css), g_object_unref);
  g_object_set (gtk_settings_get_for_display (display),
                "gtk-application-prefer-dark-theme", FALSE, NULL);
}

static void
gh_window_dispose (GObject *object)
{
  GhWindow *self = GH_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->warning_source, g_source_remove);
  if (self->session != NULL)
    gh_session_end (self->session);
  g_clear_object (&self->session);
  if (self->brand_css != NULL)
    gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                   GTK_STYLE_PROVIDER (self->brand_css));
  g_clear_object (&self->brand_css);
  g_clear_object (&self->catalog);
  g_clear_object (&self->inbox);
  g_clear_object (&self->staff);

  G_OBJECT_CLASS (gh_window_parent_class)->dispose (object);
}

static void
gh_window_finalize (GObject *object)
{
  GhWindow *self = GH_WINDOW (object);

  g_free (self->db_path);
  g_free (self->inbox_dir);
  g_free (self->trust_file);
  g_free (self->language);

  G_OBJECT_CLASS (gh_window_parent_class)->finalize (object);
}

static void
gh_window_class_init (GhWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_window_dispose;
  object_class->finalize = gh_window_finalize;

  /* Tests build windows without main(): make sure our catalogs are bound. */
  gh_i18n_init ();

  gtk_widget_class_install_action (widget_class, "kiosk.start", NULL, kiosk_start);
  gtk_widget_class_install_action (widget_class, "kiosk.sign-out", NULL, kiosk_sign_out);
  gtk_widget_class_install_action (widget_class, "kiosk.more-time", NULL, kiosk_more_time);
  gtk_widget_class_install_action (widget_class, "kiosk.forget", NULL, kiosk_forget);
  gtk_widget_class_install_action (widget_class, "kiosk.dashboard", NULL, kiosk_dashboard);
  gtk_widget_class_install_action (widget_class, "kiosk.follow-up", NULL, kiosk_follow_up);
  gtk_widget_class_install_action (widget_class, "kiosk.copy-data", NULL, kiosk_copy_data);
  gtk_widget_class_install_action (widget_class, "kiosk.forget-done", NULL, kiosk_forget_done);
  gtk_widget_class_install_action (widget_class, "kiosk.language", "s", kiosk_language);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glasshouse/Kiosk/gh-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GhWindow, banner_box);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, top_bar);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, brand_box);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, top_logo);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, top_brand_label);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, language_box);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, language_button);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, language_popover);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, a11y_box);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, idle_scrim);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, idle_title);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, idle_label);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, more_time_button);
}

static void
gh_window_init (GhWindow *self)
{
  GtkEventController *activity;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->staff = gh_staff_controller_new (self->stack, self->banner_box);
  gh_staff_controller_watch_logo (self->staff, self->brand_box);

  ensure_style (gtk_widget_get_display (GTK_WIDGET (self)));
  self->brand_css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (self->brand_css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);

  g_signal_connect_object (self->idle_scrim, "notify::visible",
                           G_CALLBACK (on_idle_scrim_visible), self, G_CONNECT_SWAPPED);

  activity = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (activity, GTK_PHASE_CAPTURE);
  g_signal_connect_object (activity, "event", G_CALLBACK (on_any_event), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), activity);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.start", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", FALSE);
  set_follow_up_enabled (self, FALSE);
  apply_catalog (self, NULL);
}

GhWindow *
gh_window_new (GtkApplication *application,
               const char     *db_path,
               const char     *inbox_dir,
               const char     *trust_file,
               gboolean        demo)
{
  GhWindow *self = g_object_new (GH_TYPE_WINDOW, "application", application, NULL);

  self->db_path = g_strdup (db_path);
  gh_staff_controller_set_db_path (self->staff, db_path);
  self->inbox_dir = g_strdup (inbox_dir);
  self->trust_file = g_strdup (trust_file);
  self->demo = demo;
  load_catalog (self);
  return self;
}

GhCatalog *
gh_window_get_catalog (GhWindow *self)
{
  g_return_val_if_fail (GH_IS_WINDOW (self), NULL);
  return self->catalog;
}

GhSession *
gh_window_get_session (GhWindow *self)
{
  g_return_val_if_fail (GH_IS_WINDOW (self), NULL);
  return self->session;
}

const char *
gh_window_get_page_name (GhWindow *self)
{
  g_return_val_if_fail (GH_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
gh_window_get_language (GhWindow *self)
{
  g_return_val_if_fail (GH_IS_WINDOW (self), NULL);
  return self->language;
}

void
gh_window_add_banner (GhWindow  *self,
                      GtkWidget *banner)
{
  g_return_if_fail (GH_IS_WINDOW (self));
  gtk_box_append (self->banner_box, banner);
}

void
gh_window_remove_banner (GhWindow  *self,
                         GtkWidget *banner)
{
  g_return_if_fail (GH_IS_WINDOW (self));
  if (gtk_widget_get_parent (banner) == GTK_WIDGET (self->banner_box))
    gtk_box_remove (self->banner_box, banner);
}

GtkWidget *
gh_window_get_brand_widget (GhWindow *self)
{
  g_return_val_if_fail (GH_IS_WINDOW (self), NULL);
  return self->brand_box;
}

void
gh_window_end_visit (GhWindow *self)
{
  g_return_if_fail (GH_IS_WINDOW (self));
  end_visit (self);
}

void
_gh_window_set_idle_timeout (GhWindow *self,
                             guint     idle_ms,
                             guint     warning_seconds)
{
  self->idle_ms_override = idle_ms;
  self->warning_override = warning_seconds;
  if (self->idle_source != 0)
    restart_idle (self);
}

gboolean
_gh_window_get_idle_warning_shown (GhWindow *self)
{
  return gtk_widget_get_visible (self->idle_scrim);
}

GtkWidget *
_gh_window_get_page (GhWindow   *self,
                     const char *name)
{
  return gtk_stack_get_child_by_name (self->stack, name);
}

GhStaffController *
_gh_window_get_staff (GhWindow *self)
{
  return self->staff;
}

GhInbox *
_gh_window_get_inbox (GhWindow *self)
{
  return self->inbox;
}

void
_gh_window_reload_config (GhWindow *self)
{
  load_catalog (self);
}

gboolean
_gh_window_is_loading_config (GhWindow *self)
{
  return self->loads_in_flight > 0;
}
