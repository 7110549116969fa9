/* Consent receipts end to end: changes through the API, a receipt issued with
 * the Kantara fields, stored and queued in one transaction; the outbox
 * exported with glasshouse-ctl and the token verified against the receipt it
 * names; the QR code and token free of the shopper's identifiers; and the
 * refusals (no changes, no key, tampered, expired, unknown kiosk).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-qr.h"
#include "receipts/gh-receipt.h"
#include "visit/gh-session.h"
#include "store/gh-store-private.h"
#include "gh-test-utils.h"

#define LOYALTY_ID   "4000123456"
#define REF          "c-7f3a9e21"
#define NAME         "Ada Lovelace-Example"
#define EMAIL        "ada.lovelace@example.org"
#define PORTAL       "https://privacy.northwind.example"

typedef struct {
  char       *dir;
  char       *db_path;
  GhStore    *store;
  GhCatalog  *catalog;
  GhCustomer *customer;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id;

  fx->dir = gh_test_mkdtemp ();
  fx->db_path = g_build_filename (fx->dir, "kiosk.db", NULL);
  fx->store = gh_test_demo_kiosk_store (fx->db_path, &fx->catalog);

  id = gh_store_add_customer (fx->store, LOYALTY_ID, REF, NAME, NULL, &error);
  g_assert_no_error (error);
  gh_store_add_data_item (fx->store, id, "user.contact.email", "{\"value\":\"" EMAIL "\"}",
                          GH_SOURCE_PROVIDED, now - 86400, now + 365 * 86400, &error);
  g_assert_no_error (error);
  gh_store_add_data_item (fx->store, id, "user.behavior.purchase_history",
                          "{\"department\":\"running\",\"item\":\"trail shoes\",\"amount\":89.5}",
                          GH_SOURCE_OBSERVED, now - 10 * 86400, now + 700 * 86400, &error);
  g_assert_no_error (error);
  fx->customer = gh_store_find_customer (fx->store, LOYALTY_ID, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->customer, gh_customer_free);
  g_clear_object (&fx->catalog);
  g_clear_object (&fx->store);
  gh_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->db_path);
}

/* Two changes as the session records them, written through the store API. */
static GPtrArray *
make_changes (Fixture    *fx,
              const char *actor)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_session_change_free);
  const char *purposes[] = { "personalize.offers", "marketing.email" };
  const GhConsentState to[] = { GH_CONSENT_GRANTED, GH_CONSENT_GRANTED };

  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    {
      GhPurpose *purpose = gh_catalog_find_purpose (fx->catalog, purposes[i]);
      GhSessionChange *change = g_new0 (GhSessionChange, 1);
      g_autoptr(GError) error = NULL;

      change->purpose_id = g_strdup (purposes[i]);
      change->from = gh_purpose_get_default_state (purpose);
      change->to = to[i];
      change->at = g_get_real_time () / G_USEC_PER_SEC;
      change->actor = g_strdup (actor);
      change->event_seq = gh_store_set_consent (fx->store, fx->customer, purposes[i], to[i],
                                                gh_purpose_get_notice_version (purpose), actor, &error);
      g_assert_no_error (error);
      g_assert_cmpint (change->event_seq, >, 0);
      g_ptr_array_add (changes, change);
    }
  return changes;
}

/* A receipt of @kind for the fixture's shopper, which must be issued. */
static GhReceipt *
issue (Fixture       *fx,
       GhReceiptKind  kind,
       GPtrArray     *changes,
       const char    *actor,
       const char    *lang)
{
  g_autoptr(GError) error = NULL;
  GhReceipt *receipt = gh_receipt_issue (fx->store, fx->catalog, fx->customer, kind, changes,
                                         actor, lang, &error);

  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  return receipt;
}

static void
assert_no_identifiers (const char *text)
{
  g_assert_null (strstr (text, LOYALTY_ID));
  g_assert_null (strstr (text, REF));
  g_assert_null (strstr (text, NAME));
  g_assert_null (strstr (text, "Lovelace"));
  g_assert_null (strstr (text, EMAIL));
}

