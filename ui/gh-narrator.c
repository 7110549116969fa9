/* GhNarrator: Read aloud, for a shopper who cannot see the screen (EN 301 549 asks a
 * self-service terminal to speak then). When on, a new screen is announced (what it
 * is, what it says, what can be done: gh-narrator-screens.c), replacing whatever was
 * being said; the focused control is spoken as the focus moves (gh-spoken.c);
 * alerts are spoken as they change; a PIN or loyalty number being typed is counted,
 * "digit 3 of 4", never read. Pages announce their own news (a preview, the idle
 * warning) with gh_narrator_announce. Holding Esc for two seconds switches it on or
 * off from anywhere; while on, + and - change the volume, * and / the speed (the
 * keys of a numeric keypad); Tab and the arrows cut short what is being said, for
 * the control the focus moves to. The window switches it off when a visit ends. The
 * speaking itself is GhSpeech's, off the main loop.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-narrator.h"
#include "gh-spoken.h"

struct _GhNarrator
{
  GObject    parent_instance;

  GtkWindow *window;         /* weak: the window owns us */
  GtkStack  *stack;          /* weak */
  GhSpeech  *speech;
  gboolean   enabled;
  gboolean   unavailable;
  gboolean   just_on;        /* the next announcement begins with "Read aloud is on." */
  char      *language;

  guint      screen_source;  /* a screen to announce, once the page change settles */
  guint      hold_source;    /* the held key's timer */
};

G_DEFINE_FINAL_TYPE (GhNarrator, gh_narrator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENABLED,
  PROP_UNAVAILABLE,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define NARRATOR_KEY "gh-narrator"
#define WATCHED_KEY  "gh-narrator-watched"

static void
say (GhNarrator       *self,
     GhSpeechPriority  priority,
     const char       *text)
{
  if (self->enabled)
    gh_speech_say (self->speech, priority, text);
}

/* ---- what changes on screen ----------------------------------------------------- */

static void
say_focus (GhNarrator *self)
{
  GtkWidget *focus = self->window != NULL ? gtk_root_get_focus (GTK_ROOT (self->window)) : NULL;
  g_autofree char *text = focus != NULL ? gh_spoken_describe (focus) : NULL;

  say (self, GH_SPEECH_TEXT, text);
}

/* A PIN or loyalty number: how many digits, never which. */
static void
on_editable_changed (GhNarrator  *self,
                     GtkEditable *editable)
{
  guint n_digits = 0;
  guint length;
  guint before = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (editable), WATCHED_KEY)) - 1;
  g_autofree char *text = NULL;

  length = g_utf8_strlen (gtk_editable_get_text (editable), -1);
  g_object_set_data (G_OBJECT (editable), WATCHED_KEY, GUINT_TO_POINTER (length + 1));
  if (!self->enabled || length == 0 || !gh_spoken_is_private (GTK_WIDGET (editable), &n_digits))
    return;
  if (length == before + 1 && length <= n_digits)
    /* Translators: read aloud as a PIN or loyalty number is typed; never the digit */
    text = g_strdup_printf (_("digit %u of %u"), length, n_digits);
  else if (length == before + 1)
    /* Translators: read aloud as a PIN or loyalty number is typed past its usual length */
    text = g_strdup_printf (_("digit %u"), length);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u digit entered",
                                         "%u digits entered", length), length);
  say (self, GH_SPEECH_TEXT, text);
}

static void
on_alert_changed (GhNarrator *self,
                  GParamSpec *pspec,
                  GtkLabel   *label)
{
  if (gtk_widget_get_visible (GTK_WIDGET (label)))
    say (self, GH_SPEECH_MESSAGE, gtk_label_get_text (label));
}

/* The page's text fields and alerts, each watched once for as long as it lives. */
static void
watch_page (GhNarrator *self,
            GtkWidget  *widget)
{
  if (g_object_get_data (G_OBJECT (widget), WATCHED_KEY) == NULL)
    {
      if (GTK_IS_EDITABLE (widget) && !GTK_IS_TEXT (widget))
        {
          g_object_set_data (G_OBJECT (widget), WATCHED_KEY, GUINT_TO_POINTER (
            g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (widget)), -1) + 1));
          g_signal_connect_object (widget, "changed", G_CALLBACK (on_editable_changed), self,
                                   G_CONNECT_SWAPPED);
          return;
        }
      /* An alert, or a screen's title that changes in place (the PIN step of
       * signing in), is said when it changes. */
      if (GTK_IS_LABEL (widget)
          && (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget))
              == GTK_ACCESSIBLE_ROLE_ALERT
              || gtk_widget_has_css_class (widget, "page-title")))
        {
          g_object_set_data (G_OBJECT (widget), WATCHED_KEY, GUINT_TO_POINTER (1));
          g_signal_connect_object (widget, "notify::label", G_CALLBACK (on_alert_changed), self,
                                   G_CONNECT_SWAPPED);
          return;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    watch_page (self, child);
}

