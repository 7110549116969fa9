/* Every shopper, headless under Xvfb: every control on every screen has an accessible
 * name; a whole visit (sign in, switch a purpose off, undo, sign out) works from the
 * keyboard alone with a focus ring that shows; "Larger text" and "High contrast" are
 * on every screen, do what they say, and end with the visit; the idle warning is an
 * alert with the focus on "I need more time"; any accent colour HQ picks keeps text
 * at 4.5:1; and the language switches the kiosk's own words as well as HQ's texts,
 * with money and dates written the language's way, for the visit only.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "gh-accessibility.h"
#include "gh-branding.h"
#include "gh-consent-row.h"
#include "gh-dashboard-page.h"
#include "gh-i18n.h"
#include "gh-keypad.h"
#include "gh-ui-a11y-utils.h"
#include "gh-ui-test-utils.h"

static char *store_dir;
static char *db_path;

/* ---- helpers -------------------------------------------------------------------- */

static gboolean
dashboard_idle (gpointer data)
{
  return !gh_dashboard_page_get_busy (data);
}

static gboolean
preview_shown (gpointer data)
{
  return gh_dashboard_page_get_preview_shown (data);
}

static gboolean
undo_shown (gpointer data)
{
  return gh_dashboard_page_get_undo_shown (data);
}

static gboolean
preview_ready (gpointer data)
{
  GtkWidget *list = gh_ui_test_find_named (data, "preview-list");

  return list != NULL && gtk_widget_get_first_child (list) != NULL;
}

/* The @index-th widget of @type under @root, depth first (borrowed). */
static GtkWidget *
nth_of_type (GtkWidget *root,
             GType      type,
             guint      index)
{
  g_autoptr(GPtrArray) found = gh_ui_test_find_all (root, type);

  g_assert_cmpuint (found->len, >, index);
  return found->pdata[index];
}

/* The display toggles drawn on the current screen. */
static GtkWidget *
shown_toggles (GhWindow *window)
{
  g_autoptr(GPtrArray) boxes = gh_ui_test_find_all (GTK_WIDGET (window), GTK_TYPE_BOX);

  for (guint i = 0; i < boxes->len; i++)
    if (g_strcmp0 (gtk_widget_get_name (boxes->pdata[i]), "accessibility-toggles") == 0
        && gtk_widget_is_drawable (boxes->pdata[i]))
      return boxes->pdata[i];
  return NULL;
}

static gboolean
follow_up_shown (gpointer data)
{
  return g_strcmp0 (gh_window_get_page_name (data), "follow-up") == 0;
}

/* Names, and the display toggles, on the screen as it is now. */
static void
check_screen (GhWindow   *window,
              const char *screen)
{
  GtkWidget *toggles;

  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 3));
  gh_a11y_assert_all_named (GTK_WIDGET (window), screen);
  gh_a11y_assert_no_nested_controls (GTK_WIDGET (window), screen);
  toggles = shown_toggles (window);
  if (toggles == NULL)
    gh_ui_test_fail ("%s: no Larger text / High contrast toggles on screen", screen);
  g_assert_nonnull (nth_of_type (toggles, GTK_TYPE_TOGGLE_BUTTON, 0));
}

/* ---- every control has a name ------------------------------------------------------ */

static void
walk_every_screen (int width,
                   int height)
{
  GhWindow *window = gh_ui_test_window_new (db_path, width, height);
  GtkWidget *dashboard;
  GPtrArray *chips;
  GtkPopover *popover;

  check_screen (window, "attract");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  check_screen (window, "identify: number");
  gh_ui_test_keypad_type (window, "4000000005");
  check_screen (window, "identify: PIN");
  gh_ui_test_keypad_type (window, "9999");
  g_assert_true (gh_ui_test_wait_idle_page (window, "identify", 10000));
  check_screen (window, "identify: wrong PIN");
  gh_ui_test_keypad_type (window, "0005");
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 10000));
  dashboard = _gh_window_get_page (window, "dashboard");
  check_screen (window, "dashboard");

  if (gh_dashboard_page_get_portrait (GH_DASHBOARD_PAGE (dashboard)))
    {
      gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "offers");
      check_screen (window, "dashboard: offers");
    }
  chips = gh_ui_test_find_all (dashboard, GTK_TYPE_MENU_BUTTON);
  g_assert_cmpuint (chips->len, >, 0);
  gtk_menu_button_popup (chips->pdata[0]);
  popover = gtk_menu_button_get_popover (chips->pdata[0]);
  g_assert_nonnull (popover);
  check_screen (window, "dashboard: a because… chip open");
  gtk_popover_popdown (popover);
  g_ptr_array_unref (chips);

  if (gh_dashboard_page_get_portrait (GH_DASHBOARD_PAGE (dashboard)))
    {
      gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "choices");
      check_screen (window, "dashboard: choices");
    }
  gtk_switch_set_active (GTK_SWITCH (nth_of_type (
    GTK_WIDGET (gh_ui_test_choice_row (dashboard, "personalize.offers")), GTK_TYPE_SWITCH, 0)),
    FALSE);
  g_assert_true (gh_ui_test_wait (preview_ready, dashboard, 5000));
  check_screen (window, "dashboard: preview");
  gtk_widget_activate_action (dashboard, "dashboard.confirm", NULL);
  g_assert_true (gh_ui_test_wait (undo_shown, dashboard, 5000));
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  check_screen (window, "dashboard: undo");
  gtk_widget_activate_action (dashboard, "dashboard.undo", NULL);
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.forget", NULL));
  check_screen (window, "forget me");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.dashboard", NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.follow-up", NULL));
  g_assert_true (gh_ui_test_wait (follow_up_shown, window, 10000));
  check_screen (window, "follow-up");

  _gh_window_set_idle_timeout (window, 200, 20);
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) _gh_window_get_idle_warning_shown, window,
                                  3000));
  check_screen (window, "idle warning");

  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_names_landscape (void)
{
  walk_every_screen (1920, 1080);
}

