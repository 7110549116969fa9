/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"
#include "visit/gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_IDENTIFY_PAGE (gh_identify_page_get_type ())
G_DECLARE_FINAL_TYPE (GhIdentifyPage, gh_identify_page, GH, IDENTIFY_PAGE, GtkWidget)

/* Signs shoppers of the store at @db_path in, with @catalog in force (construct-only
 * properties db-path, catalog), in @language (property language, which the page's
 * words follow); emits "signed-in". */
GtkWidget *gh_identify_page_new (const char *db_path,
                                 GhCatalog  *catalog,
                                 const char *language);
const char *gh_identify_page_get_language (GhIdentifyPage *self);
void        gh_identify_page_set_language (GhIdentifyPage *self,
                                           const char     *language);
/* Back to an empty loyalty number; cancels a check in progress. */
void       gh_identify_page_reset (GhIdentifyPage *self);
/* A card was scanned: takes @loyalty_id as if typed and confirmed, and asks for the PIN. */
void       gh_identify_page_enter_number (GhIdentifyPage *self,
                                          const char     *loyalty_id);

G_END_DECLS
