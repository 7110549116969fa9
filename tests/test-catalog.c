/* Unit tests for GhCatalog: a good config read back through every accessor, and
 * bad configs, each refused with the JSON path of the problem.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "config/gh-catalog.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

static GhCatalog *
parse (const char  *text,
       GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  return gh_catalog_new_from_bytes (bytes, error);
}

static void
test_good (void)
{
  g_autofree char *text = gh_test_bundle_config (7);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = parse (text, &error);
  GhPurpose *purpose;
  GhOffer *offer;
  GhDataCategory *category;
  GhStaffMember *staff;

  g_assert_no_error (error);
  g_assert_cmpint (gh_catalog_get_version (catalog), ==, 7);
  g_assert_cmpstr (gh_catalog_get_issued_at (catalog), ==, "2025-06-01T09:00:00Z");
  g_assert_cmpint (gh_catalog_get_expires_unix (catalog), ==, 4070905200);  /* 2098-12-31T23:00Z */
  g_assert_cmpstr (gh_catalog_get_default_language (catalog), ==, "en");
  g_assert_cmpstrv (gh_catalog_get_languages (catalog), ((const char *[]) { "en", "de", NULL }));
  g_assert_true (gh_catalog_is_for_store (catalog, "store-042"));
  g_assert_true (gh_catalog_is_for_store (catalog, NULL));

  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_data_categories (catalog)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_purposes (catalog)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_offers (catalog)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_staff (catalog)), ==, 1);
  g_assert_true (g_list_model_get_item_type (gh_catalog_get_offers (catalog)) == GH_TYPE_OFFER);

  category = gh_catalog_find_data_category (catalog, "user.contact.email");
  g_assert_nonnull (category);
  g_assert_cmpstr (gh_data_category_get_title (category, "de"), ==, "E-Mail-Adresse");
  g_assert_cmpstr (gh_data_category_get_title (category, "de-CH"), ==, "E-Mail-Adresse");
  g_assert_cmpstr (gh_data_category_get_title (category, "fr"), ==, "Email address");
  g_assert_cmpstr (gh_data_category_get_title (category, NULL), ==, "Email address");
  g_assert_cmpstr (gh_data_category_get_description (category, "de"), ==, "The address we write to");
  g_assert_cmpint (gh_data_category_get_retention_days (category), ==, 730);
  g_assert_null (gh_data_category_get_legal_hold (category, "en"));
  category = gh_catalog_find_data_category (catalog, "user.behavior.purchase_history");
  g_assert_cmpstr (gh_data_category_get_legal_hold (category, "de"), ==,
                   "Tax law keeps sales records for ten years");

  purpose = gh_catalog_find_purpose (catalog, "marketing.email");
  g_assert_cmpint (gh_purpose_get_legal_basis (purpose), ==, GH_LEGAL_BASIS_CONSENT);
  g_assert_cmpint (gh_purpose_get_default_state (purpose), ==, GH_CONSENT_REVOKED);
  g_assert_true (gh_purpose_get_can_revoke (purpose));
  g_assert_cmpstr (gh_purpose_get_notice_version (purpose), ==, "3");
  g_assert_cmpstrv (gh_purpose_get_categories (purpose), ((const char *[]) { "user.contact.email", NULL }));
  purpose = gh_catalog_find_purpose (catalog, "personalize.offers");
  g_assert_cmpint (gh_purpose_get_default_state (purpose), ==, GH_CONSENT_GRANTED);
  purpose = gh_catalog_find_purpose (catalog, "service.orders");
  g_assert_cmpint (gh_purpose_get_legal_basis (purpose), ==, GH_LEGAL_BASIS_CONTRACT);
  g_assert_false (gh_purpose_get_can_revoke (purpose));
  g_assert_cmpint (gh_purpose_get_default_state (purpose), ==, GH_CONSENT_GRANTED);
  g_assert_cmpstr (gh_legal_basis_to_string (GH_LEGAL_BASIS_LEGAL_OBLIGATION), ==, "legal_obligation");
  g_assert_null (gh_catalog_find_purpose (catalog, "nope"));

  offer = gh_catalog_find_offer (catalog, "running-shoes");
  g_assert_cmpstr (gh_offer_get_purpose_id (offer), ==, "personalize.offers");
  g_assert_cmpstr (gh_offer_get_title (offer, "de"), ==, "Neue Laufschuhe");
  g_assert_cmpstr (gh_offer_get_description (offer, "de"), ==, "10% off");
  g_assert_cmpstrv (gh_rule_get_categories (gh_offer_get_rule (offer)),
                    ((const char *[]) { "user.behavior.purchase_history", NULL }));
  {
    g_autofree char *id = NULL;
    g_autofree char *title = NULL;
    g_object_get (offer, "id", &id, "title", &title, NULL);
    g_assert_cmpstr (id, ==, "running-shoes");
    g_assert_cmpstr (title, ==, "New running shoes");
  }

  staff = gh_catalog_find_staff (catalog, "s-1");
  g_assert_cmpstr (gh_staff_member_get_name (staff), ==, "Sam");
  g_assert_true (g_str_has_prefix (gh_staff_member_get_pin_hash (staff), "$argon2id$"));

  g_assert_cmpint (gh_catalog_get_idle_timeout (catalog), ==, 60);
  g_assert_cmpint (gh_catalog_get_warning_seconds (catalog), ==, 15);
  g_assert_cmpint (gh_catalog_get_staff_timeout (catalog), ==, 300);   /* default */
  g_assert_cmpint (gh_catalog_get_receipt_days (catalog), ==, 30);     /* default */
  g_assert_cmpstr (gh_catalog_get_portal_url (catalog), ==, "https://example.org/portal");
  g_assert_cmpstr (gh_catalog_get_controller (catalog), ==, "Example Retail Ltd");
  g_assert_cmpstr (gh_catalog_get_policy_url (catalog), ==, "https://example.org/privacy");
  g_assert_cmpstr (gh_catalog_get_jurisdiction (catalog), ==, "EU");
  g_assert_cmpstr (gh_catalog_get_brand_name (catalog), ==, "Example");
  g_assert_cmpstr (gh_catalog_get_accent_color (catalog), ==, "#1a7f5a");
  g_assert_nonnull (strstr (gh_catalog_get_logo_svg (catalog), "<svg"));
  g_assert_cmpstr (gh_catalog_get_promise (catalog, "de"), ==, "Sieh nach");
}

