/* GhStaffPage: what staff see after signing in with their PIN: the kiosk's
 * health and the form to clear a shopper's PIN lockout once they have checked
 * the shopper's identity. The clear runs in a worker (gh_auth_clear_lockout_async)
 * and is recorded with actor "staff:<id>". Every staff action restarts the
 * staff-mode timeout; the loyalty number typed is wiped after use.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "auth/gh-auth.h"
#include "gh-keypad.h"
#include "gh-staff-health.h"
#include "gh-staff-page.h"
#include "gh-widget-template.h"

struct _GhStaffPage
{
  GtkWidget       parent_instance;

  GtkLabel       *title_label;
  GhStaffHealth  *health;
  GtkEditable    *number_entry;
  GtkCheckButton *identity_check;
  GtkLabel       *status_label;
  GhKeypad       *keypad;
  GtkLabel       *lockout_heading;
  GtkButton      *clear_button;
  GtkButton      *back_button;
  GtkButton      *end_button;

  GhStaffMode    *mode;
  char           *db_path;
  GCancellable   *cancellable;
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
  gtk_label_set_label (self->status_label, message != NULL ? message : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
update_actions (GhStaffPage *self)
{
  gboolean ready = self->cancellable == NULL && self->mode != NULL
                   && gh_staff_mode_get_active (self->mode)
                   && *gtk_editable_get_text (self->number_entry) != '\0'
                   && gtk_check_button_get_active (self->identity_check);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "staff-page.clear-lockout", ready);
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

  if (!gh_auth_clear_lockout_finish (result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (error == NULL)
    {
      gtk_editable_set_text (self->number_entry, "");
      gtk_check_button_set_active (self->identity_check, FALSE);
      set_status (self, _("Lockout cleared. The shopper can sign in again now."), FALSE);
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

  if (self->mode == NULL || (member = gh_staff_mode_get_member (self->mode)) == NULL ||
      self->db_path == NULL || self->cancellable != NULL)
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
page_end (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  GhStaffPage *self = GH_STAFF_PAGE (widget);

  gh_staff_page_reset (self);
  if (self->mode != NULL)
    gh_staff_mode_end (self->mode);
  g_signal_emit (self, signals[DONE], 0);
}

static void
on_typing (GhStaffPage *self)
{
  if (self->mode != NULL)
    gh_staff_mode_extend (self->mode);
  update_actions (self);
}

static void
gh_staff_page_dispose (GObject *object)
{
  GhStaffPage *self = GH_STAFF_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
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
  gtk_widget_class_install_action (widget_class, "staff-page.end", NULL, page_end);

  g_type_ensure (GH_TYPE_KEYPAD);
  g_type_ensure (GH_TYPE_STAFF_HEALTH);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-staff-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, health);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, number_entry);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, identity_check);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, keypad);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, lockout_heading);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, clear_button);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, GhStaffPage, end_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "staffpage");
}

static void
gh_staff_page_init (GhStaffPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

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
  gtk_check_button_set_label (self->identity_check,
                              _("I have checked the shopper's identity (photo ID or loyalty card)"));
  gtk_button_set_label (self->clear_button, _("Clear lockout"));
  gtk_button_set_label (self->back_button, _("Back to the shopper's screen"));
  gtk_button_set_label (self->end_button, _("End staff mode"));
  gh_keypad_retranslate (self->keypad);
}
