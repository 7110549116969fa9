/* GhOffers: the offer engine. Which offers a shopper gets, the data items that
 * produced each one ("because..."), what a change of consent would add or remove,
 * and the data held that does nothing for the shopper (DESIGN.md "Offers").
 * Pure functions over a catalog and a shopper's items and consents: no store access.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gh-catalog.h"

G_BEGIN_DECLS

typedef struct {
  GhOffer   *offer;     /* borrowed from the catalog */
  GhPurpose *purpose;   /* borrowed from the catalog */
  GPtrArray *because;   /* GhDataItem*, borrowed from the items passed in; the items that made it true */
} GhOfferMatch;

void gh_offer_match_free (GhOfferMatch *match);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhOfferMatch, gh_offer_match_free)

/* Whether @purpose is in force for a shopper with @consents (GhConsent*):
 * consent needs a grant (or the purpose's default), legitimate interest holds
 * until revoked (objected to), contract and legal obligation always hold. */
gboolean   gh_offers_purpose_in_force (GhPurpose   *purpose,
                                       GPtrArray   *consents);

/* Every offer of @catalog the shopper gets, in catalog order: GhOfferMatch*. */
GPtrArray *gh_offers_evaluate         (GhCatalog   *catalog,
                                       GPtrArray   *items,
                                       GPtrArray   *consents);

/* What-if, without touching the store: the offers that setting @purpose_id to
 * @state would remove (returned) and add (@added). Both GhOfferMatch*. */
GPtrArray *gh_offers_what_if          (GhCatalog      *catalog,
                                       GPtrArray      *items,
                                       GPtrArray      *consents,
                                       const char     *purpose_id,
                                       GhConsentState  state,
                                       GPtrArray     **added);

/* Minimisation for one shopper: the items (GhDataItem*, borrowed) whose
 * category no purpose in force uses: "held, but does nothing for you". */
GPtrArray *gh_offers_unused_items     (GhCatalog   *catalog,
                                       GPtrArray   *items,
                                       GPtrArray   *consents);

G_END_DECLS
