/* The JSON a receipt is made of: the body after the Kantara Consent Receipt
 * v1.1 (plus a few fields of ours the portal needs: the kind, the visit's
 * changes, each purpose's state), the data copy a shopper asks for, and the
 * receipt.issued event's body. Pure functions of the catalog and the rows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-receipts"
#include "config.h"

#include "config/gh-json-build.h"
#include "offers/gh-item-text.h"
#include "receipts/gh-receipt-private.h"

#include <string.h>

static char *
iso_from_unix (gint64 unix_seconds)
{
  return _gh_store_format_unix (unix_seconds, "");
}

/* Kantara's "termination": how the shopper ends this processing. */
static const char *
termination_for (GhPurpose *purpose)
{
  switch (gh_purpose_get_legal_basis (purpose))
    {
    case GH_LEGAL_BASIS_CONSENT:
      return "Withdraw consent at any time at a Glasshouse kiosk in store or through this "
             "receipt's follow-up link; withdrawing is as easy as giving it (GDPR Art. 7(3)).";
    case GH_LEGAL_BASIS_LEGITIMATE_INTEREST:
      return "Object at any time at a Glasshouse kiosk in store or through this receipt's "
             "follow-up link (GDPR Art. 21).";
    case GH_LEGAL_BASIS_CONTRACT:
      return "Ends with the contract it serves; the data is then kept only as long as the "
             "retention period of each category.";
    case GH_LEGAL_BASIS_LEGAL_OBLIGATION:
    default:
      return "Ends when the legal obligation it serves ends.";
    }
}

