/* The catalog's items: GhDataCategory, GhPurpose, GhOffer and GhStaffMember,
 * immutable objects that gh-catalog.c fills while it parses a config. They
 * share two read-only properties, "id" and a title, so list rows in .ui files
 * can bind them; texts fall back to the config's default language.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include "config/gh-catalog-private.h"

#include <string.h>

/* ---- texts ---------------------------------------------------------------- */

const char *
_gh_catalog_text_lookup (char       **pairs,
                         const char  *language)
{
  const char *dash;

  if (pairs == NULL)
    return NULL;
  if (language != NULL)
    {
      for (guint i = 0; pairs[i] != NULL; i += 2)
        if (g_str_equal (pairs[i], language))
          return pairs[i + 1];
      /* "de-CH" falls back to "de" before the default language. */
      dash = strchr (language, '-');
      if (dash != NULL)
        for (guint i = 0; pairs[i] != NULL; i += 2)
          if (strncmp (pairs[i], language, dash - language) == 0 && pairs[i][dash - language] == '\0')
            return pairs[i + 1];
    }
  return pairs[1];
}

/* ---- what the items share ------------------------------------------------- */

/* Two read-only properties, so list rows in .ui files can bind them: "id" and
 * a title (in the default language). */
enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  N_PROPS
};

static void
init_item_class (GObjectClass           *object_class,
                 GObjectFinalizeFunc     finalize,
                 GObjectGetPropertyFunc  get_property,
                 const char             *title_name)
{
  GParamSpec *specs[N_PROPS] = { NULL };

  object_class->finalize = finalize;
  object_class->get_property = get_property;
  specs[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  specs[PROP_TITLE] = g_param_spec_string (title_name, NULL, NULL, NULL,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, specs);
}

static void
get_item_property (GObject    *object,
                   guint       prop_id,
                   GValue     *value,
                   GParamSpec *pspec,
                   const char *id,
                   const char *title)
{
  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- GhDataCategory ------------------------------------------------------- */

G_DEFINE_FINAL_TYPE (GhDataCategory, gh_data_category, G_TYPE_OBJECT)

static void
gh_data_category_finalize (GObject *object)
{
  GhDataCategory *self = GH_DATA_CATEGORY (object);

  g_free (self->id);
  g_strfreev (self->title);
  g_strfreev (self->description);
  g_strfreev (self->legal_hold);
  G_OBJECT_CLASS (gh_data_category_parent_class)->finalize (object);
}

static void
gh_data_category_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GhDataCategory *self = GH_DATA_CATEGORY (object);

  get_item_property (object, prop_id, value, pspec, self->id,
                     _gh_catalog_text_lookup (self->title, NULL));
}

static void
gh_data_category_class_init (GhDataCategoryClass *klass)
{
  init_item_class (G_OBJECT_CLASS (klass), gh_data_category_finalize,
                   gh_data_category_get_property, "title");
}

static void
gh_data_category_init (GhDataCategory *self)
{
}

const char *
gh_data_category_get_id (GhDataCategory *self)
{
  g_return_val_if_fail (GH_IS_DATA_CATEGORY (self), NULL);
  return self->id;
}

const char *
gh_data_category_get_title (GhDataCategory *self,
                            const char     *language)
{
  g_return_val_if_fail (GH_IS_DATA_CATEGORY (self), NULL);
  return _gh_catalog_text_lookup (self->title, language);
}

const char *
gh_data_category_get_description (GhDataCategory *self,
                                  const char     *language)
{
  g_return_val_if_fail (GH_IS_DATA_CATEGORY (self), NULL);
  return _gh_catalog_text_lookup (self->description, language);
}

int
gh_data_category_get_retention_days (GhDataCategory *self)
{
  g_return_val_if_fail (GH_IS_DATA_CATEGORY (self), 0);
  return self->retention_days;
}

const char *
gh_data_category_get_legal_hold (GhDataCategory *self,
                                 const char     *language)
{
  g_return_val_if_fail (GH_IS_DATA_CATEGORY (self), NULL);
  return _gh_catalog_text_lookup (self->legal_hold, language);
}

/* ---- GhPurpose ------------------------------------------------------------ */

void
_gh_catalog_third_party_free (GhCatalogThirdParty *party)
{
  g_free (party->name);
  g_strfreev (party->reason);
  g_free (party);
}

G_DEFINE_FINAL_TYPE (GhPurpose, gh_purpose, G_TYPE_OBJECT)

static void
gh_purpose_finalize (GObject *object)
{
  GhPurpose *self = GH_PURPOSE (object);

  g_free (self->id);
  g_strfreev (self->title);
  g_strfreev (self->description);
  g_strfreev (self->categories);
  g_free (self->notice_version);
  g_strfreev (self->what_changed);
  g_clear_pointer (&self->third_parties, g_ptr_array_unref);
  G_OBJECT_CLASS (gh_purpose_parent_class)->finalize (object);
}

static void
gh_purpose_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  GhPurpose *self = GH_PURPOSE (object);

  get_item_property (object, prop_id, value, pspec, self->id,
                     _gh_catalog_text_lookup (self->title, NULL));
}

static void
gh_purpose_class_init (GhPurposeClass *klass)
{
  init_item_class (G_OBJECT_CLASS (klass), gh_purpose_finalize,
                   gh_purpose_get_property, "title");
}

