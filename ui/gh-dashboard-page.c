/* GhDashboardPage: the shopper's visit on one screen. Three sections: Your data
 * (grouped by category), Your offers (cards with "because…" chips) and Your choices
 * (a switch per purpose). Side by side in landscape, as tabs in portrait.
 *
 * The page follows its session: the choices and offer cards are bound to list models
 * (the catalog's purposes, the session's offers), the data rows and summaries follow
 * its notifications, its words follow notify::language. Preview, confirm and undo
 * are in gh-dashboard-page-actions.c, "Your data" in gh-dashboard-page-data.c. The
 * page is made for one visit and destroyed with it, so no widget outlives the
 * shopper's data.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-box-binding.h"
#include "gh-consent-row.h"
#include "gh-dashboard-page-private.h"
#include "gh-offer-card.h"
#include "gh-ui-text.h"
#include "gh-widget-template.h"
#include "gh-ui-widgets.h"

G_DEFINE_FINAL_TYPE (GhDashboardPage, gh_dashboard_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gh_dashboard_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, GH_DASHBOARD_PAGE (object)->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_dashboard_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      GH_DASHBOARD_PAGE (object)->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

const char *
gh_dashboard_page_purpose_title (GhDashboardPage *self,
                                 const char      *purpose_id)
{
  GhPurpose *purpose = gh_catalog_find_purpose (gh_session_get_catalog (self->session), purpose_id);

  return purpose != NULL ? gh_purpose_get_title (purpose, gh_session_get_language (self->session))
                         : purpose_id;
}

/* ---- Your offers and Your choices ----------------------------------------------- */

static GtkWidget *
create_offer_card (gpointer item,
                   gpointer user_data)
{
  GhDashboardPage *self = user_data;
  const GhOfferMatch *match = gh_session_find_offer_match (self->session, item);
  GtkWidget *card = gh_offer_card_new (self->session, match);

  g_signal_connect_object (card, "change-requested",
                           G_CALLBACK (gh_dashboard_page_change_requested), self,
                           G_CONNECT_SWAPPED);
  return card;
}

static void
show_offers_summary (GhDashboardPage *self)
{
  GPtrArray *offers = gh_session_get_offers (self->session);
  g_autofree char *summary = NULL;

  if (offers == NULL || offers->len == 0)
    {
      gtk_label_set_label (self->offers_summary_label,
                           _("You have no personal offers right now. Switching choices on may "
                             "bring some; switching them off never costs you your purchases."));
      return;
    }
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u offer made for you. Tap a “because” to see the data "
                                          "behind it.",
                                          "%u offers made for you. Tap a “because” to see the data "
                                          "behind them.", offers->len), offers->len);
  gtk_label_set_label (self->offers_summary_label, summary);
}

/* The offer cards follow the session's offer list: a change of choice adds and removes
 * only the cards concerned. Bound again for a new language. */
static void
bind_offers (GhDashboardPage *self)
{
  g_clear_pointer (&self->offers_binding, gh_box_binding_free);
  self->offers_binding = gh_box_binding_new_partial (self->offers_box,
                                                     gh_session_get_offer_list (self->session),
                                                     self->rows_complete ? G_MAXUINT
                                                     : gh_dashboard_page_rows_at_first_frame (self),
                                                     create_offer_card, self);
  show_offers_summary (self);
}

static GtkWidget *
create_consent_row (gpointer item,
                    gpointer user_data)
{
  GhDashboardPage *self = user_data;
  GtkWidget *row = gh_consent_row_new (item, gh_session_get_language (self->session), FALSE);

  gh_consent_row_set_granted (GH_CONSENT_ROW (row), gh_session_purpose_in_force (self->session,
                                                                                  item));
  gh_consent_row_set_busy (GH_CONSENT_ROW (row), self->busy);
  g_signal_connect_object (row, "change-requested",
                           G_CALLBACK (gh_dashboard_page_change_requested), self,
                           G_CONNECT_SWAPPED);
  return row;
}

/* One row per purpose of the config's purpose list; a change of choice updates the rows
 * (gh_dashboard_page_sync_choices). Bound again for a new language. */
