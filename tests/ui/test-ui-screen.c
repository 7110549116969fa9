/* What a shopper (or staff) sees on the kiosk's 1080p screen, issue 18's second round:
 * chips that break at their separators and never inside a word or a date; an
 * "Inferred" mark with a word and an icon of its own; a staff page that fits one screen
 * with one way out, a big identity tick and a "Clear lockout" that says why it cannot
 * act; an Undo bar that covers nothing; an expanded "Show all" list that stays so; the
 * scanner's whereabouts under "Scan your loyalty card"; and a portrait top bar with the
 * whole brand and buttons of one height. In English and German with larger text,
 * landscape and portrait.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gh-accessibility.h"
#include "gh-consent-row.h"
#include "gh-dashboard-page.h"
#include "gh-inferred-badge.h"
#include "gh-staff-controller.h"
#include "gh-staff-mode.h"
#include "gh-ui-a11y-utils.h"
#include "gh-ui-test-utils.h"

#define STAFF_PIN "2468"

static char *store_dir;
static char *db_path;

typedef struct {
  const char *language;
  gboolean    larger_text;
  int         width;
  int         height;
} Look;

static const Look looks[] = {
  { "en", FALSE, 1920, 1080 },
  { "en", FALSE, 1080, 1920 },
  { "de", TRUE, 1920, 1080 },
  { "de", TRUE, 1080, 1920 },
};

static GhWindow *
window_in (const Look *look)
{
  GhWindow *window = gh_ui_test_window_new (db_path, look->width, look->height);
  GhAccessibility *a11y = gh_accessibility_get_for_display (
    gtk_widget_get_display (GTK_WIDGET (window)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s",
                                             look->language));
  gh_accessibility_set_larger_text (a11y, look->larger_text);
  return window;
}

static void
close_window (GhWindow *window)
{
  GhAccessibility *a11y = gh_accessibility_get_for_display (
    gtk_widget_get_display (GTK_WIDGET (window)));

  gh_accessibility_set_larger_text (a11y, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

static char *
look_name (const Look *look)
{
  return g_strdup_printf ("%s%s %dx%d", look->language, look->larger_text ? " larger text" : "",
                          look->width, look->height);
}

static void
find_with_class (GtkWidget  *widget,
                 const char *css_class,
                 GPtrArray  *found)
{
  if (gtk_widget_has_css_class (widget, css_class))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_with_class (child, css_class, found);
}

/* The widgets under @root with @css_class, mapped ones only when @mapped (borrowed). */
static GPtrArray *
with_class (GtkWidget  *root,
            const char *css_class,
            gboolean    mapped)
{
  GPtrArray *found = g_ptr_array_new ();

  find_with_class (root, css_class, found);
  for (guint i = found->len; mapped && i > 0; i--)
    if (!gtk_widget_get_mapped (found->pdata[i - 1]))
      g_ptr_array_remove_index (found, i - 1);
  return found;
}

static graphene_rect_t
bounds_in (GtkWidget *widget,
           GtkWidget *root)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, root, &bounds));
  return bounds;
}

static GtkWidget *
dashboard_of (GhWindow *window)
{
  return _gh_window_get_page (window, "dashboard");
}

static void
sign_in (GhWindow   *window,
         const char *loyalty_id)
{
  g_assert_true (gh_ui_test_sign_in (window, loyalty_id, loyalty_id + strlen (loyalty_id) - 4));
  gh_ui_test_settle (GTK_WIDGET (window));
}

static void
show_section (GhWindow   *window,
              const char *section)
{
  GtkWidget *dashboard = dashboard_of (window);

  if (gh_dashboard_page_get_portrait (GH_DASHBOARD_PAGE (dashboard)))
    gtk_widget_activate_action (dashboard, "dashboard.show-section", "s", section);
  gh_ui_test_settle (GTK_WIDGET (window));
}

/* ---- 1. chips keep their words and dates whole ------------------------------------ */

