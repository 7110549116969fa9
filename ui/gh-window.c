/* GhWindow: the kiosk window. A stack of screens (attract, identify, dashboard,
 * forget me, follow-up) under a top bar with the brand, the language choice and
 * sign-out, and a banner slot for staff mode.
 *
 * The window only shows: GhKiosk (app/visit) owns the store, the configuration in
 * force and HQ's inbox; GhSession the visit; GhIdleTimer the idle timeout. The
 * window starts a visit at Start, takes the GhSession the identify page signs in,
 * builds the per-visit pages from it, and ends it on sign-out, on "Forget me"
 * finishing, or when the idle timer expires. Ending the visit wipes the session
 * and destroys every page that showed the shopper's data. Its actions are in
 * gh-window-actions.c, its idle timeout's warning in gh-window-idle.c, its words in
 * the visit's language in gh-window-language.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-accessibility.h"
#include "gh-attract-page.h"
#include "gh-branding.h"
#include "gh-dashboard-page.h"
#include "gh-notice-page.h"
#include "gh-follow-up-page.h"
#include "gh-forget-page.h"
#include "gh-i18n.h"
#include "gh-inferred-badge.h"
#include "gh-top-bar-layout.h"
#include "gh-card-scanner.h"
#include "gh-identify-page.h"
#include "gh-window-private.h"

G_DEFINE_FINAL_TYPE (GhWindow, gh_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void end_visit (GhWindow *self);

/* ---- language ---------------------------------------------------------------------- */

/* Our own strings follow the visit's language; texts from the config take it from
 * the session. */
void
gh_window_set_language_field (GhWindow   *self,
                    const char *language)
{
  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  gh_i18n_set_language (language);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

/* ---- pages ------------------------------------------------------------------------- */

static void on_signed_in (GhWindow  *self,
                          GhSession *session);

/* Only the page on screen is there for a screen reader: the stack keeps the others
 * as children (unmapped), which AT-SPI would otherwise offer as if they were shown. */
/* What a screen reader calls each page, instead of "GtkStackPage". */
const char *
gh_window_page_title (const char *name)
{
  static const struct { const char *name; const char *title; } titles[] = {
    { "attract", N_("Welcome") },
    { "identify", N_("Sign in") },
    { "dashboard", N_("Your data, offers and choices") },
    { "notices", N_("What has changed") },
    { "forget", N_("Forget me") },
    { "follow-up", N_("Follow up on your phone") },
    { "leave", N_("Before you go") },
    { "staff-sign-in", N_("Staff sign-in") },
    { "staff", N_("Staff mode") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (name, titles[i].name) == 0)
      return _(titles[i].title);
  return NULL;
}

void
_gh_window_sync_hidden_pages (GhWindow *self)
{
  GtkWidget *shown = gtk_stack_get_visible_child (self->stack);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean hidden = child != shown;

      gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN, hidden,
                                   -1);
      GtkStackPage *page = gtk_stack_get_page (self->stack, child);
      const char *title = gh_window_page_title (gtk_stack_page_get_name (page));

      gtk_accessible_update_state (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_STATE_HIDDEN, hidden, -1);
      if (title != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        title, -1);
    }
}

void
gh_window_replace_page (GhWindow    *self,
                        GtkWidget  **slot,
                        GtkWidget   *page,
                        const char  *name)
{
  if (*slot != NULL)
    gtk_stack_remove (self->stack, *slot);
  *slot = page;
  if (page != NULL)
    gtk_stack_add_named (self->stack, page, name);
  _gh_window_sync_hidden_pages (self);
}

