/* The screenshot tour: every screen of a visit rendered headlessly, landscape
 * 1920x1080 and portrait 1080x1920, to PNG files in the build folder
 * (tour-<orientation>-<NN>-<screen>.png), the way GTK's reftests render.
 * It also checks each screen is the one it claims to be, so a broken flow fails.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "gh-dashboard-page.h"
#include "gh-consent-row.h"
#include "gh-follow-up-page.h"
#include "gh-notice-page.h"
#include "gh-staff-controller.h"
#include "gh-staff-mode.h"
#include "gh-ui-test-utils.h"

static char *store_dir;
static char *db_path;

static char *
shoot (GhWindow   *window,
       const char *orientation,
       int         index,
       const char *name)
{
  g_autofree char *file = g_strdup_printf ("tour-%s-%02d-%s.png", orientation, index, name);
  char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".", file, NULL);

  /* Let transitions, relayouts and the portrait/landscape switch settle. */
  gh_ui_test_settle (GTK_WIDGET (window));
  gh_ui_test_save_png (GTK_WIDGET (window), path);
  g_test_message ("wrote %s", path);
  return path;
}

/* The whole screen as a phone camera sees it: zbarimg must read exactly the
 * page's URL, the portal's /r/ address, and nothing about the shopper. */
static void
assert_scans_to_follow_up_url (const char *png,
                               GtkWidget  *page)
{
  const char *argv[] = { "zbarimg", "--raw", "-q", png, NULL };
  const char *url = gh_follow_up_page_get_url (GH_FOLLOW_UP_PAGE (page));
  g_autofree char *out = NULL;
  int status = 0;

  g_assert_nonnull (url);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                               &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_strchomp (out);
  g_assert_cmpstr (out, ==, url);
  g_assert_true (g_str_has_prefix (out, "https://privacy.northwind.example/r/"));
  g_assert_null (strstr (out, "400000000"));
}

static gboolean
follow_up_is_access (gpointer data)
{
  GtkWidget *page = _gh_window_get_page (data, "follow-up");

  return g_strcmp0 (gh_window_get_page_name (data), "follow-up") == 0 && page != NULL &&
         gh_follow_up_page_get_kind (GH_FOLLOW_UP_PAGE (page)) == GH_RECEIPT_KIND_ACCESS;
}

static gboolean
dashboard_idle (gpointer data)
{
  GhDashboardPage *page = data;

  return !gh_dashboard_page_get_busy (page);
}

static gboolean
preview_ready (gpointer data)
{
  GhDashboardPage *page = data;

  return gtk_widget_get_first_child (gh_ui_test_find_named (GTK_WIDGET (page), "preview-list"))
         != NULL;
}

static GtkWidget *
find_consent_row (GtkWidget  *root,
                  const char *purpose_id)
{
  g_autoptr(GPtrArray) rows = gh_ui_test_find_all (root, GH_TYPE_CONSENT_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      GhConsentRow *row = g_ptr_array_index (rows, i);
      if (g_str_equal (gh_purpose_get_id (gh_consent_row_get_purpose (row)), purpose_id))
        return GTK_WIDGET (row);
    }
  return NULL;
}

/* Debugging aid: the minimum widths down the tree (GH_TOUR_MEASURE=1). */
static void
measure_tree (GtkWidget *widget,
              int        depth)
{
  int min = 0, nat = 0;

  if (!gtk_widget_get_visible (widget) || depth > 14)
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  if (min > 500)
    g_printerr ("%*s%s %d\n", depth, "", G_OBJECT_TYPE_NAME (widget), min);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    measure_tree (c, depth + 1);
}