static char *
write_trust (Fixture *fx)
{
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *text = NULL;
  char *path = g_build_filename (fx->dir, "portal-trust.pub", NULL);

  keys = gh_kiosk_keys_load (fx->store, &error);
  g_assert_no_error (error);
  b64 = gh_kiosk_keys_get_public_base64 (keys);
  text = g_strdup_printf ("# HQ portal: kiosks whose receipts we serve\n%s %s\n",
                          gh_store_get_kiosk_id (fx->store), b64);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static JsonObject *
find_purpose (JsonObject *receipt,
              const char *purpose_id)
{
  JsonArray *services = json_object_get_array_member (receipt, "services");
  JsonArray *purposes = json_object_get_array_member (json_array_get_object_element (services, 0),
                                                      "purposes");

  for (guint i = 0; i < json_array_get_length (purposes); i++)
    {
      JsonObject *purpose = json_array_get_object_element (purposes, i);
      if (g_str_equal (json_object_get_string_member (purpose, "purposeId"), purpose_id))
        return purpose;
    }
  return NULL;
}

static void
test_consent_receipt (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = make_changes (fx, "staff:s-0042");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GhReceipt) loaded = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonNode) event_body = NULL;
  g_autoptr(GhTokenTrust) trust = NULL;
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *claimed_id = NULL;
  JsonObject *object, *purpose;
  const GhEvent *last;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  receipt = issue (fx, GH_RECEIPT_KIND_CONSENT, changes, "s-0042", "de");
  g_assert_nonnull (receipt);
  g_assert_true (g_uuid_string_is_valid (gh_receipt_get_id (receipt)));
  g_assert_cmpint (gh_receipt_get_kind (receipt), ==, GH_RECEIPT_KIND_CONSENT);
  g_assert_cmpstr (gh_receipt_get_customer_ref (receipt), ==, REF);
  /* receipt_days is 30 in the demo config. */
  g_assert_cmpint (gh_receipt_get_expires_at (receipt) - now, >=, 30 * 86400 - 5);
  g_assert_cmpint (gh_receipt_get_expires_at (receipt) - now, <=, 30 * 86400 + 5);

  /* The Kantara v1.1 fields. */
  body = json_from_string (gh_receipt_get_body (receipt), &error);
  g_assert_no_error (error);
  object = json_node_get_object (body);
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, "KI-CR-v1.1.0");
  g_assert_cmpstr (json_object_get_string_member (object, "jurisdiction"), ==, "EU");
  g_assert_cmpint (json_object_get_int_member (object, "consentTimestamp"), >=, now - 5);
  g_assert_cmpstr (json_object_get_string_member (object, "collectionMethod"), ==,
                   "in-store kiosk, assisted by staff s-0042");
  g_assert_cmpstr (json_object_get_string_member (object, "assistingStaffId"), ==, "s-0042");
  g_assert_cmpstr (json_object_get_string_member (object, "consentReceiptID"), ==,
                   gh_receipt_get_id (receipt));
  g_assert_cmpstr (json_object_get_string_member (object, "language"), ==, "de");
  g_assert_cmpstr (json_object_get_string_member (object, "piiPrincipalId"), ==, REF);
  g_assert_cmpstr (json_object_get_string_member (object, "policyUrl"), ==,
                   "https://northwind.example/privacy");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (object, "piiControllers"), 0),
                     "piiController"), ==, "Northwind Outfitters SE");
  g_assert_cmpstr (json_object_get_string_member (object, "receiptKind"), ==, "consent");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (object, "changes")), ==, 2);

  purpose = find_purpose (object, "personalize.offers");
  g_assert_nonnull (purpose);
  g_assert_cmpstr (json_object_get_string_member (purpose, "state"), ==, "granted");
  g_assert_true (json_object_get_boolean_member (purpose, "changedInThisVisit"));
  g_assert_cmpstr (json_object_get_string_member (purpose, "consentType"), ==, "EXPLICIT");
  g_assert_cmpstr (json_object_get_string_member (purpose, "purpose"), ==,
                   gh_purpose_get_title (gh_catalog_find_purpose (fx->catalog, "personalize.offers"), "de"));
  g_assert_true (json_object_has_member (purpose, "termination"));
  /* The demo config shares personal offers with a partner (test_third_parties has more). */
  g_assert_true (json_object_get_boolean_member (purpose, "thirdPartyDisclosure"));
  g_assert_cmpstr (json_object_get_string_member (purpose, "thirdPartyName"), ==, "Brightlane Rewards Ltd");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (purpose, "piiCategory")), ==, 7);
  purpose = find_purpose (object, "marketing.sms");
  g_assert_cmpstr (json_object_get_string_member (purpose, "state"), ==, "revoked");
  g_assert_false (json_object_get_boolean_member (purpose, "changedInThisVisit"));
  purpose = find_purpose (object, "service.membership");
  g_assert_cmpstr (json_object_get_string_member (purpose, "state"), ==, "granted");
  g_assert_true (json_object_get_boolean_member (purpose, "primaryPurpose"));
  /* No name, email or loyalty id in a consent receipt: only the pseudonym. */
  g_assert_null (strstr (gh_receipt_get_body (receipt), LOYALTY_ID));
  g_assert_null (strstr (gh_receipt_get_body (receipt), EMAIL));
  g_assert_null (strstr (gh_receipt_get_body (receipt), NAME));

  /* Queued for HQ: the last event, by the staff member, under the pseudonym. */
  events = gh_store_outbox_list (fx->store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 3);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->kind, ==, "receipt.issued");
  g_assert_cmpstr (last->actor, ==, "staff:s-0042");
  g_assert_cmpstr (last->customer_ref, ==, REF);
  event_body = json_from_string (last->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (event_body), "token"), ==,
                   gh_receipt_get_token (receipt));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (event_body), "short_code"), ==,
                   gh_receipt_get_short_code (receipt));
  g_assert_false (json_object_has_member (json_node_get_object (event_body), "export"));
  g_assert_true (gh_store_verify_chain (fx->store, NULL, NULL, &error));

  /* The token names this receipt and verifies with the kiosk's public key. */
  trust_path = write_trust (fx);
  trust = gh_token_trust_load (trust_path, &error);
  g_assert_no_error (error);
  claims = gh_token_verify (gh_receipt_get_token (receipt), trust, now, &error);
  g_assert_no_error (error);
  claimed_id = gh_token_format_receipt_id (claims->receipt_id);
  g_assert_cmpstr (claimed_id, ==, gh_receipt_get_id (receipt));
  g_assert_cmpint (claims->expires_at, ==, gh_receipt_get_expires_at (receipt));
  g_assert_cmpstr (claims->kiosk_id, ==, gh_store_get_kiosk_id (fx->store));

  url = gh_receipt_get_follow_up_url (receipt, fx->catalog);
  g_assert_true (g_str_has_prefix (url, PORTAL "/r/"));
  g_assert_cmpstr (url + strlen (PORTAL "/r/"), ==, gh_receipt_get_token (receipt));
  assert_no_identifiers (url);

  /* Loading it back gives the same token. */
  loaded = gh_receipt_load (fx->store, gh_receipt_get_id (receipt), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gh_receipt_get_token (loaded), ==, gh_receipt_get_token (receipt));
  g_assert_cmpstr (gh_receipt_get_body (loaded), ==, gh_receipt_get_body (receipt));
  g_clear_object (&loaded);
  loaded = gh_receipt_load (fx->store, "00000000-0000-4000-8000-000000000000", &error);
  g_assert_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_NOT_FOUND);
}

