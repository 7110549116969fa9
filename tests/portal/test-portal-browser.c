/* The phone, end to end, with real parts: the kiosk's own follow-up screen
 * (GhFollowUpPage, rendered as GTK's reftests do) for a receipt a real kiosk
 * store issued and pushed to a real PostgreSQL; zbarimg reads its QR code;
 * Debian's Chromium, headless at 390x844, opens exactly that URL (the portal's
 * host mapped to the test's glasshouse-portal, served over TLS) and lands on
 * that receipt, then walks every page in English and German, signs in and
 * switches a purpose off. Screenshots go to the build folder
 * (tests/portal/portal-LANG-STEP.png). HQ holds the decision afterwards.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "gh-follow-up-page.h"
#include "gh-portal-fixture.h"
#include "gh-portal-phone.h"
#include "gh-test-frame.h"
#include "gh-test-utils.h"
#include "receipts/gh-receipt.h"

/* The kiosk's follow-up screen for the fixture's receipt, as a PNG in the build folder. */
static char *
shoot_follow_up_screen (GhPortalFixture *fx)
{
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *window, *page;
  char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "tests", "portal",
                                 "portal-kiosk-follow-up.png", NULL);

  store = gh_store_open (fx->kiosk_db, 0, &error);
  g_assert_no_error (error);
  receipt = gh_receipt_load (store, fx->receipt_id, &error);
  g_assert_no_error (error);
  page = gh_follow_up_page_new ();
  gh_follow_up_page_set_receipt (GH_FOLLOW_UP_PAGE (page), receipt, fx->catalog);
  window = gh_test_window_new (page, 1920, 1080);
  texture = gh_test_render_window (window, path);
  gtk_window_destroy (GTK_WINDOW (window));
  return path;
}

static JsonObject *
find_step (GPtrArray  *steps,
           const char *lang,
           const char *step)
{
  for (guint i = 0; i < steps->len; i++)
    {
      JsonObject *o = steps->pdata[i];
      if (g_str_equal (json_object_get_string_member (o, "lang"), lang) &&
          g_str_equal (json_object_get_string_member (o, "step"), step))
        return o;
    }
  gh_test_fail ("the browser run has no step %s/%s", lang, step);
  return NULL;
}

static void
assert_text (JsonObject *step,
             const char *needle)
{
  const char *text = json_object_get_string_member (step, "text");

  if (strstr (text, needle) == NULL)
    gh_test_fail ("%s/%s does not say \"%s\": %.600s", json_object_get_string_member (step, "lang"),
                  json_object_get_string_member (step, "step"), needle, text);
}

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;  /* the test's own self-signed certificate */
}

/* HSTS and the other headers over TLS, with a plain client. */
static void
check_tls_headers (GhPortalFixture *fx)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%d/r/%s", fx->port, fx->token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  headers = soup_message_get_response_headers (msg);
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "Strict-Transport-Security"),
                            "max-age="));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Referrer-Policy"), ==, "no-referrer");
}

/* The kiosk store's current state of @purpose for the member @loyalty_id. */
static const char *
kiosk_state (GhPortalFixture *fx,
             const char      *loyalty_id,
             const char      *purpose)
{
  g_autoptr(GhStore) store = gh_store_open (fx->kiosk_db, GH_STORE_OPEN_DEFAULT, NULL);
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GPtrArray) consents = NULL;

  g_assert_nonnull (store);
  customer = gh_store_find_customer (store, loyalty_id, NULL);
  g_assert_nonnull (customer);
  consents = gh_store_list_consents (store, customer->id, NULL);
  g_assert_nonnull (consents);
  for (guint i = 0; i < consents->len; i++)
    {
      GhConsent *consent = consents->pdata[i];
      if (g_strcmp0 (consent->purpose_id, purpose) == 0)
        return gh_consent_state_to_string (consent->state);
    }
  return "none";
}