static void
tour (const char *orientation,
      int         width,
      int         height)
{
  GhWindow *window = gh_ui_test_window_new (db_path, width, height);
  GtkWidget *dashboard;
  GtkWidget *row;
  char *path = NULL;
  int n = 0;

  g_free (shoot (window, orientation, ++n, "attract"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "identify", 2000));
  g_free (shoot (window, orientation, ++n, "identify"));

  gh_ui_test_keypad_type (window, "4000000003");
  g_free (shoot (window, orientation, ++n, "pin"));

  gh_ui_test_keypad_type (window, "9999");
  g_assert_true (gh_ui_test_wait_idle_page (window, "identify", 10000));
  g_free (shoot (window, orientation, ++n, "wrong-pin"));

  gh_ui_test_keypad_type (window, "0003");
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 10000));
  dashboard = _gh_window_get_page (window, "dashboard");
  if (g_getenv ("GH_TOUR_MEASURE"))
    measure_tree (GTK_WIDGET (window), 0);
  g_free (shoot (window, orientation, ++n, "dashboard"));

  if (gh_dashboard_page_get_portrait (GH_DASHBOARD_PAGE (dashboard)))
    {
      gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "offers");
      g_free (shoot (window, orientation, ++n, "dashboard-offers"));
      gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "choices");
      g_free (shoot (window, orientation, ++n, "dashboard-choices"));
    }

  row = find_consent_row (dashboard, "personalize.offers");
  g_assert_nonnull (row);
  gtk_switch_set_active (GTK_SWITCH (gh_ui_test_find_all (row, GTK_TYPE_SWITCH)->pdata[0]), FALSE);
  g_assert_true (gh_dashboard_page_get_preview_shown (GH_DASHBOARD_PAGE (dashboard)));
  gh_ui_test_wait (preview_ready, dashboard, 5000);
  g_free (shoot (window, orientation, ++n, "preview"));

  gtk_widget_activate_action (dashboard, "dashboard.confirm", NULL);
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  g_free (shoot (window, orientation, ++n, "undo"));
  gtk_widget_activate_action (dashboard, "dashboard.undo", NULL);
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));

  /* "Receipt of my choices": the visit's receipt as a QR code that really scans. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.follow-up", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "follow-up", 10000));
  path = shoot (window, orientation, ++n, "follow-up");
  assert_scans_to_follow_up_url (path, _gh_window_get_page (window, "follow-up"));
  g_signal_emit_by_name (_gh_window_get_page (window, "follow-up"), "done");
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 2000));
  g_clear_pointer (&path, g_free);

  /* "Copy of my data" asks for the Art. 15 copy even after changes were made. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.copy-data", NULL));
  g_assert_true (gh_ui_test_wait (follow_up_is_access, window, 10000));
  path = shoot (window, orientation, ++n, "copy-data");
  assert_scans_to_follow_up_url (path, _gh_window_get_page (window, "follow-up"));
  g_signal_emit_by_name (_gh_window_get_page (window, "follow-up"), "done");
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 2000));
  g_clear_pointer (&path, g_free);

  if (gh_dashboard_page_get_portrait (GH_DASHBOARD_PAGE (dashboard)))
    gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "data");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.forget", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "forget", 2000));
  g_free (shoot (window, orientation, ++n, "forget"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.dashboard", NULL));

  _gh_window_set_idle_timeout (window, 200, 20);
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) _gh_window_get_idle_warning_shown, window,
                                  3000));
  g_free (shoot (window, orientation, ++n, "idle-warning"));
  _gh_window_set_idle_timeout (window, 0, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.more-time", NULL));

  /* The receipt of the visit's changes was taken above: signing out is one tap (the
   * i18n tours shoot the "Before you go" page of a visit that did not take it). */
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
notices_idle (gpointer data)
{
  return !gh_notice_page_get_busy (data);
}

static gboolean
notice_preview_ready (gpointer data)
{
  GtkWidget *page = data;
  GtkWidget *confirm = gh_ui_test_find_button (page, "Switch it off");
  g_autofree char *text = gh_ui_test_collect_text (page);

  /* The confirm button waits for the what-if: the offers that would go (or stay away). */
  return confirm != NULL && gtk_widget_get_sensitive (confirm)
         && gtk_widget_has_css_class (confirm, "destructive-action")
         && (strstr (text, "will go") != NULL || strstr (text, "come back") != NULL);
}

