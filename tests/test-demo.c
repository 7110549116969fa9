/* The demo-shopper generator: deterministic for (seed, today), every item
 * complete and within retention, every category and a mix of consents present,
 * the documented PIN rule, offers of the demo config matched by many shoppers
 * (and by none for some), and the refusals of glasshouse-ctl demo.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "demo/gh-demo.h"
#include "offers/gh-offers.h"
#include "store/gh-store-private.h"
#include "gh-test-utils.h"

#define DAY 86400

typedef struct {
  char      *dir;
  GhStore   *store;
  GhCatalog *catalog;
  GDateTime *today;
} Fixture;

static char *
read_demo_config (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                            "config.json", NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* A new store in @dir with the demo config active (without signing it: the
 * bundle path has tests of its own). */
static GhStore *
open_store (const char  *dir,
            const char  *name,
            GhCatalog  **catalog)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *config = read_demo_config ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  gh_test_activate_config (store, 1, config);
  *catalog = gh_catalog_load_active (store, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = gh_test_mkdtemp ();
  f->store = open_store (f->dir, "demo.db", &f->catalog);
  f->today = g_date_time_new_utc (2025, 6, 15, 10, 30, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->catalog);
  g_clear_object (&f->store);
  g_clear_pointer (&f->today, g_date_time_unref);
  gh_test_rmdir (f->dir);
  g_free (f->dir);
}

static guint
n_purposes (GhCatalog *catalog)
{
  return g_list_model_get_n_items (gh_catalog_get_purposes (catalog));
}

static void
generate (Fixture *f,
          guint    n,
          guint64  seed)
{
  g_autoptr(GError) error = NULL;
  GhDemoSummary summary;

  g_assert_true (gh_demo_generate_full (f->store, f->catalog, n, seed, f->today, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.customers, ==, n);
  g_assert_cmpuint (summary.suppressed, ==, 0);
  g_assert_cmpuint (summary.consents, ==, (guint64) n * n_purposes (f->catalog));
}

static gint64
query_int (GhStore    *store,
           const char *sql)
{
  return gh_test_store_int (store, sql, NULL);
}

static char *
query_text (GhStore    *store,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = _gh_store_prepare (store, sql, &error);
  char *value;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

static void
hash_query (GChecksum  *checksum,
            GhStore    *store,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = _gh_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          const unsigned char *text = sqlite3_column_text (stmt, c);
          g_checksum_update (checksum, text != NULL ? text : (const guchar *) "<null>", -1);
          g_checksum_update (checksum, (const guchar *) "\x1f", 1);
        }
      g_checksum_update (checksum, (const guchar *) "\x1e", 1);
    }
  sqlite3_reset (stmt);
}

/* SHA-256 over an ordered dump of what the generator writes. The PIN hashes
 * are left out: crypto_pwhash_str salts at random by design; test_pins checks them. */
static char *
dump_hash (GhStore *store)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  hash_query (checksum, store, "SELECT id, loyalty_id, ref, display_name, failed_pins,"
                               " locked_until, lock_count, created_at FROM customer ORDER BY id");
  hash_query (checksum, store, "SELECT id, customer_id, category, attributes, source, collected_at,"
                               " retained_until FROM data_item ORDER BY id");
  hash_query (checksum, store, "SELECT customer_id, purpose_id, state, updated_at, notice_version"
                               " FROM consent ORDER BY customer_id, purpose_id");
  return g_strdup (g_checksum_get_string (checksum));
}

