/* A changed notice, through the kiosk's real widgets: a shopper who said yes under
 * the old personalised-offers notice signs in (in German) under a config whose
 * change asks again and pauses the consent; "What has changed" comes first, in
 * German, with the email notice's change under "What's new since your last visit";
 * the purpose is paused (its offers gone) until they answer; "Keep it on" records
 * the consent under the new notice_version (store row and chain event); the next
 * visit goes straight to the dashboard, whose data show HQ's words for departments and
 * channels in the visit's language (French after a switch on the page). And: "Decide
 * later" leaves it paused, and the next visit asks again.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "gh-notice-page.h"
#include "store/gh-store-private.h"
#include "gh-ui-test-utils.h"

#define SHOPPER "4000000003"
#define PIN     "0003"

static char *
store_text (const char *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db, GH_STORE_OPEN_READ_ONLY, &error);
  sqlite3_stmt *stmt;
  char *text = NULL;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = _gh_store_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return text;
}

static gboolean
notices_idle (gpointer data)
{
  return !gh_notice_page_get_busy (data);
}

static char *
make_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("glasshouse-notice-XXXXXX", NULL);
  char *db = gh_ui_test_demo_store (dir, 3);

  gh_ui_test_change_notice (db, SHOPPER, "paused");
  return db;
}

static void
remove_store (const char *db)
{
  g_autofree char *dir = g_path_get_dirname (db);
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", dir);

  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
}

/* Signs out, past "Before you go" when the visit changed something. */
static void
sign_out (GhWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  if (g_strcmp0 (gh_window_get_page_name (window), "leave") == 0)
    gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.leave", NULL);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
}

static GtkWidget *
sign_in_to_notices (GhWindow   *window,
                    const char *language)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s",
                                             language));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  gh_ui_test_keypad_type (window, SHOPPER);
  gh_ui_test_keypad_type (window, PIN);
  g_assert_true (gh_ui_test_wait_page (window, "notices", 10000));
  return _gh_window_get_page (window, "notices");
}

/* HQ's words for the shopper's departments and channels, in the visit's language,
 * are what "Your data" shows. */
