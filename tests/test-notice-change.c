/* Asking again when a notice changes, end to end on the real parts: the demo config
 * applied as a signed bundle, a shopper who consented under its notices, then a
 * second signed bundle that changes two notices (one asks again and pauses the
 * consent until answered, one only tells). The shopper signs in under the new
 * config: the paused purpose brings no offers, the list to answer names it, the
 * answer is recorded under the new notice_version in the store, the audit chain
 * and the consent receipt; "What's new since your last visit" lists the told
 * change, data held since and offers lost. Also: the config's refusals, "kept",
 * and the last visit going with an erasure.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "config/gh-bundle.h"
#include "config/gh-catalog.h"
#include "config/gh-config.h"
#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-receipt.h"
#include "visit/gh-session-news.h"
#include "visit/gh-erasure.h"
#include "visit/gh-session-requests.h"
#include "store/gh-store-private.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

#define LOYALTY_ID "4000123456"
#define REF        "c-5e1d2c3b"
#define OLD_NOTICE "2026-11"
#define NEW_NOTICE "2027-02"

typedef struct {
  char      *dir;
  char      *db_path;
  char      *key;
  GhTrust   *trust;
  GhStore   *store;
  GhCatalog *catalog;
} Fixture;

static JsonObject *
find_purpose (JsonObject *config,
              const char *id)
{
  JsonArray *purposes = json_object_get_array_member (config, "purposes");

  for (guint i = 0; i < json_array_get_length (purposes); i++)
    {
      JsonObject *purpose = json_array_get_object_element (purposes, i);

      if (g_str_equal (json_object_get_string_member (purpose, "id"), id))
        return purpose;
    }
  g_assert_not_reached ();
}

static JsonNode *
text_node (const char *en,
           const char *de)
{
  JsonObject *text = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (text, "en", en);
  json_object_set_string_member (text, "de", de);
  json_node_take_object (node, text);
  return node;
}

/* The demo config as version @version; with @until ("paused", "kept") the
 * personalised-offers notice changes and asks again, and the email notice changes
 * and only tells. */
static char *
demo_config (gint64      version,
             const char *until)
{
  g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                            "config.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *config;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  config = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (config, "version", version);
  if (until != NULL)
    {
      JsonObject *offers = find_purpose (config, "personalize.offers");
      JsonObject *email = find_purpose (config, "marketing.email");
      JsonObject *change = json_object_new ();

      json_object_set_string_member (offers, "notice_version", NEW_NOTICE);
      json_object_set_boolean_member (change, "asks_again", TRUE);
      json_object_set_string_member (change, "until_answered", until);
      json_object_set_member (change, "what_changed",
                              text_node ("We now also use your browsing history.",
                                         "Wir nutzen jetzt auch Ihren Browserverlauf."));
      json_object_set_object_member (offers, "notice_change", change);

      change = json_object_new ();
      json_object_set_string_member (email, "notice_version", NEW_NOTICE);
      json_object_set_boolean_member (change, "asks_again", FALSE);
      json_object_set_member (change, "what_changed",
                              text_node ("Emails now come from a new address.",
                                         "E-Mails kommen jetzt von einer neuen Adresse."));
      json_object_set_object_member (email, "notice_change", change);
    }
  return json_to_string (json_parser_get_root (parser), FALSE);
}

static GhCatalog *
apply (Fixture    *fx,
       const char *config)
{
  g_autoptr(GBytes) bundle = gh_test_bundle_sign (config, fx->key);
  g_autoptr(GError) error = NULL;
  GhCatalog *catalog = gh_config_apply (fx->store, bundle, fx->trust, NULL, &error);

  g_assert_no_error (error);
  return catalog;
}