static void
test_deterministic (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GhStore) again = NULL, other_seed = NULL, other_day = NULL;
  g_autoptr(GhCatalog) catalog_again = NULL, catalog_seed = NULL, catalog_day = NULL;
  g_autoptr(GDateTime) later = g_date_time_add_days (f->today, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL, *fourth = NULL;

  generate (f, 300, 7);
  again = open_store (f->dir, "again.db", &catalog_again);
  g_assert_true (gh_demo_generate (again, catalog_again, 300, 7, f->today, &error));
  g_assert_no_error (error);
  other_seed = open_store (f->dir, "seed.db", &catalog_seed);
  g_assert_true (gh_demo_generate (other_seed, catalog_seed, 300, 8, f->today, &error));
  g_assert_no_error (error);
  other_day = open_store (f->dir, "day.db", &catalog_day);
  g_assert_true (gh_demo_generate (other_day, catalog_day, 300, 7, later, &error));
  g_assert_no_error (error);

  first = dump_hash (f->store);
  second = dump_hash (again);
  third = dump_hash (other_seed);
  fourth = dump_hash (other_day);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, !=, third);
  g_assert_cmpstr (first, !=, fourth);
  /* A shopper does not depend on how many others there are. */
  {
    g_autoptr(GhStore) fewer = NULL;
    g_autoptr(GhCatalog) catalog_fewer = NULL;
    g_autofree char *a = NULL, *b = NULL;

    fewer = open_store (f->dir, "fewer.db", &catalog_fewer);
    g_assert_true (gh_demo_generate (fewer, catalog_fewer, 10, 7, f->today, &error));
    g_assert_no_error (error);
#define SHOPPER_10 "SELECT group_concat (attributes, '|') FROM data_item WHERE customer_id = 10"
    a = query_text (f->store, SHOPPER_10);
    b = query_text (fewer, SHOPPER_10);
#undef SHOPPER_10
    g_assert_cmpstr (a, ==, b);
  }
}

/* The attributes the doc's "Data items" table promises per category. */
static const struct {
  const char *category;
  const char *source;
  const char *attributes[8];
} expected[] = {
  { "user.name", "provided", { "value" } },
  { "user.contact.email", "provided", { "value" } },
  { "user.contact.phone", "provided", { "value" } },
  { "user.contact.address.postal_code", "provided", { "value" } },
  { "user.demographic.date_of_birth", "provided", { "date", "age_range" } },
  { "user.behavior.purchase_history", "observed",
    { "department", "item", "sku", "amount", "currency", "store", "consumable" } },
  { "user.location.imprecise", "observed", { "store", "store_name", "dwell_minutes" } },
  { "user.behavior.browsing_history", "observed", { "department", "item", "sku", "views" } },
  { "user.preference.sizes", "provided", { "kind", "size" } },
  { "user.preference.wishlist", "provided", { "item", "sku", "size", "in_stock" } },
  { "user.preference.communication", "provided", { "channel", "frequency" } },
  { "user.demographic.profile", "inferred", { "segment", "label", "confidence" } },
  { "user.demographic.household", "third_party", { "household_size", "partner" } },
};