static void
test_optional_parts (void)
{
  g_autofree char *base = gh_test_bundle_config (1);
  g_autofree char *a = gh_test_bundle_edit (base, "staff", NULL);
  g_autofree char *b = gh_test_bundle_edit (a, "branding.logo_svg", NULL);
  g_autofree char *c = gh_test_bundle_edit (b, "kiosk.receipt_days", "90");
  g_autofree char *d = gh_test_bundle_edit (c, "offers", "[]");
  g_autofree char *e = gh_test_bundle_edit (d, "stores", "[\"store-001\",\"store-002\"]");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = parse (e, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_staff (catalog)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_offers (catalog)), ==, 0);
  g_assert_null (gh_catalog_get_logo_svg (catalog));
  g_assert_null (gh_catalog_get_scanner_hint (catalog, "en"));
  g_assert_cmpint (gh_catalog_get_receipt_days (catalog), ==, 90);
  g_assert_true (gh_catalog_is_for_store (catalog, "store-002"));
  g_assert_false (gh_catalog_is_for_store (catalog, "store-003"));
}

/* "branding.scanner_hint": where the card scanner is, in the visit's language. */
static void
test_scanner_hint (void)
{
  g_autofree char *base = gh_test_bundle_config (1);
  g_autofree char *b = gh_test_bundle_edit (base, "branding.scanner_hint",
      "{\"en\":\"The scanner is the red light under the screen.\","
      "\"de\":\"Der Scanner ist das rote Licht unter dem Bildschirm.\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = parse (b, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (gh_catalog_get_scanner_hint (catalog, "de"), ==,
                   "Der Scanner ist das rote Licht unter dem Bildschirm.");
  g_assert_cmpstr (gh_catalog_get_scanner_hint (catalog, "de-AT"), ==,
                   "Der Scanner ist das rote Licht unter dem Bildschirm.");
  /* A language without its own sentence gets the default language's. */
  g_assert_cmpstr (gh_catalog_get_scanner_hint (catalog, "fr"), ==,
                   "The scanner is the red light under the screen.");
}