/* The demo config with @purpose_id's "third_parties" replaced by @parties (JSON). */
static GhCatalog *
catalog_with_parties (const char *purpose_id,
                      const char *parties)
{
  g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                            "config.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GhCatalog *catalog;
  JsonArray *purposes;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  purposes = json_object_get_array_member (json_node_get_object (root), "purposes");
  for (guint i = 0; i < json_array_get_length (purposes); i++)
    {
      JsonObject *purpose = json_array_get_object_element (purposes, i);
      if (g_str_equal (json_object_get_string_member (purpose, "id"), purpose_id))
        json_object_set_member (purpose, "third_parties", json_from_string (parties, NULL));
    }
  edited = json_to_string (root, FALSE);
  bytes = g_bytes_new (edited, strlen (edited));
  catalog = gh_catalog_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return catalog;
}

/* Kantara's thirdPartyDisclosure and thirdPartyName say who else gets each
 * purpose's data; ours, thirdParties, keeps each party with the reason the
 * shopper read, in the receipt's language. */
static void
test_third_parties (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GhCatalog) catalog = catalog_with_parties ("legal.tax_records",
      "[{\"name\":\"Finanzamt Hamburg-Altona\",\"reason\":{\"en\":\"to audit our records\","
      "\"fr\":\"pour contrôler nos registres\"}},"
      "{\"name\":\"Steuerberatung Nord, Partner mbB\",\"reason\":{\"en\":\"to file our returns\"}}]");
  g_autoptr(GPtrArray) changes = make_changes (fx, "shopper");
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *purpose;
  JsonArray *parties;

  receipt = gh_receipt_issue (fx->store, catalog, fx->customer, GH_RECEIPT_KIND_CONSENT, changes,
                              NULL, "fr", &error);
  g_assert_no_error (error);
  body = json_from_string (gh_receipt_get_body (receipt), &error);
  g_assert_no_error (error);

  /* Several parties: one Kantara string, joined with "; " since a name may hold a comma. */
  purpose = find_purpose (json_node_get_object (body), "legal.tax_records");
  g_assert_true (json_object_get_boolean_member (purpose, "thirdPartyDisclosure"));
  g_assert_cmpstr (json_object_get_string_member (purpose, "thirdPartyName"), ==,
                   "Finanzamt Hamburg-Altona; Steuerberatung Nord, Partner mbB");
  parties = json_object_get_array_member (purpose, "thirdParties");
  g_assert_cmpuint (json_array_get_length (parties), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 0), "reason"),
                   ==, "pour contrôler nos registres");
  /* No French reason: the default language's. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 1), "name"),
                   ==, "Steuerberatung Nord, Partner mbB");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 1), "reason"),
                   ==, "to file our returns");

  /* One party, from the demo config itself. */
  purpose = find_purpose (json_node_get_object (body), "personalize.offers");
  g_assert_true (json_object_get_boolean_member (purpose, "thirdPartyDisclosure"));
  g_assert_cmpstr (json_object_get_string_member (purpose, "thirdPartyName"), ==, "Brightlane Rewards Ltd");
  parties = json_object_get_array_member (purpose, "thirdParties");
  g_assert_cmpuint (json_array_get_length (parties), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 0), "reason"),
                   ==, gh_purpose_get_third_party_reason (
                         gh_catalog_find_purpose (catalog, "personalize.offers"), 0, "fr"));

  /* Nobody: false, and no name (Kantara asks for one only when it is true). */
  purpose = find_purpose (json_node_get_object (body), "marketing.sms");
  g_assert_false (json_object_get_boolean_member (purpose, "thirdPartyDisclosure"));
  g_assert_false (json_object_has_member (purpose, "thirdPartyName"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (purpose, "thirdParties")), ==, 0);
}

