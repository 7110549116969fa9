/* GhDashboardPage's "Your data": the shopper's items grouped by category in the
 * config's order, the newest first, a few shown and the rest behind "Show all", and
 * the sentence above them. The rows follow the shopper's choices themselves.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-dashboard-page-private.h"
#include "gh-data-item-row.h"
#include "gh-ui-widgets.h"

#define ITEMS_SHOWN_PER_CATEGORY 3

typedef struct {
  GhDashboardPage *self;
  GtkBox          *rows;
  GPtrArray       *items;  /* GhDataItem*, borrowed from the session */
} ShowAllData;

static void
show_all_data_free (gpointer data,
                    GClosure *closure)
{
  ShowAllData *show = data;

  g_ptr_array_unref (show->items);
  g_free (show);
}

static void
on_show_all (GtkButton   *button,
             ShowAllData *show)
{
  for (guint i = ITEMS_SHOWN_PER_CATEGORY; i < show->items->len; i++)
    gtk_box_append (show->rows, gh_data_item_row_new (show->self->session,
                                                      g_ptr_array_index (show->items, i)));
  gtk_widget_set_visible (GTK_WIDGET (button), FALSE);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const GhDataItem *x = *(const GhDataItem **) a;
  const GhDataItem *y = *(const GhDataItem **) b;

  return (x->collected_at < y->collected_at) - (x->collected_at > y->collected_at);
}

/* One category of "Your data", to be built now or right after the first frame. */
typedef struct {
  char      *title;
  char      *description;
  GPtrArray *items;  /* GhDataItem*, borrowed from the session */
} GhDataGroup;

static void
data_group_free (gpointer data)
{
  GhDataGroup *group = data;

  g_free (group->title);
  g_free (group->description);
  g_ptr_array_unref (group->items);
  g_free (group);
}

static void
add_category_group (GhDashboardPage *self,
                    const char      *title,
                    const char      *description,
                    GPtrArray       *items)
{
  GtkWidget *group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *rows = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  /* Translators: a data category and how many items of it are held, e.g. "Purchases (12)" */
  g_autofree char *heading = g_strdup_printf (_("%s (%u)"), title, items->len);
  GtkWidget *heading_label = g_object_new (GTK_TYPE_LABEL, "label", heading, "wrap", TRUE,
                                           "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                           "width-chars", GH_WRAPPED_LABEL_NARROWEST_CHARS,
                                           "xalign", 0.f,
                                           "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING, NULL);

  gtk_widget_add_css_class (heading_label, "category-title");
  /* Under the section's title ("Your data", level 2). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (heading_label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 3,
                                  -1);
  gtk_widget_add_css_class (group, "category");
  gtk_box_append (GTK_BOX (group), heading_label);
  if (description != NULL && *description != '\0')
    gtk_box_append (GTK_BOX (group), gh_wrapped_label_new (description, "dim", -1));
  gtk_box_append (GTK_BOX (group), rows);

  g_ptr_array_sort (items, newest_first);
  for (guint i = 0; i < MIN (items->len, ITEMS_SHOWN_PER_CATEGORY); i++)
    gtk_box_append (GTK_BOX (rows), gh_data_item_row_new (self->session,
                                                          g_ptr_array_index (items, i)));
  if (items->len > ITEMS_SHOWN_PER_CATEGORY)
    {
      /* Translators: a button that lists every item of a category */
      g_autofree char *label = g_strdup_printf (_("Show all %u"), items->len);
      GtkWidget *button = gtk_button_new_with_label (label);
      ShowAllData *show = g_new0 (ShowAllData, 1);

      show->self = self;
      show->rows = GTK_BOX (rows);
      show->items = g_ptr_array_ref (items);
      g_signal_connect_data (button, "clicked", G_CALLBACK (on_show_all), show,
                             show_all_data_free, 0);
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (group), button);
    }
  gtk_box_append (self->data_box, group);
}

/* The sentence above the data: how much is held, how much is guessed, how much does
 * nothing for the shopper. Follows their choices. */
