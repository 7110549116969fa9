/* Tests for the offer engine (app/gh-offers.c): consent semantics for each legal
 * basis and consent state, offers with their "because" items, the what-if in
 * both directions without touching anything, per-shopper minimisation, an offer
 * reading an undeclared category refused by the catalog, bad data items, and
 * the demo config: valid, complete, and every offer reachable by demo shoppers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "config/gh-catalog.h"
#include "demo/gh-demo.h"
#include "offers/gh-offers.h"
#include "gh-test-utils.h"

#define DAY ((gint64) 86400)
#define NOW ((gint64) 1780000000)

#define PURCHASE "user.behavior.purchase_history"
#define EMAIL    "user.contact.email"
#define PROFILE  "user.demographic.profile"
#define HOUSE    "user.demographic.household"
#define VISITS   "user.location.imprecise"
#define PHONE    "user.contact.phone"

/* An offer as the config writes it, in the compact form gh_test_data_config gives,
 * so that a test can find it in the config's text and replace it. */
#define OFFER(id, purpose, rule)                                                                   \
  "{\"id\": \"" id "\", \"title\": {\"en\": \"" id "\", \"de\": \"" id                             \
  "-de\"}, \"description\": {\"en\": \"d\"}, "                                                     \
  "\"purpose\": \"" purpose "\", \"rule\": " rule "}"

static char *
compact (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_to_string (node, FALSE);
}

static GhCatalog *
catalog_from_string (const char  *json,
                     GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  return gh_catalog_new_from_bytes (bytes, error);
}

static GhCatalog *
test_catalog (void)
{
  g_autoptr(GError) error = NULL;
  /* tests/data/offers-config.json: purposes on every basis: shop (contract, has
   * an offer), tax (legal obligation, no offer), email (consent, default
   * revoked), perks (consent, default granted), store (legitimate interest),
   * sms (consent, offers that match nobody here). */
  g_autofree char *config = gh_test_data_config ("offers-config.json", 0);
  GhCatalog *catalog = catalog_from_string (config, &error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  return catalog;
}

/* An item collected @age_days before NOW. */
#define make_item(id, category, attributes, age_days) \
  gh_test_data_item_new ((id), (category), (attributes), NOW, (age_days))

static GhConsent *
make_consent (const char     *purpose_id,
              GhConsentState  state)
{
  GhConsent *consent = g_new0 (GhConsent, 1);

  consent->purpose_id = g_strdup (purpose_id);
  consent->state = state;
  consent->updated_at = NOW - DAY;
  return consent;
}

/* A shopper who bought running shoes (20 days ago) and a watch (400 days ago),
 * is a likely runner, gave an email, visited a store twice this month and has
 * household data from a partner. No consent rows yet. */
static GPtrArray *
shopper_items (void)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);

  g_ptr_array_add (items,
                   make_item (1, PURCHASE,
                              "{\"department\": \"running\", \"item\": \"Trail running shoes\", "
                              "\"amount\": 120}",
                              20));
  g_ptr_array_add (items, make_item (2, PURCHASE,
                                     "{\"department\": \"outdoor\", \"item\": \"GPS watch\", "
                                     "\"amount\": 640}",
                                     400));
  g_ptr_array_add (
      items,
      make_item (3, PROFILE, "{\"segment\": \"likely_runner\", \"label\": \"Likely runner\"}", 5));
  g_ptr_array_add (items, make_item (4, EMAIL, "{\"value\": \"ada@example.org\"}", 100));
  g_ptr_array_add (
      items, make_item (5, VISITS, "{\"store\": \"store-001\", \"store_name\": \"Riverside\"}", 3));
  g_ptr_array_add (
      items, make_item (6, VISITS, "{\"store\": \"store-002\", \"store_name\": \"Old Town\"}", 12));
  g_ptr_array_add (items, make_item (7, HOUSE, "{\"household_size\": 3}", 50));
  return items;
}

static GPtrArray *
new_consents (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) gh_consent_free);
}

static char *
offer_ids (GPtrArray *matches)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < matches->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (matches, i);
      g_string_append_printf (ids, "%s%s", i > 0 ? " " : "", gh_offer_get_id (match->offer));
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
item_ids (GPtrArray *items)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            ((GhDataItem *) g_ptr_array_index (items, i))->id);
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
evaluate_ids (GhCatalog *catalog,
              GPtrArray *items,
              GPtrArray *consents)
{
  g_autoptr(GPtrArray) matches = gh_offers_evaluate_at (catalog, items, consents, NOW);
  return offer_ids (matches);
}

