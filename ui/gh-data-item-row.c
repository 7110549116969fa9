/* GhDataItemRow: one thing held about the shopper in "Your data": what it is, where
 * it came from in words (with an icon, and a marked frame for guesses, so inferred
 * data does not stand out by colour alone), what it is used for, and when it will
 * be deleted. Items no purpose in force uses say so: held, but doing nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-data-item-row.h"
#include "gh-inferred-badge.h"
#include "gh-ui-text.h"
#include "gh-widget-template.h"

struct _GhDataItemRow
{
  GtkWidget  parent_instance;

  GtkLabel  *summary_label;
  GtkImage  *source_image;
  GtkLabel  *source_label;
  GtkLabel  *used_label;
  GtkLabel  *deleted_label;
  GtkBox    *unused_box;

  GhSession        *session;
  const GhDataItem *item;   /* the session's; gone once the visit has ended */
};

G_DEFINE_FINAL_TYPE (GhDataItemRow, gh_data_item_row, GTK_TYPE_WIDGET)

static void
gh_data_item_row_dispose (GObject *object)
{
  GhDataItemRow *self = GH_DATA_ITEM_ROW (object);

  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_DATA_ITEM_ROW);
  g_clear_object (&self->session);
  self->item = NULL;

  G_OBJECT_CLASS (gh_data_item_row_parent_class)->dispose (object);
}

static void
gh_data_item_row_class_init (GhDataItemRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_data_item_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-data-item-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GhDataItemRow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, GhDataItemRow, source_image);
  gtk_widget_class_bind_template_child (widget_class, GhDataItemRow, source_label);
  gtk_widget_class_bind_template_child (widget_class, GhDataItemRow, used_label);
  gtk_widget_class_bind_template_child (widget_class, GhDataItemRow, deleted_label);
  gtk_widget_class_bind_template_child (widget_class, GhDataItemRow, unused_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dataitem");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
gh_data_item_row_init (GhDataItemRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* What the item is used for follows the shopper's choices: the row updates itself. */
static void
show_use (GhDataItemRow *self)
{
  const char *language;
  g_autoptr(GPtrArray) purposes = NULL;
  gboolean unused;

  if (gh_session_get_ended (self->session))
    return;
  language = gh_session_get_language (self->session);
  purposes = gh_session_purposes_reading (self->session, self->item->category);
  unused = gh_session_item_is_unused (self->session, self->item);
  if (purposes->len > 0)
    {
      g_autoptr(GString) used = g_string_new (NULL);

      for (guint i = 0; i < purposes->len; i++)
        {
          if (i > 0)
            g_string_append (used, ", ");
          g_string_append (used, gh_purpose_get_title (g_ptr_array_index (purposes, i), language));
        }
      /* Translators: %s lists purposes, e.g. "Used for: Personal offers, Your orders" */
      g_autofree char *text = g_strdup_printf (_("Used for: %s"), used->str);
      gtk_label_set_label (self->used_label, text);
    }
  else
    gtk_label_set_label (self->used_label, _("Used for: nothing you have switched on"));
  gtk_widget_set_visible (GTK_WIDGET (self->unused_box), unused);
  if (unused)
    gtk_widget_add_css_class (GTK_WIDGET (self), "unused");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unused");
}

GtkWidget *
gh_data_item_row_new (GhSession        *session,
                      const GhDataItem *item)
{
  GhDataItemRow *self = g_object_new (GH_TYPE_DATA_ITEM_ROW, NULL);
  g_autofree char *summary = gh_ui_item_summary (session, item);
  g_autofree char *date = gh_ui_format_date (item->retained_until);
  g_autofree char *collected = gh_ui_format_date (item->collected_at);
  g_autofree char *deleted = NULL;
  g_autofree char *source = NULL;

  self->session = g_object_ref (session);
  self->item = item;
  gtk_label_set_label (self->summary_label, summary);
  /* Translators: where a piece of data came from, then when, e.g. "We saw it, 3 March 2026" */
  source = g_strdup_printf (_("%s, %s"), gh_ui_source_label (item->source), collected);
  gtk_label_set_label (self->source_label, source);
  gtk_image_set_from_icon_name (self->source_image, gh_ui_source_icon (item->source));
  if (item->source == GH_SOURCE_INFERRED)
    {
      GtkWidget *badge = gh_inferred_badge_new ();

      gtk_widget_set_halign (badge, GTK_ALIGN_START);
      gtk_box_prepend (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->summary_label))), badge);
      gtk_widget_add_css_class (GTK_WIDGET (self), "inferred");
    }
  show_use (self);
  g_signal_connect_object (session, "notify::unused-items", G_CALLBACK (show_use), self,
                           G_CONNECT_SWAPPED);

  /* The retention job deletes the item on that date: until then it is still held, and
   * the words must not read as if it were already gone. */
  if (item->retained_until <= 0)
    gtk_widget_set_visible (GTK_WIDGET (self->deleted_label), FALSE);
  else if (item->retained_until > g_get_real_time () / G_USEC_PER_SEC)
    /* Translators: %s is a date in the future, e.g. "Will be deleted on 3 March 2027" */
    deleted = g_strdup_printf (_("Will be deleted on %s"), date);
  else
    /* Translators: %s is a date that has passed; the item is deleted at the next daily
     * clean-up, e.g. "Due to be deleted since 3 March 2026" */
    deleted = g_strdup_printf (_("Due to be deleted since %s"), date);
  gtk_label_set_label (self->deleted_label, deleted);
  return GTK_WIDGET (self);
}
