/* Bundles end to end through glasshouse-ctl: keygen, sign, verify, apply, status
 * and rollback; key rotation; no replay after a rollback; the store check; the
 * demo bundle. And many bad bundles, each of which must exit 3, name its JSON
 * path, leave the active config as it was, and leave the audit chain intact.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config/gh-config.h"
#include "store/gh-store-private.h"
#include "store/gh-store-schema.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

typedef struct {
  char    *dir;
  char    *db_path;
  char    *k1;          /* key prefixes */
  char    *k2;
  char    *trust_path;  /* k1 only */
  GhStore *store;
} Fixture;

#define GOOD_VERSION 5

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION);
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autofree char *pub = NULL;

  f->dir = gh_test_mkdtemp ();
  f->db_path = g_build_filename (f->dir, "store.db", NULL);
  f->store = gh_store_open (f->db_path, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  gh_store_set_meta (f->store, "store_id", "store-001", &error);
  g_assert_no_error (error);

  f->k1 = gh_test_bundle_keygen (f->dir, "hq-2025");
  f->k2 = gh_test_bundle_keygen (f->dir, "hq-2026");
  pub = g_strconcat (f->k1, ".pub", NULL);
  f->trust_path = g_build_filename (f->dir, "trust", NULL);
  {
    g_autofree char *text = read_text (pub);
    write_text (f->trust_path, text);
  }

  trust = gh_trust_new_from_file (f->trust_path, &error);
  g_assert_no_error (error);
  bundle = gh_test_bundle_sign (config, f->k1);
  catalog = gh_config_apply (f->store, bundle, trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gh_catalog_get_version (catalog), ==, GOOD_VERSION);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  gh_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
  g_free (f->k1);
  g_free (f->k2);
  g_free (f->trust_path);
}

static JsonObject *
status_json (Fixture    *f,
             JsonNode  **keep)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc = gh_test_run_ctl (&out, &err, "config", "status", "--json", "--db", f->db_path, NULL);

  g_assert_cmpint (rc, ==, 0);
  *keep = json_from_string (out, NULL);
  g_assert_nonnull (*keep);
  return json_node_get_object (*keep);
}

static gint64
status_version (Fixture *f)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *status = status_json (f, &node);

  return json_object_get_null_member (status, "version") ? 0 : json_object_get_int_member (status, "version");
}

static int
apply_file (Fixture     *f,
            const char  *trust_path,
            const char  *bundle_path,
            char       **err)
{
  return gh_test_run_ctl (NULL, err, "config", "apply", "--db", f->db_path, "--trust", trust_path,
                          bundle_path, NULL);
}

static int
apply_bytes (Fixture     *f,
             const char  *trust_path,
             GBytes      *bundle,
             char       **err)
{
  g_autofree char *path = gh_test_bundle_write (f->dir, "incoming.bundle", bundle);
  return apply_file (f, trust_path, path, err);
}

static void
assert_audit_ok (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "audit", "verify", "--db", f->db_path, NULL), ==, 0);
}

/* ---- bad bundles ------------------------------------------------------------ */

typedef GBytes *(*MakeBundle) (Fixture *f);

typedef struct {
  const char *name;
  const char *edit_path;    /* a config edit signed with the trusted key ... */
  const char *edit_value;
  MakeBundle  make;         /* ... or bytes made by hand */
  const char *path;         /* the JSON path the message and the event must name */
  const char *reason;       /* a piece of the reason */
} BadBundle;

/* The envelope of a correctly signed v6 bundle, as an object to tamper with. */
static JsonObject *
good_envelope (Fixture   *f,
               JsonNode **keep)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, f->k1);

  *keep = json_from_string (g_bytes_get_data (bundle, NULL), NULL);
  return json_node_get_object (*keep);
}

