/* Consent receipts: what a shopper takes away from a visit. The body follows
 * the Kantara Consent Receipt v1.1 (plus a few fields of ours the portal
 * needs: the kind, the visit's changes, each purpose's state), built from the
 * catalog in force and the store's current consents. A receipt names the
 * shopper only by their pseudonymous ref. Issuing writes the receipt row and
 * the receipt.issued event in one transaction, so HQ never learns of a
 * receipt the kiosk lost, nor the kiosk keeps one HQ will never hear of.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "receipts/gh-receipt.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "receipts/gh-kiosk-keys.h"
#include "store/gh-store-private.h"

struct _GhReceipt
{
  GObject        parent_instance;
  char          *id;
  GhReceiptKind  kind;
  char          *kiosk_id;
  char          *created_at;
  gint64         expires_at;
  char          *customer_ref;
  char          *body;
  char          *token;
  char          *short_code;
};

G_DEFINE_FINAL_TYPE (GhReceipt, gh_receipt, G_TYPE_OBJECT)

G_DEFINE_QUARK (gh-receipt-error-quark, gh_receipt_error)

static void
gh_receipt_finalize (GObject *object)
{
  GhReceipt *self = GH_RECEIPT (object);

  g_free (self->id);
  g_free (self->kiosk_id);
  g_free (self->created_at);
  g_free (self->customer_ref);
  g_free (self->body);
  g_free (self->token);
  g_free (self->short_code);
  G_OBJECT_CLASS (gh_receipt_parent_class)->finalize (object);
}

static void
gh_receipt_class_init (GhReceiptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_receipt_finalize;
}

static void
gh_receipt_init (GhReceipt *self)
{
}

/* ---- building the body -------------------------------------------------- */

static char *
iso_from_unix (gint64 unix_seconds)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (unix_seconds);
  return when != NULL ? g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
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

  add_bool (builder, "thirdPartyDisclosure", n > 0);
  if (n == 0)
    return;
  names = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "; " : "",
                            gh_purpose_get_third_party_name (purpose, i));
  add_string (builder, "thirdPartyName", names->str);
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
      add_string (builder, "name", gh_purpose_get_third_party_name (purpose, i));
      add_string (builder, "reason", gh_purpose_get_third_party_reason (purpose, i, language));
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
      add_string (builder, "purpose", gh_purpose_get_title (purpose, language));
      json_builder_set_member_name (builder, "purposeCategory");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, gh_purpose_get_id (purpose));
      json_builder_end_array (builder);
      add_string (builder, "consentType", basis == GH_LEGAL_BASIS_CONSENT ? "EXPLICIT" : "NOT REQUIRED");
      json_builder_set_member_name (builder, "piiCategory");
      json_builder_begin_array (builder);
      for (guint j = 0; categories != NULL && categories[j] != NULL; j++)
        json_builder_add_string_value (builder, categories[j]);
      json_builder_end_array (builder);
      add_bool (builder, "primaryPurpose", basis == GH_LEGAL_BASIS_CONTRACT);
      add_string (builder, "termination", termination_for (purpose));
      add_disclosure (builder, purpose);
      /* Ours, for the portal: */
      add_string (builder, "purposeId", gh_purpose_get_id (purpose));
      add_string (builder, "legalBasis", gh_legal_basis_to_string (basis));
      add_string (builder, "state", gh_consent_state_to_string (current_state (consents, purpose)));
      add_bool (builder, "changedInThisVisit", purpose_changed (changes, gh_purpose_get_id (purpose)));
      add_string (builder, "noticeVersion", gh_purpose_get_notice_version (purpose));
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
      add_string (builder, "purposeId", change->purpose_id);
      add_string (builder, "from", gh_consent_state_to_string (change->from));
      add_string (builder, "to", gh_consent_state_to_string (change->to));
      add_string (builder, "at", at);
      add_string (builder, "actor", change->actor);
      add_int (builder, "eventSeq", change->event_seq);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

typedef struct {
  const char    *receipt_id;
  GhReceiptKind  kind;
  const char    *kiosk_id;
  const char    *public_key;
  gint64         now;
  gint64         expires_at;
  const char    *customer_ref;
  const char    *staff_id;
  const char    *actor;
  const char    *language;
} BodyInfo;