static void
test_in_force (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  static const struct {
    const char *purpose;
    int         row;        /* -1: no consent row, else the row's GhConsentState */
    gboolean    in_force;
  } cases[] = {
    { "shop", -1, TRUE },
    { "shop", GH_CONSENT_GRANTED, TRUE },
    { "shop", GH_CONSENT_REVOKED, TRUE },
    { "tax", -1, TRUE },
    { "tax", GH_CONSENT_REVOKED, TRUE },
    { "email", -1, FALSE },
    { "email", GH_CONSENT_GRANTED, TRUE },
    { "email", GH_CONSENT_REVOKED, FALSE },
    { "perks", -1, TRUE },
    { "perks", GH_CONSENT_GRANTED, TRUE },
    { "perks", GH_CONSENT_REVOKED, FALSE },
    { "store", -1, TRUE },
    { "store", GH_CONSENT_GRANTED, TRUE },
    { "store", GH_CONSENT_REVOKED, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) consents = new_consents ();
      GhPurpose *purpose = gh_catalog_find_purpose (catalog, cases[i].purpose);

      g_assert_nonnull (purpose);
      /* Another purpose's row must not count for this one. */
      g_ptr_array_add (consents, make_consent ("sms", GH_CONSENT_GRANTED));
      if (cases[i].row >= 0)
        g_ptr_array_add (consents, make_consent (cases[i].purpose, cases[i].row));
      g_test_message ("%s with row %d", cases[i].purpose, cases[i].row);
      g_assert_cmpint (gh_offers_purpose_in_force (purpose, consents), ==, cases[i].in_force);
      g_assert_cmpint (gh_offers_purpose_state (purpose, consents), ==,
                       cases[i].in_force ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED);
    }
  g_assert_true (gh_offers_purpose_in_force (gh_catalog_find_purpose (catalog, "perks"), NULL));
  g_assert_false (gh_offers_purpose_in_force (gh_catalog_find_purpose (catalog, "email"), NULL));
}

static void
test_evaluate_consent_states (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autofree char *defaults = NULL;
  g_autofree char *granted = NULL;
  g_autofree char *revoked = NULL;
  g_autofree char *all_off = NULL;

  /* Defaults: contract, default-granted consent and legitimate interest are in force. */
  defaults = evaluate_ids (catalog, items, consents);
  g_assert_cmpstr (defaults, ==, "returns runner big-spender club");

  g_ptr_array_add (consents, make_consent ("email", GH_CONSENT_GRANTED));
  granted = evaluate_ids (catalog, items, consents);
  g_assert_cmpstr (granted, ==, "returns newsletter runner big-spender club");

  g_ptr_array_set_size (consents, 0);
  g_ptr_array_add (consents, make_consent ("perks", GH_CONSENT_REVOKED));
  g_ptr_array_add (consents, make_consent ("store", GH_CONSENT_REVOKED));
  revoked = evaluate_ids (catalog, items, consents);
  g_assert_cmpstr (revoked, ==, "returns");

  /* A revoked row on a contract purpose cannot switch it off. */
  g_ptr_array_add (consents, make_consent ("shop", GH_CONSENT_REVOKED));
  all_off = evaluate_ids (catalog, items, consents);
  g_assert_cmpstr (all_off, ==, "returns");
}

static void
test_because (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autoptr(GPtrArray) matches = gh_offers_evaluate_at (catalog, items, consents, NOW);
  const char *expected[][2] = {
    { "returns", "1" },          /* only the purchase within 60 days */
    { "runner", "1 3" },         /* the running purchase and the segment */
    { "big-spender", "2" },
    { "club", "5 6" },
  };

  g_assert_cmpuint (matches->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < matches->len; i++)
    {
      GhOfferMatch *match = g_ptr_array_index (matches, i);
      g_autofree char *because = item_ids (match->because);

      g_assert_cmpstr (gh_offer_get_id (match->offer), ==, expected[i][0]);
      g_assert_cmpstr (because, ==, expected[i][1]);
      g_assert_cmpstr (gh_purpose_get_id (match->purpose), ==,
                       gh_offer_get_purpose_id (match->offer));
      /* Borrowed from the array passed in, not copies. */
      for (guint j = 0; j < match->because->len; j++)
        g_assert_true (g_ptr_array_find (items, g_ptr_array_index (match->because, j), NULL));
    }
  g_assert_cmpstr (gh_offer_get_title (((GhOfferMatch *) matches->pdata[1])->offer, "de"), ==,
                   "runner-de");
}