static GBytes *
node_bytes (JsonNode *node)
{
  char *text = json_to_string (node, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* A correctly signed envelope with @member set to the JSON text @json, or removed
 * when @json is NULL. */
static GBytes *
envelope_with (Fixture    *f,
               const char *member,
               const char *json)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = good_envelope (f, &node);

  if (json == NULL)
    json_object_remove_member (object, member);
  else
    json_object_set_member (object, member, json_from_string (json, NULL));
  return node_bytes (node);
}

static GBytes *
make_oversized (Fixture *f)
{
  gsize size = GH_BUNDLE_MAX_BYTES + 1;
  char *data = g_malloc (size);

  memset (data, ' ', size);
  data[0] = '{';
  data[size - 1] = '}';
  return g_bytes_new_take (data, size);
}

static GBytes *
make_not_json (Fixture *f)
{
  return g_bytes_new_static ("this is not a bundle\n", 21);
}

static GBytes *
make_array (Fixture *f)
{
  return g_bytes_new_static ("[\"glasshouse-bundle/1\"]", 23);
}

static GBytes *
make_wrong_format (Fixture *f)
{
  return envelope_with (f, "format", "\"glasshouse-bundle/2\"");
}

static GBytes *
make_no_signature (Fixture *f)
{
  return envelope_with (f, "signature", NULL);
}

static GBytes *
make_signature_number (Fixture *f)
{
  return envelope_with (f, "signature", "42");
}

static GBytes *
make_payload_not_base64 (Fixture *f)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = good_envelope (f, &node);
  g_autofree char *payload = g_strdup (json_object_get_string_member (object, "payload"));

  payload[5] = '*';
  json_object_set_string_member (object, "payload", payload);
  return node_bytes (node);
}

static GBytes *
make_short_signature (Fixture *f)
{
  return envelope_with (f, "signature", "\"AAAA\"");
}

static GBytes *
make_unknown_key (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  return gh_test_bundle_sign (config, f->k2);   /* hq-2026 is not in the trust file */
}

static GBytes *
make_altered_payload (Fixture *f)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = good_envelope (f, &node);
  g_autofree char *other = gh_test_bundle_config (GOOD_VERSION + 2);
  g_autofree char *payload = g_base64_encode ((const guchar *) other, strlen (other));

  /* Validly encoded, but not what was signed. */
  json_object_set_string_member (object, "payload", payload);
  return node_bytes (node);
}

static GBytes *
make_wrong_key_same_id (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  g_autoptr(GBytes) by_k2 = gh_test_bundle_sign (config, f->k2);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (by_k2, NULL), NULL);

  /* Signed by hq-2026 but claiming to be hq-2025. */
  json_object_set_string_member (json_node_get_object (node), "key_id", "hq-2025");
  return node_bytes (node);
}

static GBytes *
make_envelope_extra_field (Fixture *f)
{
  return envelope_with (f, "comment", "\"hello\"");
}

static GBytes *
make_envelope_deep (Fixture *f)
{
  return g_bytes_new_static ("{\"format\":[[[[\"x\"]]]]}", 22);
}

static GBytes *
sign_text (Fixture    *f,
           const char *text,
           gssize      length)
{
  guint8 secret[64];
  g_autofree char *key_id = NULL;
  g_autofree char *key_path = g_strconcat (f->k1, ".key", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (text, length >= 0 ? (gsize) length : strlen (text));
  g_autoptr(GError) error = NULL;
  GBytes *bundle;

  g_assert_true (gh_bundle_read_secret_key (key_path, &key_id, secret, &error));
  bundle = gh_bundle_sign_with_key (bytes, key_id, secret, &error);
  g_assert_no_error (error);
  return bundle;
}

static GBytes *
make_payload_bad_utf8 (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  char *p = strstr (config, "Sam");

  p[1] = (char) 0xff;
  return sign_text (f, config, -1);
}

static GBytes *
make_payload_not_json (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);

  config[strlen (config) - 1] = ',';
  return sign_text (f, config, -1);
}

static GBytes *
make_payload_deep (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  g_autofree char *open = g_strnfill (100, '[');
  g_autofree char *close = g_strnfill (100, ']');
  g_autofree char *deep = g_strconcat (open, close, NULL);
  g_autofree char *edited = gh_test_bundle_edit (config, "offers[0].rule[0].where[0].value", "1");
  g_autofree char *spliced = NULL;
  char *at = strstr (edited, "\"value\":1");

  g_assert_nonnull (at);
  at[strlen ("\"value\":")] = '\0';
  spliced = g_strconcat (edited, deep, at + strlen ("\"value\":1"), NULL);
  return sign_text (f, spliced, -1);
}

static GBytes *
make_payload_array (Fixture *f)
{
  return sign_text (f, "[]", -1);
}

/* A signed config whose branding.name is @escaped as written, raw, into the JSON text:
 * an escape that no JSON writer would make. */
