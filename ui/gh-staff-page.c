/* GhStaffPage: what staff see after signing in with their PIN: the kiosk's
 * health and the form to clear a shopper's PIN lockout once they have checked
 * the shopper's identity. The clear runs in a worker (gh_auth_clear_lockout_async)
 * and is recorded with actor "staff:<id>". Every staff action restarts the
 * staff-mode timeout; the loyalty number typed is wiped after use. All of it fits
 * one 1080p screen, landscape or portrait, and the page has one way out.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "auth/gh-auth.h"
#include "gh-keypad.h"
#include "gh-staff-health.h"
#include "gh-staff-page.h"
#include "gh-widget-template.h"
#include "gh-ui-widgets.h"

struct _GhStaffPage
{
  GtkWidget       parent_instance;

  GtkLabel       *title_label;
  GtkBox         *columns;
  GhStaffHealth  *health;
  GtkEditable    *number_entry;
  GtkCheckButton *identity_check;
  GtkLabel       *identity_label;
  GtkLabel       *status_label;
  GhKeypad       *keypad;
  GtkLabel       *lockout_heading;
  GtkButton      *clear_button;
  GtkButton      *back_button;

  GhStaffMode    *mode;
  char           *db_path;
  GCancellable   *cancellable;
  guint           layout_source;
  gboolean        portrait;
};

G_DEFINE_FINAL_TYPE (GhStaffPage, gh_staff_page, GTK_TYPE_WIDGET)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_MODE,
  PROP_DB_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_status (GhStaffPage *self,
            const char  *message,
            gboolean     is_error)
{
  gh_status_label_set (self->status_label, message, is_error);
}

/* Why "Clear lockout" cannot act now, NULL when it can. */
static const char *
clear_refusal (GhStaffPage *self)
{
  if (self->cancellable != NULL)
    return _("Clearing…");
  if (self->mode == NULL || !gh_staff_mode_get_active (self->mode))
    return _("Staff mode has ended. Sign in as staff again.");
  if (*gtk_editable_get_text (self->number_entry) == '\0')
    return _("Type the shopper's loyalty number first.");
  if (!gtk_check_button_get_active (self->identity_check))
    return _("Check the shopper's identity first, then tick the box.");
  return NULL;
}

/* The button stays tappable, so a tap can say why it cannot act; it looks unavailable
 * (and says so to a screen reader) until it can. */
static void
update_actions (GhStaffPage *self)
{
  gboolean ready = clear_refusal (self) == NULL;

  if (ready)
    gtk_widget_remove_css_class (GTK_WIDGET (self->clear_button), "unready");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->clear_button), "unready");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->clear_button), GTK_ACCESSIBLE_STATE_DISABLED,
                               !ready, -1);
}

static void
on_member_changed (GhStaffPage *self)
{
  GhStaffMember *member = self->mode != NULL ? gh_staff_mode_get_member (self->mode) : NULL;

  if (member != NULL)
    {
      /* Translators: %s is the staff member's first name. */
      g_autofree char *title = g_strdup_printf (_("Staff mode: %s"), gh_staff_member_get_name (member));
      gtk_label_set_label (self->title_label, title);
    }
  else
    gtk_label_set_label (self->title_label, _("Staff mode"));
  update_actions (self);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GhStaffPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean was_locked = FALSE;

  if (!gh_auth_clear_lockout_finish (result, &was_locked, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (error == NULL)
    {
      gtk_editable_set_text (self->number_entry, "");
      gtk_check_button_set_active (self->identity_check, FALSE);
      /* "Cleared" for a shopper who was never locked would send staff looking for a
       * fault that is not there. */
      set_status (self, was_locked ? _("Lockout cleared. The shopper can sign in again now.")
                                   : _("This shopper is not locked out. They can sign in with their PIN now."),
                  !was_locked);
      gh_staff_health_refresh (self->health, self->db_path);
    }
  else if (g_error_matches (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND))
    set_status (self, _("No shopper has that loyalty number. Check it and try again."), TRUE);
  else
    set_status (self, error->message, TRUE);
  update_actions (self);
}

static void
page_clear_lockout (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GhStaffPage *self = GH_STAFF_PAGE (widget);
  GhStaffMember *member;
  const char *refusal = clear_refusal (self);

  if (self->cancellable != NULL)
    return;
  if (refusal != NULL)
    {
      set_status (self, refusal, TRUE);
      return;
    }
  if ((member = gh_staff_mode_get_member (self->mode)) == NULL || self->db_path == NULL)
    return;
  gh_staff_mode_extend (self->mode);
  set_status (self, _("Clearing…"), FALSE);
  self->cancellable = g_cancellable_new ();
  update_actions (self);
  gh_auth_clear_lockout_async (self->db_path, gtk_editable_get_text (self->number_entry),
                               gh_staff_member_get_id (member), self->cancellable, on_cleared,
                               g_object_ref (self));
}

static void
page_done (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  GhStaffPage *self = GH_STAFF_PAGE (widget);

  gh_staff_page_reset (self);
  if (self->mode != NULL)
    gh_staff_mode_extend (self->mode);
  g_signal_emit (self, signals[DONE], 0);
}

static void
on_typing (GhStaffPage *self)
{
  if (self->mode != NULL)
    gh_staff_mode_extend (self->mode);
  /* A reason given for an earlier tap no longer holds. */
  if (gtk_widget_has_css_class (GTK_WIDGET (self->status_label), "error") && self->cancellable == NULL)
    set_status (self, NULL, FALSE);
  update_actions (self);
}

/* ---- layout: side by side in landscape, one under the other in portrait ---------- */

static gboolean
apply_layout_idle (gpointer user_data)
{
  GhStaffPage *self = user_data;

  self->layout_source = 0;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->columns),
                                  self->portrait ? GTK_ORIENTATION_VERTICAL
                                                 : GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (self->columns, self->portrait ? 32 : 48);
  return G_SOURCE_REMOVE;
}

static void
gh_staff_page_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
  /* Side by side may be wider than a portrait screen: the page then stacks its parts
   * instead, so the columns must never push a narrow window wider. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = MIN (*minimum, 360);
}

static void
gh_staff_page_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  GhStaffPage *self = GH_STAFF_PAGE (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);
  gboolean portrait = width < height;
  int child_min = 0;

  /* The orientation cannot change during allocation: it follows in an idle. */
  if (portrait != self->portrait && self->layout_source == 0)
    {
      self->portrait = portrait;
      self->layout_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_layout_idle, self, NULL);
    }
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
  gtk_widget_allocate (child, MAX (width, child_min), height, baseline, NULL);
}