static void
test_names_portrait (void)
{
  walk_every_screen (1080, 1920);
}

/* ---- the whole visit from the keyboard ------------------------------------------- */

static gboolean
focus_is_undo (GtkWidget *focus,
               gpointer   data)
{
  g_autofree char *text = GTK_IS_BUTTON (focus) ? gh_a11y_visible_text (focus) : NULL;

  return text != NULL && g_str_has_prefix (text, "Undo");
}

static void
type_text (GtkWindow  *window,
           const char *text)
{
  GtkWidget *focus = gh_a11y_focus (window);
  int position;

  /* What a keyboard (or a card scanner acting as one) does: text at the cursor. */
  g_assert_true (GTK_IS_EDITABLE (focus));
  position = gtk_editable_get_position (GTK_EDITABLE (focus));
  gtk_editable_insert_text (GTK_EDITABLE (focus), text, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (focus), position);
}

static void
expect_ring (GtkWindow  *window,
             const char *where)
{
  if (!gh_a11y_focus_ring_visible (window))
    {
      g_autofree char *png = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".",
                                               "a11y-no-focus-ring.png", NULL);

      gh_ui_test_save_png (GTK_WIDGET (window), png);
      gh_ui_test_fail ("%s: the focused %s shows no focus ring", where,
             G_OBJECT_TYPE_NAME (gh_a11y_focus (window)));
    }
}

/* Twenty Tabs from a modal layer (a sheet over @page, or the idle warning) never
 * reach what is under its scrim. */
static void
expect_modal_focus (GtkWindow *window,
                    GtkWidget *page)
{
  GtkWidget *layer = gh_a11y_focus (window);

  /* The layer is the overlay child the focused control sits in. */
  while (layer != NULL && !GTK_IS_OVERLAY (gtk_widget_get_parent (layer)))
    layer = gtk_widget_get_parent (layer);
  g_assert_nonnull (layer);
  for (int i = 0; i < 20; i++)
    {
      GtkWidget *focus;

      gh_a11y_press_tab (window, FALSE);
      focus = gh_a11y_focus (window);
      g_assert_nonnull (focus);
      if (gtk_widget_is_ancestor (focus, page) && !gtk_widget_is_ancestor (focus, layer))
        {
          g_autofree char *text = gh_a11y_visible_text (focus);
          gh_ui_test_fail ("Tab reached \"%s\" (%s) behind the scrim", text, G_OBJECT_TYPE_NAME (focus));
        }
    }
}