static GBytes *
sign_name_spliced (Fixture    *f,
                   const char *escaped)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  g_autofree char *edited = gh_test_bundle_edit (config, "branding.name", "\"EXAMPLE\"");
  char *at = strstr (edited, "EXAMPLE");
  g_autofree char *spliced = NULL;

  *at = '\0';
  spliced = g_strconcat (edited, escaped, at + strlen ("EXAMPLE"), NULL);
  return sign_text (f, spliced, -1);
}

static GBytes *
make_payload_surrogate (Fixture *f)
{
  return sign_name_spliced (f, "\\ud800x");
}

static GBytes *
make_payload_nul_escape (Fixture *f)
{
  return sign_name_spliced (f, "Ex\\u0000ample");
}

static GBytes *
make_too_many_offers (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_big_config (GOOD_VERSION + 1, 30, GH_CATALOG_MAX_OFFERS + 1);
  return sign_text (f, config, -1);
}

static GBytes *
make_replay (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION);
  g_autofree char *edited = gh_test_bundle_edit (config, "branding.name", "\"Same version, new text\"");
  return sign_text (f, edited, -1);
}

static GBytes *
make_downgrade (Fixture *f)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION - 1);
  return sign_text (f, config, -1);
}

static const BadBundle bad_bundles[] = {
  /* the envelope */
  { "oversized", NULL, NULL, make_oversized, "bundle", "more than the limit" },
  { "not-json", NULL, NULL, make_not_json, "bundle", "not valid JSON" },
  { "envelope-array", NULL, NULL, make_array, "bundle", "expected a JSON object" },
  { "envelope-format", NULL, NULL, make_wrong_format, "bundle.format", "glasshouse-bundle/2" },
  { "envelope-no-signature", NULL, NULL, make_no_signature, "bundle.signature", "missing" },
  { "envelope-signature-number", NULL, NULL, make_signature_number, "bundle.signature", "expected a string" },
  { "envelope-extra-field", NULL, NULL, make_envelope_extra_field, "bundle", "unknown field \"comment\"" },
  { "envelope-deep", NULL, NULL, make_envelope_deep, "bundle", "nested deeper than 2 levels" },
  { "payload-not-base64", NULL, NULL, make_payload_not_base64, "bundle.payload", "not base64" },
  { "signature-short", NULL, NULL, make_short_signature, "bundle.signature", "not a base64 Ed25519 signature" },
  /* key and signature */
  { "unknown-key", NULL, NULL, make_unknown_key, "bundle.key_id", "\"hq-2026\" is not in the trust file" },
  { "altered-payload", NULL, NULL, make_altered_payload, "bundle.signature", "does not match" },
  { "wrong-key-same-id", NULL, NULL, make_wrong_key_same_id, "bundle.signature", "does not match" },
  /* the config's bytes */
  { "payload-bad-utf8", NULL, NULL, make_payload_bad_utf8, "payload", "invalid UTF-8" },
  { "payload-not-json", NULL, NULL, make_payload_not_json, "payload", "not valid JSON" },
  { "payload-deep", NULL, NULL, make_payload_deep, "payload", "nested deeper than 32 levels" },
  { "payload-array", NULL, NULL, make_payload_array, "config", "expected a JSON object" },
  { "payload-surrogate", NULL, NULL, make_payload_surrogate, "payload", "unpaired UTF-16 surrogate" },
  { "payload-nul-escape", NULL, NULL, make_payload_nul_escape, "payload", "\\u0000" },
  /* schema */
  { "format", "format", "\"glasshouse-config/9\"", NULL, "format", "expected \"glasshouse-config/1\"" },
  { "version-string", "version", "\"6\"", NULL, "version", "expected a whole number" },
  { "version-missing", "version", NULL, NULL, "version", "missing" },
  { "stores-wrong-type", "stores", "{\"store-001\":true}", NULL, "stores", "expected an array" },
  { "issued-at-not-a-time", "issued_at", "\"yesterday\"", NULL, "issued_at", "not an RFC 3339 time" },
  { "unknown-field", "promotions", "[]", NULL, "config", "unknown field \"promotions\"" },
  { "missing-kiosk", "kiosk", NULL, NULL, "kiosk", "missing" },
  { "idle-timeout-range", "kiosk.idle_timeout_seconds", "3600", NULL, "kiosk.idle_timeout_seconds", "out of range" },
  { "portal-not-https", "kiosk.portal_url", "\"http://example.org/p\"", NULL, "kiosk.portal_url", "https" },
  { "accent-colour", "branding.accent_color", "\"blue\"", NULL, "branding.accent_color", "#rrggbb" },
  { "text-missing-default", "offers[0].title", "{\"de\":\"Neue Laufschuhe\"}", NULL, "offers[0].title", "no \"en\" text" },
  { "text-foreign-language", "purposes[1].description", "{\"en\":\"x\",\"it\":\"y\"}", NULL, "purposes[1].description", "language \"it\"" },
  { "legal-basis", "purposes[0].legal_basis", "\"because\"", NULL, "purposes[0].legal_basis", "unknown legal basis" },
  { "staff-pin-hash", "staff[0].pin_hash", "\"1234\"", NULL, "staff[0].pin_hash", "not an argon2id hash" },
  { "too-many-offers", NULL, NULL, make_too_many_offers, "offers", "more than the limit of 10000" },
  /* cross-references */
  { "duplicate-offer", "offers[1].id", "\"running-shoes\"", NULL, "offers[1].id", "already the id" },
  { "duplicate-category", "data_categories[2].id", "\"user.contact.email\"", NULL, "data_categories[2].id", "already the id" },
  { "duplicate-purpose", "purposes[1].id", "\"marketing.email\"", NULL, "purposes[1].id", "already the id" },
  { "unknown-purpose", "offers[0].purpose", "\"personalize.sizes\"", NULL, "offers[0].purpose", "unknown purpose \"personalize.sizes\"" },
  { "purpose-unknown-category", "purposes[2].data_categories", "[\"user.contact.email\",\"user.financial\"]", NULL,
    "purposes[2].data_categories[1]", "unknown data category \"user.financial\"" },
  { "rule-undeclared-category", "offers[1].rule[0].category", "\"user.contact.email\"", NULL, "offers[1].rule",
    "reads \"user.contact.email\", which purpose \"personalize.offers\" does not declare" },
  { "rule-unknown-operator", "offers[0].rule[0].where[0].op", "\"matches\"", NULL, "offers[0].rule[0].where[0].op",
    "unknown operator \"matches\"" },
  { "third-party-twice", "purposes[2].third_parties",
    "[{\"name\":\"Parcelway Ltd\",\"reason\":{\"en\":\"to deliver\"}},"
    "{\"name\":\"parcelway ltd\",\"reason\":{\"en\":\"to track\"}}]", NULL,
    "purposes[2].third_parties[1].name", "\"parcelway ltd\" names the same party as third_parties[0]" },
  /* this kiosk */
  { "replay", NULL, NULL, make_replay, "version", "is not newer than 5" },
  { "downgrade", NULL, NULL, make_downgrade, "version", "4 is not newer than 5" },
  { "expired", "expires_at", "\"2025-06-02T00:00:00Z\"", NULL, "expires_at", "the config expired" },
  { "other-store", "stores", "[\"store-002\",\"store-003\"]", NULL, "stores", "\"store-001\" is not listed" },
};

