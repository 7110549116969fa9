/* GhAccessibility: "Larger text" and "High contrast" for whoever stands at the kiosk.
 * Both are style providers stacked above the kiosk's stylesheet and the brand's
 * colours. Larger text is the kiosk's own stylesheet again with every px font size
 * scaled, generated at run time so that it follows style.css as it changes instead
 * of being a second copy to keep in step; high contrast is high-contrast.css, which
 * redefines the named colours and outlines every control. The toggles sit in the
 * window's top bar and on the attract screen, so a shopper finds them before
 * signing in and on every screen after; the window resets both when a visit ends.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-accessibility.h"

/* Above style.css (APPLICATION) and the brand's colours (APPLICATION + 1). */
#define PRIORITY_LARGER_TEXT   (GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 2)
#define PRIORITY_HIGH_CONTRAST (GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 3)

struct _GhAccessibility
{
  GObject         parent_instance;

  GdkDisplay     *display;         /* weak: the display owns us */
  GtkCssProvider *larger_text_css;
  GtkCssProvider *high_contrast_css;
  gboolean        larger_text;
  gboolean        high_contrast;
};

G_DEFINE_FINAL_TYPE (GhAccessibility, gh_accessibility, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LARGER_TEXT,
  PROP_HIGH_CONTRAST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
gh_accessibility_scale_css (const char *css,
                            double      scale)
{
  g_autoptr(GRegex) regex = g_regex_new ("font-size:\\s*([0-9]+(?:\\.[0-9]+)?)px", 0, 0, NULL);
  /* The colours are defined by style.css, the brand and high contrast, each at its
   * own priority: a second copy here, above the brand's, would undo the brand. */
  g_autoptr(GRegex) colors = g_regex_new ("@define-color[^;]*;", 0, 0, NULL);
  g_autofree char *without_colors = g_regex_replace_literal (colors, css, -1, 0, "", 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  int last = 0;

  css = without_colors;
  g_regex_match (regex, css, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      g_autofree char *number = g_match_info_fetch (match, 1);
      double size = g_ascii_strtod (number, NULL);

      g_match_info_fetch_pos (match, 0, &start, &end);
      g_string_append_len (out, css + last, start - last);
      g_string_append_printf (out, "font-size: %dpx", (int) (size * scale + 0.5));
      last = end;
      g_match_info_next (match, NULL);
    }
  g_string_append (out, css + last);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GtkCssProvider *
load_larger_text (void)
{
  g_autoptr(GBytes) style = g_resources_lookup_data ("/org/glasshouse/Kiosk/style.css", 0, NULL);
  g_autoptr(GBytes) extra = g_resources_lookup_data ("/org/glasshouse/Kiosk/larger-text.css", 0,
                                                     NULL);
  g_autofree char *scaled = NULL;
  g_autofree char *css = NULL;
  GtkCssProvider *provider = gtk_css_provider_new ();

  g_assert (style != NULL && extra != NULL);
  /* Only the font sizes of style.css matter here; its other rules repeat harmlessly. */
  scaled = gh_accessibility_scale_css (g_bytes_get_data (style, NULL),
                                       GH_ACCESSIBILITY_TEXT_SCALE);
  css = g_strconcat (scaled, "\n", (const char *) g_bytes_get_data (extra, NULL), NULL);
  gtk_css_provider_load_from_data (provider, css, -1);
  return provider;
}

static void
apply_provider (GhAccessibility *self,
                GtkCssProvider  *provider,
                guint            priority,
                gboolean         on)
{
  if (self->display == NULL)
    return;
  if (on)
    gtk_style_context_add_provider_for_display (self->display, GTK_STYLE_PROVIDER (provider),
                                                priority);
  else
    gtk_style_context_remove_provider_for_display (self->display, GTK_STYLE_PROVIDER (provider));
}

gboolean
gh_accessibility_get_larger_text (GhAccessibility *self)
{
  g_return_val_if_fail (GH_IS_ACCESSIBILITY (self), FALSE);
  return self->larger_text;
}

void
gh_accessibility_set_larger_text (GhAccessibility *self,
                                  gboolean         larger_text)
{
  g_return_if_fail (GH_IS_ACCESSIBILITY (self));

  larger_text = !!larger_text;
  if (self->larger_text == larger_text)
    return;
  self->larger_text = larger_text;
  if (self->larger_text_css == NULL)
    self->larger_text_css = load_larger_text ();
  apply_provider (self, self->larger_text_css, PRIORITY_LARGER_TEXT, larger_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LARGER_TEXT]);
}

gboolean
gh_accessibility_get_high_contrast (GhAccessibility *self)
{
  g_return_val_if_fail (GH_IS_ACCESSIBILITY (self), FALSE);
  return self->high_contrast;
}

void
gh_accessibility_set_high_contrast (GhAccessibility *self,
                                    gboolean         high_contrast)
{
  g_return_if_fail (GH_IS_ACCESSIBILITY (self));

  high_contrast = !!high_contrast;
  if (self->high_contrast == high_contrast)
    return;
  self->high_contrast = high_contrast;
  if (self->high_contrast_css == NULL)
    {
      self->high_contrast_css = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (self->high_contrast_css,
                                           "/org/glasshouse/Kiosk/high-contrast.css");
    }
  apply_provider (self, self->high_contrast_css, PRIORITY_HIGH_CONTRAST, high_contrast);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGH_CONTRAST]);
}