static void
bind_choices (GhDashboardPage *self)
{
  g_clear_pointer (&self->choices_binding, gh_box_binding_free);
  self->choices_binding = gh_box_binding_new_partial (self->choices_box,
    gh_catalog_get_purposes (gh_session_get_catalog (self->session)),
    self->rows_complete ? G_MAXUINT : gh_dashboard_page_rows_at_first_frame (self),
    create_consent_row, self);
}

/* ---- the rows below the first screenful ------------------------------------------ */

/* GtkListView would build rows as they scroll into view, but GTK 4.8's builds up to 200
 * rows whatever the view shows (measured: 60 of 60, 205 of 1,000), and a column here has
 * fewer; and rows not built are missing to a screen reader and to Tab. So each column
 * gets its first screenful before the first frame, and the rest right after it, before
 * anyone can scroll: the first frame lays out only what is in view. */
guint
gh_dashboard_page_rows_at_first_frame (GhDashboardPage *self)
{
  return self->portrait ? ROWS_AT_FIRST_FRAME_PORTRAIT : ROWS_AT_FIRST_FRAME_LANDSCAPE;
}

/* Each column built up to what the first frame shows of it. */
static void
build_first_screenful (GhDashboardPage *self)
{
  guint n = gh_dashboard_page_rows_at_first_frame (self);

  if (self->choices_binding != NULL)
    gh_box_binding_build_up_to (self->choices_binding, n);
  if (self->offers_binding != NULL)
    gh_box_binding_build_up_to (self->offers_binding, n);
  gh_dashboard_page_build_later_data (self, n);
}

static void
forget_first_frame (GhDashboardPage *self)
{
  /* A destroyed window's frame clock drops its handlers itself. */
  if (self->first_frame_handler != 0
      && g_signal_handler_is_connected (self->first_frame_clock, self->first_frame_handler))
    g_signal_handler_disconnect (self->first_frame_clock, self->first_frame_handler);
  self->first_frame_handler = 0;
  g_clear_object (&self->first_frame_clock);
}

static void
complete_rows (GhDashboardPage *self)
{
  g_clear_handle_id (&self->complete_source, g_source_remove);
  forget_first_frame (self);
  if (self->rows_complete)
    return;
  self->rows_complete = TRUE;
  if (self->choices_binding != NULL)
    gh_box_binding_complete (self->choices_binding);
  if (self->offers_binding != NULL)
    gh_box_binding_complete (self->offers_binding);
  gh_dashboard_page_build_later_data (self, G_MAXUINT);
}

static gboolean
complete_rows_idle (gpointer data)
{
  GhDashboardPage *self = data;

  self->complete_source = 0;
  complete_rows (self);
  return G_SOURCE_REMOVE;
}

static void
on_first_frame_painted (GdkFrameClock   *clock,
                        GhDashboardPage *self)
{
  forget_first_frame (self);
  g_clear_handle_id (&self->complete_source, g_source_remove);
  self->complete_source = g_idle_add (complete_rows_idle, self);
}

static void
gh_dashboard_page_map (GtkWidget *widget)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (widget);

  GTK_WIDGET_CLASS (gh_dashboard_page_parent_class)->map (widget);
  if (self->rows_complete || self->first_frame_clock != NULL)
    return;
  self->first_frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  self->first_frame_handler = g_signal_connect (self->first_frame_clock, "after-paint",
                                                G_CALLBACK (on_first_frame_painted), self);
  /* Should no frame come (a frozen clock), the rows all the same. */
  g_clear_handle_id (&self->complete_source, g_source_remove);
  self->complete_source = g_timeout_add (250, complete_rows_idle, self);
}

static void
gh_dashboard_page_unmap (GtkWidget *widget)
{
  forget_first_frame (GH_DASHBOARD_PAGE (widget));
  GTK_WIDGET_CLASS (gh_dashboard_page_parent_class)->unmap (widget);
}

void
gh_dashboard_page_sync_choices (GhDashboardPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->choices_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GhPurpose *purpose = gh_consent_row_get_purpose (GH_CONSENT_ROW (child));

      gh_consent_row_set_granted (GH_CONSENT_ROW (child),
                                  gh_session_purpose_in_force (self->session, purpose));
      gh_consent_row_set_busy (GH_CONSENT_ROW (child), self->busy);
    }
}