static void
test_keyboard_visit (void)
{
  const char *loyalty = "4000000004";
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GtkWindow *win = GTK_WINDOW (window);
  GtkWidget *identify;
  GtkWidget *dashboard;
  GtkWidget *toggle;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *state = NULL;

  /* Attract: Tab to Start, Enter. */
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_button, (gpointer) "Start", 40));
  expect_ring (win, "attract");
  gh_a11y_press_enter (win);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "identify");
  gh_ui_test_settle (GTK_WIDGET (window));

  /* The loyalty number field has the focus already: a scanner can type into it. */
  identify = _gh_window_get_page (window, "identify");
  entries = gh_ui_test_find_all (identify, GTK_TYPE_ENTRY);
  g_assert_cmpuint (entries->len, >, 0);
  g_assert_true (gh_a11y_focus_is_inside (gh_a11y_focus (win), entries->pdata[0]));
  expect_ring (win, "loyalty number");
  type_text (win, loyalty);
  gh_a11y_press_enter (win);
  gh_ui_test_settle (GTK_WIDGET (window));

  /* The focus goes the way the screen reads: the field, the keypad row by row, then
   * "Start over". */
  g_assert_true (GTK_IS_TEXT (gh_a11y_focus (win)));
  {
    static const char * const order[] = {
      "1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "OK", "Start over"
    };
    GtkWidget *pin_field = gh_a11y_focus (win);

    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      {
        g_autofree char *text = NULL;

        gh_a11y_press_tab (win, FALSE);
        text = gh_a11y_visible_text (gh_a11y_focus (win));
        g_assert_cmpstr (text, ==, order[i]);
      }
    /* Shift+Tab goes back the same way. */
    for (guint i = G_N_ELEMENTS (order) - 1; i > 0; i--)
      gh_a11y_press_tab (win, TRUE);
    gh_a11y_press_tab (win, TRUE);
    g_assert_true (gh_a11y_focus (win) == pin_field);
  }

  /* The PIN as a switch-device user enters it: Tab to each key of the keypad, Enter. */
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_button, (gpointer) "0", 40));
  expect_ring (win, "keypad");
  for (int i = 0; i < 3; i++)
    gh_a11y_press_enter (win);
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_button, (gpointer) "4", 40));
  gh_a11y_press_enter (win);
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_button, (gpointer) "OK", 40));
  gh_a11y_press_enter (win);
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 10000));
  dashboard = _gh_window_get_page (window, "dashboard");
  gh_ui_test_settle (GTK_WIDGET (window));

  /* Switch "personalized offers" off: Tab to its switch, Enter; the preview takes
   * the focus to its confirm button once it knows what would go. */
  toggle = nth_of_type (GTK_WIDGET (gh_ui_test_choice_row (dashboard, "personalize.offers")),
                        GTK_TYPE_SWITCH, 0);
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_inside, toggle, 300));
  expect_ring (win, "consent switch");
  gh_a11y_press_enter (win);
  g_assert_true (gh_ui_test_wait (preview_shown, dashboard, 5000));
  g_assert_true (gh_ui_test_wait (preview_ready, dashboard, 5000));
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  g_assert_true (gh_a11y_focus_is_button (gh_a11y_focus (win), (gpointer) "Switch off"));
  expect_ring (win, "preview");
  /* The sheet is modal for the keyboard: Tab goes round it (and the top bar), never
   * to the switches behind the scrim; it comes back to "Switch off". */
  expect_modal_focus (win, dashboard);
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_button, (gpointer) "Switch off", 20));
  gh_a11y_press_enter (win);
  g_assert_true (gh_ui_test_wait (undo_shown, dashboard, 5000));
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  state = gh_ui_test_consent_state (db_path, loyalty, "personalize.offers");
  g_assert_cmpstr (state, ==, "revoked");
  g_clear_pointer (&state, g_free);

  /* Undo from the keyboard, within its ten seconds. */
  g_assert_true (gh_a11y_tab_until (win, focus_is_undo, NULL, 300));
  expect_ring (win, "undo");
  gh_a11y_press_enter (win);
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  state = gh_ui_test_consent_state (db_path, loyalty, "personalize.offers");
  g_assert_cmpstr (state, ==, "granted");
  g_assert_true (gh_consent_row_get_granted (
    gh_ui_test_choice_row (dashboard, "personalize.offers")));

  /* Sign out. */
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_button, (gpointer) "Sign out", 300));
  expect_ring (win, "sign out");
  gh_a11y_press_enter (win);
  /* The visit changed something: the receipt is offered on the way out, with the focus
   * on it; leaving without it is a Tab away. */
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "leave");
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  g_assert_true (gh_a11y_focus_is_button (gh_a11y_focus (win), (gpointer) "Show my receipt"));
  check_screen (window, "leave");
  g_assert_true (gh_a11y_tab_until (win, gh_a11y_focus_is_button,
                                    (gpointer) "Sign out without it", 20));
  expect_ring (win, "sign out without it");
  gh_a11y_press_enter (win);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  g_assert_null (gh_window_get_session (window));

  gtk_window_destroy (win);
}

/* ---- larger text and high contrast -------------------------------------------------- */

static double
font_size_of (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);

  return pango_font_description_get_size (pango_context_get_font_description (context))
         / (double) PANGO_SCALE;
}

/* The first label under @root whose text starts with @prefix (borrowed). */
static GtkWidget *
label_starting (GtkWidget  *root,
                const char *prefix)
{
  g_autoptr(GPtrArray) labels = gh_ui_test_find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (gtk_label_get_label (labels->pdata[i]), prefix))
      return labels->pdata[i];
  return NULL;
}

/* The "because…" popovers speak at the kiosk's size, and grow with Larger text:
 * a popover does not inherit its window's font (the theme resets it). */
