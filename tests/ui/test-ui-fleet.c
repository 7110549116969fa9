/* One fleet on B's screen: a shopper revokes a purpose at kiosk A while signed in at kiosk
 * B. A's sync round, then B's (real `glasshouse-ctl sync` processes against a PostgreSQL
 * the test starts) do not change B's screen during the visit, nor B's store; when the visit
 * ends the kiosk applies the change, and the next sign-in at B shows the purpose revoked.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "gh-consent-row.h"
#include "gh-dashboard-page.h"
#include "gh-test-hq-fleet.h"
#include "gh-test-utils.h"
#include "gh-ui-test-utils.h"

#define LOYALTY "4000000002"
#define PIN "0002"

static GhConsentRow *
choice_row (GhWindow   *window,
            const char *purpose_id)
{
  return gh_ui_test_choice_row (_gh_window_get_page (window, "dashboard"), purpose_id);
}

static char *
kiosk_id_of (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db, GH_STORE_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  return g_strdup (gh_store_get_kiosk_id (store));
}

static void
sync_ok (const char *db,
         const char *conninfo)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = gh_test_fleet_sync (db, conninfo, NULL, &out, &err);

  if (status != 0)
    gh_ui_test_fail ("sync: exit %d: %s%s", status, out, err);
}

typedef struct {
  const char *db;
  const char *purpose;
} StoreWait;

static gboolean
store_revoked (gpointer data)
{
  StoreWait *wait = data;
  g_autofree char *state = gh_ui_test_consent_state (wait->db, LOYALTY, wait->purpose);

  return g_strcmp0 (state, "revoked") == 0;
}

static void
test_revoked_at_a_shows_at_b (void)
{
  g_autofree char *skip = NULL;
  GhTestPg *pg = gh_test_pg_start (FALSE, &skip);
  g_autofree char *dir_a = NULL;
  g_autofree char *dir_b = NULL;
  g_autofree char *db_a = NULL;
  g_autofree char *db_b = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_autofree char *conn_a = NULL;
  g_autofree char *conn_b = NULL;
  g_autofree char *state = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *purpose = "personalize.offers";
  GhWindow *window;
  StoreWait wait;

  if (pg == NULL)
    {
      g_test_skip (skip);
      return;
    }
  /* Two kiosks of the demo estate: the same members, under the same refs. */
  dir_a = g_dir_make_tmp ("glasshouse-ui-fleet-a-XXXXXX", NULL);
  dir_b = g_dir_make_tmp ("glasshouse-ui-fleet-b-XXXXXX", NULL);
  db_a = gh_ui_test_demo_store (dir_a, 5);
  db_b = gh_ui_test_demo_store (dir_b, 5);
  id_a = kiosk_id_of (db_a);
  id_b = kiosk_id_of (db_b);
  gh_test_hq_create (pg, "fleet_ui");
  conn_a = gh_test_hq_kiosk_login (pg, "fleet_ui", id_a);
  conn_b = gh_test_hq_kiosk_login (pg, "fleet_ui", id_b);
  /* The purpose starts granted on both. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "consent", "set", "--db", db_a, LOYALTY, purpose,
                                    "granted", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "consent", "set", "--db", db_b, LOYALTY, purpose,
                                    "granted", NULL), ==, 0);
  sync_ok (db_a, conn_a);
  sync_ok (db_b, conn_b);

  /* Signed in at B; meanwhile the shopper's revocation at A reaches HQ and B's round. */
  window = gh_ui_test_window_new (db_b, 1080, 1920);
  g_assert_true (gh_ui_test_sign_in (window, LOYALTY, PIN));
  g_assert_true (gh_consent_row_get_granted (choice_row (window, purpose)));
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "consent", "set", "--db", db_a, LOYALTY, purpose,
                                    "revoked", NULL), ==, 0);
  sync_ok (db_a, conn_a);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "sync", "--json", "--db", db_b, "--postgres",
                                    conn_b, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"deferred_for_visit\" : true"));

  /* Not under the shopper: B's screen and store are as they were. */
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  g_assert_true (gh_consent_row_get_granted (choice_row (window, purpose)));
  state = gh_ui_test_consent_state (db_b, LOYALTY, purpose);
  g_assert_cmpstr (state, ==, "granted");

  /* The visit ends: the kiosk applies it before the next sign-in, which shows it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL));
  wait.db = db_b;
  wait.purpose = purpose;
  g_assert_true (gh_ui_test_wait (store_revoked, &wait, 10000));
  /* The next sign-in first says what is new since the last visit (the offers the switch at A
   * took away), then the dashboard shows the purpose off. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  gh_ui_test_keypad_type (window, LOYALTY);
  gh_ui_test_keypad_type (window, PIN);
  g_assert_true (gh_ui_test_wait_page (window, "notices", 10000));
  g_assert_true (gtk_widget_activate_action (_gh_window_get_page (window, "notices"),
                                             "notice.continue", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 10000));
  g_assert_false (gh_consent_row_get_granted (choice_row (window, purpose)));
  gtk_window_destroy (GTK_WINDOW (window));

  gh_test_pg_stop (pg);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf %s %s", dir_a, dir_b);
    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_setenv ("PGPASSFILE", "/nonexistent/glasshouse-no-pgpass", TRUE);
  g_test_add_func ("/fleet/revoked-at-a-shows-at-b", test_revoked_at_a_shows_at_b);
  return g_test_run ();
}