/* The QR code a shopper photographs: decoded by a real reader, the text is the
 * URL and nothing in it identifies the shopper. */
static void
test_qr_carries_no_identifiers (Fixture       *fx,
                                gconstpointer  data)
{
  for (GhReceiptKind kind = GH_RECEIPT_KIND_CONSENT; kind <= GH_RECEIPT_KIND_ACCESS; kind++)
    {
      g_autoptr(GPtrArray) changes = kind == GH_RECEIPT_KIND_CONSENT ? make_changes (fx, "shopper") : NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GhReceipt) receipt = NULL;
      g_autoptr(GhQr) qr = NULL;
      g_autofree char *url = NULL;
      g_autofree char *png = g_strdup_printf ("%s/receipt-%d.png", fx->dir, kind);
      g_autofree char *decoded = NULL;

      receipt = issue (fx, kind, changes, NULL, NULL);
      url = gh_receipt_get_follow_up_url (receipt, fx->catalog);
      qr = gh_qr_new (url, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gh_qr_get_version (qr), <=, 10);
      g_assert_true (gh_qr_write_png (qr, png, 4, &error));
      decoded = gh_test_zbar_decode (png);
      g_assert_cmpstr (decoded, ==, url);
      assert_no_identifiers (decoded);
      assert_no_identifiers (gh_receipt_get_token (receipt));
      assert_no_identifiers (gh_receipt_get_short_code (receipt));
      if (kind == GH_RECEIPT_KIND_CONSENT)
        g_test_message ("follow-up URL %zu characters: QR version %d, %d modules a side (%d with quiet zone)",
                        strlen (url), gh_qr_get_version (qr), gh_qr_get_size (qr),
                        gh_qr_get_size (qr) + 2 * GH_QR_QUIET_ZONE);
    }
}