/* Every chip of shoppers 1 to 6 (clothing sizes, groceries, birthdays, guesses). */
static void
test_chips_whole_words (void)
{
  for (guint l = 0; l < G_N_ELEMENTS (looks); l++)
    for (guint shopper = 1; shopper <= 6; shopper++)
      {
        GhWindow *window = window_in (&looks[l]);
        g_autofree char *name = look_name (&looks[l]);
        g_autofree char *loyalty = g_strdup_printf ("400000000%u", shopper);
        g_autoptr(GString) problems = g_string_new (NULL);
        g_autoptr(GPtrArray) items = NULL;
        g_autoptr(GPtrArray) dates = NULL;

        sign_in (window, loyalty);
        show_section (window, "offers");
        items = with_class (dashboard_of (window), "chip-item", TRUE);
        dates = with_class (dashboard_of (window), "chip-date", TRUE);
        for (guint i = 0; i < items->len; i++)
          {
            g_autofree char *broken = gh_a11y_find_broken_words (items->pdata[i]);

            if (broken != NULL)
              g_string_append_printf (problems, "\n  chip \"%s\": %s",
                                      gtk_label_get_text (items->pdata[i]), broken);
          }
        for (guint i = 0; i < dates->len; i++)
          {
            PangoLayout *layout = gtk_label_get_layout (dates->pdata[i]);

            /* A date is read whole or not at all: one line, nothing cut. */
            if (pango_layout_is_ellipsized (layout) || pango_layout_get_line_count (layout) != 1)
              g_string_append_printf (problems, "\n  date \"%s\" cut or broken",
                                      gtk_label_get_text (dates->pdata[i]));
          }
        if (problems->len > 0)
          gh_ui_test_fail ("%s, shopper %s:%s", name, loyalty, problems->str);
        close_window (window);
      }
}

/* ---- 2. the inferred mark --------------------------------------------------------- */

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  g_auto(GStrv) texts = gh_ui_test_label_texts (root);

  return g_strv_contains ((const char * const *) texts, text);
}

static void
assert_inferred_badges (GtkWidget  *root,
                        const char *word,
                        const char *where)
{
  g_autoptr(GPtrArray) badges = with_class (root, "inferred-badge", FALSE);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (root));

  if (badges->len == 0)
    gh_ui_test_fail ("%s: no \"inferred\" mark", where);
  for (guint i = 0; i < badges->len; i++)
    {
      g_autoptr(GPtrArray) images = gh_ui_test_find_all (badges->pdata[i], GTK_TYPE_IMAGE);

      /* The word, not a symbol to decode. */
      if (!has_label (badges->pdata[i], word))
        gh_ui_test_fail ("%s: an inferred mark without the word \"%s\"", where, word);
      /* And an icon that is the kiosk's own, found (not a missing-image glyph), and not
       * the question mark that read as a broken character. */
      g_assert_cmpuint (images->len, ==, 1);
      g_assert_cmpstr (gtk_image_get_icon_name (images->pdata[0]), ==, GH_INFERRED_ICON);
      g_assert_true (gtk_icon_theme_has_icon (theme, GH_INFERRED_ICON));
    }
}