static void
gh_purpose_init (GhPurpose *self)
{
  self->third_parties =
    g_ptr_array_new_with_free_func ((GDestroyNotify) _gh_catalog_third_party_free);
}

const char *
gh_purpose_get_id (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  return self->id;
}

const char *
gh_purpose_get_title (GhPurpose  *self,
                      const char *language)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  return _gh_catalog_text_lookup (self->title, language);
}

const char *
gh_purpose_get_description (GhPurpose  *self,
                            const char *language)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  return _gh_catalog_text_lookup (self->description, language);
}

GhLegalBasis
gh_purpose_get_legal_basis (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), GH_LEGAL_BASIS_CONSENT);
  return self->legal_basis;
}

const char * const *
gh_purpose_get_categories (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  return (const char * const *) self->categories;
}

GhConsentState
gh_purpose_get_default_state (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), GH_CONSENT_REVOKED);
  return self->default_state;
}

gboolean
gh_purpose_get_can_revoke (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), FALSE);
  return self->legal_basis == GH_LEGAL_BASIS_CONSENT
         || self->legal_basis == GH_LEGAL_BASIS_LEGITIMATE_INTEREST;
}

const char *
gh_purpose_get_notice_version (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  return self->notice_version;
}

guint
gh_purpose_get_n_third_parties (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), 0);
  return self->third_parties->len;
}

const char *
gh_purpose_get_third_party_name (GhPurpose *self,
                                 guint      index)
{
  const GhCatalogThirdParty *party;

  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  g_return_val_if_fail (index < self->third_parties->len, NULL);
  party = g_ptr_array_index (self->third_parties, index);
  return party->name;
}

const char *
gh_purpose_get_third_party_reason (GhPurpose  *self,
                                   guint       index,
                                   const char *language)
{
  const GhCatalogThirdParty *party;

  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  g_return_val_if_fail (index < self->third_parties->len, NULL);
  party = g_ptr_array_index (self->third_parties, index);
  return _gh_catalog_text_lookup (party->reason, language);
}

/* ---- GhOffer -------------------------------------------------------------- */

G_DEFINE_FINAL_TYPE (GhOffer, gh_offer, G_TYPE_OBJECT)

static void
gh_offer_finalize (GObject *object)
{
  GhOffer *self = GH_OFFER (object);

  g_free (self->id);
  g_free (self->purpose_id);
  g_strfreev (self->title);
  g_strfreev (self->description);
  g_clear_pointer (&self->rule, gh_rule_unref);
  G_OBJECT_CLASS (gh_offer_parent_class)->finalize (object);
}

static void
gh_offer_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  GhOffer *self = GH_OFFER (object);

  get_item_property (object, prop_id, value, pspec, self->id,
                     _gh_catalog_text_lookup (self->title, NULL));
}

static void
gh_offer_class_init (GhOfferClass *klass)
{
  init_item_class (G_OBJECT_CLASS (klass), gh_offer_finalize,
                   gh_offer_get_property, "title");
}

static void
gh_offer_init (GhOffer *self)
{
}

const char *
gh_offer_get_id (GhOffer *self)
{
  g_return_val_if_fail (GH_IS_OFFER (self), NULL);
  return self->id;
}

const char *
gh_offer_get_purpose_id (GhOffer *self)
{
  g_return_val_if_fail (GH_IS_OFFER (self), NULL);
  return self->purpose_id;
}

const char *
gh_offer_get_title (GhOffer    *self,
                    const char *language)
{
  g_return_val_if_fail (GH_IS_OFFER (self), NULL);
  return _gh_catalog_text_lookup (self->title, language);
}

const char *
gh_offer_get_description (GhOffer    *self,
                          const char *language)
{
  g_return_val_if_fail (GH_IS_OFFER (self), NULL);
  return _gh_catalog_text_lookup (self->description, language);
}

GhRule *
gh_offer_get_rule (GhOffer *self)
{
  g_return_val_if_fail (GH_IS_OFFER (self), NULL);
  return self->rule;
}

/* ---- GhStaffMember -------------------------------------------------------- */

G_DEFINE_FINAL_TYPE (GhStaffMember, gh_staff_member, G_TYPE_OBJECT)

static void
gh_staff_member_finalize (GObject *object)
{
  GhStaffMember *self = GH_STAFF_MEMBER (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->pin_hash);
  G_OBJECT_CLASS (gh_staff_member_parent_class)->finalize (object);
}

static void
gh_staff_member_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GhStaffMember *self = GH_STAFF_MEMBER (object);

  get_item_property (object, prop_id, value, pspec, self->id,
                     self->name);
}

static void
gh_staff_member_class_init (GhStaffMemberClass *klass)
{
  init_item_class (G_OBJECT_CLASS (klass), gh_staff_member_finalize,
                   gh_staff_member_get_property, "name");
}

static void
gh_staff_member_init (GhStaffMember *self)
{
}

const char *
gh_staff_member_get_id (GhStaffMember *self)
{
  g_return_val_if_fail (GH_IS_STAFF_MEMBER (self), NULL);
  return self->id;
}

const char *
gh_staff_member_get_name (GhStaffMember *self)
{
  g_return_val_if_fail (GH_IS_STAFF_MEMBER (self), NULL);
  return self->name;
}

const char *
gh_staff_member_get_pin_hash (GhStaffMember *self)
{
  g_return_val_if_fail (GH_IS_STAFF_MEMBER (self), NULL);
  return self->pin_hash;
}