static void
test_window_and_count (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autofree char *before = NULL;
  g_autofree char *later = NULL;
  g_autoptr(GPtrArray) matches = NULL;

  before = evaluate_ids (catalog, items, consents);
  g_assert_cmpstr (before, ==, "returns runner big-spender club");
  /* 25 days later the purchase is 45 days old, still inside the 60-day window,
   * but the older visit (37 days) left the 30-day window: "club" needs two. */
  matches = gh_offers_evaluate_at (catalog, items, consents, NOW + 25 * DAY);
  later = offer_ids (matches);
  g_assert_cmpstr (later, ==, "returns runner big-spender");
  g_clear_pointer (&matches, g_ptr_array_unref);
  /* 41 days later the purchase (61 days) left the returns window too. */
  matches = gh_offers_evaluate_at (catalog, items, consents, NOW + 41 * DAY);
  g_free (later);
  later = offer_ids (matches);
  g_assert_cmpstr (later, ==, "runner big-spender");
}

static void
test_what_if_revoke (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autofree char *removed_ids = NULL;
  g_autofree char *after = NULL;
  g_autofree char *because = NULL;

  g_ptr_array_add (consents, make_consent ("email", GH_CONSENT_GRANTED));
  removed
      = gh_offers_what_if_at (catalog, items, consents, "perks", GH_CONSENT_REVOKED, NOW, &added);
  removed_ids = offer_ids (removed);
  g_assert_cmpstr (removed_ids, ==, "runner big-spender");
  g_assert_cmpuint (added->len, ==, 0);
  because = item_ids (((GhOfferMatch *) removed->pdata[0])->because);
  g_assert_cmpstr (because, ==, "1 3");

  /* Nothing was touched: the shopper still has every offer. */
  g_assert_cmpuint (consents->len, ==, 1);
  g_assert_cmpint (((GhConsent *) consents->pdata[0])->state, ==, GH_CONSENT_GRANTED);
  after = evaluate_ids (catalog, items, consents);
  g_assert_cmpstr (after, ==, "returns newsletter runner big-spender club");

  /* Objecting to legitimate interest removes its offers too. */
  g_clear_pointer (&removed, g_ptr_array_unref);
  g_clear_pointer (&added, g_ptr_array_unref);
  removed
      = gh_offers_what_if_at (catalog, items, consents, "store", GH_CONSENT_REVOKED, NOW, &added);
  g_free (removed_ids);
  removed_ids = offer_ids (removed);
  g_assert_cmpstr (removed_ids, ==, "club");
  g_assert_cmpuint (added->len, ==, 0);
}

static void
test_what_if_grant (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autofree char *added_ids = NULL;

  g_ptr_array_add (consents, make_consent ("perks", GH_CONSENT_REVOKED));
  removed
      = gh_offers_what_if_at (catalog, items, consents, "perks", GH_CONSENT_GRANTED, NOW, &added);
  added_ids = offer_ids (added);
  g_assert_cmpstr (added_ids, ==, "runner big-spender");
  g_assert_cmpuint (removed->len, ==, 0);
  g_clear_pointer (&removed, g_ptr_array_unref);
  g_clear_pointer (&added, g_ptr_array_unref);

  /* Granting email (never chosen, default revoked) adds the newsletter. */
  removed
      = gh_offers_what_if_at (catalog, items, consents, "email", GH_CONSENT_GRANTED, NOW, &added);
  g_free (added_ids);
  added_ids = offer_ids (added);
  g_assert_cmpstr (added_ids, ==, "newsletter");
  g_clear_pointer (&removed, g_ptr_array_unref);
  g_clear_pointer (&added, g_ptr_array_unref);

  /* Granting sms adds nothing: no phone number is held. */
  removed = gh_offers_what_if_at (catalog, items, consents, "sms", GH_CONSENT_GRANTED, NOW, &added);
  g_assert_cmpuint (added->len, ==, 0);
  g_assert_cmpuint (removed->len, ==, 0);
}

