/* GhCatalog: the applied HQ configuration as objects (DESIGN.md, docs/config-format.md).
 * Immutable once built: a new bundle gives a new catalog, so readers never see a mix.
 * Texts are looked up per language and fall back to the config's default language
 * (its first "languages" entry), which the validator guarantees every text has.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "offers/gh-rule.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_CATALOG_ERROR (gh_catalog_error_quark ())
GQuark gh_catalog_error_quark (void);

typedef enum {
  GH_CATALOG_ERROR_INVALID,   /* message: "<json path>: <reason>" */
  GH_CATALOG_ERROR_NONE,      /* no configuration has been applied to this store */
} GhCatalogError;

/* Limits (docs/config-format.md "Limits"): far above any real retailer's
 * config, low enough that a hostile or broken one cannot exhaust a kiosk. */
#define GH_CATALOG_MAX_BYTES        (12 * 1024 * 1024)  /* the config JSON */
#define GH_CATALOG_MAX_DEPTH        32                  /* arrays and objects nested */
#define GH_CATALOG_MAX_VERSION      G_GINT64_CONSTANT (9007199254740991)  /* 2^53 - 1 */
#define GH_CATALOG_MAX_LANGUAGES    16
#define GH_CATALOG_MAX_STORES       10000
#define GH_CATALOG_MAX_CATEGORIES   1000
#define GH_CATALOG_MAX_PURPOSES     200
#define GH_CATALOG_MAX_OFFERS       10000
#define GH_CATALOG_MAX_STAFF        500
#define GH_CATALOG_MAX_THIRD_PARTIES 20  /* per purpose */
#define GH_CATALOG_MAX_CONDITIONS   32   /* per offer rule */
#define GH_CATALOG_MAX_FILTERS      32   /* per condition's "where" */
#define GH_CATALOG_MAX_IN_VALUES    256  /* per "in" filter */
#define GH_CATALOG_MAX_ID_BYTES     128
#define GH_CATALOG_MAX_NAME_BYTES   200
#define GH_CATALOG_MAX_TEXT_BYTES   4000  /* each language of each text */
#define GH_CATALOG_MAX_STRING_BYTES 2048  /* URLs */
#define GH_CATALOG_MAX_LOGO_BYTES   (256 * 1024)

typedef enum {
  GH_LEGAL_BASIS_CONSENT,
  GH_LEGAL_BASIS_LEGITIMATE_INTEREST,
  GH_LEGAL_BASIS_CONTRACT,
  GH_LEGAL_BASIS_LEGAL_OBLIGATION,
} GhLegalBasis;

const char *gh_legal_basis_to_string (GhLegalBasis basis);

#define GH_TYPE_DATA_CATEGORY (gh_data_category_get_type ())
G_DECLARE_FINAL_TYPE (GhDataCategory, gh_data_category, GH, DATA_CATEGORY, GObject)

const char *gh_data_category_get_id             (GhDataCategory *self);
const char *gh_data_category_get_title          (GhDataCategory *self, const char *language);
const char *gh_data_category_get_description    (GhDataCategory *self, const char *language);
int         gh_data_category_get_retention_days (GhDataCategory *self);
/* Why the law makes us keep this category through an erasure request, or NULL. */
const char *gh_data_category_get_legal_hold     (GhDataCategory *self, const char *language);

#define GH_TYPE_PURPOSE (gh_purpose_get_type ())
G_DECLARE_FINAL_TYPE (GhPurpose, gh_purpose, GH, PURPOSE, GObject)

const char         *gh_purpose_get_id             (GhPurpose *self);
const char         *gh_purpose_get_title          (GhPurpose *self, const char *language);
const char         *gh_purpose_get_description    (GhPurpose *self, const char *language);
GhLegalBasis        gh_purpose_get_legal_basis    (GhPurpose *self);
const char * const *gh_purpose_get_categories     (GhPurpose *self);
/* The state a shopper who never chose has: consent purposes default to revoked
 * unless "default" says granted; the other bases are always granted. */
GhConsentState      gh_purpose_get_default_state  (GhPurpose *self);
/* contract and legal_obligation purposes cannot be switched off. */
gboolean            gh_purpose_get_can_revoke     (GhPurpose *self);
const char         *gh_purpose_get_notice_version (GhPurpose *self);
/* The latest notice change ("notice_change"): whether shoppers who chose under an
 * earlier notice_version are asked again; whether, until they answer, a consent
 * they gave is paused (else kept under the old terms); what changed, in
 * @language, or NULL when the config says nothing about a change. */
gboolean            gh_purpose_get_notice_asks_again (GhPurpose  *self);
gboolean            gh_purpose_get_notice_pauses     (GhPurpose  *self);
const char         *gh_purpose_get_what_changed      (GhPurpose  *self,
                                                      const char *language);
/* Who else receives this purpose's data ("third_parties" in the config), in
 * config order: a name (as HQ wrote it, without surrounding spaces) and why,
 * in @language. */
guint               gh_purpose_get_n_third_parties    (GhPurpose  *self);
const char         *gh_purpose_get_third_party_name   (GhPurpose  *self,
                                                       guint       index);
