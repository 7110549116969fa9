/* glasshouse-portal against a real PostgreSQL, spoken to in plain HTTP by a
 * libsoup client: the receipt page and every refusal (forged, expired,
 * unknown-kiosk, unapproved, malformed tokens), the short-code form and its
 * rate limit, the security headers on every answer, sign-in with lockout and
 * the same answer for an unknown number, CSRF, the member's pages, a purpose
 * switched off (the decision row at HQ), the data copy, forget me (the erasure
 * at HQ), request limits, a log with no personal data, and HQ going down.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "receipts/gh-kiosk-keys.h"
#include "gh-portal-fixture.h"
#include "gh-portal-phone.h"
#include "gh-test-utils.h"

static GhPortalFixture *fx;
static char *skip_reason;

#define REQUIRE_FIXTURE() GH_PORTAL_REQUIRE_FIXTURE (fx, skip_reason)

/* ---- the receipt ----------------------------------------------------------- */

static void
test_receipt_page (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) answer = NULL;
  g_autofree char *path = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  path = g_strconcat ("/r/", fx->token, NULL);
  answer = gh_phone_get (phone, path);
  g_assert_cmpuint (answer->status, ==, 200);
  gh_phone_assert_security_headers (answer, TRUE);
  g_assert_nonnull (strstr (answer->body, "The choices you made"));
  g_assert_nonnull (strstr (answer->body, "Email newsletter") != NULL ? "" : strstr (answer->body, "changed on this visit"));
  g_assert_nonnull (strstr (answer->body, "changed on this visit"));
  g_assert_nonnull (strstr (answer->body, "Northwind Outfitters SE"));
  g_assert_nonnull (strstr (answer->body, "https://northwind.example/privacy"));
  g_assert_nonnull (strstr (answer->body, "store-1"));
  /* Nothing personal: not the member's name, number or pseudonym. */
  g_assert_null (strstr (answer->body, "Astrid"));
  g_assert_null (strstr (answer->body, "4000000001"));
  g_assert_null (strstr (answer->body, fx->ref));
  g_assert_null (strstr (answer->body, "<script"));

  /* A receipt made with staff's help, in German: its page says who helped, in its language. */
  {
    g_autofree char *staff_path = g_strconcat ("/r/", fx->staff_token, NULL);
    g_autoptr(GhPhone) other = gh_portal_fixture_phone (fx);
    g_autoptr(GhPhoneAnswer) staff = gh_phone_get (other, staff_path);

    g_assert_cmpuint (staff->status, ==, 200);
    g_assert_nonnull (strstr (staff->body, "<html lang=\"de\""));
    g_assert_nonnull (strstr (staff->body, "Ihr Antrag auf eine Kopie Ihrer Daten"));
    g_assert_nonnull (strstr (staff->body, "Unterstützt von Mitarbeiter"));
    g_assert_nonnull (strstr (staff->body, "s-0042"));
    g_assert_null (strstr (staff->body, "Magdalena"));
  }
}

static void
test_receipt_german (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) answer = NULL;
  g_autoptr(GhPhoneAnswer) switched = NULL;
  g_autoptr(GhPhoneAnswer) again = NULL;
  g_autofree char *path = NULL;
  g_autofree char *de = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  path = g_strconcat ("/r/", fx->token, NULL);
  /* The receipt was issued in English: its page is, whatever the phone says... */
  phone->accept_language = g_strdup ("de-DE,de;q=0.9");
  answer = gh_phone_get (phone, path);
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->body, "lang=\"en\""));
  /* ...until the switcher says German, which the cookie then keeps. */
  de = g_strconcat (path, "?lang=de", NULL);
  switched = gh_phone_get (phone, de);
  g_assert_cmpuint (switched->status, ==, 200);
  g_assert_nonnull (strstr (switched->body, "<html lang=\"de\""));
  g_assert_nonnull (strstr (switched->body, "Ihre Entscheidungen"));
  again = gh_phone_get (phone, "/");
  g_assert_nonnull (strstr (again->body, "<html lang=\"de\""));
}