static void
test_popover_text_size (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GhAccessibility *a11y = gh_accessibility_get_for_display (gtk_widget_get_display (
                                                              GTK_WIDGET (window)));
  GtkWidget *dashboard;
  GtkWidget *hint;
  g_autoptr(GPtrArray) chips = NULL;
  GtkPopover *popover;
  GtkWidget *used;

  g_assert_true (gh_ui_test_sign_in (window, "4000000002", "0002"));
  dashboard = _gh_window_get_page (window, "dashboard");
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  hint = label_starting (dashboard, "Switch off anything");
  g_assert_nonnull (hint);

  for (guint larger = 0; larger < 2; larger++)
    {
      double body, in_popover;

      gh_accessibility_set_larger_text (a11y, larger);
      chips = gh_ui_test_find_all (dashboard, GTK_TYPE_MENU_BUTTON);
      g_assert_cmpuint (chips->len, >, 0);
      gtk_menu_button_popup (chips->pdata[0]);
      popover = gtk_menu_button_get_popover (chips->pdata[0]);
      g_assert_nonnull (popover);
      g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 3));
      used = label_starting (GTK_WIDGET (popover), "This is used for");
      g_assert_nonnull (used);
      g_assert_true (gtk_widget_is_drawable (used));
      body = font_size_of (hint);
      in_popover = font_size_of (used);
      g_test_message ("larger text %s: body %.1f, popover %.1f", larger ? "on" : "off", body,
                      in_popover);
      g_assert_cmpfloat (body, >, 0);
      g_assert_cmpfloat (in_popover, >=, body - 0.5);
      g_assert_cmpfloat (in_popover, <=, body + 0.5);
      gtk_menu_button_popdown (chips->pdata[0]);
      g_clear_pointer (&chips, g_ptr_array_unref);
    }
  gh_accessibility_set_larger_text (a11y, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What a screen reader meets: only the page on screen (the stack's other pages are
 * hidden from it), containers with a role and a name a person understands, category
 * and offer titles as headings. */
static void
test_accessibility_tree (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GtkWidget *dashboard;
  GtkStack *stack;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) flowboxes = NULL;
  guint n_category = 0, n_offer = 0;

  g_assert_true (gh_ui_test_sign_in (window, "4000000002", "0002"));
  dashboard = _gh_window_get_page (window, "dashboard");
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 3));

  stack = GTK_STACK (gtk_widget_get_parent (dashboard));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean shown = child == dashboard;
      GtkStackPage *page = gtk_stack_get_page (stack, child);
      const char *name = gtk_stack_page_get_name (page);
      g_autofree char *problem = NULL;

      g_assert_true (shown == (child == gtk_stack_get_visible_child (stack)));
      if (shown && gtk_test_accessible_has_state (GTK_ACCESSIBLE (child),
                                                  GTK_ACCESSIBLE_STATE_HIDDEN))
        problem = gtk_test_accessible_check_state (GTK_ACCESSIBLE (child),
                                                   GTK_ACCESSIBLE_STATE_HIDDEN, FALSE);
      else if (!shown)
        problem = gtk_test_accessible_check_state (GTK_ACCESSIBLE (child),
                                                   GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);
      if (problem == NULL && !shown)
        problem = gtk_test_accessible_check_state (GTK_ACCESSIBLE (page),
                                                   GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);
      if (problem != NULL)
        gh_ui_test_fail ("page %s (%s): %s", name, shown ? "on screen" : "not on screen",
                         problem);
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_PROPERTY_LABEL))
        gh_ui_test_fail ("page %s has no name", name);
    }

  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (dashboard),
                                               GTK_ACCESSIBLE_ROLE_GROUP));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (dashboard),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL));
  rows = gh_ui_test_find_all (dashboard, GH_TYPE_CONSENT_ROW);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *problem =
        gtk_test_accessible_check_property (rows->pdata[i], GTK_ACCESSIBLE_PROPERTY_LABEL,
                                            gh_purpose_get_title (gh_consent_row_get_purpose (
                                                                    rows->pdata[i]), "en"));
      g_assert_true (gtk_test_accessible_has_role (rows->pdata[i], GTK_ACCESSIBLE_ROLE_GROUP));
      if (problem != NULL)
        gh_ui_test_fail ("consent row: %s", problem);
    }
  flowboxes = gh_ui_test_find_all (dashboard, GTK_TYPE_FLOW_BOX);
  g_assert_cmpuint (flowboxes->len, >, 0);
  for (guint i = 0; i < flowboxes->len; i++)
    {
      g_assert_false (gtk_test_accessible_has_role (flowboxes->pdata[i], GTK_ACCESSIBLE_ROLE_GRID));
      g_assert_true (gtk_test_accessible_has_property (flowboxes->pdata[i],
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL));
    }

  labels = gh_ui_test_find_all (dashboard, GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = labels->pdata[i];
      gboolean category = gtk_widget_has_css_class (label, "category-title");
      gboolean offer = gtk_widget_has_css_class (label, "card-title");
      g_autofree char *problem = NULL;

      if (!category && !offer)
        continue;
      n_category += category;
      n_offer += offer;
      if (!gtk_test_accessible_has_role (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_ROLE_HEADING))
        gh_ui_test_fail ("\"%s\" is not a heading", gtk_label_get_label (GTK_LABEL (label)));
      problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (label),
                                                    GTK_ACCESSIBLE_PROPERTY_LEVEL, 3);
      if (problem != NULL)
        gh_ui_test_fail ("\"%s\": %s", gtk_label_get_label (GTK_LABEL (label)), problem);
    }
  g_assert_cmpuint (n_category, >, 0);
  g_assert_cmpuint (n_offer, >, 0);

  /* The keypad, on the way out and in again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  {
    g_autoptr(GPtrArray) keypads = gh_ui_test_find_all (_gh_window_get_page (window, "identify"),
                                                        GH_TYPE_KEYPAD);
    g_assert_cmpuint (keypads->len, >, 0);
    g_assert_true (gtk_test_accessible_has_role (keypads->pdata[0], GTK_ACCESSIBLE_ROLE_GROUP));
    g_assert_true (gtk_test_accessible_has_property (keypads->pdata[0],
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL));
  }
  {
    g_autofree char *problem =
      gtk_test_accessible_check_state (GTK_ACCESSIBLE (_gh_window_get_page (window, "attract")),
                                       GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);
    g_assert_null (problem);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static GdkRGBA
named_color (GtkWidget  *widget,
             const char *name)
{
  GdkRGBA color = { 0, };

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name,
                                                 &color));
G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

static GtkToggleButton *
toggle_labelled (GtkWidget  *toggles,
                 const char *text)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (toggles, GTK_TYPE_TOGGLE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      g_autofree char *shown = gh_a11y_visible_text (buttons->pdata[i]);
      if (g_strcmp0 (shown, text) == 0)
        return buttons->pdata[i];
    }
  gh_ui_test_fail ("no toggle \"%s\"", text);
  return NULL;
}

static void
test_display_toggles (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GhAccessibility *a11y = gh_accessibility_get_for_display (gtk_widget_get_display (
                                                              GTK_WIDGET (window)));
  GtkWidget *attract = _gh_window_get_page (window, "attract");
  GtkWidget *promise;
  GtkToggleButton *larger;
  GtkToggleButton *contrast;
  double before, after;
  GdkRGBA accent, brand;

  /* A label whose size comes from style.css (.promise). */
  promise = nth_of_type (attract, GTK_TYPE_LABEL, 1);
  before = font_size_of (promise);
  g_assert_cmpfloat (before, >, 0);

  brand = named_color (promise, "gh_accent");
  {
    g_autoptr(GPtrArray) labels = gh_ui_test_find_all (GTK_WIDGET (window), GTK_TYPE_LABEL);

    for (guint i = 0; i < labels->len; i++)
      {
        double *size = g_new (double, 1);
        *size = font_size_of (labels->pdata[i]);
        g_object_set_data_full (labels->pdata[i], "gh-test-size", size, g_free);
      }
    g_assert_cmpuint (labels->len, >, 5);
  }
  larger = toggle_labelled (shown_toggles (window), "Larger text");
  contrast = toggle_labelled (shown_toggles (window), "High contrast");
  /* A button activated clicks after showing itself pressed for a moment. */
  gtk_widget_activate (GTK_WIDGET (larger));
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) gh_accessibility_get_larger_text, a11y,
                                  2000));
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  g_assert_true (gh_accessibility_get_larger_text (a11y));
  after = font_size_of (promise);
  g_test_message ("promise: %.1f px, with larger text %.1f px", before, after);
  g_assert_cmpfloat (after, >=, before * 1.5 - 0.5);
  /* Every word on the screen, not only the big ones. */
  {
    g_autoptr(GPtrArray) labels = gh_ui_test_find_all (GTK_WIDGET (window), GTK_TYPE_LABEL);

    for (guint i = 0; i < labels->len; i++)
      {
        double *was = g_object_get_data (labels->pdata[i], "gh-test-size");

        if (!gtk_widget_is_drawable (labels->pdata[i]))
          continue;  /* styles of what is not shown are brought up to date when shown */
        if (was != NULL && font_size_of (labels->pdata[i]) < *was * 1.5 - 0.5)
          gh_ui_test_fail ("\"%s\" grew from %.1f px only to %.1f px",
                   gtk_label_get_text (labels->pdata[i]), *was, font_size_of (labels->pdata[i]));
      }
  }
  /* Bigger words, the retailer's colours all the same. */
  accent = named_color (promise, "gh_accent");
  g_assert_true (gdk_rgba_equal (&accent, &brand));

  gtk_widget_activate (GTK_WIDGET (contrast));
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) gh_accessibility_get_high_contrast, a11y,
                                  2000));
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  g_assert_true (gh_accessibility_get_high_contrast (a11y));
  accent = named_color (promise, "gh_accent");
  g_assert_cmpfloat (accent.red + accent.green + accent.blue, ==, 0);
  g_assert_cmpfloat (gh_branding_contrast ("#000000", "#ffffff"), >, 20);

  /* Chosen on the attract screen, they stay on through the visit… */
  g_assert_true (gh_ui_test_sign_in (window, "4000000006", "0006"));
  g_assert_true (gtk_toggle_button_get_active (toggle_labelled (shown_toggles (window),
                                                                "Larger text")));
  g_assert_true (gtk_toggle_button_get_active (toggle_labelled (shown_toggles (window),
                                                                "High contrast")));
  /* …and end with it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  g_assert_false (gh_accessibility_get_larger_text (a11y));
  g_assert_false (gh_accessibility_get_high_contrast (a11y));
  promise = nth_of_type (_gh_window_get_page (window, "attract"), GTK_TYPE_LABEL, 1);
  g_assert_cmpfloat (font_size_of (promise), ==, before);
  accent = named_color (promise, "gh_accent");
  g_assert_cmpfloat (accent.red + accent.green + accent.blue, >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_larger_text_css (void)
{
  g_autofree char *scaled = gh_accessibility_scale_css ("@define-color gh_accent #1c71d8;\n"
                                                        "a { font-size: 22px; }\n"
                                                        "b { font-size:40px; color: red; }\n"
                                                        "c { min-height: 64px; }", 1.5);

  g_assert_cmpstr (scaled, ==, "\na { font-size: 33px; }\n"
                               "b { font-size: 60px; color: red; }\n"
                               "c { min-height: 64px; }");
}

/* ---- the idle warning ------------------------------------------------------------ */

