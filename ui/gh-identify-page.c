/* GhIdentifyPage: the shopper says who they are. First the loyalty number, from a
 * card scanner that types digits and Enter, from a keyboard, or on the big keypad;
 * then the PIN on the keypad, masked. The check (argon2id, 0.1-0.3 s) and loading
 * the visit run in a worker (gh_session_sign_in_async) while a spinner turns.
 * Refusals read the same for an unknown number and a wrong PIN; a lockout says
 * how long to wait.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "auth/gh-auth.h"
#include "gh-identify-page.h"
#include "gh-keypad.h"
#include "gh-widget-template.h"

#define MIN_NUMBER_DIGITS 6
#define MIN_PIN_DIGITS 4
#define MAX_PIN_DIGITS 8

struct _GhIdentifyPage
{
  GtkWidget     parent_instance;

  GtkLabel     *title_label;
  GtkLabel     *hint_label;
  GtkStack     *entry_stack;
  GtkEditable  *number_entry;
  GtkEditable  *pin_entry;
  GtkSpinner   *spinner;
  GtkLabel     *status_label;
  GhKeypad     *keypad;

  char         *db_path;
  GhCatalog    *catalog;
  char         *language;
  char         *loyalty_id;
  GCancellable *cancellable;
  guint         busy : 1;
};

G_DEFINE_FINAL_TYPE (GhIdentifyPage, gh_identify_page, GTK_TYPE_WIDGET)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_DB_PATH,
  PROP_CATALOG,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
all_digits (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (; *text; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

static void
set_status (GhIdentifyPage *self,
            const char     *message,
            gboolean        is_error)
{
  gtk_label_set_label (self->status_label, message != NULL ? message : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
set_busy (GhIdentifyPage *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keypad), !busy);
  /* Not insensitive: a focused entry made insensitive loses its focus-out. */
  gtk_editable_set_editable (self->number_entry, !busy);
  gtk_editable_set_editable (self->pin_entry, !busy);
  if (busy)
    set_status (self, _("Checking…"), FALSE);
}

static void
show_number_stage (GhIdentifyPage *self)
{
  gtk_label_set_label (self->title_label, _("Scan your loyalty card"));
  gtk_label_set_label (self->hint_label,
                       _("Or type the 10-digit number printed under the barcode."));
  gtk_stack_set_visible_child_name (self->entry_stack, "number");
  gh_keypad_set_editable (self->keypad, self->number_entry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identify.back", FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->number_entry));
}

static void
show_pin_stage (GhIdentifyPage *self)
{
  gtk_label_set_label (self->title_label, _("Enter your PIN"));
  gtk_label_set_label (self->hint_label,
                       _("The 4 digits you chose for your card. Nobody else sees them."));
  gtk_editable_set_text (self->pin_entry, "");
  gtk_stack_set_visible_child_name (self->entry_stack, "pin");
  gh_keypad_set_editable (self->keypad, self->pin_entry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identify.back", TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

/* Forgets the number typed so far and asks for one again. */
static void
back_to_number (GhIdentifyPage *self)
{
  g_clear_pointer (&self->loyalty_id, g_free);
  gtk_editable_set_text (self->pin_entry, "");
  gtk_editable_set_text (self->number_entry, "");
  show_number_stage (self);
}

static char *
describe_wait (gint64 seconds)
{
  if (seconds < 60)
    {
      int n = MAX (1, (int) seconds);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds", n), n);
    }
  else
    {
      int n = (int) ((seconds + 59) / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", n), n);
    }
}

static void
sign_in_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GhIdentifyPage) self = user_data;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 locked_seconds = 0;

  session = gh_session_sign_in_finish (result, &locked_seconds, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (session == NULL)
    {
      if (g_error_matches (error, GH_AUTH_ERROR, GH_AUTH_ERROR_LOCKED))
        {
          g_autofree char *wait = describe_wait (locked_seconds);
          /* Translators: %s is a wait such as "5 minutes" */
          g_autofree char *message =
            g_strdup_printf (_("Too many wrong PINs. To protect your account, signing in is "
                               "paused for %s. A member of staff can help."), wait);
          back_to_number (self);
          set_status (self, message, TRUE);
        }
      else if (g_error_matches (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED))
        {
          set_status (self, _("That loyalty number and PIN do not match. Please try the PIN "
                              "again, or start over to check the number."), TRUE);
          gtk_editable_set_text (self->pin_entry, "");
          gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
        }
      else
        {
          /* A store problem: the details go to the log, the shopper gets what to do. */
          g_warning ("Signing in failed: %s", error->message);
          back_to_number (self);
          set_status (self, _("Sorry, the kiosk cannot check that right now. Please ask a member "
                              "of staff."), TRUE);
        }
      return;
    }

  /* The number and PIN have done their job: a hidden page keeps neither for the
   * rest of the visit. */
  gh_identify_page_reset (self);
  g_signal_emit (self, signals[SIGNED_IN], 0, session);
}

static void
submit_pin (GhIdentifyPage *self)
{
  const char *pin = gtk_editable_get_text (self->pin_entry);
  size_t length = strlen (pin);

  if (!all_digits (pin) || length < MIN_PIN_DIGITS || length > MAX_PIN_DIGITS)
    {
      set_status (self, _("Your PIN is 4 digits. Please type it on the keypad."), TRUE);
      gtk_editable_set_text (self->pin_entry, "");
      return;
    }
  if (self->catalog == NULL || self->db_path == NULL)
    {
      set_status (self, _("This kiosk is not set up yet. Please ask a member of staff."), TRUE);
      return;
    }

  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gh_session_sign_in_async (self->db_path, self->catalog, self->loyalty_id, pin, self->language,
                            self->cancellable, sign_in_done, g_object_ref (self));
  /* The PIN is in the worker now; it does not stay in the entry. */
  gtk_editable_set_text (self->pin_entry, "");
}

static void
submit_number (GhIdentifyPage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (self->number_entry)));

  if (!all_digits (text) || strlen (text) < MIN_NUMBER_DIGITS)
    {
      set_status (self, *text == '\0'
                          ? _("Please scan your card, or type your loyalty number.")
                          : _("That does not look like a loyalty number. It has only digits; "
                              "you find it under the barcode on your card."), TRUE);
      return;
    }

  g_free (self->loyalty_id);
  self->loyalty_id = g_steal_pointer (&text);
  set_status (self, NULL, FALSE);
  show_pin_stage (self);
}

static void
on_submit (GhIdentifyPage *self)
{
  if (self->busy)
    return;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->entry_stack), "pin") == 0)
    submit_pin (self);
  else
    submit_number (self);
}