static void
test_what_if_no_change (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  const struct {
    const char     *purpose;
    GhConsentState  state;
  } cases[] = {
    { "shop", GH_CONSENT_REVOKED },   /* contract: cannot be switched off */
    { "tax", GH_CONSENT_REVOKED },    /* legal obligation */
    { "perks", GH_CONSENT_GRANTED },  /* already granted by default */
    { "email", GH_CONSENT_REVOKED },  /* already revoked by default */
    { "no-such-purpose", GH_CONSENT_REVOKED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) added = NULL;
      g_autoptr(GPtrArray) removed = gh_offers_what_if_at (
          catalog, items, consents, cases[i].purpose, cases[i].state, NOW, &added);

      g_test_message ("%s", cases[i].purpose);
      g_assert_cmpuint (removed->len, ==, 0);
      g_assert_cmpuint (added->len, ==, 0);
    }
  /* @added is optional. */
  {
    g_autoptr(GPtrArray) removed = gh_offers_what_if_at (catalog, items, consents, "perks",
                                                         GH_CONSENT_REVOKED, NOW, NULL);
    g_assert_cmpuint (removed->len, ==, 2);
  }
}

static void
test_what_if_matches_evaluate (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  GListModel *purposes = gh_catalog_get_purposes (catalog);

  /* For every purpose and direction, before +/- what-if equals evaluating after the change. */
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    for (int state = GH_CONSENT_REVOKED; state <= GH_CONSENT_GRANTED; state++)
      {
        g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
        g_autoptr(GPtrArray) consents = new_consents ();
        g_autoptr(GPtrArray) changed = new_consents ();
        g_autoptr(GPtrArray) before = gh_offers_evaluate_at (catalog, items, consents, NOW);
        g_autoptr(GPtrArray) added = NULL;
        g_autoptr(GPtrArray) removed = gh_offers_what_if_at (
            catalog, items, consents, gh_purpose_get_id (purpose), state, NOW, &added);
        g_autoptr(GPtrArray) after = NULL;
        guint expected;

        g_ptr_array_add (changed, make_consent (gh_purpose_get_id (purpose), state));
        after = gh_offers_evaluate_at (catalog, items, changed, NOW);
        expected = before->len - removed->len + added->len;
        g_test_message ("%s -> %d", gh_purpose_get_id (purpose), state);
        g_assert_cmpuint (after->len, ==, expected);
      }
}

static void
test_what_if_each (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autoptr(GPtrArray) changes = NULL;
  const char *expected[][4] = {
    /* purpose, state it would set, removed, added: contract and legal obligation are left out */
    { "email", "granted", "", "newsletter" },
    { "perks", "revoked", "runner big-spender", "" },
    { "store", "revoked", "club", "" },
    { "sms", "granted", "", "" },
  };

  g_ptr_array_add (consents, make_consent ("sms", GH_CONSENT_REVOKED));
  changes = gh_offers_what_if_each_at (catalog, items, consents, NOW);
  g_assert_cmpuint (changes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < changes->len; i++)
    {
      GhOfferChange *change = g_ptr_array_index (changes, i);
      g_autofree char *removed = offer_ids (change->removed);
      g_autofree char *added = offer_ids (change->added);
      g_autoptr(GPtrArray) one_added = NULL;
      g_autoptr(GPtrArray) one_removed = NULL;
      g_autofree char *one_removed_ids = NULL;
      g_autofree char *one_added_ids = NULL;

      g_assert_cmpstr (gh_purpose_get_id (change->purpose), ==, expected[i][0]);
      g_assert_cmpstr (gh_consent_state_to_string (change->state), ==, expected[i][1]);
      g_assert_cmpstr (removed, ==, expected[i][2]);
      g_assert_cmpstr (added, ==, expected[i][3]);
      /* The same answer as asking one purpose at a time. */
      one_removed = gh_offers_what_if_at (catalog, items, consents, expected[i][0], change->state,
                                          NOW, &one_added);
      one_removed_ids = offer_ids (one_removed);
      one_added_ids = offer_ids (one_added);
      g_assert_cmpstr (one_removed_ids, ==, removed);
      g_assert_cmpstr (one_added_ids, ==, added);
    }
}