static void
build_static_pages (GhWindow *self)
{
  GhCatalog *catalog = gh_kiosk_get_catalog (self->kiosk);
  gboolean on_attract = self->attract_page == NULL
                        || gtk_stack_get_visible_child (self->stack) == self->attract_page;
  gboolean on_identify = self->identify_page != NULL
                         && gtk_stack_get_visible_child (self->stack) == self->identify_page;
  GtkWidget *attract = gh_attract_page_new (catalog, self->language);
  GtkWidget *identify = gh_identify_page_new (gh_kiosk_get_db_path (self->kiosk), catalog,
                                              self->language);

  gh_staff_controller_watch_logo (self->staff,
                                  gh_attract_page_get_logo (GH_ATTRACT_PAGE (attract)));
  gh_staff_controller_watch_logo (self->staff,
                                  gh_attract_page_get_brand_label (GH_ATTRACT_PAGE (attract)));
  g_signal_connect_object (identify, "signed-in", G_CALLBACK (on_signed_in), self,
                           G_CONNECT_SWAPPED);
  gh_attract_page_add_speech_controls (GH_ATTRACT_PAGE (attract),
                                       gh_narrator_controls_new (self->narrator, TRUE));
  /* The pages follow the visit's language themselves. */
  g_object_bind_property (self, "language", attract, "language", G_BINDING_DEFAULT);
  g_object_bind_property (self, "language", identify, "language", G_BINDING_DEFAULT);

  gh_window_replace_page (self, &self->attract_page, attract, "attract");
  gh_window_replace_page (self, &self->identify_page, identify, "identify");
  if (on_attract)
    gtk_stack_set_visible_child (self->stack, attract);
  else if (on_identify)
    gtk_stack_set_visible_child (self->stack, identify);
  if (self->staff != NULL)
    gh_staff_controller_relabel (self->staff);
}

void
gh_window_show_page (GhWindow  *self,
                     GtkWidget *page)
{
  gboolean attract = page == self->attract_page;

  gtk_stack_set_visible_child (self->stack, page);
  gtk_widget_set_visible (self->top_bar, !attract);
  gtk_button_set_label (self->sign_out_button,
                        self->session != NULL ? _("Sign out") : _("Cancel"));
  /* Once forgotten there is nobody to sign out: the page's own "Done" is the one exit. */
  gtk_widget_set_visible (GTK_WIDGET (self->sign_out_button), !self->forgotten);
}

/* ---- branding and the catalog ------------------------------------------------------ */

static void
apply_catalog (GhWindow  *self,
               GhCatalog *catalog)
{
  g_autofree char *css = NULL;
  g_autoptr(GdkTexture) logo = NULL;

  gh_staff_controller_set_catalog (self->staff, catalog);
  gh_window_set_language_field (self, catalog != NULL ? gh_catalog_get_default_language (catalog)
                                                      : NULL);
  /* Set even when unchanged: gettext's catalogs may have been bound meanwhile. */
  gh_i18n_set_language (self->language);

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
  _gh_window_sync_idle_timeouts (self);
  gh_window_rebuild_language_box (self);
  build_static_pages (self);
}

/* ---- the visit ---------------------------------------------------------------------- */

gboolean
gh_window_in_visit (GhWindow *self)
{
  return gh_kiosk_get_in_visit (self->kiosk);
}

