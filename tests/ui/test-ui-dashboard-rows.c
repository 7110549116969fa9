/* The dashboard's rows built as they are needed (issue 18): its first frame lays out
 * each column's first screenful only, the rest is built right after that frame, before
 * anyone can scroll, Tab or read it with a screen reader; a change to the shopper's
 * choices or offers in between is followed all the same (the binding underneath).
 * Landscape and portrait.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gh-box-binding.h"
#include "gh-dashboard-page-private.h"
#include "gh-ui-test-utils.h"
#include "gh-window-private.h"

static char *store_dir;
static char *db_path;

/* ---- the binding underneath: what is built follows the model ---------------------- */

static GtkWidget *
label_for (gpointer item,
           gpointer user_data)
{
  return gtk_label_new (gtk_string_object_get_string (item));
}

static char *
box_texts (GtkBox *box)
{
  GString *texts = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_string_append_printf (texts, "%s%s", texts->len > 0 ? " " : "",
                            gtk_label_get_label (GTK_LABEL (child)));
  return g_string_free (texts, FALSE);
}

static void
test_binding_follows_model (void)
{
  const char *letters[] = { "a", "b", "c", "d", "e", "f", "g", "h", NULL };
  g_autoptr(GtkStringList) model = gtk_string_list_new (letters);
  GtkBox *box = GTK_BOX (g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0)));
  GhBoxBinding *binding = gh_box_binding_new_partial (box, G_LIST_MODEL (model), 3, label_for,
                                                      NULL);
  g_autofree char *first = box_texts (box);
  g_autofree char *changed = NULL;
  g_autofree char *more = NULL;
  g_autofree char *all = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpstr (first, ==, "a b c");

  /* Among the built rows, past them, and across the edge. */
  gtk_string_list_splice (model, 1, 1, (const char *[]) { "B1", "B2", NULL });
  gtk_string_list_splice (model, 6, 1, (const char *[]) { "F", NULL });
  gtk_string_list_splice (model, 3, 2, (const char *[]) { "x", NULL });
  changed = box_texts (box);
  g_assert_cmpstr (changed, ==, "a B1 B2 x");

  gh_box_binding_build_up_to (binding, 6);
  more = box_texts (box);
  g_assert_cmpstr (more, ==, "a B1 B2 x e F");

  gh_box_binding_complete (binding);
  all = box_texts (box);
  g_assert_cmpstr (all, ==, "a B1 B2 x e F g h");

  /* Complete, a change reaches the box at once, even at the end. */
  gtk_string_list_append (model, "i");
  gtk_string_list_remove (model, 0);
  after = box_texts (box);
  g_assert_cmpstr (after, ==, "B1 B2 x e F g h i");

  gh_box_binding_free (binding);
  g_object_unref (box);
}

/* ---- the dashboard ----------------------------------------------------------------- */

typedef struct {
  GhWindow  *window;
  gboolean   seen;          /* the dashboard's first frame has been painted */
  guint      data_groups;   /* what that frame had in each column */
  guint      offer_cards;
  guint      choice_rows;
  double     data_page;     /* the data column's view, and what filled it */
  double     data_upper;
} FirstFrame;

static guint
n_children (GtkBox *box)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static GtkAdjustment *
column_adjustment (GtkBox *column)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (column), GTK_TYPE_SCROLLED_WINDOW);

  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
}

static void
on_after_paint (GdkFrameClock *clock,
                FirstFrame    *frame)
{
  GtkWidget *dashboard = _gh_window_get_page (frame->window, "dashboard");
  GhDashboardPage *page;

  if (frame->seen || dashboard == NULL || !gtk_widget_get_mapped (dashboard))
    return;
  page = GH_DASHBOARD_PAGE (dashboard);
  frame->seen = TRUE;
  frame->data_groups = n_children (page->data_box);
  frame->offer_cards = n_children (page->offers_box);
  frame->choice_rows = n_children (page->choices_box);
  frame->data_page = gtk_adjustment_get_page_size (column_adjustment (page->data_box));
  frame->data_upper = gtk_adjustment_get_upper (column_adjustment (page->data_box));
}

static guint
n_categories_held (GhSession *session)
{
  GPtrArray *items = gh_session_get_items (session);
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < items->len; i++)
    g_hash_table_add (categories, ((GhDataItem *) g_ptr_array_index (items, i))->category);
  return g_hash_table_size (categories);
}

static gboolean
rows_complete (gpointer data)
{
  return gh_dashboard_page_get_rows_complete (data);
}

static void
check_first_frame (int width,
                   int height)
{
  GhWindow *window = gh_ui_test_window_new (db_path, width, height);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  FirstFrame frame = { window };
  gboolean portrait = width < height;
  guint first = portrait ? ROWS_AT_FIRST_FRAME_PORTRAIT : ROWS_AT_FIRST_FRAME_LANDSCAPE;
  gulong paint_handler;
  GhDashboardPage *page;
  GhSession *session;
  guint n_purposes, n_offers, n_groups;

  paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &frame);
  /* The first demo shopper holds data of more categories than one screen shows. */
  g_assert_true (gh_ui_test_sign_in (window, "4000000001", "0001"));
  page = GH_DASHBOARD_PAGE (_gh_window_get_page (window, "dashboard"));
  g_assert_true (gh_ui_test_wait (gh_ui_test_is_true, &frame.seen, 10000));

  session = gh_window_get_session (window);
  n_purposes = g_list_model_get_n_items (gh_catalog_get_purposes (gh_session_get_catalog (session)));
  n_offers = gh_session_get_offers (session)->len;
  n_groups = n_categories_held (session);

  /* The first frame: each column's first screenful, and no more. */
  g_assert_cmpuint (frame.data_groups, <, n_groups);
  g_assert_cmpuint (frame.choice_rows, <, n_purposes);
  g_assert_cmpuint (frame.data_groups, ==, first);
  g_assert_cmpuint (frame.choice_rows, ==, first);
  g_assert_cmpuint (frame.offer_cards, ==, MIN (first, n_offers));
  /* ... which fills the data column's view: nothing blank below it. */
  g_assert_cmpfloat (frame.data_page, >, 0);
  g_assert_cmpfloat (frame.data_upper, >, frame.data_page);

  /* Then everything, before a shopper could scroll or Tab to it. */
  g_assert_true (gh_ui_test_wait (rows_complete, page, 2000));
  g_assert_cmpuint (n_children (page->data_box), ==, n_groups);
  g_assert_cmpuint (n_children (page->choices_box), ==, n_purposes);
  g_assert_cmpuint (n_children (page->offers_box), ==, n_offers);

  g_signal_handler_disconnect (clock, paint_handler);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_first_frame_landscape (void)
{
  check_first_frame (1920, 1080);
}

static void
test_first_frame_portrait (void)
{
  check_first_frame (1080, 1920);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-rows-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 10);

  g_test_add_func ("/dashboard-rows/binding-follows-model", test_binding_follows_model);
  g_test_add_func ("/dashboard-rows/first-frame-landscape", test_first_frame_landscape);
  g_test_add_func ("/dashboard-rows/first-frame-portrait", test_first_frame_portrait);
  result = g_test_run ();

  g_spawn_command_line_sync (g_strdup_printf ("rm -rf %s", store_dir), NULL, NULL, NULL, NULL);
  return result;
}