static void
test_access_export (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) export_node = NULL;
  JsonObject *export, *customer;
  JsonArray *items;
  const GhEvent *last;
  gboolean saw_email = FALSE;

  receipt = issue (fx, GH_RECEIPT_KIND_ACCESS, NULL, NULL, "en");
  g_assert_cmpint (gh_receipt_get_kind (receipt), ==, GH_RECEIPT_KIND_ACCESS);
  /* The receipt itself stays pseudonymous... */
  g_assert_null (strstr (gh_receipt_get_body (receipt), EMAIL));

  /* ...the event for HQ's portal carries the data, structured. */
  events = gh_store_outbox_list (fx->store, 0, 0, &error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->kind, ==, "receipt.issued");
  g_assert_cmpstr (last->actor, ==, "shopper");
  body = json_from_string (last->body, &error);
  g_assert_no_error (error);
  /* The chain holds only the export's hash: an erasure must be able to delete the data. */
  g_assert_false (json_object_has_member (json_node_get_object (body), "export"));
  g_assert_null (strstr (last->body, EMAIL));
  g_assert_nonnull (last->attachment);
  {
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, last->attachment, -1);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "export_sha256"), ==, digest);
  }
  export_node = json_from_string (last->attachment, &error);
  g_assert_no_error (error);
  export = json_node_get_object (export_node);
  g_assert_nonnull (export);
  g_assert_cmpstr (json_object_get_string_member (export, "format"), ==, "glasshouse-export/1");
  customer = json_object_get_object_member (export, "customer");
  g_assert_cmpstr (json_object_get_string_member (customer, "loyaltyId"), ==, LOYALTY_ID);
  g_assert_cmpstr (json_object_get_string_member (customer, "displayName"), ==, NAME);
  items = json_object_get_array_member (export, "data");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonObject *attributes = json_object_get_object_member (item, "attributes");

      g_assert_nonnull (json_object_get_string_member (item, "categoryTitle"));
      if (g_str_equal (json_object_get_string_member (item, "category"), "user.contact.email"))
        {
          g_assert_cmpstr (json_object_get_string_member (attributes, "value"), ==, EMAIL);
          saw_email = TRUE;
        }
    }
  g_assert_true (saw_email);
  g_assert_true (json_object_has_member (export, "consents"));

  /* Erasure before HQ collected it: the export goes, the chained event stays. */
  g_assert_true (gh_store_forget_attachments (fx->store, fx->customer->ref, &error));
  g_assert_no_error (error);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = gh_store_outbox_list (fx->store, 0, 0, &error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->kind, ==, "receipt.issued");
  g_assert_null (last->attachment);
  g_assert_true (gh_store_verify_chain (fx->store, NULL, NULL, &error));
}