static void
test_unused_items (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autoptr(GPtrArray) unused = NULL;
  g_autofree char *ids = NULL;

  /* Household data is declared by "perks" but no offer reads it. Email is used by
   * the contract purpose "shop", which declares it, even though email is revoked. */
  unused = gh_offers_unused_items (catalog, items, consents);
  ids = item_ids (unused);
  g_assert_cmpstr (ids, ==, "7");
  g_assert_false (gh_offers_category_is_read (catalog, HOUSE));
  g_assert_true (gh_offers_category_is_read (catalog, PURCHASE));
  g_assert_true (
      gh_offers_purpose_uses (catalog, gh_catalog_find_purpose (catalog, "shop"), EMAIL));
  g_assert_true (
      gh_offers_purpose_uses (catalog, gh_catalog_find_purpose (catalog, "tax"), PURCHASE));
  g_assert_false (
      gh_offers_purpose_uses (catalog, gh_catalog_find_purpose (catalog, "perks"), HOUSE));
  g_assert_true (
      gh_offers_purpose_uses (catalog, gh_catalog_find_purpose (catalog, "perks"), PROFILE));
  g_clear_pointer (&unused, g_ptr_array_unref);

  /* Revoke perks and object to store: the segment and the visits do nothing now;
   * purchases are still used (contract, tax). */
  g_ptr_array_add (consents, make_consent ("perks", GH_CONSENT_REVOKED));
  g_ptr_array_add (consents, make_consent ("store", GH_CONSENT_REVOKED));
  unused = gh_offers_unused_items (catalog, items, consents);
  g_free (ids);
  ids = item_ids (unused);
  g_assert_cmpstr (ids, ==, "3 5 6 7");
  g_clear_pointer (&unused, g_ptr_array_unref);

  /* A category the config does not know does nothing either. */
  g_ptr_array_add (items, make_item (8, "user.unknown.thing", "{}", 1));
  unused = gh_offers_unused_items (catalog, items, consents);
  g_free (ids);
  ids = item_ids (unused);
  g_assert_cmpstr (ids, ==, "3 5 6 7 8");
}

static void
test_mark_reached (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = shopper_items ();
  g_autoptr(GPtrArray) consents = new_consents ();
  gboolean reached[6] = { FALSE, };
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();

  g_assert_cmpuint (g_list_model_get_n_items (gh_catalog_get_purposes (catalog)), ==, 6);
  g_assert_cmpuint (gh_offers_mark_reached (catalog, empty, consents, NOW, reached), ==, 0);
  /* shop, perks, store; not tax (no offers), email (not granted), sms (no phone). */
  g_assert_cmpuint (gh_offers_mark_reached (catalog, items, consents, NOW, reached), ==, 3);
  g_assert_true (reached[0] && !reached[1] && !reached[2] && reached[3] && reached[4]
                 && !reached[5]);
  g_assert_cmpuint (gh_offers_mark_reached (catalog, items, consents, NOW, reached), ==, 0);
  g_ptr_array_add (consents, make_consent ("email", GH_CONSENT_GRANTED));
  g_assert_cmpuint (gh_offers_mark_reached (catalog, items, consents, NOW, reached), ==, 1);
  g_assert_true (reached[2]);
}

static void
test_undeclared_category_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autofree char *good_offer = compact (OFFER ("flash", "sms", "[{\"category\": \"" PHONE "\"}]"));
  /* "flash" belongs to sms, which declares only the phone number; reading
   * purchases would let the sms switch fail to control what feeds the offer. */
  g_autofree char *bad_offer = compact (
      OFFER ("flash", "sms", "[{\"category\": \"" PHONE "\"}, {\"category\": \"" PURCHASE "\"}]"));
  g_autofree char *config = gh_test_data_config ("offers-config.json", 0);
  GString *text = g_string_new (config);

  g_assert_nonnull (strstr (text->str, good_offer));
  g_string_replace (text, good_offer, bad_offer, 1);
  bad = g_string_free (text, FALSE);
  catalog = catalog_from_string (bad, &error);
  g_assert_null (catalog);
  g_assert_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "offers[5].rule"));
  g_assert_nonnull (strstr (error->message, PURCHASE));
  g_assert_nonnull (strstr (error->message, "does not declare"));
}