static void
test_bad_bundle (Fixture       *f,
                 gconstpointer  data)
{
  const BadBundle *bad = data;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) active_before = NULL;
  g_autoptr(GBytes) active_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status_node = NULL;
  g_autofree char *err = NULL;
  g_autofree char *prefix = NULL;
  JsonObject *status, *rejection;
  gint64 events_before, events_after;

  if (bad->make != NULL)
    bundle = bad->make (f);
  else
    {
      g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
      g_autofree char *edited = gh_test_bundle_edit (config, bad->edit_path, bad->edit_value);
      bundle = gh_test_bundle_sign (edited, f->k1);
    }

  active_before = gh_store_get_active_config (f->store, NULL, &error);
  g_assert_no_error (error);
  events_before = gh_store_count_events (f->store, &error);

  g_assert_cmpint (apply_bytes (f, f->trust_path, bundle, &err), ==, 3);
  prefix = g_strdup_printf ("glasshouse-ctl: error: %s: ", bad->path);
  if (!g_str_has_prefix (err, prefix) || strstr (err, bad->reason) == NULL)
    gh_test_fail ("%s: expected \"%s...%s...\", got \"%s\"", bad->name, prefix, bad->reason, err);
  g_assert_cmpint (strlen (err) - 1, ==, strcspn (err, "\n"));   /* one line */

  /* The old config is still the one in force, byte for byte... */
  status = status_json (f, &status_node);
  g_assert_cmpint (json_object_get_int_member (status, "version"), ==, GOOD_VERSION);
  active_after = gh_store_get_active_config (f->store, NULL, &error);
  g_assert_true (g_bytes_equal (active_before, active_after));

  /* ... and the refusal is recorded: one config.rejected event with the path and the reason. */
  events_after = gh_store_count_events (f->store, &error);
  g_assert_cmpint (events_after, ==, events_before + 1);
  rejection = json_object_get_object_member (status, "last_rejection");
  g_assert_nonnull (rejection);
  g_assert_cmpstr (json_object_get_string_member (rejection, "path"), ==, bad->path);
  g_assert_nonnull (strstr (json_object_get_string_member (rejection, "reason"), bad->reason));
  g_assert_cmpstr (json_object_get_string_member (rejection, "source"), ==, "incoming.bundle");

  assert_audit_ok (f);
}

