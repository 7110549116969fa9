/* Tests for `glasshouse-ctl offers` and `glasshouse-ctl report minimisation`:
 * offers with reasons, the what-if both ways checked against a real consent
 * change, the exit codes of the contract, and the minimisation report on a
 * store whose contents are known.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "demo/gh-demo.h"
#include "gh-test-utils.h"

#define DAY ((gint64) 86400)

typedef struct {
  char *dir;
  char *db;
} Fixture;

static char *
demo_config_text (void)
{
  g_autofree char *path
      = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo", "config.json", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static GhStore *
store_with_demo_config (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = demo_config_text ();
  GhStore *store;

  fixture->dir = gh_test_mkdtemp ();
  fixture->db = g_build_filename (fixture->dir, "store.db", NULL);
  store = gh_store_open (fixture->db, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  gh_test_activate_config (store, 1, config);
  return store;
}

static void
fixture_demo (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GhStore) store = store_with_demo_config (fixture);
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;

  catalog = gh_catalog_load_active (store, &error);
  g_assert_no_error (error);
  g_assert_true (gh_demo_generate (store, catalog, 60, 11, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gh_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
}

static JsonObject *
parse_object (const char *text,
              JsonNode  **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* Offer ids of a JSON array of offers, sorted and space-separated. */
static char *
ids_of (JsonObject *object,
        const char *member)
{
  JsonArray *array = json_object_get_array_member (object, member);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (ids, (gpointer) json_object_get_string_member (
                              json_array_get_object_element (array, i), "id"));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

static void
test_offers_text (Fixture       *fixture,
                  gconstpointer  data)
{
  guint with_reasons = 0;

  for (guint n = 1; n <= 10; n++)
    {
      g_autofree char *loyalty_id = gh_demo_loyalty_id (n);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int rc = gh_test_run_ctl (&out, &err, "offers", loyalty_id, "--db", fixture->db, NULL);

      if (rc == 3)
        continue;  /* a demo shopper on the suppression list */
      g_assert_cmpint (rc, ==, 0);
      g_assert_cmpstr (err, ==, "");
      g_assert_true (g_str_has_prefix (out, "Offers for "));
      if (strstr (out, "    because ") != NULL)
        with_reasons++;
    }
  g_assert_cmpuint (with_reasons, >, 0);
}

static void
test_offers_json (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *loyalty_id = gh_demo_loyalty_id (1);
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *root;
  JsonArray *offers;

  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "offers", loyalty_id, "--json", "--language", "fr",
                                    "--db", fixture->db, NULL), ==, 0);
  root = parse_object (out, &keep);
  g_assert_cmpstr (json_object_get_string_member (root, "loyalty_id"), ==, loyalty_id);
  g_assert_cmpstr (json_object_get_string_member (root, "language"), ==, "fr");
  g_assert_cmpint (json_object_get_int_member (root, "config_version"), ==, 1);
  offers = json_object_get_array_member (root, "offers");
  for (guint i = 0; i < json_array_get_length (offers); i++)
    {
      JsonObject *offer = json_array_get_object_element (offers, i);
      JsonArray *because = json_object_get_array_member (offer, "because");

      /* Every offer says why, with items the shopper can look up. */
      g_assert_cmpuint (json_array_get_length (because), >, 0);
      g_assert_true (
          g_str_has_prefix (json_object_get_string_member (offer, "because_text"), "because "));
      g_assert_cmpint (
          json_object_get_int_member (json_array_get_object_element (because, 0), "item_id"), >, 0);
      g_assert_nonnull (json_object_get_string_member (offer, "purpose"));
    }
  /* Free returns (contract) reach every demo shopper who bought something lately. */
  g_assert_cmpuint (json_array_get_length (offers), >, 0);
}

static gint64
count_events (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (fixture->db, GH_STORE_OPEN_DEFAULT, &error);
  gint64 count;

  g_assert_no_error (error);
  count = gh_store_count_events (store, &error);
  g_assert_no_error (error);
  return count;
}