/* A changed notice: "What has changed" right after signing in, its preview, the
 * answer, and "What's new since your last visit". Its own store, since it changes
 * the config. Numbered after the shopper's tour. */
static void
notice_tour (const char *orientation,
             int         width,
             int         height)
{
  g_autofree char *dir = g_dir_make_tmp ("glasshouse-notice-tour-XXXXXX", NULL);
  g_autofree char *db = gh_ui_test_demo_store (dir, 3);
  GhWindow *window;
  GtkWidget *page;
  int n = 40;

  gh_ui_test_change_notice (db, "4000000003", "paused");
  window = gh_ui_test_window_new (db, width, height);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  gh_ui_test_keypad_type (window, "4000000003");
  gh_ui_test_keypad_type (window, "0003");
  g_assert_true (gh_ui_test_wait_page (window, "notices", 10000));
  page = _gh_window_get_page (window, "notices");
  g_free (shoot (window, orientation, ++n, "notices"));

  /* "Switch it off" previews the offers that would go, as on the dashboard. */
  g_signal_emit_by_name (gh_ui_test_find_button (page, "Switch it off"), "clicked");
  g_assert_true (gh_ui_test_wait (notice_preview_ready, page, 5000));
  g_free (shoot (window, orientation, ++n, "notices-preview"));
  g_signal_emit_by_name (gh_ui_test_find_button (page, "Keep it on"), "clicked");

  g_signal_emit_by_name (gh_ui_test_find_button (page, "Keep it on"), "clicked");
  g_assert_true (gh_ui_test_wait (notices_idle, page, 5000));
  g_assert_cmpuint (gh_notice_page_get_n_open (GH_NOTICE_PAGE (page)), ==, 0);
  g_free (shoot (window, orientation, ++n, "notices-answered"));

  g_assert_true (gtk_widget_activate_action (page, "notice.continue", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 2000));
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf %s", dir);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

/* Staff mode: the PIN screen, the staff page with the kiosk's health, and the
 * banner that then stays on every screen. Numbered after the shopper's tour. */
static void
staff_tour (const char *orientation,
            int         width,
            int         height)
{
  GhWindow *window = gh_ui_test_window_new (db_path, width, height);
  GhStaffController *staff = _gh_window_get_staff (window);
  int n = 50;

  gh_staff_controller_request_unlock (staff);
  g_assert_true (gh_ui_test_wait_page (window, "staff-sign-in", 2000));
  g_free (shoot (window, orientation, ++n, "staff-sign-in"));

  gh_ui_test_keypad_type_on (window, "staff-sign-in", "2468");
  g_assert_true (gh_ui_test_wait_page (window, "staff", 10000));
  /* The health figures come from a worker. */
  g_assert_true (gh_ui_test_wait_idle_page (window, "staff", 10000));
  g_free (shoot (window, orientation, ++n, "staff-page"));

  g_assert_true (gtk_widget_activate_action (_gh_window_get_page (window, "staff"), "staff-page.done",
                                             NULL));
  g_assert_true (gh_ui_test_wait_page (window, "attract", 2000));
  g_free (shoot (window, orientation, ++n, "staff-banner"));
  gh_staff_mode_end (gh_staff_controller_get_mode (staff));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_tour_landscape (void)
{
  tour ("landscape", 1920, 1080);
  notice_tour ("landscape", 1920, 1080);
  staff_tour ("landscape", 1920, 1080);
}

static void
test_tour_portrait (void)
{
  tour ("portrait", 1080, 1920);
  notice_tour ("portrait", 1080, 1920);
  staff_tour ("portrait", 1080, 1920);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-tour-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 10);

  g_test_add_func ("/tour/landscape", test_tour_landscape);
  g_test_add_func ("/tour/portrait", test_tour_portrait);
  result = g_test_run ();

  g_spawn_command_line_sync (g_strdup_printf ("rm -rf %s", store_dir), NULL, NULL, NULL, NULL);
  return result;
}