static JsonNode *
build_body (const BodyInfo *info,
            GhCatalog      *catalog,
            GPtrArray      *consents,
            GPtrArray      *changes)
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
  add_string (builder, "version", GH_RECEIPT_KANTARA_VERSION);
  add_string (builder, "jurisdiction", gh_catalog_get_jurisdiction (catalog));
  add_int (builder, "consentTimestamp", info->now);
  add_string (builder, "collectionMethod", method);
  add_string (builder, "consentReceiptID", info->receipt_id);
  add_string (builder, "publicKey", info->public_key);
  add_string (builder, "language", info->language);
  add_string (builder, "piiPrincipalId", info->customer_ref);

  json_builder_set_member_name (builder, "piiControllers");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_string (builder, "piiController", gh_catalog_get_controller (catalog));
  add_bool (builder, "onBehalf", FALSE);
  add_string (builder, "piiControllerUrl", gh_catalog_get_policy_url (catalog));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  add_string (builder, "policyUrl", gh_catalog_get_policy_url (catalog));

  json_builder_set_member_name (builder, "services");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_string (builder, "service", gh_catalog_get_brand_name (catalog));
  json_builder_set_member_name (builder, "purposes");
  add_purposes (builder, catalog, consents, changes, info->language);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  add_bool (builder, "sensitive", FALSE);
  json_builder_set_member_name (builder, "spiCat");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);

  /* Ours: what the portal shows and checks. */
  add_string (builder, "receiptKind", gh_receipt_kind_to_string (info->kind));
  add_string (builder, "kioskId", info->kiosk_id);
  add_string (builder, "expiresAt", expires);
  add_int (builder, "configVersion", gh_catalog_get_version (catalog));
  if (info->staff_id != NULL)
    add_string (builder, "assistingStaffId", info->staff_id);
  add_changes (builder, changes);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* "Send me a copy of my data" (Art. 15/20): everything held about the
 * shopper, structured and machine-readable, for HQ's portal to serve. */
static JsonNode *
build_export (GhCatalog        *catalog,
              const GhCustomer *customer,
              GPtrArray        *items,
              GPtrArray        *consents,
              const char       *language,
              gint64            now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *generated = iso_from_unix (now);
  g_autofree char *created = iso_from_unix (customer->created_at);

  json_builder_begin_object (builder);
  add_string (builder, "format", "glasshouse-export/1");
  add_string (builder, "generatedAt", generated);
  add_string (builder, "controller", gh_catalog_get_controller (catalog));
  json_builder_set_member_name (builder, "customer");
  json_builder_begin_object (builder);
  add_string (builder, "ref", customer->ref);
  add_string (builder, "loyaltyId", customer->loyalty_id);
  add_string (builder, "displayName", customer->display_name);
  add_string (builder, "createdAt", created);
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

      json_builder_begin_object (builder);
      add_string (builder, "category", item->category);
      add_string (builder, "categoryTitle",
                  category != NULL ? gh_data_category_get_title (category, language) : NULL);
      add_string (builder, "source", gh_source_to_string (item->source));
      add_string (builder, "collectedAt", collected);
      add_string (builder, "retainedUntil", retained);
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
      add_string (builder, "purposeId", consent->purpose_id);
      add_string (builder, "state", gh_consent_state_to_string (consent->state));
      add_string (builder, "updatedAt", updated);
      add_string (builder, "noticeVersion", consent->notice_version);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
build_event_body (GhReceipt  *receipt,
                  JsonNode   *body,
                  const char *export_text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *expires = iso_from_unix (receipt->expires_at);

  json_builder_begin_object (builder);
  add_string (builder, "receipt_id", receipt->id);
  add_string (builder, "kind", gh_receipt_kind_to_string (receipt->kind));
  add_string (builder, "expires_at", expires);
  add_string (builder, "token", receipt->token);
  add_string (builder, "short_code", receipt->short_code);
  json_builder_set_member_name (builder, "receipt");
  json_builder_add_value (builder, json_node_copy (body));
  if (export_text != NULL)
    {
      /* The export itself travels as the event's attachment, outside the
       * append-only chain, so an erasure can still delete it; the chain
       * commits to it by hash. */
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, export_text, -1);
      add_string (builder, "export_sha256", digest);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---- issuing ------------------------------------------------------------ */

static char *
new_receipt_id (guint8 bytes[GH_TOKEN_RECEIPT_ID_BYTES])
{
  randombytes_buf (bytes, GH_TOKEN_RECEIPT_ID_BYTES);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  /* a version 4 (random) UUID */
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return gh_token_format_receipt_id (bytes);
}

static gboolean
insert_receipt (GhStore    *store,
                GhReceipt  *receipt,
                GError    **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT INTO receipt (id, kind, created_at, expires_at, customer_ref, body)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, receipt->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, gh_receipt_kind_to_string (receipt->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, receipt->created_at, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, receipt->expires_at);
  sqlite3_bind_text (stmt, 5, receipt->customer_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, receipt->body, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "storing a receipt");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sign_token (GhReceipt    *self,
            GhKioskKeys  *keys,
            GError      **error)
{
  GhTokenClaims claims = { { 0 } };

  if (!gh_token_parse_receipt_id (self->id, claims.receipt_id))
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt %s: the id is not a UUID", self->id);
      return FALSE;
    }
  claims.kiosk_id = self->kiosk_id;
  claims.kind = self->kind;
  claims.expires_at = self->expires_at;
  self->token = gh_token_encode (&claims, keys, error);
  if (self->token == NULL)
    return FALSE;
  self->short_code = gh_token_short_code (self->token);
  return TRUE;
}

GhReceipt *
gh_receipt_issue (GhStore           *store,
                  GhCatalog         *catalog,
                  const GhCustomer  *customer,
                  GhReceiptKind      kind,
                  GPtrArray         *changes,
                  const char        *staff_id,
                  const char        *language,
                  GError           **error)
{
  g_autofree char *actor = NULL;

  if (staff_id != NULL && (*staff_id == '\0' || g_str_has_prefix (staff_id, "staff:")))
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: staff id \"%s\" must be the bare id from the config", staff_id);
      return NULL;
    }
  actor = staff_id != NULL ? g_strconcat ("staff:", staff_id, NULL) : g_strdup ("shopper");
  return gh_receipt_issue_as (store, catalog, customer, kind, changes, actor, language, error);
}