static void
test_bad_rule_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autofree char *config = gh_test_data_config ("offers-config.json", 0);
  GString *text = g_string_new (config);

  g_string_replace (text, "\"op\":\"gte\"", "\"op\":\"regex\"", 1);
  bad = g_string_free (text, FALSE);
  catalog = catalog_from_string (bad, &error);
  g_assert_null (catalog);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (
      strstr (error->message, "offers[3].rule[0].where[0].op: unknown operator \"regex\""));
}

static void
test_bad_items (void)
{
  g_autoptr(GhCatalog) catalog = test_catalog ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_data_item_free);
  g_autoptr(GPtrArray) consents = new_consents ();
  g_autofree char *ids = NULL;
  GhDataItem *no_text;

  g_ptr_array_add (items, make_item (1, PURCHASE, "{\"department\": \"running\"", 2));
  g_ptr_array_add (items, make_item (2, PURCHASE, "[1, 2]", 2));
  g_ptr_array_add (items, make_item (3, PROFILE, "{\"segment\": 7}", 2));
  g_ptr_array_add (items, make_item (4, PROFILE, "{}", 2));
  no_text = make_item (5, PURCHASE, NULL, 2);
  g_ptr_array_add (items, no_text);
  g_ptr_array_add (items, make_item (6, PURCHASE, "{\"amount\": \"900\"}", 2));
  g_ptr_array_add (items, make_item (7, VISITS, "\xff\xfe not utf-8", 2));
  g_ptr_array_add (items, make_item (8, VISITS, "", 2));

  /* Only offers without filters match: "returns" (any recent purchase) and "club" (any two visits).
   */
  ids = evaluate_ids (catalog, items, consents);
  g_assert_cmpstr (ids, ==, "returns club");
}

/* The demo config: valid, complete, and every offer reaches some demo shopper. */
static GhCatalog *
demo_catalog (void)
{
  g_autofree char *path
      = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo", "config.json", NULL);
  g_autoptr(GBytes) bytes = gh_test_read_bytes (path);
  g_autoptr(GError) error = NULL;
  GhCatalog *catalog = gh_catalog_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  return catalog;
}

static void
test_demo_config (void)
{
  g_autoptr(GhCatalog) catalog = demo_catalog ();
  GListModel *purposes = gh_catalog_get_purposes (catalog);
  GListModel *offers = gh_catalog_get_offers (catalog);
  const char * const *languages = gh_catalog_get_languages (catalog);
  const char * const *demo_categories = gh_demo_get_categories ();
  gboolean bases[4] = { FALSE, };
  GhDataCategory *purchases;

  g_assert_cmpuint (g_strv_length ((char **) languages), ==, 4);
  g_assert_cmpstr (languages[0], ==, "en");
  g_assert_cmpuint (g_list_model_get_n_items (purposes), >=, 6);
  g_assert_cmpuint (g_list_model_get_n_items (offers), >=, 15);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      bases[gh_purpose_get_legal_basis (purpose)] = TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    g_assert_true (bases[i]);

  /* Every text in every language is its own, not the English fallback. */
  for (guint i = 0; i < g_list_model_get_n_items (offers); i++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, i);

      for (guint j = 1; languages[j] != NULL; j++)
        {
          g_assert_cmpstr (gh_offer_get_title (offer, languages[j]), !=,
                           gh_offer_get_title (offer, "en"));
          g_assert_cmpstr (gh_offer_get_description (offer, languages[j]), !=,
                           gh_offer_get_description (offer, "en"));
        }
    }

  for (guint i = 0; demo_categories[i] != NULL; i++)
    {
      g_test_message ("%s", demo_categories[i]);
      g_assert_nonnull (gh_catalog_find_data_category (catalog, demo_categories[i]));
    }
  purchases = gh_catalog_find_data_category (catalog, PURCHASE);
  g_assert_nonnull (gh_data_category_get_legal_hold (purchases, "de"));
  /* The minimisation example. */
  g_assert_false (gh_offers_category_is_read (catalog, HOUSE));
  g_assert_nonnull (gh_catalog_find_staff (catalog, "s-0042"));
  /* A shop's choice (docs/config-format.md): data hidden after 40 s, gone after 60 s. */
  g_assert_cmpint (gh_catalog_get_idle_timeout (catalog), ==, 60);
  g_assert_cmpint (gh_catalog_get_warning_seconds (catalog), ==, 15);
  g_assert_cmpstr (gh_catalog_get_portal_url (catalog), ==, "https://privacy.northwind.example");
}

