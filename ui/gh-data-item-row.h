/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "visit/gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_DATA_ITEM_ROW (gh_data_item_row_get_type ())
G_DECLARE_FINAL_TYPE (GhDataItemRow, gh_data_item_row, GH, DATA_ITEM_ROW, GtkWidget)

/* @item stays the session's; the row copies what it shows. */
GtkWidget *gh_data_item_row_new (GhSession        *session,
                                 const GhDataItem *item);

G_END_DECLS