static void
on_consents_changed (GhDashboardPage *self)
{
  if (gh_session_get_ended (self->session))
    return;
  gh_dashboard_page_sync_choices (self);
  gh_dashboard_page_show_data_summary (self);
}

static void
on_offers_changed (GhDashboardPage *self)
{
  if (gh_session_get_ended (self->session))
    return;
  show_offers_summary (self);
}

static void
dashboard_show_section (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (g_str_equal (name, "offers"))
    gtk_toggle_button_set_active (self->offers_tab, TRUE);
  else if (g_str_equal (name, "choices"))
    gtk_toggle_button_set_active (self->choices_tab, TRUE);
  else
    gtk_toggle_button_set_active (self->data_tab, TRUE);
}

/* ---- layout: landscape side by side, portrait as tabs -------------------------- */

static void
apply_layout (GhDashboardPage *self)
{
  gboolean portrait = self->portrait;

  gtk_widget_set_visible (self->tabs_box, portrait);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->sections_box),
                                  portrait ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_visible (self->data_section,
                          !portrait || gtk_toggle_button_get_active (self->data_tab));
  gtk_widget_set_visible (self->offers_section,
                          !portrait || gtk_toggle_button_get_active (self->offers_tab));
  gtk_widget_set_visible (self->choices_section,
                          !portrait || gtk_toggle_button_get_active (self->choices_tab));
  if (portrait)
    gtk_widget_add_css_class (GTK_WIDGET (self), "portrait");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "portrait");
}

static gboolean
apply_layout_idle (gpointer user_data)
{
  GhDashboardPage *self = user_data;

  self->layout_source = 0;
  apply_layout (self);
  return G_SOURCE_REMOVE;
}

/* What the page can shrink to: the tabs of the portrait layout fit in this. */
#define NARROWEST_PAGE 360

static void
gh_dashboard_page_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (widget);

  gtk_widget_measure (self->overlay, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
  /* Side by side, the three columns may need more than a portrait screen is wide; the
   * page then shows them as tabs instead. So its true minimum is the tabs', and a narrow
   * window must never be pushed wider (past the screen's edge) by the columns. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL && !self->portrait)
    {
      self->landscape_min_width = *minimum;
      *minimum = MIN (*minimum, NARROWEST_PAGE);
    }
}

static void
gh_dashboard_page_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (widget);
  /* Tabs when the screen is upright, or too narrow for the columns side by side. */
  gboolean portrait = width < height || width < self->landscape_min_width;
  int overlay_min = 0;

  /* Visibility cannot change during allocation: the new layout follows in an idle. */
  if (portrait != self->portrait && self->layout_source == 0)
    {
      self->portrait = portrait;
      self->layout_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_layout_idle, self, NULL);
    }
  /* Until then the columns keep their minimum (clipped for that one frame). */
  gtk_widget_measure (self->overlay, GTK_ORIENTATION_HORIZONTAL, -1, &overlay_min, NULL, NULL,
                      NULL);
  gtk_widget_allocate (self->overlay, MAX (width, overlay_min), height, baseline, NULL);
}

static void
on_tab_toggled (GhDashboardPage *self)
{
  if (self->portrait)
    apply_layout (self);
}

/* ---- object ----------------------------------------------------------------------- */

static void
set_button_words (GtkWidget  *button,
                  GtkLabel   *label,
                  const char *words)
{
  gtk_label_set_label (label, words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, words,
                                  -1);
}

/* With larger text in portrait, long tab names ("Ihre Einstellungen") take two lines
 * instead of widening the window past the screen. Setting a button's label makes a
 * new label child, so this follows every relabelling. */
static void
wrap_tab_labels (GhDashboardPage *self)
{
  for (GtkToggleButton **tab = (GtkToggleButton *[]) { self->data_tab, self->offers_tab,
                                                       self->choices_tab, NULL }; *tab; tab++)
    {
      GtkWidget *label = gtk_button_get_child (GTK_BUTTON (*tab));

      if (GTK_IS_LABEL (label))
        {
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
        }
    }
}

