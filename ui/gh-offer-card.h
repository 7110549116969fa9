/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "visit/gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_OFFER_CARD (gh_offer_card_get_type ())
G_DECLARE_FINAL_TYPE (GhOfferCard, gh_offer_card, GH, OFFER_CARD, GtkWidget)

GtkWidget  *gh_offer_card_new            (GhSession          *session,
                                          const GhOfferMatch *match);
const char *gh_offer_card_get_offer_id   (GhOfferCard        *self);
/* Closes an open "because…" popover. */
void        gh_offer_card_close_popovers (GhOfferCard        *self);

G_END_DECLS