GhReceipt *
gh_receipt_issue_as (GhStore           *store,
                     GhCatalog         *catalog,
                     const GhCustomer  *customer,
                     GhReceiptKind      kind,
                     GPtrArray         *changes,
                     const char        *actor,
                     const char        *language,
                     GError           **error)
{
  g_autoptr(GhReceipt) self = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) export = NULL;
  g_autofree char *export_text = NULL;
  g_autoptr(JsonNode) event_body = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *event_text = NULL;
  const char *staff_id;
  guint8 id_bytes[GH_TOKEN_RECEIPT_ID_BYTES];
  gboolean own_transaction;
  BodyInfo info = { 0 };
  gint64 now;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (customer != NULL, NULL);

  if (kind < GH_RECEIPT_KIND_CONSENT || kind > GH_RECEIPT_KIND_ACCESS)
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: kind %d is not consent, erasure or access", kind);
      return NULL;
    }
  if (kind == GH_RECEIPT_KIND_CONSENT && (changes == NULL || changes->len == 0))
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: a consent receipt needs the visit's changes, and there are none");
      return NULL;
    }
  if (customer->ref == NULL || *customer->ref == '\0')
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: the customer has no pseudonymous ref to name them by");
      return NULL;
    }
  if (actor == NULL || g_strcmp0 (actor, "staff:") == 0)
    {
      g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID,
                   "receipt: an actor is required (shopper, cli or staff:<id>)");
      return NULL;
    }
  staff_id = g_str_has_prefix (actor, "staff:") ? actor + strlen ("staff:") : NULL;
  if (language == NULL)
    language = gh_catalog_get_default_language (catalog);

  keys = gh_kiosk_keys_load (store, error);
  if (keys == NULL)
    return NULL;
  public_key = gh_kiosk_keys_get_public_base64 (keys);

  now = g_get_real_time () / G_USEC_PER_SEC;
  self = g_object_new (GH_TYPE_RECEIPT, NULL);
  self->id = new_receipt_id (id_bytes);
  self->kind = kind;
  self->kiosk_id = g_strdup (gh_store_get_kiosk_id (store));
  self->created_at = _gh_store_now_iso ();
  self->expires_at = now + (gint64) gh_catalog_get_receipt_days (catalog) * 86400;
  self->customer_ref = g_strdup (customer->ref);
  if (!sign_token (self, keys, error))
    return NULL;

  own_transaction = !_gh_store_in_transaction (store);
  if (own_transaction && !gh_store_begin (store, error))
    return NULL;

  /* Read inside the transaction: the receipt states what is true when it is written. */
  consents = gh_store_list_consents (store, customer->id, error);
  if (consents == NULL)
    goto fail;
  if (kind == GH_RECEIPT_KIND_ACCESS)
    {
      items = gh_store_list_data_items (store, customer->id, error);
      if (items == NULL)
        goto fail;
      export = build_export (catalog, customer, items, consents, language, now);
    }

  info.receipt_id = self->id;
  info.kind = kind;
  info.kiosk_id = self->kiosk_id;
  info.public_key = public_key;
  info.now = now;
  info.expires_at = self->expires_at;
  info.customer_ref = customer->ref;
  info.staff_id = staff_id;
  info.actor = actor;
  info.language = language;
  body = build_body (&info, catalog, consents, changes);
  self->body = json_to_string (body, FALSE);
  export_text = export != NULL ? json_to_string (export, FALSE) : NULL;
  event_body = build_event_body (self, body, export_text);
  event_text = json_to_string (event_body, FALSE);
  if (!insert_receipt (store, self, error))
    goto fail;
  if (export_text != NULL
      ? gh_store_append_event_with_attachment (store, actor, customer->ref, "receipt.issued",
                                               event_text, export_text, error) < 0
      : gh_store_append_event (store, actor, customer->ref, "receipt.issued", event_text, error) < 0)
    goto fail;
  if (own_transaction && !gh_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&self);

