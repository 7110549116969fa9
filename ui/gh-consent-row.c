/* GhConsentRow: one purpose in "Your choices". Its title and plain description, who
 * else receives the data and why, the legal basis in words, and a switch with its
 * state written beside it. A tap on the switch, or anywhere on the row (its title, its
 * words), asks for the change; that does not change anything by itself:
 * it emits "change-requested" and the dashboard previews, confirms and writes the
 * change, then sets the row's state.
 * Purposes that cannot be switched off show why instead of a switch.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-consent-row.h"
#include "gh-spoken.h"
#include "gh-ui-text.h"
#include "gh-widget-template.h"

struct _GhConsentRow
{
  GtkWidget  parent_instance;

  GtkLabel  *title_label;
  GtkLabel  *description_label;
  GtkWidget *sharing_box;
  GtkLabel  *sharing_label;
  GtkLabel  *basis_label;
  GtkLabel  *explain_label;
  GtkSwitch *toggle;
  GtkLabel  *state_label;
  GtkImage  *lock_image;

  GhPurpose *purpose;
  gboolean   granted;
};

G_DEFINE_FINAL_TYPE (GhConsentRow, gh_consent_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_GRANTED,
  N_PROPS
};

enum {
  CHANGE_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_state_label (GhConsentRow *self);

static gboolean
on_state_set (GhConsentRow *self,
              gboolean      state)
{
  g_autoptr(GhConsentRow) keep = g_object_ref (self);

  if (state != self->granted)
    g_signal_emit (self, signals[CHANGE_REQUESTED], 0, gh_purpose_get_id (self->purpose), state);
  /* The switch goes back to the real state until the change is confirmed and written. */
  gh_consent_row_set_granted (self, self->granted);
  return TRUE;
}

static void
update_state_label (GhConsentRow *self)
{
  if (!gh_purpose_get_can_revoke (self->purpose))
    gtk_label_set_label (self->state_label, _("Always on"));
  else
    gtk_label_set_label (self->state_label, self->granted ? _("On") : _("Off"));

  if (self->granted)
    gtk_widget_add_css_class (GTK_WIDGET (self), "granted");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "granted");
}

static void
gh_consent_row_dispose (GObject *object)
{
  GhConsentRow *self = GH_CONSENT_ROW (object);

  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_CONSENT_ROW);
  g_clear_object (&self->purpose);

  G_OBJECT_CLASS (gh_consent_row_parent_class)->dispose (object);
}

