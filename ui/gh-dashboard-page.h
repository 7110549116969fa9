/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "visit/gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_DASHBOARD_PAGE (gh_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (GhDashboardPage, gh_dashboard_page, GH, DASHBOARD_PAGE, GtkWidget)

/* Seconds an Undo stays offered after a change. */
#define GH_DASHBOARD_UNDO_SECONDS 10

GtkWidget *gh_dashboard_page_new               (GhSession       *session);
/* Whether the page lays its three sections out side by side (landscape) or as tabs. */
gboolean   gh_dashboard_page_get_portrait      (GhDashboardPage *self);
/* The layout to start with, before the page is allocated (it follows its size after). */
void       gh_dashboard_page_set_portrait      (GhDashboardPage *self,
                                                gboolean         portrait);
/* Whether every row of the three columns is built: the first screenful is built with
 * the page, the rest right after its first frame. */
gboolean   gh_dashboard_page_get_rows_complete (GhDashboardPage *self);
/* Whether a change is being previewed, written or can be undone: for tests and the idle warning. */
gboolean   gh_dashboard_page_get_busy          (GhDashboardPage *self);
gboolean   gh_dashboard_page_get_preview_shown (GhDashboardPage *self);
gboolean   gh_dashboard_page_get_undo_shown    (GhDashboardPage *self);
G_END_DECLS