static void
test_idle_warning_announced (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GtkWidget *alert = NULL;
  g_autoptr(GPtrArray) boxes = NULL;

  g_assert_true (gh_ui_test_sign_in (window, "4000000007", "0007"));
  _gh_window_set_idle_timeout (window, 300, 20);
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) _gh_window_get_idle_warning_shown, window,
                                  3000));

  /* An alert, so a screen reader speaks it at once, with the focus on the way out. */
  boxes = gh_ui_test_find_all (GTK_WIDGET (window), GTK_TYPE_WIDGET);
  for (guint i = 0; i < boxes->len; i++)
    if (gtk_widget_is_drawable (boxes->pdata[i])
        && gtk_accessible_get_accessible_role (boxes->pdata[i]) == GTK_ACCESSIBLE_ROLE_ALERT)
      {
        g_autofree char *text = gh_a11y_visible_text (boxes->pdata[i]);
        if (strstr (text, "Are you still there?") != NULL)
          alert = boxes->pdata[i];
      }
  g_assert_nonnull (alert);
  g_assert_true (gh_a11y_focus_is_button (gh_a11y_focus (GTK_WINDOW (window)),
                                          (gpointer) "I need more time"));
  expect_ring (GTK_WINDOW (window), "idle warning");
  /* Nothing but the warning takes the focus while it shows. */
  expect_modal_focus (GTK_WINDOW (window), gtk_widget_get_first_child (GTK_WIDGET (window)));
  g_assert_true (gh_a11y_tab_until (GTK_WINDOW (window), gh_a11y_focus_is_button,
                                    (gpointer) "I need more time", 5));

  /* Enter on "I need more time" keeps the visit. */
  gh_a11y_press_enter (GTK_WINDOW (window));
  g_assert_false (_gh_window_get_idle_warning_shown (window));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "dashboard");
  g_assert_nonnull (gh_window_get_session (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- HQ's accent colour ----------------------------------------------------------- */

static char *
css_color (const char *css,
           const char *name)
{
  g_autofree char *key = g_strdup_printf ("@define-color %s ", name);
  const char *at = strstr (css, key);

  g_assert_nonnull (at);
  return g_strndup (at + strlen (key), 7);
}

static void
test_accent_contrast (void)
{
  guint checked = 0;

  /* Every 17th step of each channel: reds, greys, the worst mid tones, white, black. */
  for (int r = 0; r <= 255; r += 17)
    for (int g = 0; g <= 255; g += 17)
      for (int b = 0; b <= 255; b += 17)
        {
          g_autofree char *accent = g_strdup_printf ("#%02x%02x%02x", r, g, b);
          g_autofree char *css = gh_branding_css_for_accent (accent);
          g_autofree char *bg = css_color (css, "gh_accent");
          g_autofree char *fg = css_color (css, "gh_accent_fg");
          g_autofree char *text = css_color (css, "gh_accent_text");

          if (gh_branding_contrast (fg, bg) < 4.5)
            gh_ui_test_fail ("accent %s: button text %s on %s is %.2f:1", accent, fg, bg,
                     gh_branding_contrast (fg, bg));
          if (gh_branding_contrast (text, "#ffffff") < 4.5
              || gh_branding_contrast (text, "#f6f5f4") < 4.5)
            gh_ui_test_fail ("accent %s: accent text %s on the page is %.2f:1", accent, text,
                     gh_branding_contrast (text, "#f6f5f4"));
          checked++;
        }
  g_assert_cmpuint (checked, ==, 16 * 16 * 16);
}

/* ---- the visit's language -------------------------------------------------------- */

static void
test_formats_per_language (void)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 3, 3, 12, 0, 0);
  struct {
    const char *language;
    const char *money;
    const char *big;
    const char *date;
  } cases[] = {
    /* ICU's long forms (app/offers/gh-format.c; every case in tests/test-format.c). */
    { "en", "€1,234.50", "1,234,567.89", "March 3, 2026" },
    { "de", "1.234,50\u00a0€", "1.234.567,89", "3. März 2026" },
    { "de-CH", "EUR\u00a01’234.50", "1’234’567.89", "3. März 2026" },
    /* French groups with a narrow no-break space and keeps € on the line. */
    { "fr", "1\u202f234,50\u00a0€", "1\u202f234\u202f567,89", "3 mars 2026" },
    { "es", "1.234,50\u00a0€", "1.234.567,89", "3 de marzo de 2026" },
  };

  gh_i18n_init ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *money = NULL;
      g_autofree char *big = NULL;
      g_autofree char *written = NULL;

      gh_i18n_set_language (cases[i].language);
      money = gh_i18n_format_money (1234.5, "EUR");
      big = gh_i18n_format_decimal (1234567.891, 2);
      written = gh_i18n_format_date (date);
      g_assert_cmpstr (money, ==, cases[i].money);
      g_assert_cmpstr (big, ==, cases[i].big);
      g_assert_cmpstr (written, ==, cases[i].date);
    }
  gh_i18n_set_language (NULL);
}