void
gh_accessibility_reset (GhAccessibility *self)
{
  g_return_if_fail (GH_IS_ACCESSIBILITY (self));
  gh_accessibility_set_larger_text (self, FALSE);
  gh_accessibility_set_high_contrast (self, FALSE);
}

GtkWidget *
gh_accessibility_toggle_new (gpointer    object,
                             const char *property,
                             const char *label)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *text = gtk_label_new (label);

  /* Words, not icons: a shopper who needs these must recognise them unhelped. On a
   * narrow screen with larger text they take two lines rather than pushing the top
   * bar off the screen. */
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  /* One line whenever there is room: wrapping is the fallback, not the look. */
  gtk_label_set_natural_wrap_mode (GTK_LABEL (text), GTK_NATURAL_WRAP_NONE);
  gtk_label_set_justify (GTK_LABEL (text), GTK_JUSTIFY_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_add_css_class (button, "a11y-toggle");
  g_object_bind_property (object, property, button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  return button;
}

GtkWidget *
gh_accessibility_toggles_new (GhAccessibility *self)
{
  GtkWidget *box;

  g_return_val_if_fail (GH_IS_ACCESSIBILITY (self), NULL);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_name (box, "accessibility-toggles");
  gtk_widget_add_css_class (box, "a11y-toggles");
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  /* Translators: what a screen reader calls the two toggles
                                   * below; a noun, the screen's look */
                                  _("Display"), -1);
  gtk_box_append (GTK_BOX (box),
                  gh_accessibility_toggle_new (self, "larger-text",
                              /* Translators: a toggle button that makes all text 1.5x bigger */
                              _("Larger text")));
  gtk_box_append (GTK_BOX (box),
                  gh_accessibility_toggle_new (self, "high-contrast",
                              /* Translators: a toggle button for black-on-white colours */
                              _("High contrast")));
  return box;
}

static void
gh_accessibility_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GhAccessibility *self = GH_ACCESSIBILITY (object);

  switch (prop_id)
    {
    case PROP_LARGER_TEXT:
      g_value_set_boolean (value, self->larger_text);
      break;
    case PROP_HIGH_CONTRAST:
      g_value_set_boolean (value, self->high_contrast);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_accessibility_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  GhAccessibility *self = GH_ACCESSIBILITY (object);

  switch (prop_id)
    {
    case PROP_LARGER_TEXT:
      gh_accessibility_set_larger_text (self, g_value_get_boolean (value));
      break;
    case PROP_HIGH_CONTRAST:
      gh_accessibility_set_high_contrast (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_accessibility_dispose (GObject *object)
{
  GhAccessibility *self = GH_ACCESSIBILITY (object);

  g_clear_weak_pointer (&self->display);
  g_clear_object (&self->larger_text_css);
  g_clear_object (&self->high_contrast_css);

  G_OBJECT_CLASS (gh_accessibility_parent_class)->dispose (object);
}

static void
gh_accessibility_class_init (GhAccessibilityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = gh_accessibility_get_property;
  object_class->set_property = gh_accessibility_set_property;
  object_class->dispose = gh_accessibility_dispose;

  properties[PROP_LARGER_TEXT] =
    g_param_spec_boolean ("larger-text", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGH_CONTRAST] =
    g_param_spec_boolean ("high-contrast", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_accessibility_init (GhAccessibility *self)
{
}

GhAccessibility *
gh_accessibility_get_for_display (GdkDisplay *display)
{
  GhAccessibility *self;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  self = g_object_get_data (G_OBJECT (display), "gh-accessibility");
  if (self == NULL)
    {
      self = g_object_new (GH_TYPE_ACCESSIBILITY, NULL);
      g_set_weak_pointer (&self->display, display);
      g_object_set_data_full (G_OBJECT (display), "gh-accessibility", self, g_object_unref);
    }
  return self;
}