fail:
  if (own_transaction)
    gh_store_rollback (store);
  return NULL;
}

/* ---- issuing for a visit, in a worker ----------------------------------- */

typedef struct {
  GhSession     *session;
  GhCatalog     *catalog;
  GhCustomer    *customer;
  GPtrArray     *changes;
  char          *staff_id;
  char          *language;
  GhReceiptKind  kind;
} IssueData;

static void
issue_data_free (IssueData *data)
{
  g_clear_object (&data->session);
  g_clear_object (&data->catalog);
  g_clear_pointer (&data->customer, gh_customer_free);
  g_clear_pointer (&data->changes, g_ptr_array_unref);
  g_free (data->staff_id);
  g_free (data->language);
  g_free (data);
}

static GhSessionChange *
change_copy (const GhSessionChange *change)
{
  GhSessionChange *copy = g_new0 (GhSessionChange, 1);

  *copy = *change;
  copy->purpose_id = g_strdup (change->purpose_id);
  copy->actor = g_strdup (change->actor);
  return copy;
}

static void
issue_in_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  IssueData *data = task_data;
  g_autoptr(GError) error = NULL;
  GhReceipt *receipt;
  GhStore *store;

  store = gh_session_lock_store (data->session);
  if (store == NULL)
    {
      g_task_return_new_error (task, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED,
                               "the visit has ended");
      return;
    }
  receipt = gh_receipt_issue (store, data->catalog, data->customer, data->kind, data->changes,
                              data->staff_id, data->language, &error);
  gh_session_unlock_store (data->session);
  if (receipt == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, receipt, g_object_unref);
}