/* ---- the rest ------------------------------------------------------------------ */

static void
test_keygen_cli (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *prefix = g_build_filename (f->dir, "cli-key", NULL);
  g_autofree char *key = g_strconcat (prefix, ".key", NULL);
  g_autofree char *pub = g_strconcat (prefix, ".pub", NULL);
  g_autofree char *key_before = NULL;
  g_autofree char *key_after = NULL;
  g_autofree char *err = NULL;
  GStatBuf st;

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "keygen", "--out", prefix, NULL), ==, 0);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_test (pub, G_FILE_TEST_IS_REGULAR));

  /* Never overwrites a key HQ may already be signing with. */
  key_before = read_text (key);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "keygen", "--out", prefix, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "not overwriting"));
  key_after = read_text (key);
  g_assert_cmpstr (key_before, ==, key_after);

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "keygen", NULL), ==, 2);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "keygen", "--out", prefix, "--key-id", "bad id", NULL), ==, 3);
}

static void
test_sign_verify_cli (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  g_autofree char *config_path = g_build_filename (f->dir, "config.json", NULL);
  g_autofree char *key = g_strconcat (f->k1, ".key", NULL);
  g_autofree char *pub = g_strconcat (f->k1, ".pub", NULL);
  g_autofree char *bundle_path = g_build_filename (f->dir, "v6.bundle", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *verify_out = NULL;

  write_text (config_path, config);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "bundle", "sign", "--key", key, config_path, NULL), ==, 0);
  write_text (bundle_path, out);
  g_assert_cmpint (gh_test_run_ctl (&verify_out, NULL, "bundle", "verify", "--trust", pub, bundle_path, NULL), ==, 0);
  g_assert_nonnull (strstr (verify_out, "config version 6, signed by key hq-2025"));

  /* Signing with the public half is a mistake the tool names. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "bundle", "sign", "--key", pub, config_path, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "not a Glasshouse secret key"));
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "bundle", "sign", config_path, NULL), ==, 2);

  /* A bad trust file is refused as such. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "bundle", "verify", "--trust", key, bundle_path, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "trust file"));

  /* verify does not apply. */
  g_assert_cmpint (status_version (f), ==, GOOD_VERSION);
  g_assert_cmpint (apply_file (f, f->trust_path, bundle_path, NULL), ==, 0);
  g_assert_cmpint (status_version (f), ==, GOOD_VERSION + 1);
}

/* HQ learns of a config every kiosk would refuse when it signs it, not from the fleet;
 * a repeated member (read one way by json-glib, another by other tools) is one such. */