/* "third_parties": who else gets a purpose's data and why, in the visit's language. */
static void
test_third_parties (void)
{
  g_autofree char *base = gh_test_bundle_config (1);
  /* A tax authority for a legal obligation is as real as a courier for a contract. */
  g_autofree char *a = gh_test_bundle_edit (base, "purposes[2].third_parties",
      "[{\"name\":\" Parcelway Logistics GmbH \",\"reason\":{\"en\":\"to deliver your orders\","
      "\"de\":\"um Ihre Bestellungen zu liefern\"}},"
      "{\"name\":\"Finanzamt Hamburg-Altona\",\"reason\":{\"en\":\"to audit our records\"}}]");
  g_autofree char *b = gh_test_bundle_edit (a, "purposes[2].legal_basis", "\"legal_obligation\"");
  g_autofree char *c = gh_test_bundle_edit (b, "purposes[1].third_parties", "[]");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = parse (c, &error);
  GhPurpose *purpose;

  g_assert_no_error (error);
  purpose = gh_catalog_find_purpose (catalog, "service.orders");
  g_assert_cmpuint (gh_purpose_get_n_third_parties (purpose), ==, 2);
  g_assert_cmpstr (gh_purpose_get_third_party_name (purpose, 0), ==, "Parcelway Logistics GmbH");
  g_assert_cmpstr (gh_purpose_get_third_party_reason (purpose, 0, "de"), ==,
                   "um Ihre Bestellungen zu liefern");
  g_assert_cmpstr (gh_purpose_get_third_party_reason (purpose, 0, "fr"), ==, "to deliver your orders");
  g_assert_cmpstr (gh_purpose_get_third_party_name (purpose, 1), ==, "Finanzamt Hamburg-Altona");
  g_assert_cmpstr (gh_purpose_get_third_party_reason (purpose, 1, "de"), ==, "to audit our records");
  /* Absent and empty both mean the purpose shares with nobody. */
  g_assert_cmpuint (gh_purpose_get_n_third_parties (gh_catalog_find_purpose (catalog, "personalize.offers")),
                    ==, 0);
  g_assert_cmpuint (gh_purpose_get_n_third_parties (gh_catalog_find_purpose (catalog, "marketing.email")),
                    ==, 0);
}

static void
test_small_config_loads (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = gh_catalog_load_active (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (gh_catalog_find_purpose (catalog, "service.orders"));
  g_clear_object (&store);
  gh_test_rmdir (dir);
}

static void
test_none_active (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
  g_autoptr(GhCatalog) catalog = NULL;

  g_assert_no_error (error);
  catalog = gh_catalog_load_active (store, &error);
  g_assert_null (catalog);
  g_assert_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE);
  g_clear_object (&store);
  gh_test_rmdir (dir);
}

/* One bad config: an edit of the good one, and the start of the message it must get. */
typedef struct {
  const char *name;
  const char *path;
  const char *value;   /* JSON text; NULL removes the member */
  const char *message; /* the error message starts with this */
} BadEdit;

