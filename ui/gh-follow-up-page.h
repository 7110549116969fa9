/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"
#include "receipts/gh-receipt.h"

G_BEGIN_DECLS

#define GH_TYPE_FOLLOW_UP_PAGE (gh_follow_up_page_get_type ())
G_DECLARE_FINAL_TYPE (GhFollowUpPage, gh_follow_up_page, GH, FOLLOW_UP_PAGE, GtkWidget)

GtkWidget     *gh_follow_up_page_new             (void);

/* Shows @receipt's follow-up code: its URL at @catalog's portal, its short
 * code, and the sentence for its kind. NULL clears the page. */
void           gh_follow_up_page_set_receipt     (GhFollowUpPage *self,
                                                  GhReceipt      *receipt,
                                                  GhCatalog      *catalog);

/* The "url", "short-code" and "kind" properties, for when there is no GhReceipt. */
const char    *gh_follow_up_page_get_url         (GhFollowUpPage *self);
void           gh_follow_up_page_set_url         (GhFollowUpPage *self,
                                                  const char     *url);
const char    *gh_follow_up_page_get_short_code  (GhFollowUpPage *self);
void           gh_follow_up_page_set_short_code  (GhFollowUpPage *self,
                                                  const char     *short_code);
GhReceiptKind  gh_follow_up_page_get_kind        (GhFollowUpPage *self);
void           gh_follow_up_page_set_kind        (GhFollowUpPage *self,
                                                  GhReceiptKind   kind);
/* The "language" property: the page's words follow it (bind the visit's language). */
const char    *gh_follow_up_page_get_language    (GhFollowUpPage *self);
void           gh_follow_up_page_set_language    (GhFollowUpPage *self,
                                                  const char     *language);

G_END_DECLS
