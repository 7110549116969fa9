/* GhBoxBinding: a GtkBox's children following a GListModel (see gh-box-binding.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-box-binding.h"
#include "gh-ui-widgets.h"

struct _GhBoxBinding
{
  GtkBox          *box;     /* weak: the box may go first */
  GListModel      *model;
  GhBoxCreateFunc  create;
  gpointer         user_data;
  gulong           handler;
  guint            n_built;   /* the model's first n_built items have their child */
  gboolean         complete;  /* every item has, and new ones get one at once */
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

/* Removes @removed children at @position and makes @added from the model's items there. */
static void
replace_children (GhBoxBinding *self,
                  guint         position,
                  guint         removed,
                  guint         added)
{
  GtkWidget *before;

  for (guint i = 0; i < removed; i++)
    {
      GtkWidget *child = nth_child (self->box, position);

      if (child == NULL)
        break;
      gtk_box_remove (self->box, child);
    }
  self->n_built = self->n_built - removed + added;
  before = position > 0 ? nth_child (self->box, position - 1) : NULL;
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->model, position + i);
      GtkWidget *child = self->create (item, self->user_data);

      gtk_box_insert_child_after (self->box, child, before);
      before = child;
    }
}

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GhBoxBinding *self)
{
  if (self->box == NULL)
    return;
  if (self->complete)
    {
      replace_children (self, position, removed, added);
      return;
    }
  /* Beyond what is built, nothing to do now: gh_box_binding_build_up_to () reads the
   * model as it is then. */
  if (position < self->n_built)
    replace_children (self, position, MIN (removed, self->n_built - position), added);
}

GhBoxBinding *
gh_box_binding_new (GtkBox          *box,
                    GListModel      *model,
                    GhBoxCreateFunc  create,
                    gpointer         user_data)
{
  return gh_box_binding_new_partial (box, model, G_MAXUINT, create, user_data);
}

GhBoxBinding *
gh_box_binding_new_partial (GtkBox          *box,
                            GListModel      *model,
                            guint            n_now,
                            GhBoxCreateFunc  create,
                            gpointer         user_data)
{
  GhBoxBinding *self;
  guint n_items;

  g_return_val_if_fail (GTK_IS_BOX (box), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (create != NULL, NULL);

  self = g_new0 (GhBoxBinding, 1);
  g_set_weak_pointer (&self->box, box);
  self->model = g_object_ref (model);
  self->create = create;
  self->user_data = user_data;
  self->handler = g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  n_items = g_list_model_get_n_items (model);
  self->complete = n_now >= n_items;
  replace_children (self, 0, 0, MIN (n_now, n_items));
  return self;
}

/* Children for the model's first @n_items items (all of them with G_MAXUINT). */
void
gh_box_binding_build_up_to (GhBoxBinding *self,
                            guint         n_items)
{
  guint n_model, n_before;

  g_return_if_fail (self != NULL);

  if (self->complete)
    return;
  n_model = g_list_model_get_n_items (self->model);
  n_items = MIN (n_items, n_model);
  if (self->n_built >= n_items)
    return;
  n_before = self->n_built;
  if (self->box != NULL)
    replace_children (self, n_before, 0, n_items - n_before);
  self->complete = n_items == n_model;
}

void
gh_box_binding_complete (GhBoxBinding *self)
{
  gh_box_binding_build_up_to (self, G_MAXUINT);
}

void
gh_box_binding_free (GhBoxBinding *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->handler, self->model);
  if (self->box != NULL)
    gh_box_remove_all (self->box);
  g_clear_weak_pointer (&self->box);
  g_clear_object (&self->model);
  g_free (self);
}