static void
test_receipt_refusals (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *forged_path = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *expired_path = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *unknown_path = NULL;
  g_autofree char *unapproved = NULL;
  g_autofree char *unapproved_path = NULL;
  g_autofree char *stranger_key = NULL;
  g_autoptr(PGconn) db = NULL;
  gsize n;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  /* Forged: one character of the signature changed. */
  forged = g_strdup (fx->token);
  n = strlen (forged);
  forged[n - 10] = forged[n - 10] == 'A' ? 'B' : 'A';
  forged_path = g_strconcat ("/r/", forged, NULL);
  gh_phone_assert_invalid (phone, forged_path, 404);
  /* Expired: signed by a kiosk HQ approved, with a key it knows, but past its date. */
  db = gh_portal_fixture_admin (fx);
  stranger_key = g_strdup ("approved-old");
  {
    g_autofree char *token = gh_portal_fixture_token ("kiosk-expiring", 7, 1700000000);
    g_autofree char *sql = NULL;
    g_autoptr(GhKioskKeys) keys = NULL;
    guint8 seed[32];
    g_autofree char *pub = NULL;

    memset (seed, 7, sizeof seed);
    keys = gh_kiosk_keys_new_from_seed (seed);
    pub = gh_kiosk_keys_get_public_base64 (keys);
    sql = g_strdup_printf ("INSERT INTO glasshouse.kiosk_key (kiosk_id, pubkey, approved_at)"
                           " VALUES ('kiosk-expiring', '%s', now ())", pub);
    gh_test_pg_exec (db, sql);
    gh_portal_fixture_add_receipt (fx, "kiosk-expiring", 7, token);
    expired = g_steal_pointer (&token);
  }
  /* The portal reads approved keys again after a few seconds, or at once for an
   * unknown kiosk (at most once a second). */
  g_usleep (1100 * 1000);
  expired_path = g_strconcat ("/r/", expired, NULL);
  gh_phone_assert_invalid (phone, expired_path, 410);
  /* A kiosk HQ never heard of. */
  unknown = gh_portal_fixture_token ("kiosk-stranger", 9, 2000000000);
  gh_portal_fixture_add_receipt (fx, "kiosk-stranger", 9, unknown);
  unknown_path = g_strconcat ("/r/", unknown, NULL);
  gh_phone_assert_invalid (phone, unknown_path, 404);
  /* A kiosk registered but not approved. */
  {
    g_autoptr(GhKioskKeys) keys = NULL;
    guint8 seed[32];
    g_autofree char *pub = NULL;
    g_autofree char *sql = NULL;

    memset (seed, 11, sizeof seed);
    keys = gh_kiosk_keys_new_from_seed (seed);
    pub = gh_kiosk_keys_get_public_base64 (keys);
    sql = g_strdup_printf ("INSERT INTO glasshouse.kiosk_key (kiosk_id, pubkey)"
                           " VALUES ('kiosk-waiting', '%s')", pub);
    gh_test_pg_exec (db, sql);
  }
  g_usleep (1100 * 1000);
  unapproved = gh_portal_fixture_token ("kiosk-waiting", 11, 2000000000);
  gh_portal_fixture_add_receipt (fx, "kiosk-waiting", 11, unapproved);
  unapproved_path = g_strconcat ("/r/", unapproved, NULL);
  gh_phone_assert_invalid (phone, unapproved_path, 404);
  /* Approved: the same token opens its receipt (so the refusal above was the approval's). */
  gh_test_pg_exec (db, "UPDATE glasshouse.kiosk_key SET approved_at = now () WHERE kiosk_id = 'kiosk-waiting'");
  g_usleep (1100 * 1000);
  {
    g_autoptr(GhPhoneAnswer) opened = gh_phone_get (phone, unapproved_path);
    g_assert_cmpuint (opened->status, ==, 200);
    g_assert_nonnull (strstr (opened->body, "The choices you made"));
  }
  /* Malformed. */
  gh_phone_assert_invalid (phone, "/r/not-a-token", 400);
  gh_phone_assert_invalid (phone, "/r/%3Cscript%3E", 400);
  gh_phone_assert_invalid (phone, "/r/", 400);
  {
    g_autofree char *long_path = g_strnfill (3000, 'A');
    g_autofree char *full = g_strconcat ("/r/", long_path, NULL);
    gh_phone_assert_invalid (phone, full, 400);
  }
  /* Unknown paths and methods get the same page. */
  gh_phone_assert_invalid (phone, "/admin", 404);
  /* The stylesheet, the one answer that may be cached, has the headers too. */
  {
    g_autoptr(GhPhoneAnswer) css = gh_phone_get (phone, "/portal.css");
    g_assert_cmpuint (css->status, ==, 200);
    gh_phone_assert_security_headers (css, FALSE);
    g_assert_cmpstr (soup_message_headers_get_one (css->headers, "Cache-Control"), ==, "public, max-age=3600");
  }
}