/* Finds a demo shopper for whom revoking @purpose would remove something. */
static char *
shopper_losing (Fixture    *fixture,
                const char *purpose,
                JsonNode  **keep)
{
  for (guint n = 1; n <= 60; n++)
    {
      g_autofree char *loyalty_id = gh_demo_loyalty_id (n);
      g_autofree char *out = NULL;
      JsonObject *root;

      if (gh_test_run_ctl (&out, NULL, "offers", loyalty_id, "--json", "--without", purpose,
                           "--db", fixture->db, NULL) != 0)
        continue;
      g_clear_pointer (keep, json_node_unref);
      root = parse_object (out, keep);
      if (json_array_get_length (json_object_get_array_member (root, "would_remove")) > 0)
        return g_steal_pointer (&loyalty_id);
    }
  gh_test_fail ("no demo shopper would lose anything by revoking %s", purpose);
  return NULL;
}

static void
test_what_if_both_ways (Fixture       *fixture,
                        gconstpointer  data)
{
  gint64 events_before = count_events (fixture);
  g_autoptr(JsonNode) what_if_node = NULL;
  g_autoptr(JsonNode) before_node = NULL;
  g_autoptr(JsonNode) after_node = NULL;
  g_autoptr(JsonNode) grant_node = NULL;
  g_autofree char *loyalty_id = shopper_losing (fixture, "personalize.offers", &what_if_node);
  JsonObject *what_if = json_node_get_object (what_if_node);
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *grant_text = NULL;
  g_autofree char *removed = ids_of (what_if, "would_remove");
  g_autofree char *staying = ids_of (what_if, "would_stay");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *added = NULL;
  JsonArray *gone = json_object_get_array_member (what_if, "would_remove");

  g_assert_cmpstr (json_object_get_string_member (what_if, "state"), ==, "granted");
  g_assert_true (json_object_get_boolean_member (what_if, "can_revoke"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (what_if, "would_add")), ==,
                    0);
  for (guint i = 0; i < json_array_get_length (gone); i++)
    g_assert_cmpstr (
        json_object_get_string_member (json_array_get_object_element (gone, i), "purpose"), ==,
        "personalize.offers");

  /* The what-ifs (one per shopper tried) wrote nothing: a consent change always leaves an event. */
  g_assert_cmpint (count_events (fixture), ==, events_before);

  g_assert_cmpint (gh_test_run_ctl (&before_text, NULL, "offers", loyalty_id, "--json", "--db",
                                    fixture->db, NULL),
                   ==, 0);
  before = ids_of (parse_object (before_text, &before_node), "offers");

  /* Revoke for real: what stays is what the what-if said would stay. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "consent", "set", loyalty_id, "personalize.offers",
                                    "revoked", "--db", fixture->db, NULL),
                   ==, 0);
  g_assert_cmpint (gh_test_run_ctl (&after_text, NULL, "offers", loyalty_id, "--json", "--db",
                                    fixture->db, NULL),
                   ==, 0);
  after = ids_of (parse_object (after_text, &after_node), "offers");
  g_assert_cmpstr (after, ==, staying);
  g_assert_cmpstr (after, !=, before);
  g_assert_cmpint (count_events (fixture), ==, events_before + 1);

  /* And the other way: granting again would bring back exactly what went. */
  g_assert_cmpint (gh_test_run_ctl (&grant_text, NULL, "offers", loyalty_id, "--json", "--with",
                                    "personalize.offers", "--db", fixture->db, NULL), ==, 0);
  added = ids_of (parse_object (grant_text, &grant_node), "would_add");
  g_assert_cmpstr (added, ==, removed);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (grant_node), "state"), ==,
                   "revoked");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (grant_node), "would_remove")),
                    ==, 0);
}

static void
test_what_if_cannot_revoke (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *loyalty_id = gh_demo_loyalty_id (1);
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *root;

  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "offers", loyalty_id, "--json", "--without",
                                    "service.membership", "--db", fixture->db, NULL),
                   ==, 0);
  root = parse_object (out, &keep);
  g_assert_false (json_object_get_boolean_member (root, "can_revoke"));
  g_assert_nonnull (strstr (json_object_get_string_member (root, "why_not"), "contract"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "would_remove")), ==,
                    0);

  g_assert_cmpint (gh_test_run_ctl (&text, NULL, "offers", loyalty_id, "--without",
                                    "legal.tax_records", "--db", fixture->db, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (text, "cannot be switched off"));
  g_assert_nonnull (strstr (text, "Nothing would change"));
}

