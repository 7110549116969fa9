/* A card scanner on the attract screen, typed through the real X server with xdotool
 * (XTEST), as a USB scanner's keystrokes arrive: a burst of the loyalty number and Enter
 * starts the visit at the PIN step for that number; the same keys at a person's speed
 * leave the attract screen as it was.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gh-ui-test-utils.h"

static char *store_dir;
static char *db_path;


/* Types @text and Enter into @window with @delay_ms between keys, through the X server. */
static void
type_into (GhWindow   *window,
           const char *text,
           const char *delay_ms)
{
  /* xdotool types "\n" as Return, with the same delay before it as between digits. */
  g_autofree char *keys = g_strconcat (text, "\n", NULL);
  const char *args[] = { "sleep", "0.3", "type", "--delay", delay_ms, keys, NULL };

  gh_ui_test_xdotool (GTK_WIDGET (window), args);
}

static gboolean
on_pin_step (gpointer data)
{
  g_autoptr(GPtrArray) stacks = gh_ui_test_find_all (GTK_WIDGET (data), GTK_TYPE_STACK);

  if (g_strcmp0 (gh_window_get_page_name (GH_WINDOW (data)), "identify") != 0)
    return FALSE;
  for (guint i = 0; i < stacks->len; i++)
    if (gtk_widget_get_mapped (stacks->pdata[i])
        && g_strcmp0 (gtk_stack_get_visible_child_name (stacks->pdata[i]), "pin") == 0)
      return TRUE;
  return FALSE;
}

static void
test_scanner_burst_starts_a_visit (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  g_autofree char *loyalty_id = gh_ui_test_first_loyalty_id (db_path);

  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  type_into (window, loyalty_id, "4");
  g_assert_true (gh_ui_test_wait (on_pin_step, window, 5000));

  /* It is that shopper's PIN step: their PIN on the keypad opens their dashboard. */
  gh_ui_test_keypad_type (window, loyalty_id + strlen (loyalty_id) - 4);
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 20000));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_human_typing_is_not_a_scan (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  g_autofree char *loyalty_id = gh_ui_test_first_loyalty_id (db_path);

  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  /* A quick person: xdotool splits its 120 ms delay between press and release, so the
   * presses come about 60 ms apart. */
  type_into (window, loyalty_id, "120");
  g_assert_false (gh_ui_test_wait (on_pin_step, window, 1500));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");

  /* A burst too short to be a loyalty number is not one either. */
  type_into (window, "4000", "4");
  g_assert_false (gh_ui_test_wait (on_pin_step, window, 1500));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-scanner-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 3);

  g_test_add_func ("/ui/scanner/burst-starts-a-visit", test_scanner_burst_starts_a_visit);
  g_test_add_func ("/ui/scanner/human-typing-is-not-a-scan", test_human_typing_is_not_a_scan);
  result = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", store_dir);
    (void) !system (command);
  }
  return result;
}