/* ---- the code form ------------------------------------------------------------ */

static void
test_code_form (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) home = NULL;
  g_autoptr(GhPhoneAnswer) no_csrf = NULL;
  g_autoptr(GhPhoneAnswer) found = NULL;
  g_autoptr(GhPhoneAnswer) lower = NULL;
  g_autoptr(GhPhoneAnswer) missing = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *location = NULL;
  g_autofree char *typed = NULL;
  guint last = 0;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  home = gh_phone_get (phone, "/");
  g_assert_cmpuint (home->status, ==, 200);
  gh_phone_assert_security_headers (home, TRUE);
  csrf = gh_phone_csrf (home->body);
  g_assert_nonnull (csrf);

  no_csrf = gh_phone_post (phone, "/code", "code", fx->short_code, NULL);
  g_assert_cmpuint (no_csrf->status, ==, 403);
  g_assert_null (soup_message_headers_get_one (no_csrf->headers, "Location"));

  found = gh_phone_post (phone, "/code", "code", fx->short_code, "csrf", csrf, NULL);
  g_assert_cmpuint (found->status, ==, 303);
  gh_phone_assert_security_headers (found, TRUE);
  gh_phone_assert_security_headers (no_csrf, TRUE);
  location = g_strconcat ("/r/", fx->token, NULL);
  g_assert_cmpstr (soup_message_headers_get_one (found->headers, "Location"), ==, location);
  /* As a person types it: lower case, no dash, O for 0. */
  typed = g_ascii_strdown (fx->short_code, -1);
  g_strdelimit (typed, "-", ' ');
  lower = gh_phone_post (phone, "/code", "code", typed, "csrf", csrf, NULL);
  g_assert_cmpuint (lower->status, ==, 303);
  missing = gh_phone_post (phone, "/code", "code", "ZZZZ-ZZZZ", "csrf", csrf, NULL);
  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_nonnull (strstr (missing->body, "No receipt has this code"));
  /* Ten tries a minute per client: the rest wait. */
  for (int i = 0; i < 10 && last != 429; i++)
    {
      g_autoptr(GhPhoneAnswer) guess = gh_phone_post (phone, "/code", "code", "ZZZZ-ZZZ0",
                                                      "csrf", csrf, NULL);
      last = guess->status;
      if (last == 429)
        {
          g_assert_nonnull (soup_message_headers_get_one (guess->headers, "Retry-After"));
          gh_phone_assert_security_headers (guess, TRUE);
        }
    }
  g_assert_cmpuint (last, ==, 429);
}

/* ---- sign-in --------------------------------------------------------------------- */