static void
test_inferred_mark (void)
{
  for (guint l = 0; l < 2; l++)
    {
    guint chips_checked = 0;

    for (guint shopper = 1; shopper <= 10; shopper++)
      {
        const Look *look = &looks[l == 0 ? 0 : 3];
        GhWindow *window = window_in (look);
        const char *word = g_str_equal (look->language, "de") ? "Abgeleitet" : "Inferred";
        g_autofree char *loyalty = g_strdup_printf ("40000000%02u", shopper);
        g_autoptr(GPtrArray) rows = NULL;
        g_autoptr(GPtrArray) chips = NULL;

        sign_in (window, loyalty);
        /* On the data items themselves... */
        show_section (window, "data");
        rows = with_class (dashboard_of (window), "inferred", FALSE);
        for (guint i = 0; i < rows->len; i++)
          if (!GTK_IS_MENU_BUTTON (rows->pdata[i]))
            {
              g_autofree char *file = g_strdup_printf ("screen-inferred-%s-item.png",
                                                       look->language);
              g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".",
                                                        file, NULL);

              assert_inferred_badges (rows->pdata[i], word, "data item");
              /* To look at: the screenshot tours show no guess up close. */
              if (gtk_widget_get_mapped (rows->pdata[i]))
                gh_ui_test_save_png (rows->pdata[i], path);
            }
        /* ...and on every "because…" chip for a guess, and in its popover. */
        show_section (window, "offers");
        chips = with_class (dashboard_of (window), "inferred", TRUE);
        for (guint i = 0; i < chips->len; i++)
          if (GTK_IS_MENU_BUTTON (chips->pdata[i]))
            {
              g_autofree char *file = g_strdup_printf ("screen-inferred-%s-chip.png",
                                                       look->language);
              g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".",
                                                        file, NULL);

              graphene_rect_t bounds = bounds_in (chips->pdata[i], GTK_WIDGET (window));

              assert_inferred_badges (chips->pdata[i], word, "chip");
              gh_ui_test_save_png (gtk_widget_get_parent (chips->pdata[i]), path);
              /* (A popover opens only from a chip on screen, not one scrolled away.) */
              if (bounds.origin.y + bounds.size.height > look->height)
                continue;
              gtk_menu_button_popup (chips->pdata[i]);
              gh_ui_test_settle (GTK_WIDGET (window));
              assert_inferred_badges (GTK_WIDGET (gtk_menu_button_get_popover (chips->pdata[i])),
                                      word, "chip popover");
              gtk_menu_button_popdown (chips->pdata[i]);
              chips_checked++;
            }
        close_window (window);
        if (chips_checked > 0 && rows->len > 0)
          break;
      }
    /* The demo has offers because of a guess: the chips were seen, not skipped. */
    g_assert_cmpuint (chips_checked, >, 0);
    }
}

/* ---- 3. the staff page ------------------------------------------------------------- */

static GtkWidget *
open_staff_page (GhWindow *window)
{
  GhStaffController *staff = _gh_window_get_staff (window);

  gh_staff_controller_request_unlock (staff);
  g_assert_true (gh_ui_test_wait_page (window, "staff-sign-in", 2000));
  gh_ui_test_keypad_type_on (window, "staff-sign-in", STAFF_PIN);
  g_assert_true (gh_ui_test_wait_page (window, "staff", 10000));
  g_assert_true (gh_ui_test_wait_idle_page (window, "staff", 10000));
  gh_ui_test_settle (GTK_WIDGET (window));
  return _gh_window_get_page (window, "staff");
}

/* The mapped buttons under @root, text or accessible name per button. */
static GPtrArray *
mapped_buttons (GtkWidget *root)
{
  g_autoptr(GPtrArray) all = gh_ui_test_find_all (root, GTK_TYPE_BUTTON);
  GPtrArray *mapped = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    if (gtk_widget_get_mapped (all->pdata[i]) && !gtk_widget_has_css_class (all->pdata[i], "key")
        && !GTK_IS_CHECK_BUTTON (all->pdata[i]))
      g_ptr_array_add (mapped, all->pdata[i]);
  return mapped;
}

