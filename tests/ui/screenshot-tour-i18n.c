/* The screenshot tour for the shoppers the plain tour does not show: every screen in
 * German (the longest words of the kiosk's languages) with "Larger text" on, landscape
 * and portrait, and with high contrast; English in the plain look; French and Spanish
 * with larger text in portrait, where the top bar is tightest. To
 * PNG files in the build folder (tour-<language>-<look>-<orientation>-<NN>-<screen>.png).
 * On every screen the window must still fit its screen and no label may be narrower
 * than its words or shorter than its wrapped lines: clipped text fails.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "gh-accessibility.h"
#include "gh-consent-row.h"
#include "gh-dashboard-page.h"
#include "gh-staff-controller.h"
#include "gh-staff-mode.h"
#include "gh-ui-a11y-utils.h"
#include "gh-ui-test-utils.h"

static char *store_dir;
static char *db_path;

typedef struct {
  GhWindow   *window;
  const char *prefix;
  int         n;
  int         width;
  int         height;
  GString    *problems;
} Tour;

/* What makes a window too big: the widgets whose minimum size is large. */
static void
report_minimum_sizes (GtkWidget *widget,
                      int        depth)
{
  int min_width = 0, min_height = 0;

  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);
  if (min_width > 400 || min_height > 400)
    g_test_message ("%*s%s %s: %dx%d", depth, "", G_OBJECT_TYPE_NAME (widget),
                    gtk_widget_get_name (widget), min_width, min_height);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    report_minimum_sizes (child, depth + 1);
}

static void
shoot (Tour       *tour,
       const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s-%02d-%s.png", tour->prefix, ++tour->n, name);
  g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".", file, NULL);
  g_autofree char *clipped = NULL;

  gh_ui_test_settle (GTK_WIDGET (tour->window));
  /* A kiosk's window cannot grow past its screen: what does not fit is cut off. */
  if (gtk_widget_get_width (GTK_WIDGET (tour->window)) > tour->width
      || gtk_widget_get_height (GTK_WIDGET (tour->window)) > tour->height)
    {
      report_minimum_sizes (GTK_WIDGET (tour->window), 0);
      gh_ui_test_fail ("%s: the window grew to %dx%d to fit its content", file,
               gtk_widget_get_width (GTK_WIDGET (tour->window)),
               gtk_widget_get_height (GTK_WIDGET (tour->window)));
    }
  gh_ui_test_save_png (GTK_WIDGET (tour->window), path);
  g_test_message ("wrote %s", path);
  /* Every screen is rendered before the tour fails, so all of them can be looked at. */
  clipped = gh_a11y_find_clipped_labels (GTK_WIDGET (tour->window));
  if (clipped != NULL)
    g_string_append_printf (tour->problems, "\n%s:%s", file, clipped);
}

static gboolean
dashboard_idle (gpointer data)
{
  return !gh_dashboard_page_get_busy (data);
}

static gboolean
preview_ready (gpointer data)
{
  GtkWidget *list = gh_ui_test_find_named (data, "preview-list");

  return list != NULL && gtk_widget_get_first_child (list) != NULL;
}

static gboolean
undo_shown (gpointer data)
{
  return gh_dashboard_page_get_undo_shown (data);
}

static GtkWidget *
consent_switch (GtkWidget  *dashboard,
                const char *purpose_id)
{
  GhConsentRow *row = gh_ui_test_choice_row (dashboard, purpose_id);
  g_autoptr(GPtrArray) switches = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_SWITCH);

  return switches->pdata[0];
}