static void
test_items (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDateTime) midnight = g_date_time_new_utc (2025, 6, 15, 0, 0, 0);
  gint64 day0 = g_date_time_to_unix (midnight);
  const guint n = 200;
  guint min_items = G_MAXUINT, max_items = 0;
  guint64 total = 0;

  generate (f, n, 42);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customer"), ==, n);
  g_assert_cmpint (gh_demo_get_categories ()[G_N_ELEMENTS (expected)] == NULL, ==, TRUE);

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *loyalty_id = gh_demo_loyalty_id (i);
      g_autoptr(GhCustomer) customer = gh_store_find_customer (f->store, loyalty_id, &error);
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(GPtrArray) consents = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (strlen (loyalty_id), ==, 10);
      g_assert_true (g_str_has_prefix (customer->ref, "cust-"));
      g_assert_cmpint (customer->created_at, <, day0);
      items = gh_store_list_data_items (f->store, customer->id, &error);
      g_assert_no_error (error);
      min_items = MIN (min_items, items->len);
      max_items = MAX (max_items, items->len);
      total += items->len;

      for (guint k = 0; k < items->len; k++)
        {
          const GhDataItem *item = g_ptr_array_index (items, k);
          GhDataCategory *category = gh_catalog_find_data_category (f->catalog, item->category);
          g_autoptr(JsonNode) node = json_from_string (item->attributes, &error);
          guint e;

          g_assert_no_error (error);
          g_assert_nonnull (category);
          g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
          for (e = 0; e < G_N_ELEMENTS (expected); e++)
            if (g_str_equal (expected[e].category, item->category))
              break;
          g_assert_cmpuint (e, <, G_N_ELEMENTS (expected));
          g_assert_cmpstr (gh_source_to_string (item->source), ==, expected[e].source);
          for (guint a = 0; expected[e].attributes[a] != NULL; a++)
            if (!json_object_has_member (json_node_get_object (node), expected[e].attributes[a]))
              gh_test_fail ("%s item %s lacks \"%s\"", item->category, item->attributes,
                       expected[e].attributes[a]);

          /* collected in the past, kept for the category's retention, still held today */
          g_assert_cmpint (item->collected_at, >, 0);
          g_assert_cmpint (item->collected_at, <, day0);
          g_assert_cmpint (item->retained_until, ==,
                           item->collected_at
                           + (gint64) gh_data_category_get_retention_days (category) * DAY);
          g_assert_cmpint (item->retained_until, >, day0);
          g_hash_table_add (seen, (gpointer) expected[e].category);
        }

      consents = gh_store_list_consents (f->store, customer->id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (consents->len, ==, n_purposes (f->catalog));
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (min_items, >=, 10);
  g_assert_cmpuint (max_items, <=, 60);
  /* Shoppers differ in how much is held about them. */
  g_assert_cmpuint (max_items - min_items, >=, 25);
  g_test_message ("items per shopper: %u..%u, mean %.1f", min_items, max_items, (double) total / n);

  /* Segments are inferred and nothing else is. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM data_item WHERE source = 'inferred'"
                                        " AND category <> 'user.demographic.profile'"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM data_item WHERE source <> 'inferred'"
                                        " AND category = 'user.demographic.profile'"), ==, 0);
  g_assert_cmpint (query_int (f->store,
                              "SELECT count(DISTINCT json_extract (attributes, '$.segment'))"
                              " FROM data_item WHERE category = 'user.demographic.profile'"),
                   >=, 8);
  g_assert_cmpint (query_int (f->store,
                              "SELECT count(DISTINCT json_extract (attributes, '$.department'))"
                              " FROM data_item WHERE category = 'user.behavior.purchase_history'"),
                   ==, 8);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM data_item WHERE category ="
                                        " 'user.behavior.purchase_history'"
                                        " AND json_extract (attributes, '$.consumable') = 1"),
                   >, 100);
  /* Names and e-mail addresses vary. */
  g_assert_cmpint (query_int (f->store, "SELECT count(DISTINCT display_name) FROM customer"),
                   >=, n * 9 / 10);
  /* Long-standing members' details are not all at the end of their retention: a kiosk
   * telling most shoppers "your name is deleted tomorrow" is not a believable store. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM data_item WHERE category ="
                                            " 'user.name' AND retained_until < %"
                                            G_GINT64_FORMAT, day0 + 30 * DAY);
    gint64 soon = query_int (f->store, sql);

    g_test_message ("names deleted within 30 days: %" G_GINT64_FORMAT " of %u", soon, n);
    g_assert_cmpint (soon, <=, n / 10);  /* 8 of 200 here; 134 when clamped to the last day */
  }
}

static void
test_consents (Fixture       *f,
               gconstpointer  data)
{
  GListModel *purposes = gh_catalog_get_purposes (f->catalog);
  const guint n = 400;

  generate (f, n, 3);
  /* The demo's consents are the shoppers' record, not decisions made now: no event
   * each, only the import's own (no personal data in it). */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM event"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM event WHERE kind = 'members.imported'"
                                        " AND customer_ref IS NULL"), ==, 1);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM consent WHERE purpose_id = '%s'"
                                              " AND state = 1", gh_purpose_get_id (purpose));
      gint64 granted = query_int (f->store, sql);

      g_test_message ("%s: %" G_GINT64_FORMAT " of %u granted", gh_purpose_get_id (purpose),
                      granted, n);
      if (!gh_purpose_get_can_revoke (purpose))
        g_assert_cmpint (granted, ==, n);
      else if (gh_purpose_get_legal_basis (purpose) == GH_LEGAL_BASIS_LEGITIMATE_INTEREST)
        g_assert_true (granted > n * 6 / 10 && granted < n);
      else
        g_assert_true (granted > n / 5 && granted < n * 8 / 10);
    }
}

