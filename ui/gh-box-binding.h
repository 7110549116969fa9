/* GhBoxBinding: a GtkBox whose children follow a GListModel, as gtk_list_box_bind_model
 * does for a list box: a change in the model inserts or removes only the children at
 * its place, the others stay as they are. For columns laid out as plain boxes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _GhBoxBinding GhBoxBinding;

/* Makes a widget for @item (a new floating reference). */
typedef GtkWidget *(*GhBoxCreateFunc) (gpointer item,
                                       gpointer user_data);

/* Fills @box (empty) from @model and keeps it following it until freed. */
GhBoxBinding *gh_box_binding_new  (GtkBox          *box,
                                   GListModel      *model,
                                   GhBoxCreateFunc  create,
                                   gpointer         user_data);
/* The same, but makes children for the model's first @n_now items only, more at
 * gh_box_binding_build_up_to () and the rest at gh_box_binding_complete (): a long
 * column's first frame lays out only what is in view. Changes to the model in between
 * are followed all the same. */
GhBoxBinding *gh_box_binding_new_partial (GtkBox          *box,
                                          GListModel      *model,
                                          guint            n_now,
                                          GhBoxCreateFunc  create,
                                          gpointer         user_data);
void          gh_box_binding_build_up_to (GhBoxBinding    *binding,
                                          guint            n_items);
void          gh_box_binding_complete    (GhBoxBinding    *binding);
/* Stops following and removes the children it made. */
void          gh_box_binding_free (GhBoxBinding    *binding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhBoxBinding, gh_box_binding_free)

G_END_DECLS