static void
test_sign_refuses_invalid_config (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  g_autofree char *config_path = g_build_filename (f->dir, "repeated.json", NULL);
  g_autofree char *key = g_strconcat (f->k1, ".key", NULL);
  g_autofree char *bundle_path = g_build_filename (f->dir, "repeated.bundle", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *repeated = NULL;
  const char *version = strstr (config, "\"version\"");

  /* {"version": 6, "version": 6, ...}: the same number twice, still refused. */
  g_assert_nonnull (version);
  repeated = g_strdup_printf ("%.*s\"version\": %d, %s", (int) (version - config), config,
                              GOOD_VERSION + 1, version);
  write_text (config_path, repeated);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "bundle", "sign", "--key", key, config_path, NULL), ==, 3);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "repeated.json: not signed: payload: member \"version\" appears more than once"));

  /* --unchecked signs it anyway, to test kiosks; the kiosk refuses it all the same. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "bundle", "sign", "--unchecked", "--key", key,
                                    config_path, NULL), ==, 0);
  write_text (bundle_path, out);
  g_assert_cmpint (apply_file (f, f->trust_path, bundle_path, &err), ==, 3);
  g_assert_nonnull (strstr (err, "member \"version\" appears more than once"));
  g_assert_cmpint (status_version (f), ==, GOOD_VERSION);
  assert_audit_ok (f);
}

static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *status = status_json (f, &node);
  g_autofree char *out = NULL;

  g_assert_cmpint (json_object_get_int_member (status, "version"), ==, GOOD_VERSION);
  g_assert_cmpstr (json_object_get_string_member (status, "key_id"), ==, "hq-2025");
  g_assert_cmpstr (json_object_get_string_member (status, "issued_at"), ==, "2025-06-01T09:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (status, "expires_at"), ==, "2099-01-01T00:00:00+01:00");
  g_assert_nonnull (json_object_get_string_member (status, "applied_at"));
  g_assert_cmpstr (json_object_get_string_member (status, "store_id"), ==, "store-001");
  g_assert_true (json_object_get_null_member (status, "last_rejection"));

  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "config", "status", "--db", f->db_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "version:     5"));
  g_assert_nonnull (strstr (out, "key:         hq-2025"));
}

/* The last refusal is found through schema 8's index, also on a store that had refusals
 * before it and has many events after the refusal. */
static void
test_status_last_refusal (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *config = gh_test_bundle_config (GOOD_VERSION + 1);
  g_autoptr(GBytes) unsigned_by_trusted = gh_test_bundle_sign (config, f->k2);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *err = NULL;
  JsonObject *rejection;

  g_assert_cmpint (apply_bytes (f, f->trust_path, unsigned_by_trusted, &err), ==, 3);
  for (int i = 0; i < 300; i++)
    g_assert_cmpint (gh_store_append_event (f->store, "staff", NULL, "kiosk.note", "{}", &error),
                     >, 0);
  g_assert_no_error (error);

  /* A store from before the index: the next open builds it over the events it has. */
  g_assert_cmpint (gh_test_store_int (f->store, "SELECT count (*) FROM sqlite_master"
                                                " WHERE name = 'event_config_rejected'", NULL),
                   ==, 1);
  g_assert_true (_gh_store_exec (f->store, "DROP INDEX event_config_rejected;"
                                           " PRAGMA user_version = 7", &error));
  g_clear_object (&f->store);
  f->store = gh_store_open (f->db_path, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gh_store_get_schema_version (f->store), ==, gh_store_schema_latest ());
  g_assert_cmpint (gh_test_store_int (f->store, "SELECT count (*) FROM sqlite_master"
                                                " WHERE name = 'event_config_rejected'", NULL),
                   ==, 1);

  rejection = json_object_get_object_member (status_json (f, &node), "last_rejection");
  g_assert_nonnull (rejection);
  g_assert_cmpstr (json_object_get_string_member (rejection, "path"), ==, "bundle.key_id");
  g_assert_cmpstr (json_object_get_string_member (rejection, "source"), ==, "incoming.bundle");
  assert_audit_ok (f);
}

static void
test_key_rotation (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *pub1 = g_strconcat (f->k1, ".pub", NULL);
  g_autofree char *pub2 = g_strconcat (f->k2, ".pub", NULL);
  g_autofree char *text1 = read_text (pub1);
  g_autofree char *text2 = read_text (pub2);
  g_autofree char *both = g_strconcat ("# HQ keys, old and new\n", text1, "\n\n", text2, NULL);
  g_autofree char *both_path = g_build_filename (f->dir, "trust-both", NULL);
  g_autofree char *config6 = gh_test_bundle_config (6);
  g_autofree char *config7 = gh_test_bundle_config (7);
  g_autofree char *config8 = gh_test_bundle_config (8);
  g_autoptr(GBytes) by_old = gh_test_bundle_sign (config6, f->k1);
  g_autoptr(GBytes) by_new = gh_test_bundle_sign (config7, f->k2);
  g_autoptr(GBytes) by_old_late = gh_test_bundle_sign (config8, f->k1);
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) node = NULL;

  write_text (both_path, both);
  g_assert_cmpint (apply_bytes (f, both_path, by_old, NULL), ==, 0);
  g_assert_cmpint (apply_bytes (f, both_path, by_new, NULL), ==, 0);
  g_assert_cmpint (status_version (f), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (status_json (f, &node), "key_id"), ==, "hq-2026");

  /* The old key retired from the trust file: its bundles stop working. */
  g_assert_cmpint (apply_bytes (f, pub2, by_old_late, &err), ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: bundle.key_id: "));
  g_assert_cmpint (status_version (f), ==, 7);

  /* A trust file that names one key twice is refused, not guessed at. */
  {
    g_autofree char *twice = g_strconcat (text1, text1, NULL);
    g_autofree char *twice_path = g_build_filename (f->dir, "trust-twice", NULL);
    g_autofree char *err2 = NULL;

    write_text (twice_path, twice);
    g_assert_cmpint (apply_bytes (f, twice_path, by_old_late, &err2), ==, 3);
    g_assert_nonnull (strstr (err2, "trusted twice"));
  }
  assert_audit_ok (f);
}

