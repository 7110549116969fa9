/* GhAttractPage: what a passer-by sees. The brand, a one-line promise, the
 * language choice and the Start button (the window's kiosk.start action).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-accessibility.h"
#include "gh-attract-page.h"
#include "gh-branding.h"
#include "gh-widget-template.h"

struct _GhAttractPage
{
  GtkWidget  parent_instance;

  GtkPicture *logo;
  GtkLabel   *brand_label;
  GtkLabel   *promise_label;
  GtkLabel   *hint_label;
  GtkBox     *page_box;
  GtkBox     *language_box;
  GtkButton  *start_button;
  GtkLabel   *setup_label;
  GtkBox     *speech_box;
  GtkWidget  *toggles;

  GhCatalog  *catalog;
  char       *language;
};

G_DEFINE_FINAL_TYPE (GhAttractPage, gh_attract_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Endonyms: a tourist looks for their language written their way. */
static const struct {
  const char *code;
  const char *name;
} language_names[] = {
  { "en", "English" },
  { "de", "Deutsch" },
  { "fr", "Français" },
  { "es", "Español" },
  { "it", "Italiano" },
  { "nl", "Nederlands" },
  { "pl", "Polski" },
  { "pt", "Português" },
  { "sv", "Svenska" },
  { "da", "Dansk" },
  { "tr", "Türkçe" },
};

const char *
gh_attract_page_language_name (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (language_names); i++)
    if (g_strcmp0 (language_names[i].code, code) == 0)
      return language_names[i].name;
  return code;
}

GtkWidget *
gh_attract_page_language_toggle_new (const char *code)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (gh_attract_page_language_name (code));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "kiosk.language");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", code);
  gtk_widget_add_css_class (button, "language");
  return button;
}

static void show_catalog (GhAttractPage *self);

static void
gh_attract_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (gh_attract_page_parent_class)->constructed (object);
  show_catalog (GH_ATTRACT_PAGE (object));
}

static void
gh_attract_page_dispose (GObject *object)
{
  GhAttractPage *self = GH_ATTRACT_PAGE (object);

  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_ATTRACT_PAGE);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (gh_attract_page_parent_class)->dispose (object);
}

static void
gh_attract_page_finalize (GObject *object)
{
  g_free (GH_ATTRACT_PAGE (object)->language);

  G_OBJECT_CLASS (gh_attract_page_parent_class)->finalize (object);
}

static void
gh_attract_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GhAttractPage *self = GH_ATTRACT_PAGE (object);

  switch (prop_id)
    {
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
gh_attract_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GhAttractPage *self = GH_ATTRACT_PAGE (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_LANGUAGE:
      gh_attract_page_set_language (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_attract_page_class_init (GhAttractPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_attract_page_constructed;
  object_class->dispose = gh_attract_page_dispose;
  object_class->finalize = gh_attract_page_finalize;
  object_class->get_property = gh_attract_page_get_property;
  object_class->set_property = gh_attract_page_set_property;

  /* The config in force (NULL: the kiosk is not set up) and the language to show it in. */
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, GH_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The visit's language: setting it puts the page's words in it. */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-attract-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, logo);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, brand_label);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, promise_label);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, page_box);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, language_box);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, setup_label);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, speech_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attractpage");
}

/* Larger text and high contrast before anything else, so a shopper who needs them
 * can read the rest; made again in a new language. */
static void
add_toggles (GhAttractPage *self)
{
  if (self->toggles != NULL)
    gtk_box_remove (self->page_box, self->toggles);
  self->toggles = gh_accessibility_toggles_new (gh_accessibility_get_for_display (
    gtk_widget_get_display (GTK_WIDGET (self))));
  gtk_widget_set_halign (self->toggles, GTK_ALIGN_CENTER);
  gtk_box_append (self->page_box, self->toggles);
}

static void
gh_attract_page_init (GhAttractPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_toggles (self);
}

/* GTK does not translate a built template again: the page's own words, and the
 * config's promise, in the language now in force. */
static void
retranslate (GhAttractPage *self)
{
  gtk_picture_set_alternative_text (self->logo, _("Logo"));
  if (self->catalog == NULL)
    {
      gtk_label_set_label (self->brand_label, _("Glasshouse"));
      gtk_label_set_label (self->promise_label,
                           _("See what we know about you, and switch it off."));
    }
  else
    gtk_label_set_label (self->promise_label,
                         gh_catalog_get_promise (self->catalog, self->language));
  gtk_label_set_label (self->hint_label, _("Have your loyalty card ready, then touch Start. It "
                                           "takes a minute."));
  gtk_button_set_label (self->start_button, _("Start"));
  gtk_label_set_label (self->setup_label,
                       _("This kiosk is not set up yet. A member of staff can help."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->language_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Language"), -1);
  add_toggles (self);
}

const char *
gh_attract_page_get_language (GhAttractPage *self)
{
  g_return_val_if_fail (GH_IS_ATTRACT_PAGE (self), NULL);
  return self->language;
}

void
gh_attract_page_set_language (GhAttractPage *self,
                              const char    *language)
{
  g_return_if_fail (GH_IS_ATTRACT_PAGE (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  retranslate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

GtkWidget *
gh_attract_page_new (GhCatalog  *catalog,
                     const char *language)
{
  return g_object_new (GH_TYPE_ATTRACT_PAGE, "catalog", catalog, "language", language, NULL);
}

static void
show_catalog (GhAttractPage *self)
{
  GhCatalog *catalog = self->catalog;
  g_autoptr(GdkTexture) logo = NULL;
  const char * const *languages;

  gtk_widget_set_visible (GTK_WIDGET (self->setup_label), catalog == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), catalog != NULL);
  retranslate (self);
  if (catalog == NULL)
    {
      gtk_picture_set_paintable (self->logo, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->logo), FALSE);
      return;
    }

  gtk_label_set_label (self->brand_label, gh_catalog_get_brand_name (catalog));
  logo = gh_branding_logo_texture (catalog, 160);
  gtk_picture_set_paintable (self->logo, GDK_PAINTABLE (logo));
  gtk_widget_set_visible (GTK_WIDGET (self->logo), logo != NULL);

  languages = gh_catalog_get_languages (catalog);
  if (languages == NULL || g_strv_length ((char **) languages) < 2)
    return;
  for (guint i = 0; languages[i] != NULL; i++)
    gtk_box_append (self->language_box, gh_attract_page_language_toggle_new (languages[i]));
}

void
gh_attract_page_add_speech_controls (GhAttractPage *self,
                                     GtkWidget     *controls)
{
  g_return_if_fail (GH_IS_ATTRACT_PAGE (self));
  gtk_box_append (self->speech_box, controls);
}

GtkWidget *
gh_attract_page_get_logo (GhAttractPage *self)
{
  g_return_val_if_fail (GH_IS_ATTRACT_PAGE (self), NULL);
  return GTK_WIDGET (self->logo);
}

GtkWidget *
gh_attract_page_get_brand_label (GhAttractPage *self)
{
  g_return_val_if_fail (GH_IS_ATTRACT_PAGE (self), NULL);
  return GTK_WIDGET (self->brand_label);
}