static void
test_staff_page_one_screen (void)
{
  for (guint l = 0; l < G_N_ELEMENTS (looks); l++)
    {
      GhWindow *window = window_in (&looks[l]);
      g_autofree char *name = look_name (&looks[l]);
      GtkWidget *page = open_staff_page (window);
      g_autoptr(GPtrArray) scrolled = gh_ui_test_find_all (page, GTK_TYPE_SCROLLED_WINDOW);
      g_autoptr(GPtrArray) checks = gh_ui_test_find_all (page, GTK_TYPE_CHECK_BUTTON);
      g_autoptr(GPtrArray) buttons = mapped_buttons (GTK_WIDGET (window));
      GtkAdjustment *vadj;
      GtkWidget *check, *indicator;
      guint exits = 0;

      /* Everything on one screen: the window did not grow, nothing to scroll to. */
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, looks[l].width);
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, looks[l].height);
      g_assert_cmpuint (scrolled->len, ==, 1);
      vadj = gtk_scrolled_window_get_vadjustment (scrolled->pdata[0]);
      if (gtk_adjustment_get_upper (vadj) > gtk_adjustment_get_page_size (vadj) + 0.5)
        gh_ui_test_fail ("%s: the staff page is %.0f px tall on a %.0f px screen: it scrolls",
                         name, gtk_adjustment_get_upper (vadj), gtk_adjustment_get_page_size (vadj));
      /* Nor past the screen's edge: every control and figure is inside the window. */
      {
        GType wanted[] = { GTK_TYPE_BUTTON, GTK_TYPE_ENTRY, GTK_TYPE_LABEL };
        graphene_rect_t screen = GRAPHENE_RECT_INIT (0, 0, looks[l].width, looks[l].height);

        for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
          {
            g_autoptr(GPtrArray) all = gh_ui_test_find_all (page, wanted[w]);
            for (guint i = 0; i < all->len; i++)
              {
                graphene_rect_t bounds;

                if (!gtk_widget_get_mapped (all->pdata[i]))
                  continue;
                bounds = bounds_in (all->pdata[i], GTK_WIDGET (window));
                if (!graphene_rect_contains_rect (&screen, &bounds))
                  gh_ui_test_fail ("%s: %s \"%s\" is off the screen (x %.0f to %.0f, y %.0f to %.0f)",
                                   name, G_OBJECT_TYPE_NAME (all->pdata[i]),
                                   gh_a11y_visible_text (all->pdata[i]), bounds.origin.x,
                                   bounds.origin.x + bounds.size.width, bounds.origin.y,
                                   bounds.origin.y + bounds.size.height);
              }
          }
      }
      {
        g_autofree char *clipped = gh_a11y_find_clipped_labels (page);
        if (clipped != NULL)
          gh_ui_test_fail ("%s: clipped on the staff page:\n%s", name, clipped);
      }

      /* The identity tick: a 48 px box on a row-wide target at least 64 px high. */
      g_assert_cmpuint (checks->len, ==, 1);
      check = checks->pdata[0];
      indicator = gtk_widget_get_first_child (check);
      g_assert_cmpstr (gtk_widget_get_css_name (indicator), ==, "check");
      g_assert_cmpint (gtk_widget_get_width (indicator), >=, 48);
      g_assert_cmpint (gtk_widget_get_height (indicator), >=, 48);
      g_assert_cmpint (gtk_widget_get_height (check), >=, 64);
      /* (less the theme's margin around a check button) */
      g_assert_cmpint (gtk_widget_get_width (check), >=,
                       gtk_widget_get_width (gtk_widget_get_parent (check)) - 32);

      /* One way out: a single button that leaves (the banner's "finish helping" is for
       * the other screens). */
      for (guint i = 0; i < buttons->len; i++)
        {
          const char *action = gtk_actionable_get_action_name (buttons->pdata[i]);
          if (g_strcmp0 (action, "staff-page.done") == 0 || g_strcmp0 (action, "staff-banner.end") == 0
              || g_strcmp0 (action, "staff-page.end") == 0 || g_strcmp0 (action, "kiosk.sign-out") == 0)
            exits++;
        }
      if (exits != 1)
        gh_ui_test_fail ("%s: %u ways out of the staff page", name, exits);

      gtk_widget_activate_action (page, "staff-page.done", NULL);
      gh_ui_test_settle (GTK_WIDGET (window));
      /* Back on the shopper's screen, still helping: there the banner is the way out. */
      g_clear_pointer (&buttons, g_ptr_array_unref);
      buttons = mapped_buttons (GTK_WIDGET (window));
      {
        gboolean banner_end = FALSE;
        for (guint i = 0; i < buttons->len; i++)
          banner_end |= g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]),
                                   "staff-banner.end") == 0;
        g_assert_true (banner_end);
      }
      gh_staff_mode_end (gh_staff_controller_get_mode (_gh_window_get_staff (window)));
      close_window (window);
    }
}

static gboolean
status_says (gpointer data)
{
  GtkWidget **args = data;
  g_autofree char *text = gh_ui_test_collect_text (args[0]);

  return strstr (text, (const char *) args[1]) != NULL;
}