static const BadEdit bad_edits[] = {
  { "format", "format", "\"glasshouse-config/2\"", "format: expected \"glasshouse-config/1\"" },
  { "version-string", "version", "\"7\"", "version: expected a whole number, got a string" },
  { "version-fraction", "version", "1.5", "version: expected a whole number, got 1.5" },
  { "version-zero", "version", "0", "version: 0 is out of range" },
  { "version-huge", "version", "123456789012345678901234567890", "version: " },
  { "version-missing", "version", NULL, "version: missing" },
  { "issued-no-zone", "issued_at", "\"2025-06-01T09:00:00\"", "issued_at: \"2025-06-01T09:00:00\" is not an RFC 3339" },
  { "expires-before-issued", "expires_at", "\"2024-01-01T00:00:00Z\"", "expires_at: " },
  { "stores-not-array", "stores", "\"*\"", "stores: expected an array, got a string" },
  { "stores-empty", "stores", "[]", "stores: needs at least 1 entry" },
  { "stores-duplicate", "stores", "[\"a\",\"a\"]", "stores[1]: \"a\" is listed twice" },
  { "languages-bad-code", "languages", "[\"en\",\"German\"]", "languages[1]: \"German\" is not a language code" },
  { "languages-missing", "languages", NULL, "languages: missing" },
  { "controller-url", "controller.policy_url", "\"ftp://example.org\"", "controller.policy_url: " },
  { "controller-field", "controller.phone", "\"123\"", "controller: unknown field \"phone\"" },
  { "controller-proof-zero", "controller.consent_proof_days", "0", "controller.consent_proof_days: 0 is out of range" },
  { "controller-proof-text", "controller.consent_proof_days", "\"3 years\"", "controller.consent_proof_days: expected a whole number" },
  { "unknown-top-level", "colour", "\"red\"", "config: unknown field \"colour\"" },
  { "category-duplicate", "data_categories[1].id", "\"user.contact.email\"", "data_categories[1].id: \"user.contact.email\" is already" },
  { "category-id-space", "data_categories[0].id", "\"user contact\"", "data_categories[0].id: \"user contact\" is not an id" },
  { "category-retention", "data_categories[2].retention_days", "0", "data_categories[2].retention_days: 0 is out of range" },
  { "category-no-title", "data_categories[0].title", NULL, "data_categories[0].title: missing" },
  { "text-no-default", "data_categories[0].title", "{\"de\":\"E-Mail\"}", "data_categories[0].title: no \"en\" text" },
  { "text-other-language", "purposes[0].title", "{\"en\":\"x\",\"fr\":\"y\"}", "purposes[0].title: language \"fr\" is not one of" },
  { "text-not-object", "offers[1].description", "\"We tell you first\"", "offers[1].description: expected a text object" },
  { "text-empty", "offers[1].title", "{\"en\":\"\"}", "offers[1].title.en: must not be empty" },
  { "legal-basis", "purposes[0].legal_basis", "\"vital_interest\"", "purposes[0].legal_basis: unknown legal basis \"vital_interest\"" },
  { "purpose-unknown-category", "purposes[0].data_categories", "[\"user.contact.fax\"]", "purposes[0].data_categories[0]: unknown data category \"user.contact.fax\"" },
  { "purpose-duplicate", "purposes[2].id", "\"marketing.email\"", "purposes[2].id: \"marketing.email\" is already" },
  { "purpose-default-contract", "purposes[2].default", "\"revoked\"", "purposes[2].default: a contract purpose" },
  { "purpose-default-word", "purposes[0].default", "\"yes\"", "purposes[0].default: expected \"granted\" or \"revoked\"" },
  { "offer-unknown-purpose", "offers[0].purpose", "\"personalize.sizes\"", "offers[0].purpose: unknown purpose \"personalize.sizes\"" },
  { "offer-duplicate", "offers[1].id", "\"running-shoes\"", "offers[1].id: \"running-shoes\" is already" },
  { "offer-rule-undeclared", "offers[1].rule", "[{\"category\":\"user.contact.email\"}]",
    "offers[1].rule: reads \"user.contact.email\", which purpose \"personalize.offers\" does not declare" },
  { "offer-rule-unknown-category", "offers[1].rule", "[{\"category\":\"user.contact.fax\"}]", "offers[1].rule: reads unknown data category" },
  { "offer-rule-operator", "offers[0].rule[0].where[0].op", "\"regex\"", "offers[0].rule[0].where[0].op: unknown operator \"regex\"" },
  { "offer-rule-empty", "offers[0].rule", "[]", "offers[0].rule: a rule needs at least one condition" },
  { "offer-missing-rule", "offers[0].rule", NULL, "offers[0].rule: missing" },
  { "offer-not-object", "offers[1]", "42", "offers[1]: expected an object, got a number" },
  { "kiosk-missing", "kiosk", NULL, "kiosk: missing" },
  { "scanner-hint-string", "branding.scanner_hint", "\"Under the screen\"", "branding.scanner_hint: expected a text object" },
  { "scanner-hint-empty", "branding.scanner_hint", "{\"en\":\"\"}", "branding.scanner_hint.en: must not be empty" },
  { "kiosk-idle", "kiosk.idle_timeout_seconds", "5", "kiosk.idle_timeout_seconds: 5 is out of range (15 to 600)" },
  { "kiosk-warning-long", "kiosk.warning_seconds", "60", "kiosk.warning_seconds: 60 is not shorter" },
  { "kiosk-portal-http", "kiosk.portal_url", "\"http://example.org/p\"", "kiosk.portal_url: \"http://example.org/p\" is not an https URL" },
  { "kiosk-bool", "kiosk.staff_timeout_seconds", "true", "kiosk.staff_timeout_seconds: expected a whole number, got a boolean" },
  { "accent-name", "branding.accent_color", "\"red\"", "branding.accent_color: expected a colour as #rrggbb, got \"red\"" },
  { "accent-short", "branding.accent_color", "\"#fff\"", "branding.accent_color: expected a colour" },
  { "accent-not-hex", "branding.accent_color", "\"#12345g\"", "branding.accent_color: expected a colour" },
  { "logo-not-svg", "branding.logo_svg", "\"<html/>\"", "branding.logo_svg: not an SVG document" },
  { "staff-hash", "staff[0].pin_hash", "\"2468\"", "staff[0].pin_hash: not an argon2id hash" },
  { "staff-duplicate", "staff", "[{\"id\":\"a\",\"name\":\"A\",\"pin_hash\":\"$argon2id$x\"},"
    "{\"id\":\"a\",\"name\":\"B\",\"pin_hash\":\"$argon2id$y\"}]", "staff[1].id: \"a\" is already" },
  { "null-value", "branding.name", "null", "branding.name: expected a string, got null" },
#define REASON "\"reason\":{\"en\":\"to deliver your orders\"}"
  { "third-parties-not-array", "purposes[2].third_parties", "\"Parcelway Ltd\"",
    "purposes[2].third_parties: expected an array, got a string" },
  { "third-party-not-object", "purposes[2].third_parties", "[\"Parcelway Ltd\"]",
    "purposes[2].third_parties[0]: expected an object, got a string" },
  { "third-party-unknown-field", "purposes[2].third_parties",
    "[{\"name\":\"Parcelway Ltd\"," REASON ",\"url\":\"https://parcelway.example\"}]",
    "purposes[2].third_parties[0]: unknown field \"url\"" },
  { "third-party-no-name", "purposes[2].third_parties", "[{" REASON "}]",
    "purposes[2].third_parties[0].name: missing (required)" },
  { "third-party-name-empty", "purposes[2].third_parties", "[{\"name\":\"\"," REASON "}]",
    "purposes[2].third_parties[0].name: must not be empty" },
  { "third-party-name-blank", "purposes[2].third_parties", "[{\"name\":\" \\t \"," REASON "}]",
    "purposes[2].third_parties[0].name: must not be only white space" },
  { "third-party-name-number", "purposes[2].third_parties", "[{\"name\":42," REASON "}]",
    "purposes[2].third_parties[0].name: expected a string, got a number" },
  { "third-party-name-text", "purposes[2].third_parties", "[{\"name\":{\"en\":\"Parcelway\"}," REASON "}]",
    "purposes[2].third_parties[0].name: expected a string, got an object" },
  { "third-party-twice", "purposes[0].third_parties",
    "[{\"name\":\"Parcelway Ltd\"," REASON "},{\"name\":\"Finanzamt\"," REASON "},"
    "{\"name\":\" PARCELWAY LTD\"," REASON "}]",
    "purposes[0].third_parties[2].name: \" PARCELWAY LTD\" names the same party as third_parties[0]" },
  { "third-party-no-reason", "purposes[2].third_parties", "[{\"name\":\"Parcelway Ltd\"}]",
    "purposes[2].third_parties[0].reason: missing (required)" },
  { "third-party-reason-string", "purposes[2].third_parties",
    "[{\"name\":\"Parcelway Ltd\",\"reason\":\"to deliver your orders\"}]",
    "purposes[2].third_parties[0].reason: expected a text object" },
  { "third-party-reason-no-default", "purposes[2].third_parties",
    "[{\"name\":\"Parcelway Ltd\",\"reason\":{\"de\":\"zur Lieferung\"}}]",
    "purposes[2].third_parties[0].reason: no \"en\" text" },
  { "third-party-reason-other-language", "purposes[1].third_parties",
    "[{\"name\":\"Brightlane Rewards Ltd\",\"reason\":{\"en\":\"offers\",\"fr\":\"offres\"}}]",
    "purposes[1].third_parties[0].reason: language \"fr\" is not one of" },
  { "third-party-reason-empty", "purposes[2].third_parties",
    "[{\"name\":\"Parcelway Ltd\",\"reason\":{\"en\":\"to deliver\",\"de\":\"\"}}]",
    "purposes[2].third_parties[0].reason.de: must not be empty" },
#undef REASON
};