static void
run_tour (const char *language,
          const char *look,
          const char *orientation,
          int         width,
          int         height,
          const char *loyalty,
          const char *pin)
{
  g_autofree char *prefix = g_strdup_printf ("tour-%s-%s-%s", language, look, orientation);
  Tour tour = { gh_ui_test_window_new (db_path, width, height), prefix, 0, width, height,
                g_string_new (NULL) };
  GhAccessibility *a11y = gh_accessibility_get_for_display (
    gtk_widget_get_display (GTK_WIDGET (tour.window)));
  GtkWidget *dashboard;
  gboolean portrait;
  GPtrArray *chips;

  /* Chosen on the attract screen, as a shopper would. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tour.window), "kiosk.language", "s",
                                             language));
  gh_accessibility_set_larger_text (a11y, g_str_equal (look, "larger-text"));
  gh_accessibility_set_high_contrast (a11y, g_str_equal (look, "high-contrast"));
  shoot (&tour, "attract");

  /* The staff page, in the shopper's look (staff help that shopper): it must fit. */
  gh_staff_controller_request_unlock (_gh_window_get_staff (tour.window));
  g_assert_true (gh_ui_test_wait_page (tour.window, "staff-sign-in", 2000));
  gh_ui_test_keypad_type_on (tour.window, "staff-sign-in", "2468");
  g_assert_true (gh_ui_test_wait_page (tour.window, "staff", 10000));
  g_assert_true (gh_ui_test_wait_idle_page (tour.window, "staff", 10000));
  shoot (&tour, "staff-page");
  gh_staff_mode_end (gh_staff_controller_get_mode (_gh_window_get_staff (tour.window)));
  g_assert_true (gh_ui_test_wait_page (tour.window, "attract", 2000));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tour.window), "kiosk.start", NULL));
  shoot (&tour, "identify");
  gh_ui_test_keypad_type (tour.window, loyalty);
  shoot (&tour, "pin");
  gh_ui_test_keypad_type (tour.window, "9999");
  g_assert_true (gh_ui_test_wait_idle_page (tour.window, "identify", 10000));
  shoot (&tour, "wrong-pin");
  gh_ui_test_keypad_type (tour.window, pin);
  g_assert_true (gh_ui_test_wait_page (tour.window, "dashboard", 10000));
  dashboard = _gh_window_get_page (tour.window, "dashboard");
  portrait = gh_dashboard_page_get_portrait (GH_DASHBOARD_PAGE (dashboard));
  shoot (&tour, "dashboard");

  if (portrait)
    gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "offers");
  if (portrait)
    shoot (&tour, "dashboard-offers");
  chips = gh_ui_test_find_all (dashboard, GTK_TYPE_MENU_BUTTON);
  g_assert_cmpuint (chips->len, >, 0);
  gtk_menu_button_popup (chips->pdata[0]);
  shoot (&tour, "because");
  {
    /* The popover is a surface of its own, not in the window's picture. */
    g_autofree char *file = g_strdup_printf ("%s-%02d-because-popover.png", tour.prefix, tour.n);
    g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".", file,
                                              NULL);
    gh_ui_test_save_png (GTK_WIDGET (gtk_menu_button_get_popover (chips->pdata[0])), path);
  }
  gtk_menu_button_popdown (chips->pdata[0]);
  g_ptr_array_unref (chips);

  if (portrait)
    {
      gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "choices");
      shoot (&tour, "dashboard-choices");
    }
  gtk_switch_set_active (GTK_SWITCH (consent_switch (dashboard, "personalize.offers")), FALSE);
  g_assert_true (gh_ui_test_wait (preview_ready, dashboard, 5000));
  shoot (&tour, "preview");
  gtk_widget_activate_action (dashboard, "dashboard.confirm", NULL);
  g_assert_true (gh_ui_test_wait (undo_shown, dashboard, 5000));
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  shoot (&tour, "undo");
  gtk_widget_activate_action (dashboard, "dashboard.undo", NULL);
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tour.window), "kiosk.forget", NULL));
  shoot (&tour, "forget");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tour.window), "kiosk.dashboard", NULL));

  _gh_window_set_idle_timeout (tour.window, 200, 20);
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) _gh_window_get_idle_warning_shown,
                                  tour.window, 3000));
  shoot (&tour, "idle-warning");
  _gh_window_set_idle_timeout (tour.window, 0, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tour.window), "kiosk.more-time", NULL));

  gtk_widget_activate_action (GTK_WIDGET (tour.window), "kiosk.sign-out", NULL);
  g_assert_cmpstr (gh_window_get_page_name (tour.window), ==, "leave");
  shoot (&tour, "leave");
  gtk_widget_activate_action (GTK_WIDGET (tour.window), "kiosk.leave", NULL);
  g_assert_false (gh_accessibility_get_larger_text (a11y));

  g_assert_false (gh_accessibility_get_high_contrast (a11y));
  gtk_window_destroy (GTK_WINDOW (tour.window));

  if (tour.problems->len > 0)
    {
      /* Failed, but the other tours still run and render. */
      g_test_message ("clipped labels:%s", tour.problems->str);
      g_test_fail ();
    }
  g_string_free (tour.problems, TRUE);
}

static void
test_larger_text_landscape (void)
{
  run_tour ("de", "larger-text", "landscape", 1920, 1080, "4000000003", "0003");
}

static void
test_larger_text_portrait (void)
{
  run_tour ("de", "larger-text", "portrait", 1080, 1920, "4000000003", "0003");
}

static void
test_high_contrast_landscape (void)
{
  run_tour ("de", "high-contrast", "landscape", 1920, 1080, "4000000002", "0002");
}

/* The plain look, for the clipping check (the plain tour renders it for the README). */
static void
test_plain_landscape (void)
{
  run_tour ("en", "plain", "landscape", 1920, 1080, "4000000004", "0004");
}

/* The top bar is tightest in portrait with larger text: French and Spanish too. */
static void
test_french_larger_text_portrait (void)
{
  run_tour ("fr", "larger-text", "portrait", 1080, 1920, "4000000005", "0005");
}

static void
test_spanish_larger_text_portrait (void)
{
  run_tour ("es", "larger-text", "portrait", 1080, 1920, "4000000003", "0003");
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-tour-i18n-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 10);

  g_test_add_func ("/tour-i18n/german-larger-text/landscape", test_larger_text_landscape);
  g_test_add_func ("/tour-i18n/german-larger-text/portrait", test_larger_text_portrait);
  g_test_add_func ("/tour-i18n/german-high-contrast/landscape", test_high_contrast_landscape);
  g_test_add_func ("/tour-i18n/english/landscape", test_plain_landscape);
  g_test_add_func ("/tour-i18n/french-larger-text/portrait", test_french_larger_text_portrait);
  g_test_add_func ("/tour-i18n/spanish-larger-text/portrait", test_spanish_larger_text_portrait);
  result = g_test_run ();

  g_spawn_command_line_sync (g_strdup_printf ("rm -rf %s", store_dir), NULL, NULL, NULL, NULL);
  return result;
}
