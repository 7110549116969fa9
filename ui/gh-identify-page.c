/* GhIdentifyPage: the shopper says who they are. First the loyalty number, from a
 * card scanner that types digits and Enter, from a keyboard, or on the big keypad;
 * then the PIN on the keypad, masked. The check (argon2id, 0.1-0.3 s) and loading
 * the visit run in a worker (gh_session_sign_in_async) while a spinner turns.
 * Refusals read the same for an unknown number and a wrong PIN; a lockout says
 * how long to wait.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "auth/gh-auth.h"
#include "gh-identify-page.h"
#include "gh-keypad.h"
#include "gh-widget-template.h"
#include "gh-ui-widgets.h"

#define MIN_NUMBER_DIGITS 6
#define MIN_PIN_DIGITS 4
#define MAX_PIN_DIGITS 8

/* What the status line says; kept so it can be said again in another language. */
typedef enum {
  STATUS_NONE,
  STATUS_CHECKING,
  STATUS_LOCKED,
  STATUS_REJECTED,
  STATUS_STORE_PROBLEM,
  STATUS_PIN_FORMAT,
  STATUS_NOT_SET_UP,
  STATUS_NUMBER_EMPTY,
  STATUS_NUMBER_FORMAT,
} Status;

struct _GhIdentifyPage
{
  GtkWidget     parent_instance;

  GtkLabel     *title_label;
  GtkLabel     *scanner_label;
  GtkLabel     *hint_label;
  GtkStack     *entry_stack;
  GtkEditable  *number_entry;
  GtkEditable  *pin_entry;
  GtkSpinner   *spinner;
  GtkLabel     *status_label;
  GhKeypad     *keypad;
  GtkButton    *back_button;

  char         *db_path;
  GhCatalog    *catalog;
  char         *language;
  char         *loyalty_id;
  GCancellable *cancellable;
  guint         busy : 1;
  Status        status;
  gint64        locked_seconds;
  int           tries_left;
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

static void show_status (GhIdentifyPage *self,
                         Status          status);

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
    show_status (self, STATUS_CHECKING);
}

static gboolean
on_pin_stage (GhIdentifyPage *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->entry_stack), "pin") == 0;
}

static void
show_stage_words (GhIdentifyPage *self)
{
  /* "Scan your card" is no help to a shopper who cannot see the scanner. */
  const char *scanner = self->catalog != NULL && !on_pin_stage (self)
                        ? gh_catalog_get_scanner_hint (self->catalog, self->language) : NULL;

  gtk_label_set_label (self->scanner_label, scanner != NULL ? scanner : "");
  gtk_widget_set_visible (GTK_WIDGET (self->scanner_label), scanner != NULL);
  if (on_pin_stage (self))
    {
      gtk_label_set_label (self->title_label, _("Enter your PIN"));
      gtk_label_set_label (self->hint_label,
                           _("The 4 digits you chose for your card. Nobody else sees them."));
    }
  else
    {
      gtk_label_set_label (self->title_label, _("Scan your loyalty card"));
      gtk_label_set_label (self->hint_label,
                           _("Or type the 10-digit number printed under the barcode."));
    }
}

static void
show_number_stage (GhIdentifyPage *self)
{
  gtk_stack_set_visible_child_name (self->entry_stack, "number");
  show_stage_words (self);
  gh_keypad_set_editable (self->keypad, self->number_entry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identify.back", FALSE);
  /* Nothing to start over yet: no greyed-out button, and its room goes to the sentence
   * saying where the scanner is. */
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->number_entry));
}

static void
show_pin_stage (GhIdentifyPage *self)
{
  gtk_editable_set_text (self->pin_entry, "");
  gtk_stack_set_visible_child_name (self->entry_stack, "pin");
  show_stage_words (self);
  gh_keypad_set_editable (self->keypad, self->pin_entry);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "identify.back", TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), TRUE);
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