static void
test_exit_codes (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *loyalty_id = gh_demo_loyalty_id (1);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", "store.db", NULL);
  g_autofree char *junk = g_build_filename (fixture->dir, "junk.db", NULL);
  const struct {
    int          code;
    const char  *args[10];
    const char  *message;
  } cases[] = {
    { 3, { "offers", "4999999999", "--db", fixture->db }, "no customer" },
    { 3,
      { "offers", loyalty_id, "--without", "marketing.carrier-pigeon", "--db", fixture->db },
      "unknown purpose \"marketing.carrier-pigeon\"" },
    { 3, { "offers", loyalty_id, "--with", "nope", "--db", fixture->db }, "unknown purpose" },
    { 3, { "offers", loyalty_id, "--language", "it", "--db", fixture->db }, "no language \"it\"" },
    { 2, { "offers", "--db", fixture->db }, "expected 1 argument" },
    { 2, { "offers", loyalty_id, "extra", "--db", fixture->db }, "expected 1 argument" },
    { 2,
      { "offers", loyalty_id, "--without", "a", "--with", "b", "--db", fixture->db },
      "give one" },
    { 2, { "offers", loyalty_id, "--frobnicate", "--db", fixture->db }, "Unknown option" },
    { 2, { "report", "minimisation", "now", "--db", fixture->db }, "expected 0 arguments" },
    { 4, { "offers", loyalty_id, "--db", missing }, NULL },
    { 4, { "offers", loyalty_id, "--db", junk }, NULL },
    { 4, { "report", "minimisation", "--db", junk }, NULL },
  };

  g_assert_true (g_file_set_contents (
      junk, "this is not a database, just some text long enough to be read", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int rc = gh_test_run_ctlv (&out, &err, cases[i].args);

      g_test_message ("case %u: %s %s -> %d: %s", i, cases[i].args[0], cases[i].args[1], rc, err);
      g_assert_cmpint (rc, ==, cases[i].code);
      g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
      /* One line, and never the loyalty number. */
      g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
      g_assert_null (strstr (err, "4999999999"));
      g_assert_null (strstr (err, loyalty_id));
      if (cases[i].message != NULL)
        g_assert_nonnull (strstr (err, cases[i].message));
      g_assert_cmpstr (out, ==, "");
    }
}

static void
test_no_config (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *report_err = NULL;

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "init", "--db", db, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "offers", "1000", "--db", db, NULL), ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_cmpint (gh_test_run_ctl (NULL, &report_err, "report", "minimisation", "--db", db, NULL),
                   ==, 3);
  gh_test_rmdir (dir);
}

static void
add_item (GhStore    *store,
          gint64      customer,
          const char *category,
          const char *attributes,
          gint64      age_days)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  gh_store_add_data_item (store, customer, category, attributes, GH_SOURCE_OBSERVED,
                          now - age_days * DAY, now + 365 * DAY, &error);
  g_assert_no_error (error);
}

static JsonObject *
find_category (JsonArray  *array,
               const char *category)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (entry, "category"), category))
        return entry;
    }
  return NULL;
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_str_equal (json_array_get_string_element (array, i), value))
      return TRUE;
  return FALSE;
}