static double
timed_wrong_pin (GhPhone    *phone,
                 const char *loyalty_id,
                 guint      *status,
                 char      **body)
{
  g_autoptr(GhPhoneAnswer) form = gh_phone_get (phone, "/sign-in");
  g_autofree char *csrf = gh_phone_csrf (form->body);
  g_autoptr(GhPhoneAnswer) answer = NULL;
  gint64 start = g_get_monotonic_time ();

  answer = gh_phone_post (phone, "/sign-in", "loyalty", loyalty_id, "pin", "9999", "csrf", csrf, NULL);
  *status = answer->status;
  if (body != NULL)
    *body = g_strdup (answer->body);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
test_sign_in_lockout (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autofree char *known_body = NULL;
  g_autofree char *unknown_body = NULL;
  double known_time = 0, unknown_time = 0;
  guint status = 0;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  /* Without the CSRF token nothing is checked at all. */
  {
    g_autoptr(GhPhoneAnswer) bare = gh_phone_post (phone, "/sign-in", "loyalty", "4000000002",
                                                   "pin", "0002", NULL);
    g_assert_cmpuint (bare->status, ==, 403);
    g_assert_null (g_hash_table_lookup (phone->cookies, "gh_session"));
  }
  /* A wrong PIN for a member and for a number nobody has: one answer, one time. */
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;
      guint known_status, unknown_status;
      known_time += timed_wrong_pin (phone, "4000000002", &known_status, &a);
      unknown_time += timed_wrong_pin (phone, "4999999999", &unknown_status, &b);
      g_assert_cmpuint (known_status, ==, 403);
      g_assert_cmpuint (unknown_status, ==, 403);
      g_assert_nonnull (strstr (a, "That loyalty number and PIN do not match"));
      g_assert_nonnull (strstr (b, "That loyalty number and PIN do not match"));
      if (i == 0)
        {
          known_body = g_steal_pointer (&a);
          unknown_body = g_steal_pointer (&b);
        }
    }
  g_test_message ("4 wrong PINs: known number %.3f s, unknown number %.3f s", known_time, unknown_time);
  /* argon2id at the kiosk's cost dominates both; a missing verify would be ~100x faster.
   * The bound is loose because a busy machine (a parallel test run) skews single samples. */
  g_assert_cmpfloat (unknown_time, >, known_time * 0.3);
  g_assert_cmpfloat (known_time, >, unknown_time * 0.3);
  /* The fifth wrong PIN locks both. */
  timed_wrong_pin (phone, "4000000002", &status, NULL);
  g_assert_cmpuint (status, ==, 429);
  timed_wrong_pin (phone, "4999999999", &status, NULL);
  g_assert_cmpuint (status, ==, 429);
  /* Locked: even the right PIN does not get in. */
  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000002", "0002"), ==, 429);
  g_assert_null (g_hash_table_lookup (phone->cookies, "gh_session"));
  db = gh_portal_fixture_admin (fx);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT failed_pins FROM glasshouse.member"
                                       " WHERE loyalty_id = '4000000002'"), ==, 5);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT round (extract (epoch FROM locked_until - now ()))"
                                       "  FROM glasshouse.member WHERE loyalty_id = '4000000002'"),
                   >, 50);
  /* The lock runs out; five more wrong PINs lock for twice as long. */
  gh_test_pg_exec (db, "UPDATE glasshouse.member SET locked_until = now () - interval '1 second'"
                       " WHERE loyalty_id = '4000000002'");
  for (int i = 0; i < 5; i++)
    timed_wrong_pin (phone, "4000000002", &status, NULL);
  g_assert_cmpuint (status, ==, 429);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT round (extract (epoch FROM locked_until - now ()))"
                                       "  FROM glasshouse.member WHERE loyalty_id = '4000000002'"),
                   >, 110);
  /* The lock ends (as HQ staff would clear it): the right PIN gets in, the count resets. */
  gh_test_pg_exec (db, "UPDATE glasshouse.member SET locked_until = now () - interval '1 second'"
                       " WHERE loyalty_id = '4000000002'");
  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000002", "0002"), ==, 303);
  g_assert_nonnull (g_hash_table_lookup (phone->cookies, "gh_session"));
  g_assert_cmpint (gh_test_pg_int (db, "SELECT failed_pins FROM glasshouse.member"
                                       " WHERE loyalty_id = '4000000002'"), ==, 0);
}

/* ---- the member's pages ------------------------------------------------------- */