/* GTK does not translate a built template again: the page's own words are set here,
 * at the start and whenever the visit's language changes. */
static void
show_words (GhDashboardPage *self)
{
  const char *name;
  g_autofree char *greeting = NULL;
  g_autofree char *record = gh_ui_record_period (gh_catalog_get_consent_proof_days (
                                                    gh_session_get_catalog (self->session)));
  g_autofree char *hint = NULL;

  name = gh_session_get_display_name (self->session);
  /* Translators: %s is the shopper's name as the retailer holds it */
  greeting = name != NULL && *name != '\0' ? g_strdup_printf (_("Hello, %s"), name)
                                           : g_strdup (_("Hello"));
  gtk_label_set_label (self->greeting_label, greeting);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Your data, offers and choices"), -1);

  set_button_words (self->follow_up_button, self->follow_up_label, _("Receipt of my choices"));
  set_button_words (self->copy_data_button, self->copy_data_label, _("Copy of my data"));
  set_button_words (self->forget_button, self->forget_label, _("Forget me"));
  gtk_button_set_label (GTK_BUTTON (self->data_tab), _("Your data"));
  gtk_button_set_label (GTK_BUTTON (self->offers_tab), _("Your offers"));
  gtk_button_set_label (GTK_BUTTON (self->choices_tab), _("Your choices"));
  wrap_tab_labels (self);
  gtk_label_set_label (self->data_title, _("Your data"));
  gtk_label_set_label (self->offers_title, _("Your offers"));
  gtk_label_set_label (self->choices_title, _("Your choices"));
  hint = g_strjoin (" ", _("Switch off anything you do not want. You can switch it back on at "
                           "any time."), record, NULL);
  gtk_label_set_label (self->choices_hint, hint);
  if (!gtk_widget_get_visible (self->scrim))
    {
      gtk_button_set_label (self->cancel_button, _("Keep it on"));
      gtk_button_set_label (GTK_BUTTON (self->confirm_button), _("Switch off"));
    }
}

/* The visit's language changed: the page's words, and its three sections built again
 * with the config's texts in it. */
static void
on_language_changed (GhDashboardPage *self)
{
  if (gh_session_get_ended (self->session))
    return;
  show_words (self);
  bind_choices (self);
  gh_dashboard_page_build_data (self);
  bind_offers (self);
}

/* A receipt is offered once there is something to receipt. */
static void
on_changes_changed (GhDashboardPage *self)
{
  GPtrArray *changes = gh_session_get_changes (self->session);

  gtk_widget_set_visible (self->follow_up_button, changes != NULL && changes->len > 0);
}

static void
gh_dashboard_page_constructed (GObject *object)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (object);

  G_OBJECT_CLASS (gh_dashboard_page_parent_class)->constructed (object);

  show_words (self);
  bind_choices (self);
  gh_dashboard_page_build_data (self);
  bind_offers (self);

  g_signal_connect_object (self->session, "notify::consents", G_CALLBACK (on_consents_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::offers", G_CALLBACK (on_offers_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::language", G_CALLBACK (on_language_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::changes", G_CALLBACK (on_changes_changed),
                           self, G_CONNECT_SWAPPED);
  on_changes_changed (self);
}

static void
gh_dashboard_page_dispose (GObject *object)
{
  GhDashboardPage *self = GH_DASHBOARD_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->undo_source, g_source_remove);
  g_clear_handle_id (&self->layout_source, g_source_remove);
  g_clear_handle_id (&self->complete_source, g_source_remove);
  forget_first_frame (self);
  g_clear_pointer (&self->later_groups, g_ptr_array_unref);
  g_clear_pointer (&self->choices_binding, gh_box_binding_free);
  g_clear_pointer (&self->offers_binding, gh_box_binding_free);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_DASHBOARD_PAGE);
  g_clear_object (&self->session);
  g_clear_pointer (&self->pending_purpose, g_free);
  g_clear_pointer (&self->undo_purpose, g_free);

  G_OBJECT_CLASS (gh_dashboard_page_parent_class)->dispose (object);
}