static char *
status_text (GhIdentifyPage *self)
{
  switch (self->status)
    {
    case STATUS_CHECKING:
      return g_strdup (_("Checking…"));
    case STATUS_LOCKED:
      {
        g_autofree char *wait = describe_wait (self->locked_seconds);
        /* Translators: %s is a wait such as "5 minutes" */
        return g_strdup_printf (_("Too many wrong PINs. To protect your account, signing in is "
                                  "paused for %s. A member of staff can help."), wait);
      }
    case STATUS_REJECTED:
      if (self->tries_left > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "That loyalty number and PIN do not match. You "
                                             "can try the PIN %d more time before signing in "
                                             "is paused, or start over to check the number.",
                                             "That loyalty number and PIN do not match. You "
                                             "can try the PIN %d more times before signing in "
                                             "is paused, or start over to check the number.",
                                             self->tries_left),
                                self->tries_left);
      return g_strdup (_("That loyalty number and PIN do not match. Please try the PIN "
                         "again, or start over to check the number."));
    case STATUS_STORE_PROBLEM:
      return g_strdup (_("Sorry, the kiosk cannot check that right now. Please ask a member "
                         "of staff."));
    case STATUS_PIN_FORMAT:
      return g_strdup (_("Your PIN is 4 digits. Please type it on the keypad."));
    case STATUS_NOT_SET_UP:
      return g_strdup (_("This kiosk is not set up yet. Please ask a member of staff."));
    case STATUS_NUMBER_EMPTY:
      return g_strdup (_("Please scan your card, or type your loyalty number."));
    case STATUS_NUMBER_FORMAT:
      return g_strdup (_("That does not look like a loyalty number. It has only digits; "
                         "you find it under the barcode on your card."));
    case STATUS_NONE:
    default:
      return g_strdup ("");
    }
}

static void
show_status (GhIdentifyPage *self,
             Status          status)
{
  g_autofree char *text = NULL;

  self->status = status;
  text = status_text (self);
  gh_status_label_set (self->status_label, text,
                       status != STATUS_NONE && status != STATUS_CHECKING);
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
          back_to_number (self);
          self->locked_seconds = locked_seconds;
          show_status (self, STATUS_LOCKED);
        }
      else if (g_error_matches (error, GH_AUTH_ERROR, GH_AUTH_ERROR_REJECTED))
        {
          /* Still on the PIN step: the number stays, the shopper tries the PIN again. */
          self->tries_left = gh_session_sign_in_tries_left (result);
          show_status (self, STATUS_REJECTED);
          gtk_editable_set_text (self->pin_entry, "");
          gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
        }
      else
        {
          /* A store problem: the details go to the log, the shopper gets what to do. */
          g_warning ("Signing in failed: %s", error->message);
          back_to_number (self);
          show_status (self, STATUS_STORE_PROBLEM);
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
      show_status (self, STATUS_PIN_FORMAT);
      gtk_editable_set_text (self->pin_entry, "");
      return;
    }
  if (self->catalog == NULL || self->db_path == NULL)
    {
      show_status (self, STATUS_NOT_SET_UP);
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
      show_status (self, *text == '\0' ? STATUS_NUMBER_EMPTY : STATUS_NUMBER_FORMAT);
      return;
    }

  g_free (self->loyalty_id);
  self->loyalty_id = g_steal_pointer (&text);
  show_status (self, STATUS_NONE);
  show_pin_stage (self);
}

static void
on_submit (GhIdentifyPage *self)
{
  if (self->busy)
    return;
  if (on_pin_stage (self))
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

  show_status (self, STATUS_NONE);
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
      gh_identify_page_set_language (self, g_value_get_string (value));
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

  /* The store whose shoppers sign in and the config in force; the visit's language,
   * which the page's words follow. */
  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, GH_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
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
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, scanner_label);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, entry_stack);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, number_entry);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, keypad);
  gtk_widget_class_bind_template_child (widget_class, GhIdentifyPage, back_button);
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

/* GTK does not translate a built template again: the page's words, the keypad's and
 * what the status line says, in the language now in force. What was typed stays. */
static void
retranslate (GhIdentifyPage *self)
{
  show_stage_words (self);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->number_entry), _("Loyalty number"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->number_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loyalty number"), -1);
  g_object_set (self->pin_entry, "placeholder-text", _("PIN"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("PIN"), -1);
  gh_keypad_retranslate (self->keypad);
  gtk_button_set_label (self->back_button, _("Start over"));
  show_status (self, self->status);
}

const char *
gh_identify_page_get_language (GhIdentifyPage *self)
{
  g_return_val_if_fail (GH_IS_IDENTIFY_PAGE (self), NULL);
  return self->language;
}

void
gh_identify_page_set_language (GhIdentifyPage *self,
                               const char     *language)
{
  g_return_if_fail (GH_IS_IDENTIFY_PAGE (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  retranslate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
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
  show_status (self, STATUS_NONE);
  show_number_stage (self);
}

void
gh_identify_page_enter_number (GhIdentifyPage *self,
                               const char     *loyalty_id)
{
  g_return_if_fail (GH_IS_IDENTIFY_PAGE (self));
  g_return_if_fail (loyalty_id != NULL);

  gh_identify_page_reset (self);
  gtk_editable_set_text (self->number_entry, loyalty_id);
  submit_number (self);
}