static void
test_access_export_gone_after_ack (Fixture       *fx,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *out = NULL;
  gint64 last_seq;

  receipt = issue (fx, GH_RECEIPT_KIND_ACCESS, NULL, NULL, "en");
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "outbox", "export", "--db", fx->db_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"attachment\""));
  g_assert_nonnull (strstr (out, EMAIL));

  events = gh_store_outbox_list (fx->store, 0, 0, &error);
  last_seq = ((GhEvent *) g_ptr_array_index (events, events->len - 1))->seq;
  g_assert_cmpint (gh_store_outbox_ack (fx->store, last_seq, &error), >, 0);
  g_assert_no_error (error);
  /* Delivered: the kiosk keeps no copy of what it only held for HQ. */
  g_assert_cmpint (gh_store_get_schema_version (fx->store), >=, 3);
  g_assert_cmpint (gh_test_store_int (fx->store, "SELECT count(*) FROM event_attachment", NULL),
                   ==, 0);
}

static void
test_refusals (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autofree char *key_path = gh_kiosk_keys_path_for_store (fx->store);
  g_autofree char *moved = g_strconcat (key_path, ".away", NULL);
  gint64 events_before = gh_store_count_events (fx->store, NULL);

  receipt = gh_receipt_issue (fx->store, fx->catalog, fx->customer, GH_RECEIPT_KIND_CONSENT,
                              NULL, NULL, NULL, &error);
  g_assert_null (receipt);
  g_assert_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID);
  g_clear_error (&error);
  receipt = gh_receipt_issue (fx->store, fx->catalog, fx->customer, GH_RECEIPT_KIND_CONSENT,
                              empty, NULL, NULL, &error);
  g_assert_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID);
  g_clear_error (&error);
  receipt = gh_receipt_issue (fx->store, fx->catalog, fx->customer, GH_RECEIPT_KIND_ERASURE,
                              NULL, "staff:s-0042", NULL, &error);
  g_assert_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_INVALID);
  g_clear_error (&error);

  /* Without the kiosk key nothing is written: no receipt HQ cannot verify. */
  g_assert_cmpint (g_rename (key_path, moved), ==, 0);
  receipt = gh_receipt_issue (fx->store, fx->catalog, fx->customer, GH_RECEIPT_KIND_ERASURE,
                              NULL, NULL, NULL, &error);
  g_assert_null (receipt);
  g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_MISSING);
  g_clear_error (&error);
  g_assert_cmpint (g_rename (moved, key_path), ==, 0);
  g_assert_cmpint (gh_store_count_events (fx->store, NULL), ==, events_before);
}

/* Erasure issues its receipt inside its own transaction: a rollback takes the
 * receipt and its event with it. */
static void
test_inside_callers_transaction (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GhReceipt) gone = NULL;
  gint64 events_before = gh_store_count_events (fx->store, NULL);

  g_assert_true (gh_store_begin (fx->store, &error));
  receipt = issue (fx, GH_RECEIPT_KIND_ERASURE, NULL, NULL, "fr");
  g_assert_true (_gh_store_in_transaction (fx->store));
  gh_store_rollback (fx->store);

  gone = gh_receipt_load (fx->store, gh_receipt_get_id (receipt), &error);
  g_assert_null (gone);
  g_assert_error (error, GH_RECEIPT_ERROR, GH_RECEIPT_ERROR_NOT_FOUND);
  g_assert_cmpint (gh_store_count_events (fx->store, NULL), ==, events_before);
}

/* The round trip HQ's portal makes: export the outbox with glasshouse-ctl,
 * take the token from the receipt.issued event, verify it, and check it
 * against the receipt it names in the issuing kiosk's store. */