static GtkWidget *
clear_button (GtkWidget *page)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (page, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]),
                   "staff-page.clear-lockout") == 0)
      return buttons->pdata[i];
  g_assert_not_reached ();
}

static void
test_staff_clear_says_why (void)
{
  GhWindow *window = window_in (&looks[0]);
  GtkWidget *page = open_staff_page (window);
  GtkWidget *button = clear_button (page);
  g_autoptr(GPtrArray) checks = gh_ui_test_find_all (page, GTK_TYPE_CHECK_BUTTON);
  g_autoptr(GPtrArray) entries = gh_ui_test_find_all (page, GTK_TYPE_ENTRY);
  g_autofree char *text = NULL;
  gpointer args[2] = { page, NULL };

  /* Nothing typed: it looks unavailable, and a tap says what is missing. */
  g_assert_true (gtk_widget_has_css_class (button, "unready"));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  args[1] = "Type the shopper's loyalty number first.";
  g_assert_true (gh_ui_test_wait (status_says, args, 2000));

  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[0]), "4000000007");
  g_assert_true (gtk_widget_has_css_class (button, "unready"));
  g_signal_emit_by_name (button, "clicked");
  args[1] = "Check the shopper's identity first, then tick the box.";
  g_assert_true (gh_ui_test_wait (status_says, args, 2000));

  /* Ticked by tapping the words at the row's far end, not only the box: the whole row
   * is the target. */
  {
    GtkWidget *check = checks->pdata[0];
    GtkEventController *click = NULL;
    graphene_rect_t bounds = bounds_in (check, check);
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (check);

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
        if (GTK_IS_GESTURE_CLICK (controller))
          click = GTK_EVENT_CONTROLLER (controller);
      }
    g_assert_nonnull (click);
    g_signal_emit_by_name (click, "pressed", 1, (double) bounds.size.width - 10,
                           (double) bounds.size.height / 2);
    g_signal_emit_by_name (click, "released", 1, (double) bounds.size.width - 10,
                           (double) bounds.size.height / 2);
  }
  g_assert_true (gtk_check_button_get_active (checks->pdata[0]));
  g_assert_false (gtk_widget_has_css_class (button, "unready"));

  /* Shopper 7 never typed a wrong PIN: no "Lockout cleared" for them. */
  g_signal_emit_by_name (button, "clicked");
  args[1] = "This shopper is not locked out.";
  g_assert_true (gh_ui_test_wait (status_says, args, 10000));
  text = gh_ui_test_collect_text (page);
  g_assert_null (strstr (text, "Lockout cleared"));

  gh_staff_mode_end (gh_staff_controller_get_mode (_gh_window_get_staff (window)));
  close_window (window);
}

/* ---- 4. the Undo bar covers nothing ----------------------------------------------- */

/* The switch of @purpose_id, or (NULL) of the first purpose that is on and can go off. */
static GtkWidget *
consent_switch (GtkWidget  *dashboard,
                const char *purpose_id)
{
  g_autoptr(GPtrArray) rows = gh_ui_test_find_all (dashboard, GH_TYPE_CONSENT_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      GhConsentRow *row = rows->pdata[i];
      g_autoptr(GPtrArray) any = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_SWITCH);

      GhLegalBasis basis = gh_purpose_get_legal_basis (gh_consent_row_get_purpose (row));

      /* (a contract or a legal obligation cannot be switched off) */
      if (purpose_id == NULL && gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_POPOVER) == NULL
          && basis != GH_LEGAL_BASIS_CONTRACT && basis != GH_LEGAL_BASIS_LEGAL_OBLIGATION
          && any->len > 0 && gtk_switch_get_active (any->pdata[0])
          && gtk_widget_is_sensitive (any->pdata[0]))
        return any->pdata[0];
      if (purpose_id != NULL
          && g_str_equal (gh_purpose_get_id (gh_consent_row_get_purpose (row)), purpose_id)
          && gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_POPOVER) == NULL)
        {
          g_autoptr(GPtrArray) switches = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_SWITCH);
          return switches->pdata[0];
        }
    }
  g_assert_not_reached ();
}