static void
test_bad_edit (gconstpointer data)
{
  const BadEdit *bad = data;
  g_autofree char *base = gh_test_bundle_config (3);
  g_autofree char *text = gh_test_bundle_edit (base, bad->path, bad->value);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = parse (text, &error);

  g_assert_null (catalog);
  g_assert_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, bad->message))
    gh_test_fail ("%s: expected a message starting \"%s\", got \"%s\"", bad->name, bad->message, error->message);
}

/* Bad bytes rather than bad fields. */
typedef struct {
  const char *name;
  const char *text;
  gssize      length;
  const char *message;
} BadText;

static const BadText bad_texts[] = {
  { "empty", "", 0, "payload: empty" },
  { "not-json", "{\"format\": ", -1, "payload: not valid JSON" },
  { "array-root", "[1,2]", -1, "config: expected a JSON object, got an array" },
  { "invalid-utf8", "{\"format\":\"\xc3\x28\"}", -1, "payload: invalid UTF-8 at byte 11" },
  { "nul-byte", "{\"a\":1}\0{}", 10, "payload: invalid UTF-8 at byte 7" },
  { "nul-escape", "{\"format\":\"a\\u0000b\"}", -1, "payload: \\u0000 in a string" },
  { "lone-surrogate", "{\"format\":\"\\ud83d!\"}", -1, "payload: an unpaired UTF-16 surrogate" },
  { "lone-low-surrogate", "{\"format\":\"\\ude00\"}", -1, "payload: an unpaired UTF-16 surrogate" },
  /* json-glib would keep the last of them; another reader of the signed text, the first. */
  { "repeated-member", "{\"version\":1,\"version\":9}", -1, "payload: member \"version\" appears more than once" },
  { "repeated-escaped", "{\"id\":1,\"\\u0069d\":2}", -1, "payload: member \"id\" appears more than once" },
  { "repeated-nested", "{\"kiosk\":{\"a\":[{},{\"x\":1,\"x\":1}]}}", -1, "kiosk.a[1]: member \"x\" appears more than once" },
};

