/* GhAttractPage: what a passer-by sees. The brand, a one-line promise, the
 * language choice and the Start button (the window's kiosk.start action).
 * SPDX-License-Identifier: GPL-3.0-or-later */

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
  GtkBox     *page_box;
  GtkBox     *language_box;
  GtkButton  *start_button;
  GtkLabel   *setup_label;

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
      self->language = g_value_dup_string (value);
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
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-attract-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, logo);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, brand_label);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, promise_label);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, page_box);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, language_box);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, GhAttractPage, setup_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attractpage");
}

static void
gh_attract_page_init (GhAttractPage *self)
{
  GtkWidget *toggles;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Larger text and high contrast before anything else, so a shopper who needs
   * them can read the rest; the window builds a new page when the language changes. */
  toggles = gh_accessibility_toggles_new (gh_accessibility_get_for_display (
    gtk_widget_get_display (GTK_WIDGET (self))));
  gtk_widget_set_halign (toggles, GTK_ALIGN_CENTER);
  gtk_box_append (self->page_box, toggles);
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
  const char *language = self->language;
  g_autoptr(GdkTexture) logo = NULL;
  const char * const *languages;

  gtk_widget_set_visible (GTK_WIDGET (self->setup_label), catalog == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), catalog != NULL);
  if (catalog == NULL)
    {
      gtk_label_set_label (self->brand_label, _("Glasshouse"));
      gtk_label_set_label (self->promise_label,
                           _("See what we know about you, and switch it off."));
      gtk_picture_set_paintable (self->logo, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->logo), FALSE);
      return;
    }

  gtk_label_set_label (self->brand_label, gh_catalog_get_brand_name (catalog));
  gtk_label_set_label (self->promise_label, gh_catalog_get_promise (catalog, language));
  logo = gh_branding_logo_texture (catalog, 160);
  gtk_picture_set_paintable (self->logo, GDK_PAINTABLE (logo));
  gtk_widget_set_visible (GTK_WIDGET (self->logo), logo != NULL);

  languages = gh_catalog_get_languages (catalog);
  if (languages == NULL || g_strv_length ((char **) languages) < 2)
    return;
  for (guint i = 0; languages[i] != NULL; i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (
        gh_attract_page_language_name (languages[i]));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "kiosk.language");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", languages[i]);
      gtk_widget_add_css_class (button, "language");
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                    g_strcmp0 (languages[i], language) == 0);
      gtk_box_append (self->language_box, button);
    }
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