static void
test_rollback_no_replay (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *config6 = gh_test_bundle_config (6);
  g_autofree char *config7 = gh_test_bundle_config (7);
  g_autoptr(GBytes) v6 = gh_test_bundle_sign (config6, f->k1);
  g_autoptr(GBytes) v7 = gh_test_bundle_sign (config7, f->k1);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const GhEvent *last;

  g_assert_cmpint (apply_bytes (f, f->trust_path, v6, NULL), ==, 0);
  g_assert_cmpint (status_version (f), ==, 6);

  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "config", "rollback", "--db", f->db_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "rolled back to config version 5"));
  g_assert_cmpint (status_version (f), ==, 5);
  events = gh_store_outbox_list (f->store, 0, 0, &error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->kind, ==, "config.rolled_back");
  g_assert_cmpstr (last->body, ==, "{\"from\":6,\"to\":5}");

  /* The bundle rolled back from cannot be replayed... */
  g_assert_cmpint (apply_bytes (f, f->trust_path, v6, &err), ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: version: 6 is not newer than 6"));
  g_assert_cmpint (status_version (f), ==, 5);
  /* ... a newer one can. */
  g_assert_cmpint (apply_bytes (f, f->trust_path, v7, NULL), ==, 0);
  g_assert_cmpint (status_version (f), ==, 7);

  /* Back down the history, one step at a time, until there is nothing left. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "config", "rollback", "--db", f->db_path, NULL), ==, 0);
  g_assert_cmpint (status_version (f), ==, 6);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "config", "rollback", "--db", f->db_path, NULL), ==, 0);
  g_assert_cmpint (status_version (f), ==, 5);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "config", "rollback", "--db", f->db_path, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "nothing before it"));
  g_assert_cmpint (status_version (f), ==, 5);
  assert_audit_ok (f);
}

static void
test_history_pruned (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GhTrust) trust = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  trust = gh_trust_new_from_file (f->trust_path, &error);
  for (gint64 v = GOOD_VERSION + 1; v <= GOOD_VERSION + 8; v++)
    {
      g_autofree char *config = gh_test_bundle_config (v);
      g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, f->k1);
      g_autoptr(GhCatalog) catalog = gh_config_apply (f->store, bundle, trust, NULL, &error);

      g_assert_no_error (error);
    }
  stmt = _gh_store_prepare (f->store, "SELECT count(*), min (version) FROM config", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, GH_CONFIG_KEEP);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, GOOD_VERSION + 8 - GH_CONFIG_KEEP + 1);
  sqlite3_reset (stmt);

  /* Pruned rows do not lower the bar: the highest version is remembered. */
  g_assert_cmpint (gh_config_get_highest_version (f->store, &error), ==, GOOD_VERSION + 8);
}

static void
test_store_match (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *config = gh_test_bundle_config (6);
  g_autofree char *listed = gh_test_bundle_edit (config, "stores", "[\"store-002\",\"store-001\"]");
  g_autoptr(GBytes) bundle = gh_test_bundle_sign (listed, f->k1);
  g_autofree char *other_db = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *config7 = gh_test_bundle_config (7);
  g_autofree char *other_store = gh_test_bundle_edit (config7, "stores", "[\"store-009\"]");
  g_autoptr(GBytes) bundle7 = gh_test_bundle_sign (other_store, f->k1);
  g_autofree char *path7 = gh_test_bundle_write (f->dir, "v7.bundle", bundle7);

  g_assert_cmpint (apply_bytes (f, f->trust_path, bundle, NULL), ==, 0);
  g_assert_cmpint (status_version (f), ==, 6);

  /* A kiosk without a store id takes any store's config... */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "init", "--db", other_db, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "config", "apply", "--db", other_db, "--trust", f->trust_path,
                                    path7, NULL), ==, 0);
  /* ... one with a store id only its own. */
  g_clear_pointer (&other_db, g_free);
  other_db = g_build_filename (f->dir, "third.db", NULL);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "init", "--db", other_db, "--store-id", "store-001", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "config", "apply", "--db", other_db, "--trust", f->trust_path,
                                    path7, NULL), ==, 3);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "init", "--db", other_db, "--store-id", "bad id!", NULL), ==, 2);
}