static void
test_report_minimisation (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GhStore) store = store_with_demo_config (&fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) ada = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  gint64 a, b, c;
  JsonObject *root, *entry;
  JsonArray *silent;

  a = gh_store_add_customer (store, "5001", "ref-a", "Ada", NULL, &error);
  b = gh_store_add_customer (store, "5002", "ref-b", "Ben", NULL, &error);
  c = gh_store_add_customer (store, "5003", "ref-c", "Cy", NULL, &error);
  g_assert_no_error (error);
  /* Ada: a recent purchase (free returns, contract) and partner household data. */
  add_item (store, a, "user.behavior.purchase_history",
            "{\"department\": \"home\", \"item\": \"Table lamp\", \"amount\": 60}", 10);
  add_item (store, a, "user.demographic.household", "{\"household_size\": 2}", 40);
  /* Ben: an email and the email channel, so the newsletter matches once granted;
   * also a segment that feeds personal offers, which he never granted. */
  add_item (store, b, "user.contact.email", "{\"value\": \"ben@example.org\"}", 100);
  add_item (store, b, "user.preference.communication",
            "{\"channel\": \"email\", \"frequency\": \"monthly\"}", 100);
  add_item (store, b, "user.demographic.profile",
            "{\"segment\": \"price_sensitive\", \"label\": \"x\"}", 5);
  add_item (store, b, "user.demographic.household", "not json", 40);
  /* Cy: data of a category the config does not know. */
  add_item (store, c, "user.biometric.gait", "{}", 3);
  ada = gh_store_find_customer (store, "5002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (gh_store_set_consent (store, ada, "marketing.email", GH_CONSENT_GRANTED,
                                         "2026-11", "cli", &error),
                   >, 0);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_cmpint (
      gh_test_run_ctl (&out, NULL, "report", "minimisation", "--json", "--db", fixture.db, NULL),
      ==, 0);
  root = parse_object (out, &keep);
  g_assert_cmpint (json_object_get_int_member (root, "shoppers_with_data"), ==, 3);

  entry = find_category (json_object_get_array_member (root, "categories_no_offer_reads"),
                         "user.demographic.household");
  g_assert_nonnull (entry);
  g_assert_cmpint (json_object_get_int_member (entry, "items_held"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (entry, "items_doing_nothing"), ==, 2);
  g_assert_true (
      array_has_string (json_object_get_array_member (entry, "declared_by"), "personalize.offers"));
  /* Names are read by no offer but used by the membership (contract). */
  entry = find_category (json_object_get_array_member (root, "categories_no_offer_reads"),
                         "user.name");
  g_assert_nonnull (entry);
  g_assert_cmpint (json_object_get_int_member (entry, "items_held"), ==, 0);
  g_assert_null (find_category (json_object_get_array_member (root, "categories_no_offer_reads"),
                                "user.behavior.purchase_history"));

  /* Ben's segment does nothing for him: he never granted personal offers. */
  entry = find_category (json_object_get_array_member (root, "items_doing_nothing"),
                         "user.demographic.profile");
  g_assert_nonnull (entry);
  g_assert_cmpint (json_object_get_int_member (entry, "items_doing_nothing"), ==, 1);
  g_assert_null (find_category (json_object_get_array_member (root, "items_doing_nothing"),
                                "user.behavior.purchase_history"));

  entry = find_category (json_object_get_array_member (root, "categories_not_in_config"),
                         "user.biometric.gait");
  g_assert_nonnull (entry);
  g_assert_cmpint (json_object_get_int_member (entry, "items_held"), ==, 1);

  /* Membership reached Ada, email reached Ben; the rest reached nobody. */
  silent = json_object_get_array_member (root, "purposes_reaching_nobody");
  g_assert_false (array_has_string (silent, "service.membership"));
  g_assert_false (array_has_string (silent, "marketing.email"));
  g_assert_true (array_has_string (silent, "personalize.offers"));
  g_assert_true (array_has_string (silent, "marketing.sms"));
  g_assert_true (array_has_string (silent, "personalize.in_store"));
  /* Tax records have no offers: they are not "reaching nobody", they do their job. */
  g_assert_false (array_has_string (silent, "legal.tax_records"));

  g_assert_cmpint (
      gh_test_run_ctl (&text, NULL, "report", "minimisation", "--db", fixture.db, NULL), ==, 0);
  g_assert_nonnull (strstr (text, "user.demographic.household"));
  g_assert_nonnull (strstr (text, "marketing.sms"));
  fixture_teardown (&fixture, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ctl-offers/text", Fixture, NULL, fixture_demo, test_offers_text, fixture_teardown);
  g_test_add ("/ctl-offers/json", Fixture, NULL, fixture_demo, test_offers_json, fixture_teardown);
  g_test_add ("/ctl-offers/what-if/both-ways", Fixture, NULL, fixture_demo, test_what_if_both_ways,
              fixture_teardown);
  g_test_add ("/ctl-offers/what-if/cannot-revoke", Fixture, NULL, fixture_demo,
              test_what_if_cannot_revoke, fixture_teardown);
  g_test_add ("/ctl-offers/exit-codes", Fixture, NULL, fixture_demo, test_exit_codes,
              fixture_teardown);
  g_test_add_func ("/ctl-offers/no-config", test_no_config);
  g_test_add_func ("/ctl-offers/report-minimisation", test_report_minimisation);

  return g_test_run ();
}