static gboolean
announce_screen (gpointer data)
{
  GhNarrator *self = data;
  GtkWidget *page = self->stack != NULL ? gtk_stack_get_visible_child (self->stack) : NULL;
  g_autoptr(GPtrArray) words = NULL;

  self->screen_source = 0;
  if (!self->enabled || page == NULL)
    return G_SOURCE_REMOVE;
  watch_page (self, page);
  /* The new screen now, not after the old one's lists. */
  gh_speech_cancel (self->speech);
  words = gh_narrator_screen_words (self->window, page,
                                    gtk_stack_get_visible_child_name (self->stack));
  if (self->just_on)
    /* Translators: read aloud when the shopper switches Read aloud on */
    g_ptr_array_insert (words, 0, g_strdup (_("Read aloud is on.")));
  self->just_on = FALSE;
  for (guint i = 0; i < words->len; i++)
    say (self, i == 0 ? GH_SPEECH_MESSAGE : GH_SPEECH_TEXT, words->pdata[i]);
  say_focus (self);
  return G_SOURCE_REMOVE;
}

/* The page and the focus change together (in either order): the screen is announced
 * once both have, ending with the focused control. */
static void
on_page_changed (GhNarrator *self)
{
  if (self->enabled && self->screen_source == 0)
    self->screen_source = g_idle_add (announce_screen, self);
}

static void
on_focus_changed (GhNarrator *self)
{
  if (self->screen_source == 0)
    say_focus (self);
}

/* ---- keys ------------------------------------------------------------------------ */

static gboolean
on_hold_done (gpointer data)
{
  GhNarrator *self = data;

  self->hold_source = 0;
  gh_narrator_set_enabled (self, !self->enabled);
  return G_SOURCE_REMOVE;
}