const char         *gh_purpose_get_third_party_reason (GhPurpose  *self,
                                                       guint       index,
                                                       const char *language);

#define GH_TYPE_OFFER (gh_offer_get_type ())
G_DECLARE_FINAL_TYPE (GhOffer, gh_offer, GH, OFFER, GObject)

const char *gh_offer_get_id          (GhOffer *self);
const char *gh_offer_get_purpose_id  (GhOffer *self);
const char *gh_offer_get_title       (GhOffer *self, const char *language);
const char *gh_offer_get_description (GhOffer *self, const char *language);
GhRule     *gh_offer_get_rule        (GhOffer *self);

#define GH_TYPE_STAFF_MEMBER (gh_staff_member_get_type ())
G_DECLARE_FINAL_TYPE (GhStaffMember, gh_staff_member, GH, STAFF_MEMBER, GObject)

const char *gh_staff_member_get_id       (GhStaffMember *self);
const char *gh_staff_member_get_name     (GhStaffMember *self);
const char *gh_staff_member_get_pin_hash (GhStaffMember *self);

#define GH_TYPE_CATALOG (gh_catalog_get_type ())
G_DECLARE_FINAL_TYPE (GhCatalog, gh_catalog, GH, CATALOG, GObject)

/* Parses and validates the config JSON (schema and cross-references; not the
 * signature, version order, expiry or store: those are the bundle's checks). */
GhCatalog      *gh_catalog_new_from_bytes        (GBytes      *config_json,
                                                  GError     **error);
/* The store's active configuration; GH_CATALOG_ERROR_NONE when there is none. */
GhCatalog      *gh_catalog_load_active           (GhStore     *store,
                                                  GError     **error);

gint64          gh_catalog_get_version           (GhCatalog   *self);
const char     *gh_catalog_get_issued_at         (GhCatalog   *self);
const char     *gh_catalog_get_expires_at        (GhCatalog   *self);
gint64          gh_catalog_get_issued_unix       (GhCatalog   *self);
gint64          gh_catalog_get_expires_unix      (GhCatalog   *self);
/* Whether @store_id is listed (or "*" is); a NULL @store_id matches any config. */
gboolean        gh_catalog_is_for_store          (GhCatalog   *self,
                                                  const char  *store_id);
/* The config's languages, default first. */
const char * const *gh_catalog_get_languages     (GhCatalog   *self);
const char     *gh_catalog_get_default_language  (GhCatalog   *self);

/* In config order. Each is a GListModel of the item type, for GtkListView too. */
GListModel     *gh_catalog_get_data_categories   (GhCatalog   *self);
GListModel     *gh_catalog_get_purposes          (GhCatalog   *self);
GListModel     *gh_catalog_get_offers            (GhCatalog   *self);
GListModel     *gh_catalog_get_staff             (GhCatalog   *self);

GhDataCategory *gh_catalog_find_data_category    (GhCatalog   *self, const char *id);
GhPurpose      *gh_catalog_find_purpose          (GhCatalog   *self, const char *id);
GhOffer        *gh_catalog_find_offer            (GhCatalog   *self, const char *id);
GhStaffMember  *gh_catalog_find_staff            (GhCatalog   *self, const char *id);

/* HQ's words for @value of a data item's @attribute ("value_labels"), in @language
 * (falling back like every text), or NULL when the config has none. */
const char     *gh_catalog_get_value_label       (GhCatalog   *self,
                                                  const char  *attribute,
                                                  const char  *value,
                                                  const char  *language);

/* Kiosk settings. */
int             gh_catalog_get_idle_timeout      (GhCatalog   *self);  /* seconds */
int             gh_catalog_get_warning_seconds   (GhCatalog   *self);
int             gh_catalog_get_staff_timeout     (GhCatalog   *self);  /* seconds */
const char     *gh_catalog_get_portal_url        (GhCatalog   *self);
const char     *gh_catalog_get_controller        (GhCatalog   *self);  /* the retailer's legal name */
const char     *gh_catalog_get_policy_url        (GhCatalog   *self);
const char     *gh_catalog_get_jurisdiction      (GhCatalog   *self);
/* How long a follow-up QR code works, in days (default 30). */
int             gh_catalog_get_receipt_days      (GhCatalog   *self);
/* How long the retailer keeps the proof of each consent decision, in days; 0 when the
 * config does not say (controller.consent_proof_days). */
int             gh_catalog_get_consent_proof_days (GhCatalog  *self);

/* Branding. */
const char     *gh_catalog_get_brand_name        (GhCatalog   *self);
const char     *gh_catalog_get_accent_color      (GhCatalog   *self);  /* "#rrggbb" */
const char     *gh_catalog_get_logo_svg          (GhCatalog   *self);  /* SVG text or NULL */
const char     *gh_catalog_get_promise           (GhCatalog   *self, const char *language);
/* Where the card scanner is ("The scanner is under the screen."), NULL when the config
 * does not say. */
const char     *gh_catalog_get_scanner_hint      (GhCatalog   *self, const char *language);

G_END_DECLS
