/* GhBoxBinding: a GtkBox's children following a GListModel (see gh-box-binding.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-box-binding.h"

struct _GhBoxBinding
{
  GtkBox          *box;     /* weak: the box may go first */
  GListModel      *model;
  GhBoxCreateFunc  create;
  gpointer         user_data;
  gulong           handler;
};

static GtkWidget *
nth_child (GtkBox *box,
           guint   position)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box));

  for (guint i = 0; child != NULL && i < position; i++)
    child = gtk_widget_get_next_sibling (child);
  return child;
}

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GhBoxBinding *self)
{
  GtkWidget *before;

  if (self->box == NULL)
    return;
  for (guint i = 0; i < removed; i++)
    {
      GtkWidget *child = nth_child (self->box, position);

      if (child == NULL)
        break;
      gtk_box_remove (self->box, child);
    }
  before = position > 0 ? nth_child (self->box, position - 1) : NULL;
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);
      GtkWidget *child = self->create (item, self->user_data);

      gtk_box_insert_child_after (self->box, child, before);
      before = child;
    }
}

GhBoxBinding *
gh_box_binding_new (GtkBox          *box,
                    GListModel      *model,
                    GhBoxCreateFunc  create,
                    gpointer         user_data)
{
  GhBoxBinding *self;

  g_return_val_if_fail (GTK_IS_BOX (box), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (create != NULL, NULL);

  self = g_new0 (GhBoxBinding, 1);
  g_set_weak_pointer (&self->box, box);
  self->model = g_object_ref (model);
  self->create = create;
  self->user_data = user_data;
  self->handler = g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  on_items_changed (model, 0, 0, g_list_model_get_n_items (model), self);
  return self;
}

void
gh_box_binding_free (GhBoxBinding *self)
{
  GtkWidget *child;

  if (self == NULL)
    return;
  g_clear_signal_handler (&self->handler, self->model);
  if (self->box != NULL)
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
      gtk_box_remove (self->box, child);
  g_clear_weak_pointer (&self->box);
  g_clear_object (&self->model);
  g_free (self);
}