static gboolean
on_key_pressed (GhNarrator      *self,
                guint            keyval,
                guint            keycode,
                GdkModifierType  state)
{
  if (keyval == GH_NARRATOR_HOLD_KEY)
    {
      /* The key repeats while held: the first press starts the count. */
      if (self->hold_source == 0)
        self->hold_source = g_timeout_add (GH_NARRATOR_HOLD_MS, on_hold_done, self);
      return GDK_EVENT_PROPAGATE;
    }
  if (!self->enabled || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;
  switch (keyval)
    {
    case GDK_KEY_Tab:
    case GDK_KEY_ISO_Left_Tab:
    case GDK_KEY_KP_Tab:
    case GDK_KEY_Up:
    case GDK_KEY_Down:
    case GDK_KEY_Left:
    case GDK_KEY_Right:
      /* The shopper moves on: the rest of the screen's words give way to the control
       * the focus reaches, as a screen reader does. */
      gh_speech_cancel (self->speech);
      return GDK_EVENT_PROPAGATE;
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
      gh_narrator_change_volume (self, 1);
      return GDK_EVENT_STOP;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      gh_narrator_change_volume (self, -1);
      return GDK_EVENT_STOP;
    case GDK_KEY_asterisk:
    case GDK_KEY_KP_Multiply:
      gh_narrator_change_rate (self, 1);
      return GDK_EVENT_STOP;
    case GDK_KEY_slash:
    case GDK_KEY_KP_Divide:
      gh_narrator_change_rate (self, -1);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_key_released (GhNarrator      *self,
                 guint            keyval,
                 guint            keycode,
                 GdkModifierType  state)
{
  if (keyval == GH_NARRATOR_HOLD_KEY)
    g_clear_handle_id (&self->hold_source, g_source_remove);
}

/* ---- on and off -------------------------------------------------------------------- */

static void
on_speech_state (GhNarrator *self)
{
  if (gh_speech_get_state (self->speech) != GH_SPEECH_UNAVAILABLE || !self->enabled)
    return;
  self->unavailable = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNAVAILABLE]);
  gh_narrator_set_enabled (self, FALSE);
}

gboolean
gh_narrator_get_enabled (GhNarrator *self)
{
  g_return_val_if_fail (GH_IS_NARRATOR (self), FALSE);
  return self->enabled;
}

void
gh_narrator_set_enabled (GhNarrator *self,
                         gboolean    enabled)
{
  g_return_if_fail (GH_IS_NARRATOR (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_clear_handle_id (&self->screen_source, g_source_remove);
  if (enabled)
    {
      if (self->unavailable)
        {
          self->unavailable = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNAVAILABLE]);
        }
      gh_speech_set_language (self->speech, self->language);
      gh_speech_start (self->speech);
      /* Said with the screen, which drops whatever was being said before it. */
      self->just_on = TRUE;
      on_page_changed (self);
    }
  else
    gh_speech_stop (self->speech);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

gboolean
gh_narrator_get_unavailable (GhNarrator *self)
{
  g_return_val_if_fail (GH_IS_NARRATOR (self), FALSE);
  return self->unavailable;
}

void
gh_narrator_set_language (GhNarrator *self,
                          const char *language)
{
  g_return_if_fail (GH_IS_NARRATOR (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  gh_speech_set_language (self->speech, language);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
  /* The screen again, in the new language's words and voice. */
  on_page_changed (self);
}

GhSpeech *
gh_narrator_get_speech (GhNarrator *self)
{
  g_return_val_if_fail (GH_IS_NARRATOR (self), NULL);
  return self->speech;
}

void
gh_narrator_change_volume (GhNarrator *self,
                           int         steps)
{
  int volume = gh_speech_get_volume (self->speech) + steps * GH_SPEECH_STEP;

  gh_speech_set_volume (self->speech, volume);
  gh_speech_cancel (self->speech);
  /* Translators: read aloud at the new volume after the shopper changed it */
  say (self, GH_SPEECH_MESSAGE, steps > 0 ? _("Louder") : _("Quieter"));
}

void
gh_narrator_change_rate (GhNarrator *self,
                         int         steps)
{
  int rate = gh_speech_get_rate (self->speech) + steps * GH_SPEECH_STEP;

  gh_speech_set_rate (self->speech, rate);
  gh_speech_cancel (self->speech);
  /* Translators: read aloud at the new speed after the shopper changed it */
  say (self, GH_SPEECH_MESSAGE, steps > 0 ? _("Faster") : _("Slower"));
}

void
gh_narrator_announce (GtkWidget  *from,
                      gboolean    urgent,
                      const char *text)
{
  GtkRoot *root;
  GhNarrator *self;

  g_return_if_fail (GTK_IS_WIDGET (from));

  root = gtk_widget_get_root (from);
  self = root != NULL ? g_object_get_data (G_OBJECT (root), NARRATOR_KEY) : NULL;
  if (self == NULL || !self->enabled)
    return;
  if (urgent)
    gh_speech_cancel (self->speech);
  say (self, urgent ? GH_SPEECH_IMPORTANT : GH_SPEECH_MESSAGE, text);
}

/* ---- object ------------------------------------------------------------------------ */

static void
gh_narrator_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  GhNarrator *self = GH_NARRATOR (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_UNAVAILABLE:
      g_value_set_boolean (value, self->unavailable);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_narrator_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  GhNarrator *self = GH_NARRATOR (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      gh_narrator_set_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_LANGUAGE:
      gh_narrator_set_language (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_narrator_dispose (GObject *object)
{
  GhNarrator *self = GH_NARRATOR (object);

  g_clear_handle_id (&self->screen_source, g_source_remove);
  g_clear_handle_id (&self->hold_source, g_source_remove);
  if (self->window != NULL)
    g_object_set_data (G_OBJECT (self->window), NARRATOR_KEY, NULL);
  g_clear_weak_pointer (&self->window);
  g_clear_weak_pointer (&self->stack);
  g_clear_object (&self->speech);

  G_OBJECT_CLASS (gh_narrator_parent_class)->dispose (object);
}

static void
gh_narrator_finalize (GObject *object)
{
  g_free (GH_NARRATOR (object)->language);

  G_OBJECT_CLASS (gh_narrator_parent_class)->finalize (object);
}

static void
gh_narrator_class_init (GhNarratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = gh_narrator_get_property;
  object_class->set_property = gh_narrator_set_property;
  object_class->dispose = gh_narrator_dispose;
  object_class->finalize = gh_narrator_finalize;

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNAVAILABLE] =
    g_param_spec_boolean ("unavailable", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_narrator_init (GhNarrator *self)
{
  self->speech = gh_speech_new ();
  g_signal_connect_object (self->speech, "notify::state", G_CALLBACK (on_speech_state), self,
                           G_CONNECT_SWAPPED);
}

GhNarrator *
gh_narrator_new (GtkWindow *window,
                 GtkStack  *stack)
{
  GhNarrator *self = g_object_new (GH_TYPE_NARRATOR, NULL);
  GtkEventController *keys = gtk_event_controller_key_new ();

  g_set_weak_pointer (&self->window, window);
  g_set_weak_pointer (&self->stack, stack);
  /* Found by the pages' announcements; the window holds the reference. */
  g_object_set_data (G_OBJECT (window), NARRATOR_KEY, self);
  g_signal_connect_object (stack, "notify::visible-child", G_CALLBACK (on_page_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "notify::focus-widget", G_CALLBACK (on_focus_changed), self,
                           G_CONNECT_SWAPPED);
  /* Before the focused control: a held key works wherever the focus is. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (keys, "key-released", G_CALLBACK (on_key_released), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (window), keys);
  return self;
}
