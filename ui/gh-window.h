/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"
#include "visit/gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_WINDOW (gh_window_get_type ())
G_DECLARE_FINAL_TYPE (GhWindow, gh_window, GH, WINDOW, GtkApplicationWindow)

/* @application may be NULL (tests). @inbox_dir and @trust_file may be NULL. */
GhWindow   *gh_window_new                (GtkApplication *application,
                                          const char     *db_path,
                                          const char     *inbox_dir,
                                          const char     *trust_file,
                                          gboolean        demo);

/* NULL until the store's configuration is loaded, or when none is applied. */
GhCatalog  *gh_window_get_catalog        (GhWindow       *self);
/* The visit in progress, or NULL. */
GhSession  *gh_window_get_session        (GhWindow       *self);
/* "attract", "identify", "dashboard", "forget", "follow-up" */
const char *gh_window_get_page_name      (GhWindow       *self);
const char *gh_window_get_language       (GhWindow       *self);

/* Ends the visit as sign-out does: the session is wiped, its pages destroyed. */
void        gh_window_end_visit          (GhWindow       *self);

G_END_DECLS