/* Both follow-up buttons wait while a receipt is being signed, so one tap makes one receipt. */
void
gh_window_set_follow_up_enabled (GhWindow *self,
                                 gboolean  enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.follow-up", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.copy-data", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.leave-with-receipt", enabled);
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

void
gh_window_new_dashboard_page (GhWindow *self)
{
  GtkWidget *dashboard = gh_dashboard_page_new (self->session);

  /* Laid out for the screen from the start: a landscape layout first would widen a
   * portrait window to its minimum width. */
  gh_dashboard_page_set_portrait (GH_DASHBOARD_PAGE (dashboard), is_portrait (self));
  gh_window_replace_page (self, &self->dashboard_page, dashboard, "dashboard");
}

static void
on_notices_done (GhWindow *self)
{
  if (self->dashboard_page != NULL)
    gh_window_show_page (self, self->dashboard_page);
}

static void
on_signed_in (GhWindow  *self,
              GhSession *session)
{
  if (!gh_window_in_visit (self))
    {
      /* Timed out while the PIN was being checked: nobody is there to see it. */
      gh_session_end (session);
      return;
    }

  g_set_object (&self->session, session);
  gh_staff_controller_set_session (self->staff, session);
  gh_session_set_language (session, self->language);
  gh_window_new_dashboard_page (self);
  /* A changed notice to answer, or news since the last visit, comes first. */
  if (gh_notice_page_wanted (session))
    {
      gh_window_replace_page (self, &self->notice_page, gh_notice_page_new (session), "notices");
      g_signal_connect_object (self->notice_page, "done", G_CALLBACK (on_notices_done), self,
                               G_CONNECT_SWAPPED);
      gh_window_show_page (self, self->notice_page);
    }
  else
    gh_window_show_page (self, self->dashboard_page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", TRUE);
  gh_window_set_follow_up_enabled (self, TRUE);
  gh_idle_timer_start (self->idle);
}

/* No screen blanking or suspend while a shopper is at the kiosk (a desktop session honours
 * it; under cage nothing blanks the screen in the first place). */
static void
keep_screen_awake (GhWindow *self,
                   gboolean  awake)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (application == NULL)
    return;
  if (awake && self->inhibit_cookie == 0)
    self->inhibit_cookie = gtk_application_inhibit (application, GTK_WINDOW (self),
                                                    GTK_APPLICATION_INHIBIT_IDLE
                                                    | GTK_APPLICATION_INHIBIT_SUSPEND,
                                                    _("A shopper is using the kiosk"));
  else if (!awake && self->inhibit_cookie != 0)
    {
      gtk_application_uninhibit (application, self->inhibit_cookie);
      self->inhibit_cookie = 0;
    }
}

void
gh_window_begin_visit (GhWindow *self)
{
  gh_kiosk_begin_visit (self->kiosk);
  keep_screen_awake (self, TRUE);
  gh_identify_page_reset (GH_IDENTIFY_PAGE (self->identify_page));
  gh_window_show_page (self, self->identify_page);
  gh_idle_timer_start (self->idle);
}

/* A card scanner counts only where no visit is: on the attract screen. */
static gboolean
card_scan_allowed (GtkWidget *widget)
{
  GhWindow *self = GH_WINDOW (widget);

  return self->session == NULL
         && gtk_stack_get_visible_child (self->stack) == self->attract_page
         && gtk_widget_is_sensitive (widget)
         && gh_kiosk_get_catalog (self->kiosk) != NULL;
}

static void
on_card_scanned (GtkWidget  *widget,
                 const char *loyalty_id)
{
  GhWindow *self = GH_WINDOW (widget);

  gh_window_begin_visit (self);
  gh_identify_page_enter_number (GH_IDENTIFY_PAGE (self->identify_page), loyalty_id);
}

static void
end_visit (GhWindow *self)
{
  GhCatalog *catalog = gh_kiosk_get_catalog (self->kiosk);

  /* Silent before anything of the next screen is said: the next shopper starts silent. */
  gh_narrator_set_enabled (self->narrator, FALSE);
  gh_idle_timer_stop (self->idle);
  keep_screen_awake (self, FALSE);
  self->leaving = FALSE;
  self->forgotten = FALSE;
  if (self->session != NULL)
    gh_session_end (self->session);
  g_clear_object (&self->session);
  gh_staff_controller_set_session (self->staff, NULL);

  gtk_stack_set_visible_child (self->stack, self->attract_page);
  gh_window_replace_page (self, &self->dashboard_page, NULL, NULL);
  gh_window_replace_page (self, &self->notice_page, NULL, NULL);
  gh_window_replace_page (self, &self->forget_page, NULL, NULL);
  gh_window_replace_page (self, &self->follow_up_page, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", FALSE);
  gh_window_set_follow_up_enabled (self, FALSE);

  /* The display choices and the language last for the visit only. */
  gh_accessibility_reset (gh_accessibility_get_for_display (
    gtk_widget_get_display (GTK_WIDGET (self))));
  if (catalog != NULL
      && g_strcmp0 (self->language, gh_catalog_get_default_language (catalog)) != 0)
    {
      gh_window_set_language_field (self, gh_catalog_get_default_language (catalog));
      gh_window_rebuild_language_box (self);
      gh_staff_controller_relabel (self->staff);
    }
  gh_identify_page_reset (GH_IDENTIFY_PAGE (self->identify_page));
  gh_window_show_page (self, self->attract_page);

  /* Reads the store's config again: one that arrived during the visit applies now. */
  gh_kiosk_end_visit (self->kiosk);
}

/* The shopper is forgotten: the dashboard (their data, offers, name) goes at once, not at
 * the end of the visit, and nothing more can be issued for them; only the erasure's own
 * receipt, on the follow-up screen, remains to take away. */
static void
on_erased (GhWindow *self)
{
  self->forgotten = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->sign_out_button), FALSE);
  gh_window_replace_page (self, &self->dashboard_page, NULL, NULL);
  gh_window_replace_page (self, &self->notice_page, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", FALSE);
  gh_window_set_follow_up_enabled (self, FALSE);
}

void
gh_window_new_forget_page (GhWindow *self)
{
  gh_window_replace_page (self, &self->forget_page, gh_forget_page_new (self->session), "forget");
  g_signal_connect_object (self->forget_page, "erased", G_CALLBACK (on_erased), self,
                           G_CONNECT_SWAPPED);
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
  gh_inferred_badge_ensure_icons (display);
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
  if (self->idle != NULL)
    gh_idle_timer_stop (self->idle);
  g_clear_object (&self->idle);
  if (self->session != NULL)
    gh_session_end (self->session);
  g_clear_object (&self->session);
  if (self->brand_css != NULL)
    gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                   GTK_STYLE_PROVIDER (self->brand_css));
  g_clear_object (&self->brand_css);
  g_clear_object (&self->kiosk);
  g_clear_object (&self->staff);
  g_clear_object (&self->narrator);

  G_OBJECT_CLASS (gh_window_parent_class)->dispose (object);
}