static void
gh_consent_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GhConsentRow *self = GH_CONSENT_ROW (object);

  switch (prop_id)
    {
    case PROP_GRANTED:
      g_value_set_boolean (value, self->granted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_consent_row_class_init (GhConsentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_consent_row_dispose;
  object_class->get_property = gh_consent_row_get_property;

  properties[PROP_GRANTED] =
    g_param_spec_boolean ("granted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (purpose id, wanted state) */
  signals[CHANGE_REQUESTED] =
    g_signal_new ("change-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-consent-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, description_label);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, sharing_box);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, sharing_label);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, basis_label);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, explain_label);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, toggle);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, GhConsentRow, lock_image);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "consentrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* The whole row is the switch's target: a tap on its title or words flips it, as the
 * switch itself would. A tap on the switch is the switch's own. */
static void
on_row_released (GhConsentRow *self,
                 int           n_press,
                 double        x,
                 double        y)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->toggle))
      || !gtk_widget_is_sensitive (GTK_WIDGET (self->toggle)))
    return;
  if (picked != NULL
      && (picked == GTK_WIDGET (self->toggle)
          || gtk_widget_is_ancestor (picked, GTK_WIDGET (self->toggle))))
    return;
  gtk_switch_set_active (self->toggle, !gtk_switch_get_active (self->toggle));
}

static void
gh_consent_row_init (GhConsentRow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->toggle, "state-set", G_CALLBACK (on_state_set), self,
                           G_CONNECT_SWAPPED);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (on_row_released), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/* One line per party the purpose shares with, in the visit's language; NULL
 * when it shares with nobody. */
static char *
sharing_text (GhPurpose  *purpose,
              const char *language)
{
  guint n = gh_purpose_get_n_third_parties (purpose);
  g_autoptr(GString) text = NULL;

  if (n == 0)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      /* Translators: who else gets the data of a purpose in "Your choices", and why.
       * The first %s is a company's or an authority's name ("Acme Payments Ltd"), the
       * second HQ's reason in the shopper's language ("to take card payments"). */
      g_string_append_printf (text, _("Shared with %s — %s"),
                              gh_purpose_get_third_party_name (purpose, i),
                              gh_purpose_get_third_party_reason (purpose, i, language));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Shown in full rows; the compact row (an offer's "because…" popover) keeps to the
 * title and switch, but a screen reader hears who gets the data in both. */
static void
show_sharing (GhConsentRow *self,
              const char   *language,
              gboolean      compact)
{
  g_autofree char *text = sharing_text (self->purpose, language);

  if (text == NULL)
    return;
  gtk_label_set_label (self->sharing_label, text);
  gtk_widget_set_visible (self->sharing_box, !compact);
  /* On the switch, which the focus reaches, and on the row, for rows without one. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

GtkWidget *
gh_consent_row_new (GhPurpose  *purpose,
                    const char *language,
                    gboolean    compact)
{
  GhConsentRow *self;
  gboolean can_revoke;
  GhLegalBasis basis;
  g_autofree char *basis_text = NULL;

  g_return_val_if_fail (GH_IS_PURPOSE (purpose), NULL);

  self = g_object_new (GH_TYPE_CONSENT_ROW, NULL);
  self->purpose = g_object_ref (purpose);
  can_revoke = gh_purpose_get_can_revoke (purpose);
  basis = gh_purpose_get_legal_basis (purpose);

  gtk_label_set_label (self->title_label, gh_purpose_get_title (purpose, language));
  gtk_label_set_label (self->description_label, gh_purpose_get_description (purpose, language));
  /* Translators: %s is a legal basis in words, e.g. "Your consent" */
  basis_text = g_strdup_printf (_("Why we may: %s"), gh_ui_legal_basis_label (basis));
  gtk_label_set_label (self->basis_label, basis_text);
  gtk_label_set_label (self->explain_label, gh_ui_legal_basis_explain (basis));
  gtk_widget_set_visible (GTK_WIDGET (self->toggle), can_revoke);
  gtk_widget_set_visible (GTK_WIDGET (self->lock_image), !can_revoke);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), !compact);
  gtk_widget_set_visible (GTK_WIDGET (self->explain_label), !compact || !can_revoke);
  gh_spoken_set_label (GTK_WIDGET (self->toggle), gh_purpose_get_title (purpose, language));
  /* A screen reader announces the row by its purpose, not as "GhConsentRow". */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gh_purpose_get_title (purpose, language), -1);
  show_sharing (self, language, compact);
  if (!can_revoke)
    gtk_widget_add_css_class (GTK_WIDGET (self), "locked");
  self->granted = TRUE;
  gh_consent_row_set_granted (self, !can_revoke);
  return GTK_WIDGET (self);
}

GhPurpose *
gh_consent_row_get_purpose (GhConsentRow *self)
{
  g_return_val_if_fail (GH_IS_CONSENT_ROW (self), NULL);
  return self->purpose;
}

void
gh_consent_row_set_granted (GhConsentRow *self,
                            gboolean      granted)
{
  g_return_if_fail (GH_IS_CONSENT_ROW (self));

  granted = !!granted;
  if (self->granted != granted)
    {
      self->granted = granted;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRANTED]);
    }
  g_signal_handlers_block_by_func (self->toggle, on_state_set, self);
  gtk_switch_set_active (self->toggle, granted);
  gtk_switch_set_state (self->toggle, granted);
  g_signal_handlers_unblock_by_func (self->toggle, on_state_set, self);
  update_state_label (self);
}

gboolean
gh_consent_row_get_granted (GhConsentRow *self)
{
  g_return_val_if_fail (GH_IS_CONSENT_ROW (self), FALSE);
  return self->granted;
}

void
gh_consent_row_set_busy (GhConsentRow *self,
                         gboolean      busy)
{
  g_return_if_fail (GH_IS_CONSENT_ROW (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->toggle), !busy);
  if (!busy)
    gh_consent_row_set_granted (self, self->granted);
}
