/* GhStaffSignIn: what the hidden long press on the logo opens. Staff pick
 * their name (preselected when the config has one member of staff) and type
 * their PIN on the keypad; the argon2id check runs in a worker
 * (gh_auth_staff_sign_in_async), so the kiosk stays responsive.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "auth/gh-auth.h"
#include "gh-keypad.h"
#include "gh-staff-sign-in.h"
#include "gh-widget-template.h"
#include "gh-ui-widgets.h"

struct _GhStaffSignIn
{
  GtkWidget     parent_instance;

  GtkLabel     *title_label;
  GtkButton    *cancel_button;
  GtkFlowBox   *staff_box;
  GtkEditable  *pin_entry;
  GtkSpinner   *spinner;
  GtkLabel     *status_label;
  GhKeypad     *keypad;

  GhCatalog    *catalog;
  char         *db_path;       /* where the staff PIN lockout is kept */
  char         *staff_id;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (GhStaffSignIn, gh_staff_sign_in, GTK_TYPE_WIDGET)

enum {
  SIGNED_IN,
  CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_DB_PATH,
  PROP_CATALOG,
  PROP_STAFF_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_status (GhStaffSignIn *self,
            const char    *message,
            gboolean       is_error)
{
  gh_status_label_set (self->status_label, message, is_error);
}

static void
set_busy (GhStaffSignIn *self,
          gboolean       busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  /* Only the keypad: making the focused entry insensitive loses its focus-out (GTK 4.8 warns);
   * a second submit while busy is ignored in on_submit instead. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->keypad), !busy);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GhStaffSignIn) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStaffMember) member = gh_auth_staff_sign_in_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  gtk_editable_set_text (self->pin_entry, "");
  if (member == NULL && g_error_matches (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED))
    set_status (self, _("Too many wrong PINs. Try again later."), TRUE);
  else if (member == NULL && g_error_matches (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED))
    set_status (self, _("That PIN is not right. Try again."), TRUE);
  else if (member == NULL)
    {
      /* Not the PIN's fault (the store, its lockout key): another try would not help. */
      g_warning ("Checking a staff PIN failed: %s", error->message);
      set_status (self, _("The kiosk cannot check PINs right now. Restart it, or call HQ."), TRUE);
    }
  if (member == NULL)
    return;
  set_status (self, NULL, FALSE);
  g_signal_emit (self, signals[SIGNED_IN], 0, member);
}

static void
on_submit (GhStaffSignIn *self)
{
  const char *pin = gtk_editable_get_text (self->pin_entry);

  if (self->cancellable != NULL || self->catalog == NULL || self->db_path == NULL)
    return;
  if (self->staff_id == NULL)
    {
      set_status (self, _("Choose your name first."), TRUE);
      return;
    }
  if (*pin == '\0')
    {
      set_status (self, _("Type your staff PIN on the keypad."), TRUE);
      return;
    }
  set_status (self, _("Checking…"), FALSE);
  set_busy (self, TRUE);
  self->cancellable = g_cancellable_new ();
  gh_auth_staff_sign_in_async (self->db_path, self->catalog, self->staff_id, pin,
                               self->cancellable, on_checked, g_object_ref (self));
}