static void
test_ctl_round_trip (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = make_changes (fx, "shopper");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autofree char *trust_path = write_trust (fx);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  g_autofree char *receipt_json = NULL;
  g_autofree char *url = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) verified = NULL;
  JsonObject *object;

  receipt = issue (fx, GH_RECEIPT_KIND_CONSENT, changes, NULL, NULL);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "outbox", "export", "--db", fx->db_path, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_autoptr(JsonNode) line = json_from_string (lines[i], &error);
      JsonObject *event = json_node_get_object (line);
      JsonObject *body;

      g_assert_no_error (error);
      if (!g_str_equal (json_object_get_string_member (event, "kind"), "receipt.issued"))
        continue;
      body = json_object_get_object_member (event, "body");
      g_assert_null (token);
      token = g_strdup (json_object_get_string_member (body, "token"));
      receipt_json = json_to_string (json_object_get_member (body, "receipt"), FALSE);
      g_assert_cmpstr (json_object_get_string_member (event, "customer_ref"), ==, REF);
    }
  g_assert_nonnull (token);
  g_assert_cmpstr (token, ==, gh_receipt_get_token (receipt));

  /* Verified alone (as HQ does), then against the issuing kiosk's store. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "receipt", "verify", "--trust", trust_path, token, NULL), ==, 0);
  g_assert_nonnull (strstr (out, gh_receipt_get_id (receipt)));
  g_assert_nonnull (strstr (out, "kind        consent"));
  g_assert_nonnull (strstr (out, gh_store_get_kiosk_id (fx->store)));
  g_assert_null (strstr (out, "stored receipt"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "receipt", "verify", "--trust", trust_path,
                                    "--db", fx->db_path, "--json", token, NULL), ==, 0);
  verified = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (verified);
  g_assert_true (json_object_get_boolean_member (object, "valid"));
  g_assert_cmpstr (json_object_get_string_member (object, "receipt_id"), ==, gh_receipt_get_id (receipt));
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "consent");
  g_assert_cmpstr (json_object_get_string_member (object, "short_code"), ==, gh_receipt_get_short_code (receipt));
  {
    g_autofree char *stored = json_to_string (json_object_get_member (object, "receipt"), FALSE);
    g_assert_cmpstr (stored, ==, receipt_json);
  }

  /* The whole scanned URL works too. */
  url = gh_receipt_get_follow_up_url (receipt, fx->catalog);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "receipt", "verify", "--trust", trust_path, url, NULL), ==, 0);

  /* Tampered, one character. */
  {
    g_autofree char *bad = g_strdup (token);
    bad[30] = bad[30] == 'A' ? 'B' : 'A';
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (gh_test_run_ctl (NULL, &err, "receipt", "verify", "--trust", trust_path, bad, NULL), ==, 3);
    g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: token: "));
  }
  /* Malformed. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "receipt", "verify", "--trust", trust_path, "hello", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "not a Glasshouse receipt token"));
  /* Unknown kiosk: a trust file without this kiosk. */
  {
    g_autofree char *other = g_build_filename (fx->dir, "other.pub", NULL);
    g_assert_true (g_file_set_contents (other, "kiosk-elsewhere ibAvLUzO3zjx8OU6FcFgmYbymSu7Upf1XTt17LEAVSo=\n", -1, NULL));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (gh_test_run_ctl (NULL, &err, "receipt", "verify", "--trust", other, token, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "does not list"));
  }
  /* Expired: signed by this kiosk, a second in the past. */
  {
    g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_load (fx->store, &error);
    g_autofree char *expired = NULL;
    GhTokenClaims claims = { { 0 } };

    g_assert_true (gh_token_parse_receipt_id (gh_receipt_get_id (receipt), claims.receipt_id));
    claims.kiosk_id = (char *) gh_store_get_kiosk_id (fx->store);
    claims.kind = GH_RECEIPT_KIND_CONSENT;
    claims.expires_at = g_get_real_time () / G_USEC_PER_SEC - 1;
    expired = gh_token_encode (&claims, keys, &error);
    g_assert_no_error (error);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (gh_test_run_ctl (NULL, &err, "receipt", "verify", "--trust", trust_path, expired, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "expired"));

    /* Valid, but naming a receipt this store never issued. */
    claims.expires_at += 86400;
    g_assert_true (gh_token_parse_receipt_id ("00000000-0000-4000-8000-000000000000", claims.receipt_id));
    g_free (expired);
    expired = gh_token_encode (&claims, keys, &error);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (gh_test_run_ctl (NULL, &err, "receipt", "verify", "--trust", trust_path,
                                      "--db", fx->db_path, expired, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "no receipt 00000000-0000-4000-8000-000000000000"));
  }
  /* Usage. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "receipt", "verify", token, NULL), ==, 2);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "receipt", "verify", "--trust", trust_path, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "receipt", "verify", "--trust", "/nonexistent.pub", token, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "/nonexistent.pub"));
}

/* The UI's path: a visit's changes through GhSession, the receipt issued in a worker. */
typedef struct {
  GMainLoop *loop;
  GObject   *result;
  GError    *error;
  gboolean   done;
} Wait;