static void
add_item (Fixture    *fx,
          const char *category,
          const char *attributes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCustomer) customer = gh_store_find_customer (fx->store, LOYALTY_ID, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  gh_store_add_data_item (fx->store, customer->id, category, attributes, GH_SOURCE_PROVIDED,
                          now - 86400, now + 365 * 86400, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = demo_config (1, NULL);
  g_autofree char *pub = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *trust_text = NULL;
  g_autoptr(GhCustomer) customer = NULL;

  fx->dir = gh_test_mkdtemp ();
  fx->db_path = g_build_filename (fx->dir, "kiosk.db", NULL);
  fx->store = gh_store_open (fx->db_path, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (gh_kiosk_keys_ensure (fx->store, &error));
  g_assert_no_error (error);
  fx->key = gh_test_bundle_keygen (fx->dir, "hq-test");
  pub = g_strconcat (fx->key, ".pub", NULL);
  g_assert_true (g_file_get_contents (pub, &trust_text, NULL, &error));
  trust_path = g_build_filename (fx->dir, "trust", NULL);
  g_assert_true (g_file_set_contents (trust_path, trust_text, -1, &error));
  fx->trust = gh_trust_new_from_file (trust_path, &error);
  g_assert_no_error (error);
  fx->catalog = apply (fx, config);

  gh_store_add_customer (fx->store, LOYALTY_ID, REF, "Nora Example", NULL, &error);
  g_assert_no_error (error);
  add_item (fx, "user.demographic.date_of_birth", "{\"value\":\"1990-04-01\"}");
  add_item (fx, "user.contact.email", "{\"value\":\"nora@example.org\"}");
  customer = gh_store_find_customer (fx->store, LOYALTY_ID, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "personalize.offers" : "marketing.email";

      g_assert_cmpint (gh_store_set_consent (fx->store, customer, id, GH_CONSENT_GRANTED,
                                             OLD_NOTICE, "shopper", &error), >, 0);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->catalog);
  g_clear_object (&fx->store);
  g_clear_object (&fx->trust);
  gh_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->db_path);
  g_free (fx->key);
}

static gboolean
has_offer (GhSession  *session,
           const char *id)
{
  GPtrArray *offers = gh_session_get_offers (session);

  for (guint i = 0; i < offers->len; i++)
    if (g_str_equal (gh_offer_get_id (((GhOfferMatch *) g_ptr_array_index (offers, i))->offer),
                     id))
      return TRUE;
  return FALSE;
}

/* Ends @session and waits for the worker that remembers the visit. */
static void
end_visit (Fixture   *fx,
           GhSession *session)
{
  g_autofree char *key = g_strconcat (GH_SESSION_LAST_VISIT_PREFIX, REF, NULL);
  g_autofree char *before = gh_store_get_meta (fx->store, key);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  gh_session_end (session);
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *now = gh_store_get_meta (fx->store, key);

      if (now != NULL && g_strcmp0 (now, before) != 0)
        return;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_not_reached ();
}

static GhSession *
sign_in (Fixture   *fx,
         GhCatalog *catalog)
{
  g_autoptr(GError) error = NULL;
  GhSession *session = gh_session_load (fx->db_path, catalog, LOYALTY_ID, "en", &error);

  g_assert_no_error (error);
  return session;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
last_event (Fixture  *fx,
            char    **kind,
            char    **body)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = _gh_store_prepare (fx->store,
      "SELECT kind, body FROM event WHERE customer_ref = ?1 ORDER BY seq DESC LIMIT 1", &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, REF, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *kind = _gh_store_column_dup (stmt, 0);
  *body = _gh_store_column_dup (stmt, 1);
  sqlite3_reset (stmt);
}

static gboolean
news_has (GhSession  *session,
          GhNewsKind  kind,
          const char *id)
{
  GPtrArray *news = gh_session_get_news (session);

  for (guint i = 0; i < news->len; i++)
    {
      GhNews *entry = g_ptr_array_index (news, i);
      const char *entry_id = entry->purpose != NULL ? gh_purpose_get_id (entry->purpose)
                             : entry->offer != NULL ? gh_offer_get_id (entry->offer)
                             : entry->item->category;

      if (entry->kind == kind && g_str_equal (entry_id, id))
        return TRUE;
    }
  return FALSE;
}

static void
test_paused_then_answered (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) first = sign_in (fx, fx->catalog);
  g_autoptr(GhSession) second = NULL;
  g_autoptr(GhCatalog) changed = NULL;
  g_autoptr(GPtrArray) to_answer = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) issued = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *body = NULL;
  g_autofree char *config = demo_config (2, "paused");
  GhPurpose *purpose;
  gint64 checked = 0, bad = 0;

  /* The first visit, under the notices the shopper chose by: nothing to ask. */
  g_assert_true (has_offer (first, "birthday-treat"));
  to_answer = gh_session_list_notices_to_answer (first);
  g_assert_cmpuint (to_answer->len, ==, 0);
  g_clear_pointer (&to_answer, g_ptr_array_unref);
  g_assert_cmpuint (gh_session_get_news (first)->len, ==, 0);
  end_visit (fx, first);

  changed = apply (fx, config);
  add_item (fx, "user.preference.wishlist", "{\"item\":\"rain jacket\",\"size\":\"M\"}");
  second = sign_in (fx, changed);
  g_assert_cmpint (gh_session_get_last_visit (second), >, 0);

  /* Paused until answered: no offers from it, the switch reads off. */
  to_answer = gh_session_list_notices_to_answer (second);
  g_assert_cmpuint (to_answer->len, ==, 1);
  purpose = g_ptr_array_index (to_answer, 0);
  g_assert_cmpstr (gh_purpose_get_id (purpose), ==, "personalize.offers");
  g_assert_cmpstr (gh_purpose_get_what_changed (purpose, "de"), ==,
                   "Wir nutzen jetzt auch Ihren Browserverlauf.");
  g_assert_cmpint (gh_session_get_state (second, "personalize.offers"), ==, GH_CONSENT_REVOKED);
  g_assert_false (has_offer (second, "birthday-treat"));

  /* Since the last visit: the email notice (told, not asked), the wishlist item,
   * the offer the pause took away; the asked notice is not told twice. */
  g_assert_true (news_has (second, GH_NEWS_NOTICE, "marketing.email"));
  g_assert_false (news_has (second, GH_NEWS_NOTICE, "personalize.offers"));
  g_assert_true (news_has (second, GH_NEWS_NEW_ITEM, "user.preference.wishlist"));
  g_assert_false (news_has (second, GH_NEWS_NEW_ITEM, "user.contact.email"));
  g_assert_true (news_has (second, GH_NEWS_OFFER_LOST, "birthday-treat"));

  /* The answer: keep it on, under the new notice. */
  gh_session_set_consent_async (second, "personalize.offers", GH_CONSENT_GRANTED, NULL, done_cb,
                                &result);
  g_assert_true (gh_session_set_consent_finish (second, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_pointer (&to_answer, g_ptr_array_unref);
  to_answer = gh_session_list_notices_to_answer (second);
  g_assert_cmpuint (to_answer->len, ==, 0);
  g_assert_true (has_offer (second, "birthday-treat"));
  g_assert_cmpuint (gh_session_get_changes (second)->len, ==, 1);

  customer = gh_store_find_customer (fx->store, LOYALTY_ID, &error);
  consents = gh_store_list_consents (fx->store, customer->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < consents->len; i++)
    {
      GhConsent *consent = g_ptr_array_index (consents, i);

      if (g_str_equal (consent->purpose_id, "personalize.offers"))
        g_assert_cmpstr (consent->notice_version, ==, NEW_NOTICE);
      else if (g_str_equal (consent->purpose_id, "marketing.email"))
        g_assert_cmpstr (consent->notice_version, ==, OLD_NOTICE);
    }
  last_event (fx, &kind, &body);
  g_assert_cmpstr (kind, ==, "consent.granted");
  g_assert_nonnull (strstr (body, "\"notice_version\":\"" NEW_NOTICE "\""));
  g_assert_true (gh_store_verify_chain (fx->store, &checked, &bad, &error));
  g_assert_no_error (error);

  gh_session_issue_receipt_async (second, GH_RECEIPT_KIND_CONSENT, NULL, done_cb, &issued);
  receipt = gh_session_issue_receipt_finish (second, wait_for (&issued), &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (gh_receipt_get_body (receipt), "\"noticeVersion\":\"" NEW_NOTICE "\""));
  end_visit (fx, second);
}

static void
test_kept_until_answered (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *config = demo_config (2, "kept");
  g_autoptr(GhCatalog) changed = apply (fx, config);
  g_autoptr(GhSession) session = sign_in (fx, changed);
  g_autoptr(GPtrArray) to_answer = gh_session_list_notices_to_answer (session);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (to_answer->len, ==, 1);
  g_assert_cmpint (gh_session_get_state (session, "personalize.offers"), ==, GH_CONSENT_GRANTED);
  g_assert_true (has_offer (session, "birthday-treat"));
  /* No record of a last visit: the told change still shows, since the choice. */
  g_assert_cmpint (gh_session_get_last_visit (session), ==, 0);
  g_assert_true (news_has (session, GH_NEWS_NOTICE, "marketing.email"));

  /* Switched off with the new notice in front of them. */
  gh_session_set_consent_async (session, "personalize.offers", GH_CONSENT_REVOKED, NULL, done_cb,
                                &result);
  g_assert_true (gh_session_set_consent_finish (session, wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_false (has_offer (session, "birthday-treat"));
  g_clear_pointer (&to_answer, g_ptr_array_unref);
  to_answer = gh_session_list_notices_to_answer (session);
  g_assert_cmpuint (to_answer->len, ==, 0);
  gh_session_end (session);
}

static void
test_forget_drops_last_visit (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GhSession) session = sign_in (fx, fx->catalog);
  g_autoptr(GhSession) again = NULL;
  g_autoptr(GhErasureResult) erased = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strconcat (GH_SESSION_LAST_VISIT_PREFIX, REF, NULL);
  g_autofree char *left = NULL;

  end_visit (fx, session);
  again = sign_in (fx, fx->catalog);
  gh_session_forget_async (again, done_cb, &result);
  erased = gh_session_forget_finish (again, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (erased);
  gh_session_end (again);
  /* Let the closing worker run: it must not write the record back. */
  for (int i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  left = gh_store_get_meta (fx->store, key);
  g_assert_null (left);
}

static void
test_config_refusals (void)
{
  static const GhTestBundleRefusal cases[] = {
    { "{\"asks_again\":true,\"until_answered\":\"kept\",\"what_changed\":{\"en\":\"x\"}}",
      "purposes[0].notice_change.asks_again: only a consent purpose can ask again" },
    { "{\"asks_again\":false,\"until_answered\":\"kept\",\"what_changed\":{\"en\":\"x\"}}",
      "purposes[0].notice_change.until_answered: only a change that asks again" },
    { "{\"asks_again\":\"yes\",\"what_changed\":{\"en\":\"x\"}}",
      "purposes[0].notice_change.asks_again: expected true or false" },
    { "{\"asks_again\":false}",
      "purposes[0].notice_change.what_changed" },
    { "{\"asks_again\":false,\"what_changed\":{\"en\":\"x\"},\"why\":1}",
      "purposes[0].notice_change" },
  };
  g_autofree char *config = demo_config (1, NULL);

  gh_test_bundle_assert_refusals (config, "purposes[0].notice_change", cases, G_N_ELEMENTS (cases));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/notice-change/config-refusals", test_config_refusals);
  GH_TEST_ADD_FIXTURE ("/notice-change/paused-then-answered", NULL, test_paused_then_answered);
  GH_TEST_ADD_FIXTURE ("/notice-change/kept-until-answered", NULL, test_kept_until_answered);
  GH_TEST_ADD_FIXTURE ("/notice-change/forget-drops-last-visit", NULL,
                       test_forget_drops_last_visit);
  return g_test_run ();
}
