/* GhKeypad: a big on-screen number pad for touch. It types into the GtkEditable it
 * is given (the loyalty number or the masked PIN) and emits "submit" for its OK key,
 * so the keypad, a physical keyboard and a card scanner acting as one all end up in
 * the same entry.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-keypad.h"
#include "gh-spoken.h"
#include "gh-widget-template.h"

struct _GhKeypad
{
  GtkWidget    parent_instance;

  GtkWidget   *backspace_button;
  GtkButton   *ok_button;
  GtkEditable *editable;
};

G_DEFINE_FINAL_TYPE (GhKeypad, gh_keypad, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EDITABLE,
  N_PROPS
};

enum {
  SUBMIT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
keypad_digit (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GhKeypad *self = GH_KEYPAD (widget);
  int position = -1;

  if (self->editable == NULL)
    return;
  /* Digits always go at the end, as on a card terminal. */
  gtk_editable_insert_text (self->editable, g_variant_get_string (parameter, NULL), -1, &position);
  gtk_editable_set_position (self->editable, -1);
}

static void
keypad_backspace (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GhKeypad *self = GH_KEYPAD (widget);
  const char *text;
  glong length;

  if (self->editable == NULL)
    return;
  text = gtk_editable_get_text (self->editable);
  length = g_utf8_strlen (text, -1);
  if (length > 0)
    gtk_editable_delete_text (self->editable, length - 1, length);
}

static void
keypad_clear (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GhKeypad *self = GH_KEYPAD (widget);

  if (self->editable != NULL)
    gtk_editable_set_text (self->editable, "");
}

static void
keypad_submit (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[SUBMIT], 0);
}

static void
gh_keypad_dispose (GObject *object)
{
  GhKeypad *self = GH_KEYPAD (object);

  g_clear_weak_pointer (&self->editable);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_KEYPAD);

  G_OBJECT_CLASS (gh_keypad_parent_class)->dispose (object);
}

static void
gh_keypad_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  GhKeypad *self = GH_KEYPAD (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      g_value_set_object (value, self->editable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_keypad_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  GhKeypad *self = GH_KEYPAD (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      gh_keypad_set_editable (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_keypad_class_init (GhKeypadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_keypad_dispose;
  object_class->get_property = gh_keypad_get_property;
  object_class->set_property = gh_keypad_set_property;

  properties[PROP_EDITABLE] =
    g_param_spec_object ("editable", NULL, NULL, GTK_TYPE_EDITABLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SUBMIT] = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "keypad.digit", "s", keypad_digit);
  gtk_widget_class_install_action (widget_class, "keypad.backspace", NULL, keypad_backspace);
  gtk_widget_class_install_action (widget_class, "keypad.clear", NULL, keypad_clear);
  gtk_widget_class_install_action (widget_class, "keypad.submit", NULL, keypad_submit);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glasshouse/Kiosk/gh-keypad.ui");
  gtk_widget_class_bind_template_child (widget_class, GhKeypad, backspace_button);
  gtk_widget_class_bind_template_child (widget_class, GhKeypad, ok_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "keypad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
gh_keypad_init (GhKeypad *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Keypad"), -1);
}

GtkEditable *
gh_keypad_get_editable (GhKeypad *self)
{
  g_return_val_if_fail (GH_IS_KEYPAD (self), NULL);
  return self->editable;
}

void
gh_keypad_set_editable (GhKeypad    *self,
                        GtkEditable *editable)
{
  g_return_if_fail (GH_IS_KEYPAD (self));

  if (g_set_weak_pointer (&self->editable, editable))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

void
gh_keypad_retranslate (GhKeypad *self)
{
  g_return_if_fail (GH_IS_KEYPAD (self));

  gh_spoken_set_label (GTK_WIDGET (self->backspace_button), _("Delete the last digit"));
  gtk_button_set_label (self->ok_button, _("OK"));
  gh_spoken_set_label (GTK_WIDGET (self->ok_button), _("OK, continue"));
}