static void
test_pins (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const guint shoppers[] = { 1, 2, 17, 150, 10 };

  g_assert_cmpint (sodium_init (), >=, 0);
  generate (f, 150, 11);
  for (guint i = 0; i < G_N_ELEMENTS (shoppers); i++)
    {
      g_autofree char *loyalty_id = gh_demo_loyalty_id (shoppers[i]);
      g_autofree char *pin = gh_demo_pin_for (loyalty_id);
      guint next = (guint) (g_ascii_strtoull (pin, NULL, 10) + 1) % 10000;
      g_autofree char *wrong = g_strdup_printf ("%04u", next);
      g_autoptr(GhCustomer) customer = gh_store_find_customer (f->store, loyalty_id, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (loyalty_id + 6, ==, pin);
      g_assert_true (g_str_has_prefix (customer->pin_hash, "$argon2id$"));
      g_assert_cmpint (crypto_pwhash_str_verify (customer->pin_hash, pin, strlen (pin)), ==, 0);
      g_assert_cmpint (crypto_pwhash_str_verify (customer->pin_hash, wrong, strlen (wrong)), !=, 0);
      /* The demo's cheap hash is what sign-in upgrades. */
      g_assert_cmpint (crypto_pwhash_str_needs_rehash (customer->pin_hash,
                                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                       crypto_pwhash_MEMLIMIT_INTERACTIVE), ==, 1);
    }
  {
    g_autofree char *first = gh_demo_loyalty_id (1);
    g_assert_cmpstr (first, ==, "4000000001");
  }
}

static void
test_refuses_populated (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  generate (f, 20, 1);
  g_assert_false (gh_demo_check_empty (f->store, &error));
  g_assert_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_NOT_EMPTY);
  g_clear_error (&error);
  g_assert_false (gh_demo_generate (f->store, f->catalog, 20, 2, f->today, &error));
  g_assert_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_NOT_EMPTY);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customer"), ==, 20);
  g_clear_error (&error);
  g_assert_false (gh_demo_generate (f->store, f->catalog, 0, 2, f->today, &error));
  g_assert_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID);
}

/* The import's relaxed settings do not outlive it. */
static void
test_store_settings_restored (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *mode = NULL;

  generate (f, 30, 5);
  mode = query_text (f->store, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (f->store, "PRAGMA synchronous"), ==, 2);
  g_assert_cmpint (query_int (f->store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM pragma_integrity_check"
                                        " WHERE integrity_check <> 'ok'"), ==, 0);
}

static void
test_suppressed (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GhStore) probe = NULL;
  g_autoptr(GhCatalog) probe_catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *loyalty_id = gh_demo_loyalty_id (4);
  g_autoptr(GhCustomer) customer = NULL;
  GhDemoSummary summary;

  probe = open_store (f->dir, "probe.db", &probe_catalog);
  g_assert_true (gh_demo_generate (probe, probe_catalog, 10, 9, f->today, &error));
  g_assert_no_error (error);
  ref = query_text (probe, "SELECT ref FROM customer WHERE loyalty_id = '4000000004'");

  sql = g_strdup_printf ("INSERT INTO suppression (customer_ref, since)"
                         " VALUES ('%s', 'test')", ref);
  g_assert_true (_gh_store_exec (f->store, sql, &error));
  g_assert_true (gh_demo_generate_full (f->store, f->catalog, 10, 9, f->today, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.customers, ==, 9);
  g_assert_cmpuint (summary.suppressed, ==, 1);
  customer = gh_store_find_customer (f->store, loyalty_id, &error);
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND);
  g_assert_null (customer);
}