static void
assert_value_words (GhWindow   *window,
                    const char *language)
{
  GhSession *session = gh_window_get_session (window);
  GPtrArray *items = gh_session_get_items (session);
  g_autofree char *shown = gh_ui_test_collect_text (_gh_window_get_page (window, "dashboard"));
  guint checked = 0;

  for (guint i = 0; i < items->len; i++)
    {
      GhDataItem *item = g_ptr_array_index (items, i);
      g_autoptr(JsonNode) node = json_from_string (item->attributes, NULL);
      JsonObject *attributes = node != NULL ? json_node_get_object (node) : NULL;

      for (guint a = 0; attributes != NULL && a < 2; a++)
        {
          const char *name = a == 0 ? "department" : "channel";
          const char *value = json_object_get_string_member_with_default (attributes, name, NULL);
          const char *words = gh_catalog_get_value_label (gh_session_get_catalog (session), name,
                                                          value, language);

          if (words == NULL || g_str_equal (words, value))
            continue;
          if (strstr (shown, words) == NULL)
            gh_ui_test_fail ("\"%s\" (%s %s) is not on the dashboard", words, name, value);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
test_keep_it_on (void)
{
  g_autofree char *db = make_store ();
  GhWindow *window = gh_ui_test_window_new (db, 1920, 1080);
  GtkWidget *page = sign_in_to_notices (window, "de");
  g_autofree char *text = gh_ui_test_collect_text (page);
  g_autofree char *version = NULL;
  g_autofree char *event = NULL;
  GhSession *session = gh_window_get_session (window);
  GtkWidget *keep;

  /* The config's words in the visit's language; the told change listed below. */
  g_assert_nonnull (strstr (text, "Wir nutzen jetzt auch, was Sie auf unserer Website ansehen"));
  g_assert_nonnull (strstr (text, "Unsere E-Mails kommen jetzt von news.northwind.example."));
  g_assert_null (strstr (text, "We now also use"));
  g_assert_cmpuint (gh_notice_page_get_n_open (GH_NOTICE_PAGE (page)), ==, 1);
  /* Paused until answered: the purpose is off and brings no offers. */
  g_assert_cmpint (gh_session_get_state (session, "personalize.offers"), ==, GH_CONSENT_REVOKED);
  for (guint i = 0; i < gh_session_get_offers (session)->len; i++)
    g_assert_cmpstr (gh_offer_get_purpose_id (((GhOfferMatch *) g_ptr_array_index (
                       gh_session_get_offers (session), i))->offer), !=, "personalize.offers");

  /* Another language on the page itself: our words follow, HQ's fall back to English. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "fr"));
  {
    g_autofree char *french = gh_ui_test_collect_text (page);

    g_assert_nonnull (strstr (french, "Ce qui a changé"));
    g_assert_nonnull (strstr (french, "We now also use what you browse"));
    g_assert_null (strstr (french, "Wir nutzen"));
  }

  keep = gh_ui_test_find_all (page, GTK_TYPE_BUTTON)->pdata[0];
  g_assert_true (gtk_widget_has_css_class (keep, "suggested-action"));
  g_signal_emit_by_name (keep, "clicked");
  g_assert_true (gh_ui_test_wait (notices_idle, page, 5000));
  g_assert_cmpuint (gh_notice_page_get_n_open (GH_NOTICE_PAGE (page)), ==, 0);
  g_assert_cmpint (gh_session_get_state (session, "personalize.offers"), ==, GH_CONSENT_GRANTED);

  version = store_text (db, "SELECT notice_version FROM consent JOIN customer ON id = customer_id"
                            " WHERE loyalty_id = '" SHOPPER "' AND purpose_id = 'personalize.offers'");
  g_assert_cmpstr (version, ==, "2027-02");
  event = store_text (db, "SELECT kind || ' ' || body FROM event ORDER BY seq DESC LIMIT 1");
  g_assert_nonnull (strstr (event, "consent.granted"));
  g_assert_nonnull (strstr (event, "\"notice_version\":\"2027-02\""));

  g_assert_true (gtk_widget_activate_action (page, "notice.continue", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 2000));
  assert_value_words (window, "fr");
  sign_out (window);
  g_assert_null (_gh_window_get_page (window, "notices"));

  /* Answered, and nothing new since: the next visit starts on the dashboard. */
  g_assert_true (gh_ui_test_sign_in (window, SHOPPER, PIN));
  sign_out (window);
  gtk_window_destroy (GTK_WINDOW (window));
  remove_store (db);
}

static void
test_decide_later (void)
{
  g_autofree char *db = make_store ();
  GhWindow *window = gh_ui_test_window_new (db, 1080, 1920);
  GtkWidget *page = sign_in_to_notices (window, "en");
  g_autofree char *version = NULL;

  g_assert_nonnull (gh_ui_test_find_button (page, "Decide later"));
  g_assert_true (gtk_widget_activate_action (page, "notice.continue", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 2000));
  g_assert_cmpint (gh_session_get_state (gh_window_get_session (window), "personalize.offers"),
                   ==, GH_CONSENT_REVOKED);
  sign_out (window);
  version = store_text (db, "SELECT notice_version FROM consent JOIN customer ON id = customer_id"
                            " WHERE loyalty_id = '" SHOPPER "' AND purpose_id = 'personalize.offers'");
  g_assert_cmpstr (version, !=, "2027-02");

  /* Still unanswered: asked again next time. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  gh_ui_test_keypad_type (window, SHOPPER);
  gh_ui_test_keypad_type (window, PIN);
  g_assert_true (gh_ui_test_wait_page (window, "notices", 10000));
  sign_out (window);
  gtk_window_destroy (GTK_WINDOW (window));
  remove_store (db);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/notice/keep-it-on", test_keep_it_on);
  g_test_add_func ("/notice/decide-later", test_decide_later);
  return g_test_run ();
}