static void
gh_window_finalize (GObject *object)
{
  GhWindow *self = GH_WINDOW (object);

  g_free (self->language);

  G_OBJECT_CLASS (gh_window_parent_class)->finalize (object);
}

static void
gh_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  GhWindow *self = GH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      /* The action's state is a string: "" before any config. */
      g_value_set_string (value, self->language != NULL ? self->language : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  GhWindow *self = GH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      gh_window_set_language (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_window_class_init (GhWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_window_dispose;
  object_class->finalize = gh_window_finalize;
  object_class->get_property = gh_window_get_property;
  object_class->set_property = gh_window_set_property;

  /* The visit's language, one of the config's; kiosk.language is its action. */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Tests build windows without main(): make sure our catalogs are bound. */
  gh_i18n_init ();

  gh_window_class_install_actions (widget_class);

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
  gtk_widget_class_bind_template_child (widget_class, GhWindow, overlay);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, idle_scrim);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, idle_title);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, idle_label);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, leave_page);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, leave_title);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, leave_label);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, leave_buttons);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, leave_receipt_button);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, leave_button);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, more_time_button);
}

static void
gh_window_init (GhWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_layout_manager (self->top_bar, g_object_new (GH_TYPE_TOP_BAR_LAYOUT, NULL));
  self->cancellable = g_cancellable_new ();
  self->narrator = gh_narrator_new (GTK_WINDOW (self), self->stack);
  g_object_bind_property (self, "language", self->narrator, "language", G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (_gh_window_sync_hidden_pages), self, G_CONNECT_SWAPPED);
  _gh_window_sync_hidden_pages (self);
  _gh_window_watch_idle (self);
  g_signal_connect_object (self->idle, "expired", G_CALLBACK (end_visit), self,
                           G_CONNECT_SWAPPED);

  ensure_style (gtk_widget_get_display (GTK_WIDGET (self)));
  self->brand_css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (self->brand_css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);

  gh_card_scanner_attach (GTK_WIDGET (self), card_scan_allowed, on_card_scanned);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.start", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.forget", FALSE);
  gh_window_set_follow_up_enabled (self, FALSE);
}

GhWindow *
gh_window_new (GtkApplication *application,
               const char     *db_path,
               const char     *inbox_dir,
               const char     *trust_file,
               gboolean        demo)
{
  GhWindow *self = g_object_new (GH_TYPE_WINDOW, "application", application, NULL);

  self->kiosk = gh_kiosk_new (db_path, inbox_dir, trust_file, demo);
  g_signal_connect_object (self->kiosk, "catalog-changed", G_CALLBACK (apply_catalog), self,
                           G_CONNECT_SWAPPED);
  self->staff = gh_staff_controller_new (self->stack, self->banner_box, db_path);
  gh_staff_controller_watch_logo (self->staff, GTK_WIDGET (self->top_logo));
  gh_staff_controller_watch_logo (self->staff, GTK_WIDGET (self->top_brand_label));
  apply_catalog (self, NULL);
  gh_kiosk_load (self->kiosk);
  return self;
}

GhCatalog *
gh_window_get_catalog (GhWindow *self)
{
  g_return_val_if_fail (GH_IS_WINDOW (self), NULL);
  return gh_kiosk_get_catalog (self->kiosk);
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
  _gh_window_sync_idle_timeouts (self);
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
  return gh_kiosk_get_inbox (self->kiosk);
}

void
_gh_window_reload_config (GhWindow *self)
{
  gh_kiosk_load (self->kiosk);
}

gboolean
_gh_window_is_loading_config (GhWindow *self)
{
  return gh_kiosk_get_loading (self->kiosk);
}