static void
consent_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  gh_session_set_consent_finish (GH_SESSION (source), result, &wait->error);
  wait->done = TRUE;
}

static void
receipt_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = (GObject *) gh_receipt_issue_for_session_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
test_session_async (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(JsonNode) body = NULL;
  Wait wait = { 0 };

  session = gh_session_load (fx->db_path, fx->catalog, LOYALTY_ID, "en", &error);
  g_assert_no_error (error);
  gh_session_set_actor (session, "staff:s-0042");
  gh_session_set_consent_async (session, "marketing.email", GH_CONSENT_GRANTED, NULL, consent_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);

  wait.done = FALSE;
  gh_receipt_issue_for_session_async (session, GH_RECEIPT_KIND_CONSENT, NULL, receipt_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  receipt = GH_RECEIPT (wait.result);
  body = json_from_string (gh_receipt_get_body (receipt), &error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "assistingStaffId"), ==, "s-0042");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (body), "changes")), ==, 1);

  /* After the visit ends, no receipt. */
  gh_session_end (session);
  wait.done = FALSE;
  gh_receipt_issue_for_session_async (session, GH_RECEIPT_KIND_ACCESS, NULL, receipt_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (wait.result);
  g_assert_error (wait.error, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED);
  g_clear_error (&wait.error);
}

/* A visit that has ended takes no more changes: the task answers at once. */
static void
test_session_ended (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  Wait wait = { 0 };

  session = gh_session_load (fx->db_path, fx->catalog, LOYALTY_ID, "en", &error);
  g_assert_no_error (error);
  gh_session_end (session);
  gh_session_set_consent_async (session, "marketing.email", GH_CONSENT_GRANTED, NULL, consent_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (wait.error, GH_SESSION_ERROR, GH_SESSION_ERROR_ENDED);
  g_clear_error (&wait.error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) GH_TEST_ADD_FIXTURE (path, NULL, func)
  ADD ("/receipt/consent", test_consent_receipt);
  ADD ("/receipt/third-parties", test_third_parties);
  ADD ("/receipt/qr-carries-no-identifiers", test_qr_carries_no_identifiers);
  ADD ("/receipt/access-export", test_access_export);
  ADD ("/receipt/access-export/gone-after-ack", test_access_export_gone_after_ack);
  ADD ("/receipt/refusals", test_refusals);
  ADD ("/receipt/inside-callers-transaction", test_inside_callers_transaction);
  ADD ("/receipt/ctl-round-trip", test_ctl_round_trip);
  ADD ("/receipt/session-async", test_session_async);
  ADD ("/receipt/session-ended", test_session_ended);
#undef ADD
  return g_test_run ();
}