static gboolean
text_shown (GtkWidget  *root,
            const char *text)
{
  g_autofree char *all = gh_ui_test_collect_text (root);
  g_autofree char *line = g_strdup_printf ("%s\n", text);

  return strstr (all, line) != NULL;
}

/* @words anywhere in a text on screen, also mid-sentence. */
static gboolean
words_shown (GtkWidget  *root,
             const char *words)
{
  g_autofree char *all = gh_ui_test_collect_text (root);

  return strstr (all, words) != NULL;
}

static void
test_language_for_the_visit (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GhCatalog *catalog = gh_window_get_catalog (window);
  GhPurpose *purpose = gh_catalog_find_purpose (catalog, "personalize.offers");
  GtkWidget *dashboard;

  g_assert_true (g_strv_contains (gh_catalog_get_languages (catalog), "de"));
  /* Picked on the attract screen, before the visit. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "de"));
  g_assert_cmpstr (gh_window_get_language (window), ==, "de");
  g_assert_true (text_shown (_gh_window_get_page (window, "attract"), "Start"));
  g_assert_true (gh_ui_test_sign_in (window, "4000000008", "0008"));
  dashboard = _gh_window_get_page (window, "dashboard");

  /* The kiosk's words and HQ's texts, both in German. */
  g_assert_true (text_shown (GTK_WIDGET (window), "Abmelden"));
  g_assert_true (text_shown (dashboard, "Ihre Daten"));
  g_assert_false (text_shown (dashboard, "Your data"));
  g_assert_true (words_shown (dashboard, "3 Jahre lang"));
  g_assert_true (text_shown (dashboard, gh_purpose_get_title (purpose, "de")));
  g_assert_cmpstr (gh_purpose_get_title (purpose, "de"), !=, gh_purpose_get_title (purpose, "en"));

  /* Changed on the dashboard: everything follows, the visit goes on. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "fr"));
  dashboard = _gh_window_get_page (window, "dashboard");
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "dashboard");
  g_assert_true (text_shown (GTK_WIDGET (window), "Se déconnecter"));
  g_assert_true (text_shown (dashboard, "Vos données"));
  g_assert_true (words_shown (dashboard, "pendant 3 ans"));
  g_assert_true (text_shown (dashboard, gh_purpose_get_title (purpose, "fr")));

  /* On the follow-up screen too: its words change, it stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.copy-data", NULL));
  g_assert_true (gh_ui_test_wait (follow_up_shown, window, 10000));
  g_assert_true (text_shown (_gh_window_get_page (window, "follow-up"), "Terminé"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "es"));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "follow-up");
  g_assert_true (text_shown (_gh_window_get_page (window, "follow-up"), "Hecho"));
  g_assert_true (text_shown (GTK_WIDGET (window), "Cerrar sesión"));

  /* The next shopper starts in the config's default language. */
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  g_assert_cmpstr (gh_window_get_language (window), ==, gh_catalog_get_default_language (catalog));
  g_assert_true (gh_ui_test_wait_page (window, "attract", 1000));
  g_assert_true (text_shown (_gh_window_get_page (window, "attract"), "Start"));
  g_assert_cmpstr (_("Sign out"), ==, "Sign out");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- who else gets the data -------------------------------------------------------- */

typedef struct {
  GtkWidget  *row;
  const char *sentence;
} Shown;

/* A label the shopper can see in the row, laid out, holds the sentence. */
static gboolean
row_shows (gpointer data)
{
  Shown *shown = data;
  g_autoptr(GPtrArray) labels = gh_ui_test_find_all (shown->row, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_is_drawable (labels->pdata[i])
        && gtk_widget_get_width (labels->pdata[i]) > 0
        && strstr (gtk_label_get_text (labels->pdata[i]), shown->sentence) != NULL)
      return TRUE;
  return FALSE;
}

/* The row's sentence, seen and heard: drawn where the shopper reads the purpose, in
 * the accessible description of the row and of its switch (where there is one). */
static void
assert_sharing_told (GtkWidget  *dashboard,
                     const char *purpose_id,
                     const char *sentence)
{
  GtkWidget *row = GTK_WIDGET (gh_ui_test_choice_row (dashboard, purpose_id));
  g_autofree char *text = gh_ui_test_collect_text (row);
  g_autofree char *problem = NULL;
  Shown shown = { row, sentence };

  if (strstr (text, sentence) == NULL)
    gh_ui_test_fail ("%s: no \"%s\" in the row:\n%s", purpose_id, sentence, text);
  if (!gh_ui_test_wait (row_shows, &shown, 5000))
    gh_ui_test_fail ("%s: \"%s\" is not drawn", purpose_id, sentence);
  problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sentence);
  if (problem != NULL)
    gh_ui_test_fail ("%s: the row's accessible description: %s", purpose_id, problem);
  if (gh_purpose_get_can_revoke (gh_consent_row_get_purpose (GH_CONSENT_ROW (row))))
    {
      GtkWidget *toggle = nth_of_type (row, GTK_TYPE_SWITCH, 0);

      problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (toggle),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sentence);
      if (problem != NULL)
        gh_ui_test_fail ("%s: the switch's accessible description: %s", purpose_id, problem);
    }
  gh_a11y_assert_labels_fit (row, purpose_id);
}