static void
test_bad_text (gconstpointer data)
{
  const BadText *bad = data;
  g_autoptr(GBytes) bytes = g_bytes_new (bad->text, bad->length >= 0 ? (gsize) bad->length : strlen (bad->text));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = gh_catalog_new_from_bytes (bytes, &error);

  g_assert_null (catalog);
  g_assert_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, bad->message))
    gh_test_fail ("%s: expected a message starting \"%s\", got \"%s\"", bad->name, bad->message, error->message);
}

static void
test_limits (void)
{
  g_autofree char *base = gh_test_bundle_config (3);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) langs = g_string_new ("[\"en\"");
  g_autoptr(GString) conditions = g_string_new ("[");
  g_autofree char *long_id = g_strnfill (GH_CATALOG_MAX_ID_BYTES + 1, 'a');
  g_autofree char *long_text = g_strnfill (GH_CATALOG_MAX_TEXT_BYTES + 1, 'x');
  g_autoptr(GString) parties = g_string_new ("[");
  g_autofree char *long_name = g_strnfill (GH_CATALOG_MAX_NAME_BYTES + 1, 'n');
  g_autofree char *json_long_name = NULL;
  struct { char *text; const char *message; } cases[8];
  g_autofree char *json_long_id = g_strdup_printf ("\"%s\"", long_id);
  g_autofree char *json_long_text = g_strdup_printf ("{\"en\":\"%s\"}", long_text);

  for (int i = 0; i < 40; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 40; i++)
    g_string_append_c (deep, ']');
  for (int i = 0; i < GH_CATALOG_MAX_LANGUAGES; i++)
    g_string_append_printf (langs, ",\"x%c\"", 'a' + i);
  g_string_append_c (langs, ']');
  for (int i = 0; i <= GH_CATALOG_MAX_CONDITIONS; i++)
    g_string_append_printf (conditions, "%s{\"category\":\"user.preference.sizes\"}", i ? "," : "");
  g_string_append_c (conditions, ']');
  for (int i = 0; i <= GH_CATALOG_MAX_THIRD_PARTIES; i++)
    g_string_append_printf (parties, "%s{\"name\":\"Partner %d\",\"reason\":{\"en\":\"why\"}}",
                            i ? "," : "", i);
  g_string_append_c (parties, ']');
  json_long_name = g_strdup_printf ("[{\"name\":\"%s\",\"reason\":{\"en\":\"why\"}}]", long_name);

  cases[0].text = gh_test_bundle_edit (base, "branding.name", deep->str);
  cases[0].message = "payload: nested deeper than 32 levels";
  cases[1].text = gh_test_bundle_edit (base, "languages", langs->str);
  cases[1].message = "languages: 17 entries, more than the limit of 16";
  cases[2].text = gh_test_bundle_edit (base, "offers[0].id", json_long_id);
  cases[2].message = "offers[0].id: 129 bytes, more than the limit of 128";
  cases[3].text = gh_test_bundle_edit (base, "offers[0].description", json_long_text);
  cases[3].message = "offers[0].description.en: 4001 bytes, more than the limit of 4000";
  cases[4].text = gh_test_bundle_edit (base, "offers[1].rule", conditions->str);
  cases[4].message = "offers[1].rule: 33 conditions, more than the limit of 32";
  cases[5].text = gh_test_bundle_big_config (1, 40, GH_CATALOG_MAX_OFFERS + 1);
  cases[5].message = "offers: 10001 entries, more than the limit of 10000";
  cases[6].text = gh_test_bundle_edit (base, "purposes[0].third_parties", parties->str);
  cases[6].message = "purposes[0].third_parties: 21 entries, more than the limit of 20";
  cases[7].text = gh_test_bundle_edit (base, "purposes[0].third_parties", json_long_name);
  cases[7].message = "purposes[0].third_parties[0].name: 201 bytes, more than the limit of 200";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhCatalog) catalog = parse (cases[i].text, &error);

      g_assert_null (catalog);
      g_assert_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, cases[i].message))
        gh_test_fail ("limit %u: expected \"%s\", got \"%s\"", i, cases[i].message, error->message);
      g_free (cases[i].text);
    }

  /* Just under the limits is fine. */
  {
    g_autofree char *text = gh_test_bundle_big_config (1, 300, GH_CATALOG_MAX_OFFERS);
    g_autoptr(GError) error = NULL;
    g_autoptr(GhCatalog) catalog = parse (text, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_offers (catalog)), ==, GH_CATALOG_MAX_OFFERS);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalog/good", test_good);
  g_test_add_func ("/catalog/optional-parts", test_optional_parts);
  g_test_add_func ("/catalog/third-parties", test_third_parties);
  g_test_add_func ("/catalog/scanner-hint", test_scanner_hint);
  g_test_add_func ("/catalog/small-config-loads", test_small_config_loads);
  g_test_add_func ("/catalog/none-active", test_none_active);
  g_test_add_func ("/catalog/limits", test_limits);
  for (guint i = 0; i < G_N_ELEMENTS (bad_edits); i++)
    {
      g_autofree char *name = g_strdup_printf ("/catalog/bad/%s", bad_edits[i].name);
      g_test_add_data_func (name, &bad_edits[i], test_bad_edit);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_texts); i++)
    {
      g_autofree char *name = g_strdup_printf ("/catalog/bad-bytes/%s", bad_texts[i].name);
      g_test_add_data_func (name, &bad_texts[i], test_bad_text);
    }
  return g_test_run ();
}