static void
test_consent_uses_catalog (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = gh_test_store_with_shopper (dir);
  g_autofree char *db = g_strdup (gh_store_get_path (store));
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "consent", "set", "1000", "marketing.email", "granted",
                                    "--db", db, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "consent", "set", "1000", "service.orders", "revoked",
                                    "--db", db, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "rests on contract"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "consent", "set", "1000", "marketing.fax", "granted",
                                    "--db", db, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "unknown purpose \"marketing.fax\""));
  g_clear_object (&store);
  gh_test_rmdir (dir);
}

static void
test_demo (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GhConfigStatus) status = NULL;
  gint64 events;

  g_assert_no_error (error);
  g_assert_true (gh_config_apply_demo (store, &error));
  g_assert_no_error (error);
  catalog = gh_catalog_load_active (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_offers (catalog)), >, 0);
  status = gh_config_get_status (store, &error);
  g_assert_cmpstr (status->key_id, ==, "demo-hq-DO-NOT-USE");

  /* Again: already active, nothing written. */
  events = gh_store_count_events (store, &error);
  g_assert_true (gh_config_apply_demo (store, &error));
  g_assert_cmpint (gh_store_count_events (store, &error), ==, events);

  /* A tampered demo bundle is refused, not trusted because it is the demo. */
  {
    g_autofree char *bundle_path = gh_config_find_demo_bundle ();
    g_autofree char *text = read_text (bundle_path);
    g_autofree char *copy = g_build_filename (dir, "tampered.bundle", NULL);
    char *payload = strstr (text, "\"payload\"");
    char *p = payload + strlen ("\"payload\" : \"") + 10;

    *p = *p == 'A' ? 'B' : 'A';
    write_text (copy, text);
    g_setenv ("GLASSHOUSE_DEMO_BUNDLE", copy, TRUE);
    g_clear_object (&store);
    g_unlink (path);
    store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
    g_assert_false (gh_config_apply_demo (store, &error));
    g_assert_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_SIGNATURE);
    g_unsetenv ("GLASSHOUSE_DEMO_BUNDLE");
  }
  g_clear_object (&store);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/bundle/keygen-cli", Fixture, NULL, fixture_set_up, test_keygen_cli, fixture_tear_down);
  g_test_add ("/bundle/sign-verify-cli", Fixture, NULL, fixture_set_up, test_sign_verify_cli, fixture_tear_down);
  g_test_add ("/bundle/sign-refuses-invalid-config", Fixture, NULL, fixture_set_up,
              test_sign_refuses_invalid_config, fixture_tear_down);
  g_test_add ("/bundle/status", Fixture, NULL, fixture_set_up, test_status, fixture_tear_down);
  g_test_add ("/bundle/status-last-refusal", Fixture, NULL, fixture_set_up,
              test_status_last_refusal, fixture_tear_down);
  g_test_add ("/bundle/key-rotation", Fixture, NULL, fixture_set_up, test_key_rotation, fixture_tear_down);
  g_test_add ("/bundle/rollback-no-replay", Fixture, NULL, fixture_set_up, test_rollback_no_replay,
              fixture_tear_down);
  g_test_add ("/bundle/history-pruned", Fixture, NULL, fixture_set_up, test_history_pruned, fixture_tear_down);
  g_test_add ("/bundle/store-match", Fixture, NULL, fixture_set_up, test_store_match, fixture_tear_down);
  g_test_add_func ("/bundle/consent-uses-catalog", test_consent_uses_catalog);
  g_test_add_func ("/bundle/demo", test_demo);
  for (guint i = 0; i < G_N_ELEMENTS (bad_bundles); i++)
    {
      g_autofree char *name = g_strdup_printf ("/bundle/bad/%s", bad_bundles[i].name);
      g_test_add (name, Fixture, &bad_bundles[i], fixture_set_up, test_bad_bundle, fixture_tear_down);
    }
  return g_test_run ();
}