static void
gh_dashboard_page_class_init (GhDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_dashboard_page_constructed;
  object_class->dispose = gh_dashboard_page_dispose;
  object_class->get_property = gh_dashboard_page_get_property;
  object_class->set_property = gh_dashboard_page_set_property;

  /* The visit shown; the page follows its notifications. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, GH_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->measure = gh_dashboard_page_measure;
  widget_class->size_allocate = gh_dashboard_page_size_allocate;
  widget_class->map = gh_dashboard_page_map;
  widget_class->unmap = gh_dashboard_page_unmap;

  gh_dashboard_page_class_install_actions (widget_class);
  gtk_widget_class_install_action (widget_class, "dashboard.show-section", "s",
                                   dashboard_show_section);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "dashboard.cancel", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, overlay);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, follow_up_button);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, follow_up_label);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, copy_data_button);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, copy_data_label);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, forget_button);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, forget_label);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, data_title);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, offers_title);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, choices_title);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, choices_hint);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, tabs_box);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, data_tab);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, offers_tab);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, choices_tab);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, sections_box);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, data_section);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, offers_section);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, choices_section);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, data_summary_label);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, offers_summary_label);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, data_box);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, offers_box);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, choices_box);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, scrim);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, preview_title);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, preview_body);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, preview_list);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, undo_bar);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, undo_label);
  gtk_widget_class_bind_template_child (widget_class, GhDashboardPage, undo_button);
  gtk_widget_class_set_css_name (widget_class, "dashboardpage");
}

/* While the preview sheet is up it is modal for the keyboard too: Tab stays in the
 * sheet (and the window's top bar) instead of wandering behind the scrim. */
static void
on_scrim_visible (GhDashboardPage *self)
{
  gtk_widget_set_can_focus (gtk_overlay_get_child (GTK_OVERLAY (self->overlay)),
                            !gtk_widget_get_visible (self->scrim));
}

static void
gh_dashboard_page_init (GhDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  g_signal_connect_object (self->data_tab, "toggled", G_CALLBACK (on_tab_toggled), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->offers_tab, "toggled", G_CALLBACK (on_tab_toggled), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->choices_tab, "toggled", G_CALLBACK (on_tab_toggled), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scrim, "notify::visible", G_CALLBACK (on_scrim_visible), self,
                           G_CONNECT_SWAPPED);

  wrap_tab_labels (self);
}

GtkWidget *
gh_dashboard_page_new (GhSession *session)
{
  g_return_val_if_fail (GH_IS_SESSION (session), NULL);
  return g_object_new (GH_TYPE_DASHBOARD_PAGE, "session", session, NULL);
}

gboolean
gh_dashboard_page_get_portrait (GhDashboardPage *self)
{
  g_return_val_if_fail (GH_IS_DASHBOARD_PAGE (self), FALSE);
  return self->portrait;
}

gboolean
gh_dashboard_page_get_rows_complete (GhDashboardPage *self)
{
  g_return_val_if_fail (GH_IS_DASHBOARD_PAGE (self), FALSE);
  return self->rows_complete;
}

gboolean
gh_dashboard_page_get_busy (GhDashboardPage *self)
{
  g_return_val_if_fail (GH_IS_DASHBOARD_PAGE (self), FALSE);
  return self->busy;
}

gboolean
gh_dashboard_page_get_preview_shown (GhDashboardPage *self)
{
  g_return_val_if_fail (GH_IS_DASHBOARD_PAGE (self), FALSE);
  return gtk_widget_get_visible (self->scrim);
}

gboolean
gh_dashboard_page_get_undo_shown (GhDashboardPage *self)
{
  g_return_val_if_fail (GH_IS_DASHBOARD_PAGE (self), FALSE);
  return gtk_widget_get_visible (self->undo_bar);
}

void
gh_dashboard_page_set_portrait (GhDashboardPage *self,
                                gboolean         portrait)
{
  g_return_if_fail (GH_IS_DASHBOARD_PAGE (self));

  self->portrait = !!portrait;
  apply_layout (self);
  /* A column on its own is taller than side by side. */
  if (!self->rows_complete)
    build_first_screenful (self);
}