static void
test_member_switches_off (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhone) stranger = NULL;
  g_autoptr(GhPhoneAnswer) me = NULL;
  g_autoptr(GhPhoneAnswer) preview = NULL;
  g_autoptr(GhPhoneAnswer) forged = NULL;
  g_autoptr(GhPhoneAnswer) saved = NULL;
  g_autoptr(GhPhoneAnswer) after = NULL;
  g_autoptr(GhPhoneAnswer) anonymous = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *choice_path = NULL;
  g_autofree char *switch_off_link = NULL;
  g_autofree char *switch_on_link = NULL;

  REQUIRE_FIXTURE ();
  choice_path = g_strconcat ("/me/choice?purpose=", fx->offer_purpose, NULL);
  switch_off_link = g_strconcat (choice_path, "\">Switch off", NULL);
  switch_on_link = g_strconcat (choice_path, "\">Switch on", NULL);
  phone = gh_portal_fixture_phone (fx);
  stranger = gh_portal_fixture_phone (fx);
  /* Nothing personal without signing in. */
  anonymous = gh_phone_get (stranger, "/me");
  g_assert_cmpuint (anonymous->status, ==, 303);
  g_assert_cmpstr (soup_message_headers_get_one (anonymous->headers, "Location"), ==, "/sign-in");

  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000001", "0001"), ==, 303);
  me = gh_phone_get (phone, "/me");
  g_assert_cmpuint (me->status, ==, 200);
  gh_phone_assert_security_headers (me, TRUE);
  g_assert_nonnull (strstr (me->body, "Hello, Astrid"));
  g_assert_nonnull (strstr (me->body, "What we hold about you"));
  g_assert_nonnull (strstr (me->body, "deleted on"));
  if (strstr (me->body, "Because…") == NULL)
    gh_test_fail ("no because in %s", me->body);
  g_assert_nonnull (strstr (me->body, choice_path));

  /* The preview: the offers switching off removes, from the offer engine. */
  preview = gh_phone_get (phone, choice_path);
  g_assert_cmpuint (preview->status, ==, 200);
  g_assert_nonnull (strstr (preview->body, "You would no longer get these offers:"));
  g_assert_nonnull (strstr (preview->body, "value=\"revoked\""));
  csrf = gh_phone_csrf (preview->body);

  /* A form without its token changes nothing. */
  forged = gh_phone_post (phone, "/me/choice", "purpose", fx->offer_purpose,
                          "state", "revoked", NULL);
  g_assert_cmpuint (forged->status, ==, 403);
  db = gh_portal_fixture_admin (fx);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"
                                       " WHERE origin = 'portal'"), ==, 0);

  saved = gh_phone_post (phone, "/me/choice", "purpose", fx->offer_purpose,
                         "state", "revoked", "csrf", csrf, NULL);
  g_assert_cmpuint (saved->status, ==, 303);
  /* A new receipt, issued by the portal, opens like a kiosk's and shows the change. */
  {
    const char *location = soup_message_headers_get_one (saved->headers, "Location");
    g_autoptr(GhPhoneAnswer) receipt = NULL;
    g_autoptr(GhPhoneAnswer) anonymous_receipt = NULL;

    g_assert_true (g_str_has_prefix (location, "/r/"));
    receipt = gh_phone_get (phone, location);
    g_assert_cmpuint (receipt->status, ==, 200);
    g_assert_nonnull (strstr (receipt->body, "Saved."));
    g_assert_nonnull (strstr (receipt->body, "changed on this visit"));
    g_assert_nonnull (strstr (receipt->body, "Online, on this site"));
    g_assert_nonnull (strstr (receipt->body, "href=\"/me\""));
    anonymous_receipt = gh_phone_get (stranger, location);
    g_assert_cmpuint (anonymous_receipt->status, ==, 200);
    g_assert_null (strstr (anonymous_receipt->body, "Saved."));
    g_assert_null (strstr (anonymous_receipt->body, "Astrid"));
  }
  /* The decision at HQ: what the next sync round brings to every kiosk. */
  sql = g_strdup_printf ("SELECT count (*) FROM glasshouse.decision WHERE ref = '%s'"
                         " AND purpose_id = '%s' AND state = 'revoked'"
                         " AND origin = 'portal' AND kiosk_id IS NULL AND notice_version IS NOT NULL",
                         fx->ref, fx->offer_purpose);
  g_assert_cmpint (gh_test_pg_int (db, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count (*) FROM glasshouse.receipt WHERE kiosk_id = 'portal-1'"
                         " AND ref = '%s' AND body -> 'changes' -> 0 ->> 'purposeId' = '%s'"
                         " AND body -> 'changes' -> 0 ->> 'actor' = 'portal'", fx->ref, fx->offer_purpose);
  g_assert_cmpint (gh_test_pg_int (db, sql), ==, 1);
  /* test-portal-browser follows it through a sync round to the kiosk's store. */

  after = gh_phone_get (phone, "/me?saved=1");
  g_assert_nonnull (strstr (after->body, "Saved."));
  g_assert_null (strstr (after->body, switch_off_link));
  g_assert_nonnull (strstr (after->body, switch_on_link));
  /* Sent again: the same state, no second row. */
  {
    g_autoptr(GhPhoneAnswer) twice = gh_phone_post (phone, "/me/choice", "purpose",
                                                    fx->offer_purpose, "state", "revoked",
                                                    "csrf", csrf, NULL);
    g_assert_cmpuint (twice->status, ==, 303);
    g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"
                                         " WHERE origin = 'portal'"), ==, 1);
  }
  /* Another phone's token does not pass for this session's. */
  {
    g_autoptr(GhPhoneAnswer) other_form = gh_phone_get (stranger, "/sign-in");
    g_autofree char *other = gh_phone_csrf (other_form->body);
    g_autoptr(GhPhoneAnswer) cross = gh_phone_post (phone, "/me/choice", "purpose",
                                                    fx->offer_purpose, "state", "granted",
                                                    "csrf", other, NULL);
    g_assert_cmpuint (cross->status, ==, 403);
  }
}