/* The preview has worked out what would go (offers or none): Confirm can be tapped. */
static gboolean
preview_ready (gpointer data)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (data, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "dashboard.confirm") == 0)
      return gtk_widget_get_mapped (buttons->pdata[i]) && gtk_widget_is_sensitive (buttons->pdata[i]);
  return FALSE;
}

static gboolean
undo_shown (gpointer data)
{
  return gh_dashboard_page_get_undo_shown (data) && !gh_dashboard_page_get_busy (data);
}

static gboolean
dashboard_idle (gpointer data)
{
  return !gh_dashboard_page_get_busy (data);
}

/* Switches @purpose_id off on the dashboard and confirms; the Undo bar is then up. */
static void
switch_off (GhWindow   *window,
            const char *purpose_id)
{
  GtkWidget *dashboard = dashboard_of (window);

  show_section (window, "choices");
  gtk_switch_set_active (GTK_SWITCH (consent_switch (dashboard, purpose_id)), FALSE);
  g_assert_true (gh_ui_test_wait (preview_ready, dashboard, 15000));
  gtk_widget_activate_action (dashboard, "dashboard.confirm", NULL);
  g_assert_true (gh_ui_test_wait (undo_shown, dashboard, 15000));
  gh_ui_test_settle (GTK_WIDGET (window));
}

static void
test_undo_bar_covers_nothing (void)
{
  for (guint l = 0; l < G_N_ELEMENTS (looks); l++)
    {
      GhWindow *window = window_in (&looks[l]);
      g_autofree char *name = look_name (&looks[l]);
      GtkWidget *dashboard;
      g_autoptr(GPtrArray) bars = NULL;
      g_autoptr(GPtrArray) scrolled = NULL;
      graphene_rect_t bar;

      sign_in (window, "4000000003");
      dashboard = dashboard_of (window);
      switch_off (window, "personalize.offers");
      bars = with_class (dashboard, "undo-bar", TRUE);
      g_assert_cmpuint (bars->len, ==, 1);
      bar = bounds_in (bars->pdata[0], GTK_WIDGET (window));
      /* Every scrolling column (its cards and switches) stays clear of the bar, so its
       * last card can be scrolled to and read. */
      scrolled = gh_ui_test_find_all (dashboard, GTK_TYPE_SCROLLED_WINDOW);
      for (guint i = 0; i < scrolled->len; i++)
        {
          graphene_rect_t column;

          if (!gtk_widget_get_mapped (scrolled->pdata[i]))
            continue;
          column = bounds_in (scrolled->pdata[i], GTK_WIDGET (window));
          if (graphene_rect_intersection (&bar, &column, NULL))
            gh_ui_test_fail ("%s: the Undo bar (y %.0f to %.0f) covers a column (y %.0f to %.0f)",
                             name, bar.origin.y, bar.origin.y + bar.size.height, column.origin.y,
                             column.origin.y + column.size.height);
        }
      gtk_widget_activate_action (dashboard, "dashboard.undo", NULL);
      g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
      close_window (window);
    }
}

/* ---- 5. "Show all" stays open ------------------------------------------------------ */

static GtkWidget *
show_all_button (GtkWidget *root)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      const char *label = gtk_button_get_label (buttons->pdata[i]);
      if (label != NULL && g_str_has_prefix (label, "Show all"))
        return buttons->pdata[i];
    }
  return NULL;
}