static void
test_phone (void)
{
  g_autofree char *skip = NULL;
  GhPortalFixture *fx;
  g_autofree char *png = NULL;
  g_autofree char *url = NULL;
  g_autofree char *script = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *port = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) lines = NULL;
  g_autoptr(PGconn) db = NULL;
  g_autofree char *sql = NULL;
  JsonObject *step;
  int status = 0;

  if (chromium == NULL)
    {
      g_test_skip ("chromium is not installed");
      return;
    }
  fx = gh_portal_fixture_new (&skip);
  if (fx == NULL)
    {
      g_test_skip (skip);
      return;
    }
  gh_portal_fixture_start (fx, TRUE, NULL);
  check_tls_headers (fx);

  /* What a phone's camera reads from the kiosk's screen. */
  png = shoot_follow_up_screen (fx);
  {
    /* zbarimg ends each symbol with a newline (sometimes one more): one URL, however many lines. */
    g_autofree char *decoded = gh_test_zbar_decode (png);
    g_auto(GStrv) symbols = NULL;

    g_assert_nonnull (decoded);
    symbols = g_strsplit (g_strstrip (decoded), "\n", -1);
    for (guint i = 1; symbols[i] != NULL; i++)
      g_assert_cmpstr (g_strstrip (symbols[i]), ==, symbols[0]);
    url = g_strdup (symbols[0]);
  }
  g_assert_cmpstr (url, ==, fx->receipt_url);
  g_assert_true (g_str_has_prefix (url, "https://privacy.northwind.example/r/"));

  script = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "tests", "portal",
                             "portal-browser.py", NULL);
  out_dir = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "tests", "portal", NULL);
  port = g_strdup_printf ("%d", fx->port);
  {
    const char *argv[] = { "python3", script, "--url", url, "--host", "privacy.northwind.example",
                           "--port", port, "--out", out_dir, "--loyalty", "4000000001", "--pin", "0001",
                           "--purpose", fx->offer_purpose, "--chromium", chromium, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
  }
  if (!g_spawn_check_wait_status (status, NULL))
    gh_test_fail ("the browser run failed: %s", err);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] == '{')
      {
        g_autoptr(JsonNode) node = json_from_string (lines[i], &error);
        g_assert_no_error (error);
        g_ptr_array_add (steps, json_object_ref (json_node_get_object (node)));
      }
  g_test_message ("%u pages shot into %s", steps->len, out_dir);
  g_assert_cmpuint (steps->len, ==, 23);

  /* Landed on that receipt, in the receipt's language. */
  step = find_step (steps, "en", "01-receipt");
  g_assert_cmpint (json_object_get_int_member (step, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (step, "lang"), ==, "en");
  g_assert_cmpstr (json_object_get_string_member (step, "h1"), ==, "The choices you made");
  assert_text (step, "changed on this visit");
  assert_text (step, "store-1");
  g_assert_nonnull (strstr (json_object_get_string_member (step, "hsts"), "max-age"));
  g_assert_nonnull (strstr (json_object_get_string_member (step, "csp"), "default-src 'self'"));
  step = find_step (steps, "de", "01-receipt");
  g_assert_cmpstr (json_object_get_string_member (step, "h1"), ==, "Ihre Entscheidungen am Kiosk");

  assert_text (find_step (steps, "en", "03-code-not-found"), "No receipt has this code");
  g_assert_cmpint (json_object_get_int_member (find_step (steps, "en", "04-link-not-valid"), "status"), ==, 400);
  assert_text (find_step (steps, "de", "04-link-not-valid"), "Dieser Link ist ungültig");
  assert_text (find_step (steps, "en", "06-sign-in-refused"), "That loyalty number and PIN do not match");
  assert_text (find_step (steps, "en", "07-your-data"), "Hello, Astrid");
  assert_text (find_step (steps, "de", "07-your-data"), "Hallo, Astrid");
  assert_text (find_step (steps, "en", "08-choice-preview"), "You would no longer get these offers:");
  assert_text (find_step (steps, "en", "09-choice-saved"), "Saved.");
  assert_text (find_step (steps, "de", "08-choice-preview"), "Diesen Zweck einschalten?");
  assert_text (find_step (steps, "en", "10-copy"), "Your copy of your data");
  assert_text (find_step (steps, "de", "12-signed-out"), "Sie sind abgemeldet");

  /* Every page fits the phone's width and has no small targets. */
  for (guint i = 0; i < steps->len; i++)
    {
      JsonObject *o = steps->pdata[i];
      if (json_object_get_boolean_member (o, "overflow"))
        gh_test_fail ("%s/%s is wider than the phone", json_object_get_string_member (o, "lang"),
                      json_object_get_string_member (o, "step"));
      if (json_object_get_int_member (o, "small") > 0)
        gh_test_fail ("%s/%s has %" G_GINT64_FORMAT " targets under 44 px",
                      json_object_get_string_member (o, "lang"), json_object_get_string_member (o, "step"),
                      json_object_get_int_member (o, "small"));
    }

  /* The switch reached HQ: the decision the next sync round brings to every kiosk. */
  db = gh_portal_fixture_admin (fx);
  sql = g_strdup_printf ("SELECT state FROM glasshouse.decision WHERE ref = '%s' AND purpose_id = '%s'"
                         " ORDER BY change_no DESC LIMIT 1", fx->ref, fx->offer_purpose);
  {
    g_autofree char *state = gh_test_pg_value (db, sql);
    g_assert_cmpstr (state, ==, "revoked");
  }
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT origin FROM glasshouse.decision WHERE ref = '%s' AND purpose_id = '%s'"
                         " ORDER BY change_no DESC LIMIT 1", fx->ref, fx->offer_purpose);
  {
    g_autofree char *origin = gh_test_pg_value (db, sql);
    g_assert_cmpstr (origin, ==, "portal");
  }
  /* One sync round later the kiosk's store has it off too, recorded as HQ's (its screen
   * follows at the next sign-in: tests/ui/test-ui-fleet.c). */
  g_assert_cmpstr (kiosk_state (fx, "4000000001", fx->offer_purpose), ==, "granted");
  {
    g_autofree char *conninfo = gh_test_pg_conninfo (fx->pg, fx->dbname, "postgres", NULL);
    g_autofree char *err = NULL;

    if (gh_test_run_ctl (NULL, &err, "sync", "--db", fx->kiosk_db, "--postgres", conninfo, NULL) != 0)
      gh_test_fail ("glasshouse-ctl sync failed: %s", err);
  }
  g_assert_cmpstr (kiosk_state (fx, "4000000001", fx->offer_purpose), ==, "revoked");

  /* A whole phone's visit over TLS left nothing personal in the log. */
  {
    g_autofree char *log = gh_portal_fixture_log (fx);
    const char *secrets[] = { fx->token, fx->ref, "4000000001", "0001", "Astrid", "Andersson", NULL };

    g_assert_nonnull (strstr (log, "GET receipt 200"));
    for (guint i = 0; secrets[i] != NULL; i++)
      if (strstr (log, secrets[i]) != NULL)
        gh_test_fail ("the portal's log holds \"%s\"", secrets[i]);
  }
  gh_portal_fixture_free (fx);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal/browser/phone", test_phone);
  return g_test_run ();
}