static void
test_member_copy (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) json = NULL;
  g_autoptr(GhPhoneAnswer) page = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autofree char *sql = NULL;
  JsonObject *root;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000001", "0001"), ==, 303);
  json = gh_phone_get (phone, "/me/copy.json");
  g_assert_cmpuint (json->status, ==, 200);
  gh_phone_assert_security_headers (json, TRUE);
  g_assert_nonnull (strstr (soup_message_headers_get_one (json->headers, "Content-Disposition"),
                            "attachment"));
  g_assert_true (json_parser_load_from_data (parser, json->body, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "glasshouse-export/1");
  db = gh_portal_fixture_admin (fx);
  sql = g_strdup_printf ("SELECT count (*) FROM glasshouse.member_item WHERE ref = '%s'", fx->ref);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "data")), ==,
                   gh_test_pg_int (db, sql));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "customer"),
                                                  "displayName"), ==, "Astrid Andersson");
  page = gh_phone_get (phone, "/me/copy");
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "Your copy of your data"));
  g_assert_nonnull (strstr (page->body, "Astrid Andersson"));
}

static void
test_member_forget (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) confirm = NULL;
  g_autoptr(GhPhoneAnswer) done = NULL;
  g_autoptr(GhPhoneAnswer) after = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autofree char *csrf = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000003", "0003"), ==, 303);
  confirm = gh_phone_get (phone, "/me/forget");
  g_assert_cmpuint (confirm->status, ==, 200);
  csrf = gh_phone_csrf (confirm->body);
  done = gh_phone_post (phone, "/me/forget", "csrf", csrf, NULL);
  g_assert_cmpuint (done->status, ==, 200);
  g_assert_nonnull (strstr (done->body, "We are forgetting you"));
  db = gh_portal_fixture_admin (fx);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.erasure"
                                       " WHERE origin = 'portal'"), ==, 1);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.member"
                                       " WHERE loyalty_id = '4000000003'"), ==, 0);
  after = gh_phone_get (phone, "/me");
  g_assert_cmpuint (after->status, ==, 303);
  /* Forgotten numbers sign in like unknown ones. */
  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000003", "0003"), ==, 403);
}

/* A shopper forgotten anywhere (here: at a kiosk, as its push records it) can no longer be
 * looked up through the receipt that was on the kiosk's screen: the link is simply "not
 * valid", with nothing about them. Runs after the others that use that receipt. */
static void
test_forgotten_receipt_refused (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GhPhoneAnswer) before = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  path = g_strconcat ("/r/", fx->token, NULL);
  before = gh_phone_get (phone, path);
  g_assert_cmpuint (before->status, ==, 200);
  db = gh_portal_fixture_admin (fx);
  sql = g_strdup_printf ("SELECT glasshouse.erase_member ('%s', 'kiosk', now ())", fx->ref);
  gh_test_pg_exec (db, sql);
  gh_phone_assert_invalid (phone, path, 404);
}

/* ---- limits ----------------------------------------------------------------------- */

static void
test_limits (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autofree char *big = g_strnfill (64 * 1024, 'x');
  g_autoptr(GhPhoneAnswer) answer = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[256];
  gssize got;
  gint64 start;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  answer = gh_phone_post (phone, "/code", "code", big, NULL);
  g_assert_cmpuint (answer->status, ==, 413);
  gh_phone_assert_security_headers (answer, TRUE);

  /* A client that starts a request and never finishes it is cut off. */
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", fx->port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            "GET / HTTP/1.1\r\nHost: x\r\n", 26, NULL, NULL, &error));
  start = g_get_monotonic_time ();
  got = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer,
                             sizeof buffer, NULL, &error);
  g_test_message ("slow client cut off after %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (got, <=, 0);
  g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, <, 10.0);
}

/* ---- the log ------------------------------------------------------------------------- */

