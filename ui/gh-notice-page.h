/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "visit/gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_NOTICE_PAGE (gh_notice_page_get_type ())
G_DECLARE_FINAL_TYPE (GhNoticePage, gh_notice_page, GH, NOTICE_PAGE, GtkWidget)

/* Whether a visit starts on this page: a changed notice to answer, or news since
 * the last visit. */
gboolean   gh_notice_page_wanted      (GhSession    *session);
GtkWidget *gh_notice_page_new         (GhSession    *session);
/* Purposes still waiting for an answer on this page. */
guint      gh_notice_page_get_n_open  (GhNoticePage *self);
/* TRUE while a choice is being previewed or saved. */
gboolean   gh_notice_page_get_busy    (GhNoticePage *self);

G_END_DECLS