static void
test_sharing_told (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1080, 1920);
  GhAccessibility *a11y = gh_accessibility_get_for_display (gtk_widget_get_display (
                                                              GTK_WIDGET (window)));
  GhCatalog *catalog = gh_window_get_catalog (window);
  GhPurpose *offers = gh_catalog_find_purpose (catalog, "personalize.offers");
  GhPurpose *tax = gh_catalog_find_purpose (catalog, "legal.tax_records");
  GtkWidget *dashboard;
  g_autofree char *offers_en = NULL;
  g_autofree char *tax_en = NULL;
  g_autofree char *offers_de = NULL;
  g_autofree char *email_text = NULL;

  /* The demo config's parties; the words around them are the kiosk's own. */
  g_assert_cmpuint (gh_purpose_get_n_third_parties (offers), ==, 1);
  offers_en = g_strdup_printf ("Shared with %s — %s", gh_purpose_get_third_party_name (offers, 0),
                               gh_purpose_get_third_party_reason (offers, 0, "en"));
  tax_en = g_strdup_printf ("Shared with %s — %s", gh_purpose_get_third_party_name (tax, 0),
                            gh_purpose_get_third_party_reason (tax, 0, "en"));
  offers_de = g_strdup_printf ("Weitergegeben an %s – %s",
                               gh_purpose_get_third_party_name (offers, 0),
                               gh_purpose_get_third_party_reason (offers, 0, "de"));

  /* Portrait with larger text: the longest lines have the least room. */
  gh_accessibility_set_larger_text (a11y, TRUE);
  g_assert_true (gh_ui_test_sign_in (window, "4000000007", "0007"));
  dashboard = _gh_window_get_page (window, "dashboard");
  gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "choices");
  assert_sharing_told (dashboard, "personalize.offers", offers_en);
  /* A purpose that cannot be switched off tells it all the same. */
  assert_sharing_told (dashboard, "legal.tax_records", tax_en);
  /* A purpose that shares with nobody says nothing of the kind. */
  email_text = gh_ui_test_collect_text (
    GTK_WIDGET (gh_ui_test_choice_row (dashboard, "marketing.email")));
  g_assert_null (strstr (email_text, "Shared with"));

  /* The kiosk's words and HQ's reason, both in the visit's language. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "de"));
  dashboard = _gh_window_get_page (window, "dashboard");
  gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", "choices");
  assert_sharing_told (dashboard, "personalize.offers", offers_de);

  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  /* Focus rings fade in and out: without animations, a frame shows the end state. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-a11y-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 10);

  g_test_add_func ("/a11y/larger-text-css", test_larger_text_css);
  g_test_add_func ("/a11y/accent-contrast", test_accent_contrast);
  g_test_add_func ("/a11y/formats-per-language", test_formats_per_language);
  g_test_add_func ("/a11y/names/landscape", test_names_landscape);
  g_test_add_func ("/a11y/names/portrait", test_names_portrait);
  g_test_add_func ("/a11y/keyboard-visit", test_keyboard_visit);
  g_test_add_func ("/a11y/display-toggles", test_display_toggles);
  g_test_add_func ("/a11y/popover-text-size", test_popover_text_size);
  g_test_add_func ("/a11y/accessibility-tree", test_accessibility_tree);
  g_test_add_func ("/a11y/idle-warning", test_idle_warning_announced);
  g_test_add_func ("/a11y/language-for-the-visit", test_language_for_the_visit);
  g_test_add_func ("/a11y/sharing-told", test_sharing_told);
  result = g_test_run ();

  g_spawn_command_line_sync (g_strdup_printf ("rm -rf %s", store_dir), NULL, NULL, NULL, NULL);
  return result;
}