static void
gh_staff_page_dispose (GObject *object)
{
  GhStaffPage *self = GH_STAFF_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->layout_source, g_source_remove);
  g_clear_object (&self->mode);
  g_clear_pointer (&self->db_path, g_free);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_STAFF_PAGE);

  G_OBJECT_CLASS (gh_staff_page_parent_class)->dispose (object);
}

static void
gh_staff_page_constructed (GObject *object)
{
  GhStaffPage *self = GH_STAFF_PAGE (object);

  G_OBJECT_CLASS (gh_staff_page_parent_class)->constructed (object);
  if (self->mode != NULL)
    g_signal_connect_object (self->mode, "notify::member", G_CALLBACK (on_member_changed), self,
                             G_CONNECT_SWAPPED);
  on_member_changed (self);
}

static void
gh_staff_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GhStaffPage *self = GH_STAFF_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_object (value, self->mode);
      break;
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_staff_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  GhStaffPage *self = GH_STAFF_PAGE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      self->mode = g_value_dup_object (value);
      break;
    case PROP_DB_PATH:
      self->db_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_staff_page_class_init (GhStaffPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_staff_page_constructed;
  object_class->dispose = gh_staff_page_dispose;
  object_class->get_property = gh_staff_page_get_property;
  object_class->set_property = gh_staff_page_set_property;

  /* Whose staff mode the page acts in, and the store whose health it shows. */
  properties[PROP_MODE] =
    g_param_spec_object ("mode", NULL, NULL, GH_TYPE_STAFF_MODE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "staff-page.clear-lockout", NULL,
                                   page_clear_lockout);
  gtk_widget_class_install_action (widget_class, "staff-page.done", NULL, page_done);
  widget_class->measure = gh_staff_page_measure;
  widget_class->size_allocate = gh_staff_page_size_allocate;

  g_type_ensure (GH_TYPE_KEYPAD);
  g_type_ensure (GH_TYPE_STAFF_HEALTH);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-staff-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, columns);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, health);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, number_entry);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, identity_check);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, keypad);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, lockout_heading);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, clear_button);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, back_button);
  gtk_widget_class_set_css_name (widget_class, "staffpage");
}

static void
gh_staff_page_init (GhStaffPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A label that wraps (a check button's own does not): the long sentence must not
   * widen the page past a portrait screen. */
  self->identity_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->identity_label, TRUE);
  gtk_label_set_wrap_mode (self->identity_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->identity_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->identity_label), TRUE);
  gtk_check_button_set_child (self->identity_check, GTK_WIDGET (self->identity_label));
  gtk_label_set_label (self->identity_label,
                       _("I have checked the shopper's identity (photo ID or loyalty card)"));

  g_signal_connect_object (self->number_entry, "changed", G_CALLBACK (on_typing), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->identity_check, "toggled", G_CALLBACK (on_typing), self,
                           G_CONNECT_SWAPPED);
  update_actions (self);
}

GtkWidget *
gh_staff_page_new (GhStaffMode *mode,
                   const char  *db_path)
{
  g_return_val_if_fail (GH_IS_STAFF_MODE (mode), NULL);
  return g_object_new (GH_TYPE_STAFF_PAGE, "mode", mode, "db-path", db_path, NULL);
}

void
gh_staff_page_refresh (GhStaffPage *self)
{
  g_return_if_fail (GH_IS_STAFF_PAGE (self));

  on_member_changed (self);
  if (self->db_path != NULL)
    gh_staff_health_refresh (self->health, self->db_path);
}

void
gh_staff_page_reset (GhStaffPage *self)
{
  g_return_if_fail (GH_IS_STAFF_PAGE (self));

  gtk_editable_set_text (self->number_entry, "");
  gtk_check_button_set_active (self->identity_check, FALSE);
  set_status (self, NULL, FALSE);
  update_actions (self);
}

void
gh_staff_page_retranslate (GhStaffPage *self)
{
  g_return_if_fail (GH_IS_STAFF_PAGE (self));

  on_member_changed (self);
  gh_staff_health_retranslate (self->health);
  gtk_label_set_label (self->lockout_heading, _("Clear a PIN lockout"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->number_entry), _("Shopper's loyalty number"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->number_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Shopper's loyalty number"),
                                  -1);
  gtk_label_set_label (self->identity_label,
                       _("I have checked the shopper's identity (photo ID or loyalty card)"));
  gtk_button_set_label (self->clear_button, _("Clear lockout"));
  gtk_button_set_label (self->back_button, _("Back to the shopper's screen"));
  gh_keypad_retranslate (self->keypad);
}
