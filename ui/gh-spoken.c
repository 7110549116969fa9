/* The words Read aloud says for a control or a screen. A control's name is the one
 * the kiosk gave it for screen readers (kept here as well, as GTK 4.8 cannot read
 * an accessible label back), else the words it shows; then its kind, from its
 * accessible role, and its state. A PIN or a loyalty number is never read out, in a
 * field or on the keypad: a shop is a public place.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-keypad.h"
#include "gh-spoken.h"

#define SPOKEN_LABEL "gh-spoken-label"

/* The demo's loyalty numbers have 10 digits, PINs 4 (what the identify page asks for). */
#define LOYALTY_DIGITS 10
#define PIN_DIGITS 4

void
gh_spoken_set_label (GtkWidget  *widget,
                     const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  g_object_set_data_full (G_OBJECT (widget), SPOKEN_LABEL, g_strdup (label), g_free);
}

const char *
gh_spoken_get_label (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  return g_object_get_data (G_OBJECT (widget), SPOKEN_LABEL);
}

gboolean
gh_spoken_is_private (GtkWidget *editable,
                      guint     *n_digits)
{
  GtkInputPurpose purpose = GTK_INPUT_PURPOSE_FREE_FORM;
  GtkWidget *entry = editable;

  /* The focus sits in the GtkText inside an entry. */
  if (GTK_IS_TEXT (editable) && gtk_widget_get_parent (editable) != NULL
      && GTK_IS_EDITABLE (gtk_widget_get_parent (editable)))
    entry = gtk_widget_get_parent (editable);
  if (GTK_IS_PASSWORD_ENTRY (entry))
    {
      if (n_digits != NULL)
        *n_digits = PIN_DIGITS;
      return TRUE;
    }
  if (GTK_IS_ENTRY (entry))
    purpose = gtk_entry_get_input_purpose (GTK_ENTRY (entry));
  else if (GTK_IS_TEXT (entry))
    purpose = gtk_text_get_input_purpose (GTK_TEXT (entry));
  if (purpose == GTK_INPUT_PURPOSE_DIGITS || purpose == GTK_INPUT_PURPOSE_NUMBER
      || purpose == GTK_INPUT_PURPOSE_PIN || purpose == GTK_INPUT_PURPOSE_PASSWORD)
    {
      if (n_digits != NULL)
        *n_digits = purpose == GTK_INPUT_PURPOSE_PIN || purpose == GTK_INPUT_PURPOSE_PASSWORD
                    ? PIN_DIGITS : LOYALTY_DIGITS;
      return TRUE;
    }
  return FALSE;
}

/* The visible labels' words under @widget, joined by spaces. */
static void
append_label_text (GtkWidget *widget,
                   GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *label = gtk_label_get_text (GTK_LABEL (widget));

      if (label != NULL && *label != '\0')
        {
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, label);
        }
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_label_text (child, text);
}

/* A key of a keypad that is typing a PIN: its digit would be the PIN's. */
static gboolean
is_private_keypad_key (GtkWidget *widget)
{
  GtkWidget *keypad = gtk_widget_get_ancestor (widget, GH_TYPE_KEYPAD);
  GtkEditable *editable;
  const char *label;

  if (keypad == NULL || !GTK_IS_BUTTON (widget))
    return FALSE;
  editable = gh_keypad_get_editable (GH_KEYPAD (keypad));
  label = gtk_button_get_label (GTK_BUTTON (widget));
  return editable != NULL && gh_spoken_is_private (GTK_WIDGET (editable), NULL)
         && label != NULL && g_ascii_isdigit (label[0]);
}

static char *
control_name (GtkWidget *widget)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *entry = widget;

  if (gh_spoken_get_label (widget) != NULL)
    return g_strdup (gh_spoken_get_label (widget));
  if (GTK_IS_TEXT (widget) && GTK_IS_EDITABLE (gtk_widget_get_parent (widget)))
    entry = gtk_widget_get_parent (widget);
  if (gh_spoken_get_label (entry) != NULL)
    return g_strdup (gh_spoken_get_label (entry));
  if (GTK_IS_EDITABLE (entry))
    {
      char *placeholder = NULL;

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (entry), "placeholder-text"))
        g_object_get (entry, "placeholder-text", &placeholder, NULL);
      return placeholder;
    }
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)))
    return g_strdup (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)));
  append_label_text (widget, text);
  if (text->len == 0 && gtk_widget_get_tooltip_text (widget) != NULL)
    g_string_append (text, gtk_widget_get_tooltip_text (widget));
  if (text->len == 0)
    /* A switch or an icon: the name is on the control it belongs to (a menu button's
     * inner button, a consent row's switch). */
    for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL && text->len == 0;
         up = gtk_widget_get_parent (up))
      {
        if (gh_spoken_get_label (up) != NULL)
          g_string_append (text, gh_spoken_get_label (up));
        if (GTK_IS_STACK (gtk_widget_get_parent (up)))
          break;
      }
  return text->len > 0 ? g_strdup (text->str) : NULL;
}