static void
test_show_all_stays_open (void)
{
  GhWindow *window = window_in (&looks[0]);
  GtkWidget *dashboard;
  GtkWidget *button;
  guint shown, total;
  g_autoptr(GPtrArray) rows = NULL;

  sign_in (window, "4000000001");
  dashboard = dashboard_of (window);
  button = show_all_button (dashboard);
  g_assert_nonnull (button);
  g_assert_cmpint (sscanf (gtk_button_get_label (GTK_BUTTON (button)), "Show all %u", &total), ==, 1);
  g_signal_emit_by_name (button, "clicked");
  gh_ui_test_settle (GTK_WIDGET (window));
  rows = gh_ui_test_find_all (dashboard, g_type_from_name ("GhDataItemRow"));
  shown = rows->len;
  g_assert_cmpuint (shown, >=, total);

  /* A purpose off (its items now "do nothing for you"): the list stays as it was. */
  switch_off (window, NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = gh_ui_test_find_all (dashboard_of (window), g_type_from_name ("GhDataItemRow"));
  g_assert_cmpuint (rows->len, ==, shown);
  gtk_widget_activate_action (dashboard, "dashboard.undo", NULL);
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  close_window (window);
}

/* ---- 6. where the scanner is ------------------------------------------------------- */

static void
test_scanner_hint (void)
{
  static const struct { const char *language; const char *sentence; } hints[] = {
    { "en", "The card scanner is the window with the red light, below this screen." },
    { "de", "Der Kartenleser ist das Fenster mit dem roten Licht unter diesem Bildschirm." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (hints); i++)
    {
      Look look = { hints[i].language, i == 1, 1080, 1920 };
      GhWindow *window = window_in (&look);
      GtkWidget *identify;
      g_autoptr(GPtrArray) labels = NULL;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
      gh_ui_test_settle (GTK_WIDGET (window));
      identify = _gh_window_get_page (window, "identify");
      labels = with_class (identify, "scanner-hint", TRUE);
      g_assert_cmpuint (labels->len, ==, 1);
      g_assert_cmpstr (gtk_label_get_text (labels->pdata[0]), ==, hints[i].sentence);
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (labels->pdata[0])));
      close_window (window);
    }
}

/* ---- 7. the portrait top bar ------------------------------------------------------- */

static void
test_top_bar (void)
{
  for (guint l = 0; l < G_N_ELEMENTS (looks); l++)
    {
      GhWindow *window = window_in (&looks[l]);
      g_autofree char *name = look_name (&looks[l]);
      g_autoptr(GPtrArray) brands = NULL;
      GtkWidget *buttons;
      int height = -1;

      sign_in (window, "4000000003");
      brands = with_class (GTK_WIDGET (window), "top-brand", TRUE);
      g_assert_cmpuint (brands->len, ==, 1);
      if (pango_layout_is_ellipsized (gtk_label_get_layout (brands->pdata[0])))
        gh_ui_test_fail ("%s: the brand is cut: \"%s\" in %d px", name,
                         gtk_label_get_text (brands->pdata[0]),
                         gtk_widget_get_width (brands->pdata[0]));
      /* The buttons beside (or under) it: one row, one height. */
      buttons = gtk_widget_get_next_sibling (gtk_widget_get_parent (brands->pdata[0]));
      {
        g_autoptr(GPtrArray) all = gh_ui_test_find_all (buttons, GTK_TYPE_BUTTON);
        for (guint i = 0; i < all->len; i++)
          {
            graphene_rect_t bounds;

            if (!gtk_widget_get_mapped (all->pdata[i]))
              continue;
            bounds = bounds_in (all->pdata[i], buttons);
            if (height < 0)
              height = (int) bounds.size.height;
            else if ((int) bounds.size.height != height)
              gh_ui_test_fail ("%s: top-bar buttons of different heights: %d and %.0f (%s)", name,
                               height, bounds.size.height, G_OBJECT_TYPE_NAME (all->pdata[i]));
          }
        g_assert_cmpint (height, >=, 64);
      }
      close_window (window);
    }
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-screen-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 10);

  g_test_add_func ("/screen/chips-whole-words", test_chips_whole_words);
  g_test_add_func ("/screen/inferred-mark", test_inferred_mark);
  g_test_add_func ("/screen/staff-page-one-screen", test_staff_page_one_screen);
  g_test_add_func ("/screen/staff-clear-says-why", test_staff_clear_says_why);
  g_test_add_func ("/screen/undo-bar-covers-nothing", test_undo_bar_covers_nothing);
  g_test_add_func ("/screen/show-all-stays-open", test_show_all_stays_open);
  g_test_add_func ("/screen/scanner-hint", test_scanner_hint);
  g_test_add_func ("/screen/top-bar", test_top_bar);
  result = g_test_run ();

  g_spawn_command_line_sync (g_strdup_printf ("rm -rf %s", store_dir), NULL, NULL, NULL, NULL);
  return result;
}