/* The staff-sign-in.staff action's property: who is signing in. */
static void
set_staff_id (GhStaffSignIn *self,
              const char    *staff_id)
{
  if (staff_id != NULL && *staff_id == '\0')
    staff_id = NULL;
  if (g_strcmp0 (self->staff_id, staff_id) == 0)
    return;
  g_free (self->staff_id);
  self->staff_id = g_strdup (staff_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAFF_ID]);
  if (staff_id == NULL)
    return;
  set_status (self, NULL, FALSE);
  /* Not from a screen that is not showing: the focus stays where the shopper is. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

/* Shown with a name chosen: the PIN is next. */
static void
on_map (GhStaffSignIn *self)
{
  if (self->staff_id != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

/* One button per member of staff in the config; its action target is their id. */
static GtkWidget *
create_staff_button (gpointer item,
                     gpointer user_data)
{
  GhStaffMember *member = item;
  GtkWidget *button = gtk_toggle_button_new_with_label (gh_staff_member_get_name (member));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "staff-sign-in.staff");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", gh_staff_member_get_id (member));
  return button;
}

static void
gh_staff_sign_in_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GhStaffSignIn *self = GH_STAFF_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_STAFF_ID:
      g_value_set_string (value, self->staff_id != NULL ? self->staff_id : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_staff_sign_in_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  GhStaffSignIn *self = GH_STAFF_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      self->db_path = g_value_dup_string (value);
      break;
    case PROP_CATALOG:
      gh_staff_sign_in_set_catalog (self, g_value_get_object (value));
      break;
    case PROP_STAFF_ID:
      set_staff_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sign_in_cancel (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GhStaffSignIn *self = GH_STAFF_SIGN_IN (widget);

  gh_staff_sign_in_reset (self);
  g_signal_emit (self, signals[CANCELLED], 0);
}

static void
gh_staff_sign_in_dispose (GObject *object)
{
  GhStaffSignIn *self = GH_STAFF_SIGN_IN (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->staff_id, g_free);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_STAFF_SIGN_IN);

  G_OBJECT_CLASS (gh_staff_sign_in_parent_class)->dispose (object);
}

static void
gh_staff_sign_in_class_init (GhStaffSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_staff_sign_in_dispose;
  object_class->get_property = gh_staff_sign_in_get_property;
  object_class->set_property = gh_staff_sign_in_set_property;

  /* The id of the member of staff chosen, "" for none; staff-sign-in.staff is its
   * action, the name buttons its targets. */
  /* Where wrong staff PINs are counted; the config whose staff may sign in. */
  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, GH_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAFF_ID] =
    g_param_spec_string ("staff-id", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, GH_TYPE_STAFF_MEMBER);
  signals[CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "staff-sign-in.cancel", NULL, sign_in_cancel);
  gtk_widget_class_install_property_action (widget_class, "staff-sign-in.staff", "staff-id");

  g_type_ensure (GH_TYPE_KEYPAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-staff-sign-in.ui");
  gtk_widget_class_bind_template_child (widget_class, GhStaffSignIn, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffSignIn, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, GhStaffSignIn, staff_box);
  gtk_widget_class_bind_template_child (widget_class, GhStaffSignIn, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, GhStaffSignIn, spinner);
  gtk_widget_class_bind_template_child (widget_class, GhStaffSignIn, status_label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffSignIn, keypad);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "staffsignin");
}

static void
gh_staff_sign_in_init (GhStaffSignIn *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->keypad, "submit", G_CALLBACK (on_submit), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_entry, "activate", G_CALLBACK (on_submit), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

GtkWidget *
gh_staff_sign_in_new (const char *db_path,
                      GhCatalog  *catalog)
{
  return g_object_new (GH_TYPE_STAFF_SIGN_IN, "db-path", db_path, "catalog", catalog, NULL);
}

static guint
n_staff (GhStaffSignIn *self)
{
  return self->catalog != NULL ? g_list_model_get_n_items (gh_catalog_get_staff (self->catalog))
                               : 0;
}

/* With one member of staff, their name is chosen already. */
static void
choose_default_staff (GhStaffSignIn *self)
{
  set_staff_id (self, NULL);
  if (n_staff (self) == 1)
    {
      g_autoptr(GhStaffMember) member = g_list_model_get_item (gh_catalog_get_staff (self->catalog),
                                                               0);

      set_staff_id (self, gh_staff_member_get_id (member));
    }
  if (self->catalog != NULL && n_staff (self) == 0)
    set_status (self, _("This kiosk's configuration names no staff."), TRUE);
}

void
gh_staff_sign_in_set_catalog (GhStaffSignIn *self,
                              GhCatalog     *catalog)
{
  g_return_if_fail (GH_IS_STAFF_SIGN_IN (self));
  g_return_if_fail (catalog == NULL || GH_IS_CATALOG (catalog));

  if (!g_set_object (&self->catalog, catalog))
    return;
  /* The staff come from HQ's config. */
  gtk_flow_box_bind_model (self->staff_box,
                           catalog != NULL ? gh_catalog_get_staff (catalog) : NULL,
                           create_staff_button, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->staff_box), n_staff (self) > 1);
  gh_staff_sign_in_reset (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

void
gh_staff_sign_in_reset (GhStaffSignIn *self)
{
  g_return_if_fail (GH_IS_STAFF_SIGN_IN (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  gtk_editable_set_text (self->pin_entry, "");
  set_status (self, NULL, FALSE);
  choose_default_staff (self);
}

void
gh_staff_sign_in_retranslate (GhStaffSignIn *self)
{
  g_return_if_fail (GH_IS_STAFF_SIGN_IN (self));

  gtk_label_set_label (self->title_label, _("Staff sign-in"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->staff_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Who are you?"), -1);
  g_object_set (self->pin_entry, "placeholder-text", _("Staff PIN"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Staff PIN"), -1);
  gtk_button_set_label (self->cancel_button, _("Cancel"));
  gh_keypad_retranslate (self->keypad);
}