static const char *
role_word (GtkWidget *widget)
{
  /* GTK 4.8 gives toggle buttons the button role (with a pressed state); a menu
   * button's toggle only opens its popover. */
  if (GTK_IS_TOGGLE_BUTTON (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    /* Translators: the kind of control, read aloud: "Larger text, toggle button, off" */
    return _("toggle button");
  switch (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
      /* Translators: the kind of control, read aloud after its name: "Start, button" */
      return _("button");
    case GTK_ACCESSIBLE_ROLE_SWITCH:
      /* Translators: the kind of control, read aloud: "Personalised offers, switch, on" */
      return _("switch");
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
      /* Translators: the kind of control, read aloud */
      return _("check box");
    case GTK_ACCESSIBLE_ROLE_RADIO:
      /* Translators: the kind of control, read aloud */
      return _("option");
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
      /* Translators: the kind of control, read aloud: "PIN, text field" */
      return _("text field");
    case GTK_ACCESSIBLE_ROLE_LINK:
      /* Translators: the kind of control, read aloud */
      return _("link");
    default:
      return NULL;
    }
}

/* On or off, for the controls that have a state. */
static const char *
state_word (GtkWidget *widget)
{
  gboolean on;

  if (GTK_IS_SWITCH (widget))
    on = gtk_switch_get_active (GTK_SWITCH (widget));
  else if (GTK_IS_TOGGLE_BUTTON (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    on = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget));
  else if (GTK_IS_CHECK_BUTTON (widget))
    on = gtk_check_button_get_active (GTK_CHECK_BUTTON (widget));
  else
    return NULL;
  /* Translators: a control's state, read aloud after its name and kind */
  return on ? C_("state", "on") : C_("state", "off");
}

char *
gh_spoken_describe (GtkWidget *widget)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *name = NULL;
  const char *role;
  const char *state;
  GtkWidget *entry = widget;
  guint n_digits;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  if (is_private_keypad_key (widget))
    /* Translators: a digit key of the on-screen keypad while a PIN is typed: the
     * digit itself is never read aloud */
    return g_strdup (_("Keypad key, button"));

  name = control_name (widget);
  if (GTK_IS_TEXT (widget) && GTK_IS_EDITABLE (gtk_widget_get_parent (widget)))
    entry = gtk_widget_get_parent (widget);
  role = role_word (entry);
  state = state_word (widget);
  if (name == NULL && role == NULL)
    return NULL;
  if (name != NULL)
    g_string_append (text, name);
  if (role != NULL)
    g_string_append_printf (text, text->len > 0 ? ", %s" : "%s", role);
  if (state != NULL)
    g_string_append_printf (text, ", %s", state);
  if (!gtk_widget_is_sensitive (widget))
    /* Translators: read aloud after a control that cannot be used now */
    g_string_append_printf (text, ", %s", _("unavailable"));
  if (GTK_IS_EDITABLE (entry) && gh_spoken_is_private (entry, &n_digits))
    {
      guint length = g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);

      /* How many, never which. */
      if (length > 0)
        {
          g_string_append (text, ", ");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u digit entered",
                                                     "%u digits entered", length), length);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SWITCH (widget)
         || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_EDITABLE (widget)
         || GTK_IS_DROP_DOWN (widget);
}

static gboolean
contains (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (texts->pdata[i], text) == 0)
      return TRUE;
  return FALSE;
}

void
gh_spoken_collect (GtkWidget *root,
                   GPtrArray *texts,
                   GPtrArray *controls)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root)
      || GTK_IS_POPOVER (root))
    return;
  if (GH_IS_KEYPAD (root))
    {
      if (controls != NULL)
        /* Translators: the on-screen keypad, in the list of what can be done on a screen */
        g_ptr_array_add (controls, g_strdup (_("the keypad")));
      return;
    }
  if (is_control (root))
    {
      char *name = controls != NULL ? control_name (root) : NULL;

      if (name != NULL && !contains (controls, name) && gtk_widget_is_sensitive (root))
        g_ptr_array_add (controls, name);
      else
        g_free (name);
      return;
    }
  if (GTK_IS_LABEL (root))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));

      if (text != NULL && *text != '\0' && !contains (texts, text))
        g_ptr_array_add (texts, g_strdup (text));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gh_spoken_collect (child, texts, controls);
}
