/* GhCatalog: the HQ configuration (docs/config-format.md) parsed, validated and
 * turned into immutable objects. Validation is strict and stops at the first
 * problem, which it names by JSON path ("offers[3].purpose: unknown purpose ...")
 * so HQ can fix a bundle without guessing; every limit that keeps a hostile or
 * broken config from exhausting the kiosk is checked here too. A catalog never
 * changes after it is built: a new config gives a new catalog, so the UI never
 * shows half of one config and half of another. Parsing is in
 * gh-catalog-parse.c (the sections) and gh-catalog-read.c (the typed readers they
 * share); the item classes are in gh-catalog-items.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "config/gh-catalog-private.h"

G_DEFINE_QUARK (gh-catalog-error-quark, gh_catalog_error)

static const char *legal_basis_names[] = { "consent", "legitimate_interest", "contract",
                                           "legal_obligation" };

const char *
gh_legal_basis_to_string (GhLegalBasis basis)
{
  g_return_val_if_fail (basis <= GH_LEGAL_BASIS_LEGAL_OBLIGATION, NULL);
  return legal_basis_names[basis];
}

/* ---- GhCatalog ------------------------------------------------------------ */


G_DEFINE_FINAL_TYPE (GhCatalog, gh_catalog, G_TYPE_OBJECT)

static void
gh_catalog_finalize (GObject *object)
{
  GhCatalog *self = GH_CATALOG (object);

  g_free (self->issued_at);
  g_free (self->expires_at);
  g_strfreev (self->stores);
  g_strfreev (self->languages);
  g_free (self->controller);
  g_free (self->policy_url);
  g_free (self->jurisdiction);
  g_clear_pointer (&self->category_index, g_hash_table_unref);
  g_clear_pointer (&self->purpose_index, g_hash_table_unref);
  g_clear_pointer (&self->offer_index, g_hash_table_unref);
  g_clear_pointer (&self->staff_index, g_hash_table_unref);
  g_clear_pointer (&self->value_labels, g_hash_table_unref);
  g_clear_object (&self->categories);
  g_clear_object (&self->purposes);
  g_clear_object (&self->offers);
  g_clear_object (&self->staff);
  g_free (self->portal_url);
  g_free (self->brand_name);
  g_strfreev (self->promise);
  g_strfreev (self->scanner_hint);
  g_free (self->accent_color);
  g_free (self->logo_svg);
  G_OBJECT_CLASS (gh_catalog_parent_class)->finalize (object);
}

static void
gh_catalog_class_init (GhCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_catalog_finalize;
}

static void
gh_catalog_init (GhCatalog *self)
{
  self->categories = g_list_store_new (GH_TYPE_DATA_CATEGORY);
  self->purposes = g_list_store_new (GH_TYPE_PURPOSE);
  self->offers = g_list_store_new (GH_TYPE_OFFER);
  self->staff = g_list_store_new (GH_TYPE_STAFF_MEMBER);
  self->category_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->purpose_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->offer_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->staff_index = g_hash_table_new (g_str_hash, g_str_equal);
}

GhCatalog *
gh_catalog_load_active (GhStore  *store,
                        GError  **error)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) local_error = NULL;
  GhCatalog *catalog;
  gint64 version = 0;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  payload = gh_store_get_active_config (store, &version, &local_error);
  if (payload == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE,
                     "%s: no configuration has been applied yet", gh_store_get_path (store));
      return NULL;
    }
  catalog = gh_catalog_new_from_bytes (payload, &local_error);
  if (catalog == NULL)
    g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID,
                 "%s: the active configuration (version %" G_GINT64_FORMAT ") does not load: %s",
                 gh_store_get_path (store), version, local_error->message);
  return catalog;
}

/* ---- accessors ------------------------------------------------------------ */

gint64
gh_catalog_get_version (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->version;
}

const char *
gh_catalog_get_issued_at (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->issued_at;
}

const char *
gh_catalog_get_expires_at (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->expires_at;
}

gint64
gh_catalog_get_issued_unix (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->issued_unix;
}

gint64
gh_catalog_get_expires_unix (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->expires_unix;
}

gboolean
gh_catalog_is_for_store (GhCatalog  *self,
                         const char *store_id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), FALSE);
  return store_id == NULL
         || g_strv_contains ((const char * const *) self->stores, "*")
         || g_strv_contains ((const char * const *) self->stores, store_id);
}

const char * const *
gh_catalog_get_languages (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return (const char * const *) self->languages;
}

const char *
gh_catalog_get_default_language (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->languages[0];
}

GListModel *
gh_catalog_get_data_categories (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->categories);
}

GListModel *
gh_catalog_get_purposes (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->purposes);
}

GListModel *
gh_catalog_get_offers (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->offers);
}

GListModel *
gh_catalog_get_staff (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->staff);
}

GhDataCategory *
gh_catalog_find_data_category (GhCatalog  *self,
                               const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->category_index, id) : NULL;
}

GhPurpose *
gh_catalog_find_purpose (GhCatalog  *self,
                         const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->purpose_index, id) : NULL;
}

GhOffer *
gh_catalog_find_offer (GhCatalog  *self,
                       const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->offer_index, id) : NULL;
}

GhStaffMember *
gh_catalog_find_staff (GhCatalog  *self,
                       const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->staff_index, id) : NULL;
}

int
gh_catalog_get_idle_timeout (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->idle_timeout;
}

int
gh_catalog_get_warning_seconds (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->warning_seconds;
}

int
gh_catalog_get_staff_timeout (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->staff_timeout;
}

int
gh_catalog_get_receipt_days (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->receipt_days;
}

int
gh_catalog_get_consent_proof_days (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->consent_proof_days;
}

const char *
gh_catalog_get_portal_url (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->portal_url;
}

const char *
gh_catalog_get_controller (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->controller;
}

const char *
gh_catalog_get_policy_url (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->policy_url;
}

const char *
gh_catalog_get_jurisdiction (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->jurisdiction;
}

const char *
gh_catalog_get_brand_name (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->brand_name;
}

const char *
gh_catalog_get_accent_color (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->accent_color;
}

const char *
gh_catalog_get_logo_svg (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->logo_svg;
}

const char *
gh_catalog_get_promise (GhCatalog  *self,
                        const char *language)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return _gh_catalog_text_lookup (self->promise, language);
}

const char *
gh_catalog_get_scanner_hint (GhCatalog  *self,
                             const char *language)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return _gh_catalog_text_lookup (self->scanner_hint, language);
}