static void
test_demo_offers_reach_shoppers (void)
{
  g_autoptr(GhCatalog) catalog = demo_catalog ();
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_utc (2026, 11, 30, 12, 0, 0);
  GListModel *offers = gh_catalog_get_offers (catalog);
  GListModel *purposes = gh_catalog_get_purposes (catalog);
  guint n_offers = g_list_model_get_n_items (offers);
  g_autofree guint *reach = g_new0 (guint, n_offers);
  g_autoptr(GPtrArray) everything = new_consents ();
  const guint n_shoppers = 400;
  guint n_unused = 0;

  store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (gh_demo_generate (store, catalog, n_shoppers, 7, today, &error));
  g_assert_no_error (error);

  /* With every purpose granted, each offer must find someone among the demo shoppers:
   * an offer whose rule fits no demo data would be a dead example. */
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      g_ptr_array_add (everything, make_consent (gh_purpose_get_id (purpose), GH_CONSENT_GRANTED));
    }
  for (guint n = 1; n <= n_shoppers; n++)
    {
      g_autofree char *loyalty_id = gh_demo_loyalty_id (n);
      g_autoptr(GhCustomer) customer = gh_store_find_customer (store, loyalty_id, NULL);
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(GPtrArray) matches = NULL;
      g_autoptr(GPtrArray) unused = NULL;

      if (customer == NULL)
        continue;
      items = gh_store_list_data_items (store, customer->id, &error);
      g_assert_no_error (error);
      matches = gh_offers_evaluate_at (catalog, items, everything, g_date_time_to_unix (today));
      for (guint i = 0; i < matches->len; i++)
        {
          GhOffer *offer = ((GhOfferMatch *) g_ptr_array_index (matches, i))->offer;
          guint position;

          g_assert_true (g_list_store_find (G_LIST_STORE (offers), offer, &position));
          reach[position]++;
        }
      unused = gh_offers_unused_items (catalog, items, everything);
      for (guint i = 0; i < unused->len; i++)
        {
          g_assert_cmpstr (((GhDataItem *) g_ptr_array_index (unused, i))->category, ==, HOUSE);
          n_unused++;
        }
    }
  for (guint i = 0; i < n_offers; i++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, i);

      g_test_message ("%-28s reaches %u of %u demo shoppers", gh_offer_get_id (offer), reach[i],
                      n_shoppers);
      if (reach[i] == 0)
        gh_test_fail ("demo offer %s reaches none of %u demo shoppers", gh_offer_get_id (offer),
                 n_shoppers);
    }
  g_assert_cmpuint (n_unused, >, 0);
  g_clear_object (&store);
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/offers/in-force", test_in_force);
  g_test_add_func ("/offers/evaluate/consent-states", test_evaluate_consent_states);
  g_test_add_func ("/offers/evaluate/because", test_because);
  g_test_add_func ("/offers/evaluate/window-and-count", test_window_and_count);
  g_test_add_func ("/offers/evaluate/bad-items", test_bad_items);
  g_test_add_func ("/offers/what-if/revoke", test_what_if_revoke);
  g_test_add_func ("/offers/what-if/grant", test_what_if_grant);
  g_test_add_func ("/offers/what-if/no-change", test_what_if_no_change);
  g_test_add_func ("/offers/what-if/matches-evaluate", test_what_if_matches_evaluate);
  g_test_add_func ("/offers/what-if/each", test_what_if_each);
  g_test_add_func ("/offers/unused-items", test_unused_items);
  g_test_add_func ("/offers/mark-reached", test_mark_reached);
  g_test_add_func ("/offers/catalog/undeclared-category", test_undeclared_category_refused);
  g_test_add_func ("/offers/catalog/bad-rule", test_bad_rule_refused);
  g_test_add_func ("/offers/demo/config", test_demo_config);
  g_test_add_func ("/offers/demo/reach", test_demo_offers_reach_shoppers);

  return g_test_run ();
}