static void
test_log_scrubbed (void)
{
  g_autofree char *log = NULL;
  const char *secrets[] = { "4000000001", "4000000002", "4000000003", "4999999999", "0001", "0002",
                            "9999", "Astrid", "Andersson", "Magdalena", "Amélie", "portal-Secret-42",
                            "gh_session", NULL };

  REQUIRE_FIXTURE ();
  log = gh_portal_fixture_log (fx);
  g_test_message ("portal log: %zu bytes, %u lines", strlen (log),
                  g_strv_length (g_strsplit (log, "\n", -1)) - 1);
  if (g_getenv ("GH_SHOW_LOG")) g_printerr ("%s", log);
  g_assert_nonnull (strstr (log, "GET receipt 200"));
  g_assert_nonnull (strstr (log, "POST sign-in 303"));
  g_assert_null (strstr (log, fx->token));
  g_assert_null (strstr (log, fx->ref));
  g_assert_null (strstr (log, fx->short_code));
  gh_portal_fixture_assert_log_lacks (log, secrets);
}

/* ---- the portal killed --------------------------------------------------------------- */

static void
test_portal_killed (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhone) after = NULL;
  g_autoptr(GhPhoneAnswer) me = NULL;
  g_autoptr(GhPhoneAnswer) receipt = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  gint64 decisions;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000001", "0001"), ==, 303);
  db = gh_portal_fixture_admin (fx);
  decisions = gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision");
  gh_portal_fixture_kill (fx);
  /* Started again (the unit's Restart=on-failure): the session is gone, HQ is as it was. */
  gh_portal_fixture_start (fx, FALSE, "request-seconds=3");
  base = gh_portal_fixture_base (fx);
  g_free (phone->base);
  phone->base = g_strdup (base);
  me = gh_phone_get (phone, "/me");
  g_assert_cmpuint (me->status, ==, 303);
  g_assert_cmpstr (soup_message_headers_get_one (me->headers, "Location"), ==, "/sign-in");
  after = gh_portal_fixture_phone (fx);
  path = g_strconcat ("/r/", fx->token, NULL);
  receipt = gh_phone_get (after, path);
  g_assert_cmpuint (receipt->status, ==, 200);
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"), ==, decisions);
}

/* ---- HQ down ------------------------------------------------------------------------- */

static void
test_hq_down (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) answer = NULL;
  g_autoptr(GhPhoneAnswer) home = NULL;
  g_autofree char *path = NULL;
  gint64 start;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  /* Last: stops HQ for good. */
  kill (gh_test_pg_postmaster_pid (fx->pg), SIGKILL);
  g_usleep (200 * 1000);
  path = g_strconcat ("/r/", fx->token, NULL);
  start = g_get_monotonic_time ();
  answer = gh_phone_get (phone, path);
  g_assert_cmpuint (answer->status, ==, 503);
  g_assert_nonnull (strstr (answer->body, "not available right now"));
  g_assert_nonnull (soup_message_headers_get_one (answer->headers, "Retry-After"));
  gh_phone_assert_security_headers (answer, TRUE);
  g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, <, 15.0);
  /* The portal itself stays up. */
  home = gh_phone_get (phone, "/");
  g_assert_cmpuint (home->status, ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  fx = gh_portal_fixture_new (&skip_reason);
  if (fx != NULL)
    gh_portal_fixture_start (fx, FALSE, "request-seconds=3");

  g_test_add_func ("/portal/01-receipt-page", test_receipt_page);
  g_test_add_func ("/portal/02-receipt-german", test_receipt_german);
  g_test_add_func ("/portal/03-receipt-refusals", test_receipt_refusals);
  g_test_add_func ("/portal/04-code-form", test_code_form);
  g_test_add_func ("/portal/05-sign-in-lockout", test_sign_in_lockout);
  g_test_add_func ("/portal/06-member-switch-off", test_member_switches_off);
  g_test_add_func ("/portal/07-member-copy", test_member_copy);
  g_test_add_func ("/portal/08-member-forget", test_member_forget);
  g_test_add_func ("/portal/09-limits", test_limits);
  g_test_add_func ("/portal/10-portal-killed", test_portal_killed);
  g_test_add_func ("/portal/11-log-scrubbed", test_log_scrubbed);
  g_test_add_func ("/portal/12-forgotten-receipt-refused", test_forgotten_receipt_refused);
  g_test_add_func ("/portal/13-hq-down", test_hq_down);
  return gh_test_run_and_free (fx, (GDestroyNotify) gh_portal_fixture_free, skip_reason);
}