/* The demo config's offers are written against these shoppers: each offer
 * finds shoppers, most shoppers get several, and a few get none. */
static void
test_offers (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GListModel *offers = gh_catalog_get_offers (f->catalog);
  guint n_offers = g_list_model_get_n_items (offers);
  g_autofree guint *per_offer = g_new0 (guint, n_offers);
  guint none = 0, several = 0;
  const guint n = 400;
  gint64 now = g_date_time_to_unix (f->today);

  generate (f, n, 1);
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *loyalty_id = gh_demo_loyalty_id (i);
      g_autoptr(GhCustomer) customer = gh_store_find_customer (f->store, loyalty_id, &error);
      g_autoptr(GPtrArray) items = gh_store_list_data_items (f->store, customer->id, &error);
      g_autoptr(GPtrArray) consents = gh_store_list_consents (f->store, customer->id, &error);
      g_autoptr(GPtrArray) matches = gh_offers_evaluate_at (f->catalog, items, consents, now);

      g_assert_no_error (error);
      none += matches->len == 0;
      several += matches->len >= 3;
      for (guint m = 0; m < matches->len; m++)
        {
          GhOfferMatch *match = g_ptr_array_index (matches, m);
          for (guint o = 0; o < n_offers; o++)
            {
              g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);
              if (offer == match->offer)
                per_offer[o]++;
            }
        }
    }

  for (guint o = 0; o < n_offers; o++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);
      g_test_message ("%-28s %u of %u shoppers", gh_offer_get_id (offer), per_offer[o], n);
      g_assert_cmpuint (per_offer[o], >=, 4);
    }
  g_test_message ("no offer: %u, three or more: %u", none, several);
  g_assert_cmpuint (none, >=, 1);
  g_assert_cmpuint (several, >=, n / 3);
}

/* glasshouse-ctl demo: the real signed config path, the summary, the refusals. */
static void
test_ctl (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "ctl.db", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  status = gh_test_run_ctl (&out, &err, "demo", "--customers", "30", "--seed", "4",
                            "--today", "2025-06-15", "--db", db, NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "30 demo shoppers"));
  g_assert_nonnull (strstr (out, "4000000001 to 4000000030"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A whole kiosk, as init makes one: it can sign the receipts its QR codes name. */
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "kiosk", "pubkey", "--db", db, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = gh_test_run_ctl (&out, &err, "customer", "show", "4000000030", "--db", db, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "user.behavior.purchase_history"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A store with shoppers is refused before anything is written. */
  status = gh_test_run_ctl (&out, &err, "demo", "--customers", "5", "--db", db, NULL);
  g_assert_cmpint (status, ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_nonnull (strstr (err, "already has shoppers"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = gh_test_run_ctl (&out, &err, "audit", "verify", "--db", db, NULL);
  g_assert_cmpint (status, ==, 0);
  /* config.applied and the import's members.imported, nothing from the refusal */
  g_assert_nonnull (strstr (out, "2 events"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--db", db, NULL), ==, 2);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--customers", "0", "--db", db, NULL),
                   ==, 2);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--customers", "3", "--today", "2025-02-30",
                                    "--db", db, NULL), ==, 2);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--customers", "3", "--seed", "-1",
                                    "--db", db, NULL), ==, 2);
  gh_test_rmdir (dir);
}

static void
add (const char *path,
     void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add ("/demo/deterministic", test_deterministic);
  add ("/demo/items", test_items);
  add ("/demo/consents", test_consents);
  add ("/demo/pins", test_pins);
  add ("/demo/refuses-populated", test_refuses_populated);
  add ("/demo/store-settings-restored", test_store_settings_restored);
  add ("/demo/suppressed", test_suppressed);
  add ("/demo/offers", test_offers);
  g_test_add_func ("/demo/ctl", test_ctl);
  return g_test_run ();
}