static gboolean
purpose_changed (GPtrArray  *changes,
                 const char *purpose_id)
{
  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      const GhSessionChange *change = g_ptr_array_index (changes, i);
      if (g_strcmp0 (change->purpose_id, purpose_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static GhConsentState
current_state (GPtrArray  *consents,
               GhPurpose  *purpose)
{
  /* Only consent and legitimate-interest purposes can be switched off. */
  if (!gh_purpose_get_can_revoke (purpose))
    return GH_CONSENT_GRANTED;
  for (guint i = 0; i < consents->len; i++)
    {
      const GhConsent *consent = g_ptr_array_index (consents, i);
      if (g_str_equal (consent->purpose_id, gh_purpose_get_id (purpose)))
        return consent->state;
    }
  return gh_purpose_get_default_state (purpose);
}

/* Kantara v1.1: "thirdPartyDisclosure", and "thirdPartyName" (one string,
 * required when the first is true). Several parties are joined with "; ",
 * not ", ", since a name may hold a comma ("Acme Payments, Inc."). */
static void
add_disclosure (JsonBuilder *builder,
                GhPurpose   *purpose)
{
  guint n = gh_purpose_get_n_third_parties (purpose);
  g_autoptr(GString) names = NULL;

  gh_json_add_bool (builder, "thirdPartyDisclosure", n > 0);
  if (n == 0)
    return;
  names = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "; " : "",
                            gh_purpose_get_third_party_name (purpose, i));
  gh_json_add_string (builder, "thirdPartyName", names->str);
}

/* Ours: each party apart, with the reason the shopper was shown, for the
 * portal to show the same sentence; empty when the purpose shares nothing. */
static void
add_third_parties (JsonBuilder *builder,
                   GhPurpose   *purpose,
                   const char  *language)
{
  json_builder_set_member_name (builder, "thirdParties");
  json_builder_begin_array (builder);
  for (guint i = 0; i < gh_purpose_get_n_third_parties (purpose); i++)
    {
      json_builder_begin_object (builder);
      gh_json_add_string (builder, "name", gh_purpose_get_third_party_name (purpose, i));
      gh_json_add_string (builder, "reason", gh_purpose_get_third_party_reason (purpose, i, language));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_purposes (JsonBuilder *builder,
              GhCatalog   *catalog,
              GPtrArray   *consents,
              GPtrArray   *changes,
              const char  *language)
{
  GListModel *purposes = gh_catalog_get_purposes (catalog);

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      GhLegalBasis basis = gh_purpose_get_legal_basis (purpose);
      const char * const *categories = gh_purpose_get_categories (purpose);

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "purpose", gh_purpose_get_title (purpose, language));
      json_builder_set_member_name (builder, "purposeCategory");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, gh_purpose_get_id (purpose));
      json_builder_end_array (builder);
      gh_json_add_string (builder, "consentType", basis == GH_LEGAL_BASIS_CONSENT ? "EXPLICIT" : "NOT REQUIRED");
      json_builder_set_member_name (builder, "piiCategory");
      json_builder_begin_array (builder);
      for (guint j = 0; categories != NULL && categories[j] != NULL; j++)
        json_builder_add_string_value (builder, categories[j]);
      json_builder_end_array (builder);
      gh_json_add_bool (builder, "primaryPurpose", basis == GH_LEGAL_BASIS_CONTRACT);
      gh_json_add_string (builder, "termination", termination_for (purpose));
      add_disclosure (builder, purpose);
      /* Ours, for the portal: */
      gh_json_add_string (builder, "purposeId", gh_purpose_get_id (purpose));
      gh_json_add_string (builder, "legalBasis", gh_legal_basis_to_string (basis));
      gh_json_add_string (builder, "state", gh_consent_state_to_string (current_state (consents, purpose)));
      gh_json_add_bool (builder, "changedInThisVisit", purpose_changed (changes, gh_purpose_get_id (purpose)));
      gh_json_add_string (builder, "noticeVersion", gh_purpose_get_notice_version (purpose));
      add_third_parties (builder, purpose, language);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_changes (JsonBuilder *builder,
             GPtrArray   *changes)
{
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      const GhSessionChange *change = g_ptr_array_index (changes, i);
      g_autofree char *at = iso_from_unix (change->at);

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "purposeId", change->purpose_id);
      gh_json_add_string (builder, "from", gh_consent_state_to_string (change->from));
      gh_json_add_string (builder, "to", gh_consent_state_to_string (change->to));
      gh_json_add_string (builder, "at", at);
      gh_json_add_string (builder, "actor", change->actor);
      gh_json_add_int (builder, "eventSeq", change->event_seq);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

JsonNode *
_gh_receipt_build_body (const GhReceiptBodyInfo *info,
                        GhCatalog               *catalog,
                        GPtrArray               *consents,
                        GPtrArray               *changes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *expires = iso_from_unix (info->expires_at);
  g_autofree char *method = NULL;

  if (info->staff_id != NULL)
    method = g_strdup_printf ("in-store kiosk, assisted by staff %s", info->staff_id);
  else if (g_strcmp0 (info->actor, "shopper") != 0)
    method = g_strdup_printf ("on the shopper's request, recorded with glasshouse-ctl by %s",
                              info->actor);
  else
    method = g_strdup ("in-store kiosk");

  json_builder_begin_object (builder);
  gh_json_add_string (builder, "version", GH_RECEIPT_KANTARA_VERSION);
  gh_json_add_string (builder, "jurisdiction", gh_catalog_get_jurisdiction (catalog));
  gh_json_add_int (builder, "consentTimestamp", info->now);
  gh_json_add_string (builder, "collectionMethod", method);
  gh_json_add_string (builder, "consentReceiptID", info->receipt_id);
  gh_json_add_string (builder, "publicKey", info->public_key);
  gh_json_add_string (builder, "language", info->language);
  gh_json_add_string (builder, "piiPrincipalId", info->customer_ref);

  json_builder_set_member_name (builder, "piiControllers");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  gh_json_add_string (builder, "piiController", gh_catalog_get_controller (catalog));
  gh_json_add_bool (builder, "onBehalf", FALSE);
  gh_json_add_string (builder, "piiControllerUrl", gh_catalog_get_policy_url (catalog));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  gh_json_add_string (builder, "policyUrl", gh_catalog_get_policy_url (catalog));

  json_builder_set_member_name (builder, "services");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  gh_json_add_string (builder, "service", gh_catalog_get_brand_name (catalog));
  json_builder_set_member_name (builder, "purposes");
  add_purposes (builder, catalog, consents, changes, info->language);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  gh_json_add_bool (builder, "sensitive", FALSE);
  json_builder_set_member_name (builder, "spiCat");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);

  /* Ours: what the portal shows and checks. */
  gh_json_add_string (builder, "receiptKind", gh_receipt_kind_to_string (info->kind));
  gh_json_add_string (builder, "kioskId", info->kiosk_id);
  gh_json_add_string (builder, "expiresAt", expires);
  gh_json_add_int (builder, "configVersion", gh_catalog_get_version (catalog));
  if (info->staff_id != NULL)
    gh_json_add_string (builder, "assistingStaffId", info->staff_id);
  add_changes (builder, changes);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* "Send me a copy of my data" (Art. 15/20): everything held about the
 * shopper, structured and machine-readable, for HQ's portal to serve. */
typedef struct {
  GhCatalog  *catalog;
  const char *language;
} ValueWords;

static const char *
value_label (const char *attribute,
             const char *value,
             gpointer    user_data)
{
  ValueWords *words = user_data;

  return gh_catalog_get_value_label (words->catalog, attribute, value, words->language);
}

JsonNode *
_gh_receipt_build_export (GhCatalog        *catalog,
                          const GhCustomer *customer,
                          GPtrArray        *items,
                          GPtrArray        *consents,
                          const char       *language,
                          gint64            now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *generated = iso_from_unix (now);
  g_autofree char *created = iso_from_unix (customer->created_at);
  ValueWords words = { catalog, language };
  /* Money and dates stay plain (ISO, "89.00 EUR"): the copy is read on any phone. */
  GhItemTextFormat format = { NULL, NULL, &words, value_label };

  json_builder_begin_object (builder);
  gh_json_add_string (builder, "format", "glasshouse-export/1");
  gh_json_add_string (builder, "generatedAt", generated);
  gh_json_add_string (builder, "controller", gh_catalog_get_controller (catalog));
  json_builder_set_member_name (builder, "customer");
  json_builder_begin_object (builder);
  gh_json_add_string (builder, "ref", customer->ref);
  gh_json_add_string (builder, "loyaltyId", customer->loyalty_id);
  gh_json_add_string (builder, "displayName", customer->display_name);
  gh_json_add_string (builder, "createdAt", created);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      const GhDataItem *item = g_ptr_array_index (items, i);
      GhDataCategory *category = gh_catalog_find_data_category (catalog, item->category);
      g_autoptr(JsonNode) attributes = json_from_string (item->attributes, NULL);
      g_autofree char *collected = iso_from_unix (item->collected_at);
      g_autofree char *retained = iso_from_unix (item->retained_until);
      g_autofree char *summary = gh_item_text_summary (item, &format);

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "category", item->category);
      gh_json_add_string (builder, "categoryTitle",
                          category != NULL ? gh_data_category_get_title (category, language) : NULL);
      /* In HQ's words for the values, in the receipt's language (the raw values follow). */
      gh_json_add_string (builder, "summary", summary);
      gh_json_add_string (builder, "source", gh_source_to_string (item->source));
      gh_json_add_string (builder, "collectedAt", collected);
      gh_json_add_string (builder, "retainedUntil", retained);
      json_builder_set_member_name (builder, "attributes");
      if (attributes != NULL)
        json_builder_add_value (builder, g_steal_pointer (&attributes));
      else
        json_builder_add_string_value (builder, item->attributes);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "consents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < consents->len; i++)
    {
      const GhConsent *consent = g_ptr_array_index (consents, i);
      g_autofree char *updated = iso_from_unix (consent->updated_at);

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "purposeId", consent->purpose_id);
      gh_json_add_string (builder, "state", gh_consent_state_to_string (consent->state));
      gh_json_add_string (builder, "updatedAt", updated);
      gh_json_add_string (builder, "noticeVersion", consent->notice_version);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

JsonNode *
_gh_receipt_build_event_body (GhReceipt  *receipt,
                              JsonNode   *body,
                              const char *export_text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *expires = iso_from_unix (gh_receipt_get_expires_at (receipt));

  json_builder_begin_object (builder);
  gh_json_add_string (builder, "receipt_id", gh_receipt_get_id (receipt));
  gh_json_add_string (builder, "kind", gh_receipt_kind_to_string (gh_receipt_get_kind (receipt)));
  gh_json_add_string (builder, "expires_at", expires);
  gh_json_add_string (builder, "token", gh_receipt_get_token (receipt));
  gh_json_add_string (builder, "short_code", gh_receipt_get_short_code (receipt));
  json_builder_set_member_name (builder, "receipt");
  json_builder_add_value (builder, json_node_copy (body));
  if (export_text != NULL)
    {
      /* The export itself travels as the event's attachment, outside the
       * append-only chain, so an erasure can still delete it; the chain
       * commits to it by hash. */
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, export_text, -1);
      gh_json_add_string (builder, "export_sha256", digest);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