void
gh_dashboard_page_show_data_summary (GhDashboardPage *self)
{
  GPtrArray *items = gh_session_get_items (self->session);
  GPtrArray *unused = gh_session_get_unused_items (self->session);
  g_autoptr(GString) summary = g_string_new (NULL);
  guint inferred = 0;

  for (guint i = 0; i < items->len; i++)
    if (((GhDataItem *) g_ptr_array_index (items, i))->source == GH_SOURCE_INFERRED)
      inferred++;

  g_string_append_printf (summary,
                          g_dngettext (GETTEXT_PACKAGE, "We hold %u thing about you.",
                                       "We hold %u things about you.", items->len), items->len);
  if (inferred > 0)
    {
      g_string_append_c (summary, ' ');
      g_string_append_printf (summary,
                              g_dngettext (GETTEXT_PACKAGE, "%u is a guess (marked “inferred”).",
                                           "%u are guesses (marked “inferred”).", inferred),
                              inferred);
    }
  if (unused != NULL && unused->len > 0)
    {
      g_string_append_c (summary, ' ');
      g_string_append_printf (summary,
                              g_dngettext (GETTEXT_PACKAGE, "%u does nothing for you.",
                                           "%u do nothing for you.", unused->len), unused->len);
    }
  gtk_label_set_label (self->data_summary_label, summary->str);
}

static void
add_or_defer_group (GhDashboardPage *self,
                    guint            n_now,
                    const char      *title,
                    const char      *description,
                    GPtrArray       *items)
{
  GhDataGroup *group;

  if (self->later_groups == NULL && self->data_groups_built < n_now)
    {
      add_category_group (self, title, description, items);
      self->data_groups_built++;
      return;
    }
  group = g_new0 (GhDataGroup, 1);
  group->title = g_strdup (title);
  group->description = g_strdup (description);
  group->items = g_ptr_array_ref (items);
  if (self->later_groups == NULL)
    self->later_groups = g_ptr_array_new_with_free_func (data_group_free);
  g_ptr_array_add (self->later_groups, group);
}

/* The categories left for after the first frame, in their order, until @n_groups are
 * built (all with G_MAXUINT). */
void
gh_dashboard_page_build_later_data (GhDashboardPage *self,
                                    guint            n_groups)
{
  while (self->later_groups != NULL && self->data_groups_built < n_groups)
    {
      GhDataGroup *group = g_ptr_array_steal_index (self->later_groups, 0);

      add_category_group (self, group->title, group->description, group->items);
      self->data_groups_built++;
      data_group_free (group);
      if (self->later_groups->len == 0)
        g_clear_pointer (&self->later_groups, g_ptr_array_unref);
    }
}

/* The data, grouped by category in the config's order; its rows follow the shopper's
 * choices themselves, so this runs once, and again for a new language. */
void
gh_dashboard_page_build_data (GhDashboardPage *self)
{
  guint n_now = self->rows_complete ? G_MAXUINT : gh_dashboard_page_rows_at_first_frame (self);
  GhCatalog *catalog = gh_session_get_catalog (self->session);
  const char *language = gh_session_get_language (self->session);
  GPtrArray *items = gh_session_get_items (self->session);
  GListModel *categories = gh_catalog_get_data_categories (catalog);
  g_autoptr(GHashTable) by_category = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                             (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  gh_box_remove_all (self->data_box);
  g_clear_pointer (&self->later_groups, g_ptr_array_unref);
  self->data_groups_built = 0;

  for (guint i = 0; i < items->len; i++)
    {
      GhDataItem *item = g_ptr_array_index (items, i);
      GPtrArray *group = g_hash_table_lookup (by_category, item->category);

      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (by_category, item->category, group);
          g_ptr_array_add (order, item->category);
        }
      g_ptr_array_add (group, item);
    }

  /* Catalog order first, then anything held under a category the config does not name. */
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, i);
      GPtrArray *group = g_hash_table_lookup (by_category, gh_data_category_get_id (category));

      if (group != NULL)
        {
          add_or_defer_group (self, n_now, gh_data_category_get_title (category, language),
                              gh_data_category_get_description (category, language), group);
          g_hash_table_remove (by_category, gh_data_category_get_id (category));
        }
    }
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *group = g_hash_table_lookup (by_category, g_ptr_array_index (order, i));

      if (group != NULL)
        add_or_defer_group (self, n_now, g_ptr_array_index (order, i), NULL, group);
    }

  if (items->len == 0)
    {
      gtk_box_append (self->data_box,
                      gh_wrapped_label_new (_("We hold nothing about you besides your "
                                              "loyalty number."), NULL, -1));
    }
  gh_dashboard_page_show_data_summary (self);
}

