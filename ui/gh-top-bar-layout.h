/* GhTopBarLayout: the top bar's brand and its buttons on one row when both fit at their
 * natural widths, otherwise the brand on a row of its own above the buttons. So the
 * brand (also the staff long-press target) is never cut to "Northwi…" on a portrait
 * screen, and the buttons keep room to stay on as few lines as they can.
 * The bar's first child is the brand, its second the box of buttons.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GH_TYPE_TOP_BAR_LAYOUT (gh_top_bar_layout_get_type ())
G_DECLARE_FINAL_TYPE (GhTopBarLayout, gh_top_bar_layout, GH, TOP_BAR_LAYOUT, GtkLayoutManager)

G_END_DECLS