static void
identify_back (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GhIdentifyPage *self = GH_IDENTIFY_PAGE (widget);

  set_status (self, NULL, FALSE);
  back_to_number (self);
}

static void
gh_identify_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (gh_identify_page_parent_class)->map (widget);
  /* The card scanner types into whatever has the focus: make sure that is our entry. */
  gtk_widget_grab_focus (gtk_stack_get_visible_child (GH_IDENTIFY_PAGE (widget)->entry_stack));
}

static void
gh_identify_page_dispose (GObject *object)
{
  GhIdentifyPage *self = GH_IDENTIFY_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->catalog);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_IDENTIFY_PAGE);

  G_OBJECT_CLASS (gh_identify_page_parent_class)->dispose (object);
}

static void
gh_identify_page_finalize (GObject *object)
{
  GhIdentifyPage *self = GH_IDENTIFY_PAGE (object);

  g_free (self->db_path);
  g_free (self->language);
  g_free (self->loyalty_id);

  G_OBJECT_CLASS (gh_identify_page_parent_class)->finalize (object);
}

static void
gh_identify_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GhIdentifyPage *self = GH_IDENTIFY_PAGE (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_identify_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  GhIdentifyPage *self = GH_IDENTIFY_PAGE (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      self->db_path = g_value_dup_string (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_LANGUAGE:
      self->language = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_identify_page_class_init (GhIdentifyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_identify_page_dispose;
  object_class->finalize = gh_identify_page_finalize;
  object_class->get_property = gh_identify_page_get_property;
  object_class->set_property = gh_identify_page_set_property;

  /* The store whose shoppers sign in, the config in force and the visit's language. */
  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, GH_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->map = gh_identify_page_map;

  /* Emitted with the loaded visit; the handler owns what comes next. */
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, GH_TYPE_SESSION);

  gtk_widget_class_install_action (widget_class, "identify.back", NULL, identify_back);

  g_type_ensure (GH_TYPE_KEYPAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-identify-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, entry_stack);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, number_entry);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, keypad);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "identifypage");
}

static void
gh_identify_page_init (GhIdentifyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->keypad, "submit", G_CALLBACK (on_submit), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->number_entry, "activate", G_CALLBACK (on_submit), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_entry, "activate", G_CALLBACK (on_submit), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identify.back", FALSE);
}

GtkWidget *
gh_identify_page_new (const char *db_path,
                      GhCatalog  *catalog,
                      const char *language)
{
  return g_object_new (GH_TYPE_IDENTIFY_PAGE, "db-path", db_path, "catalog", catalog,
                       "language", language, NULL);
}

void
gh_identify_page_reset (GhIdentifyPage *self)
{
  g_return_if_fail (GH_IS_IDENTIFY_PAGE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  g_clear_pointer (&self->loyalty_id, g_free);
  gtk_editable_set_text (self->number_entry, "");
  gtk_editable_set_text (self->pin_entry, "");
  set_status (self, NULL, FALSE);
  show_number_stage (self);
}