void
gh_receipt_issue_for_session_async (GhSession           *session,
                                    GhReceiptKind        kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const GhCustomer *customer;
  GPtrArray *changes;
  IssueData *data;
  const char *actor;

  g_return_if_fail (GH_IS_SESSION (session));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_receipt_issue_for_session_async);
  customer = gh_session_get_customer (session);
  if (customer == NULL || gh_session_get_ended (session))
    {
      g_task_return_new_error (task, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED,
                               "the visit has ended");
      return;
    }

  /* Copied here, on the main thread: the session's own arrays may be swapped
   * by the UI while the worker runs. */
  data = g_new0 (IssueData, 1);
  data->session = g_object_ref (session);
  data->catalog = g_object_ref (gh_session_get_catalog (session));
  data->customer = gh_customer_copy (customer);
  data->kind = kind;
  data->language = g_strdup (gh_session_get_language (session));
  data->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_session_change_free);
  changes = gh_session_get_changes (session);
  for (guint i = 0; changes != NULL && i < changes->len; i++)
    {
      const GhSessionChange *change = g_ptr_array_index (changes, i);

      g_ptr_array_add (data->changes, change_copy (change));
      if (g_str_has_prefix (change->actor, "staff:"))
        {
          g_free (data->staff_id);
          data->staff_id = g_strdup (change->actor + strlen ("staff:"));
        }
    }
  actor = gh_session_get_actor (session);
  if (data->staff_id == NULL && actor != NULL && g_str_has_prefix (actor, "staff:"))
    data->staff_id = g_strdup (actor + strlen ("staff:"));

  g_task_set_task_data (task, data, (GDestroyNotify) issue_data_free);
  g_task_run_in_thread (task, issue_in_worker);
}

GhReceipt *
gh_receipt_issue_for_session_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- loading ------------------------------------------------------------ */

GhReceipt *
gh_receipt_load (GhStore     *store,
                 const char  *receipt_id,
                 GError     **error)
{
  g_autoptr(GhReceipt) self = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(JsonNode) body = NULL;
  sqlite3_stmt *stmt;
  JsonObject *object;
  const char *kind_text;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  g_return_val_if_fail (receipt_id != NULL, NULL);

  stmt = _gh_store_prepare (store,
      "SELECT id, kind, created_at, expires_at, customer_ref, body FROM receipt WHERE id = ?1",
      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, receipt_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_NOT_FOUND,
                     "%s: no receipt %s in this store", gh_store_get_path (store), receipt_id);
      else
        _gh_store_set_error (store, rc, error, "reading a receipt");
      sqlite3_reset (stmt);
      return NULL;
    }

  self = g_object_new (GH_TYPE_RECEIPT, NULL);
  self->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  kind_text = (const char *) sqlite3_column_text (stmt, 1);
  if (!gh_receipt_kind_from_string (kind_text, &self->kind))
    self->kind = 0;
  self->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  self->expires_at = sqlite3_column_int64 (stmt, 3);
  self->customer_ref = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  self->body = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  sqlite3_reset (stmt);

  body = json_from_string (self->body, NULL);
  object = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  if (self->kind == 0 || object == NULL
      || !json_object_has_member (object, "kioskId"))
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                   "%s: receipt %s is damaged (kind or body)", gh_store_get_path (store), receipt_id);
      return NULL;
    }
  /* The kiosk id it was issued under, even if the kiosk was renamed since. */
  self->kiosk_id = g_strdup (json_object_get_string_member (object, "kioskId"));

  keys = gh_kiosk_keys_load (store, error);
  if (keys == NULL || !sign_token (self, keys, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* ---- accessors ---------------------------------------------------------- */

const char *
gh_receipt_get_id (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->id;
}

GhReceiptKind
gh_receipt_get_kind (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), 0);
  return self->kind;
}

const char *
gh_receipt_get_created_at (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->created_at;
}

gint64
gh_receipt_get_expires_at (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), 0);
  return self->expires_at;
}

const char *
gh_receipt_get_customer_ref (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->customer_ref;
}

const char *
gh_receipt_get_body (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->body;
}

const char *
gh_receipt_get_token (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->token;
}

const char *
gh_receipt_get_short_code (GhReceipt *self)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  return self->short_code;
}

char *
gh_receipt_build_follow_up_url (const char *portal_url,
                                const char *token)
{
  gsize length;

  g_return_val_if_fail (portal_url != NULL && token != NULL, NULL);
  /* "https://x/" and "https://x" give the same URL, never "//r/". */
  length = strlen (portal_url);
  while (length > 0 && portal_url[length - 1] == '/')
    length--;
  return g_strdup_printf ("%.*s/r/%s", (int) length, portal_url, token);
}

char *
gh_receipt_get_follow_up_url (GhReceipt *self,
                              GhCatalog *catalog)
{
  g_return_val_if_fail (GH_IS_RECEIPT (self), NULL);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  return gh_receipt_build_follow_up_url (gh_catalog_get_portal_url (catalog), self->token);
}
