/* GhOffers: the offer engine. Which offers a shopper gets, the data items that
 * produced each one ("because..."), what a change of consent would add or remove,
 * and the data held that does nothing for the shopper (DESIGN.md "Offers").
 * Pure functions over a catalog and a shopper's items and consents: no store access.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-catalog.h"

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
 * category no purpose in force uses: "held, but does nothing for you".
 * A purpose that works through offers uses what its offers read; a contract or
 * legal-obligation purpose, and a purpose without offers, uses every category it
 * declares (it acts on the data itself: delivering orders, keeping tax records). */
GPtrArray *gh_offers_unused_items     (GhCatalog   *catalog,
                                       GPtrArray   *items,
                                       GPtrArray   *consents);

/* The same, at a given time (unix seconds) instead of now: for tests, reports
 * and benchmarks that must not depend on the clock. */
GPtrArray *gh_offers_evaluate_at      (GhCatalog   *catalog,
                                       GPtrArray   *items,
                                       GPtrArray   *consents,
                                       gint64       now);
GPtrArray *gh_offers_what_if_at       (GhCatalog      *catalog,
                                       GPtrArray      *items,
                                       GPtrArray      *consents,
                                       const char     *purpose_id,
                                       GhConsentState  state,
                                       gint64          now,
                                       GPtrArray     **added);

/* The consent state @purpose has for a shopper with @consents: their choice,
 * or the purpose's default when they never chose. Contract and legal-obligation
 * purposes are always granted. A consent that awaits an answer to a changed
 * notice counts as revoked while the config pauses it. */
GhConsentState gh_offers_purpose_state (GhPurpose  *purpose,
                                        GPtrArray  *consents);
/* Whether the shopper must be asked again about @purpose: they gave their consent
 * under an earlier notice_version and the notice's change asks again. */
gboolean       gh_offers_purpose_awaits_answer (GhPurpose  *purpose,
                                                GPtrArray  *consents);

/* Whether @purpose uses @category in the sense of gh_offers_unused_items(). */
gboolean   gh_offers_purpose_uses     (GhCatalog   *catalog,
                                       GhPurpose   *purpose,
                                       const char  *category);
/* Whether any offer of @catalog reads @category. */
gboolean   gh_offers_category_is_read (GhCatalog   *catalog,
                                       const char  *category);

/* What switching a purpose would change, for the "Your choices" preview. */
typedef struct {
  GhPurpose      *purpose;   /* borrowed from the catalog */
  GhConsentState  state;     /* the state the change would set: the opposite of the current one */
  GPtrArray      *removed;   /* GhOfferMatch* */
  GPtrArray      *added;     /* GhOfferMatch* */
} GhOfferChange;

void gh_offer_change_free (GhOfferChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhOfferChange, gh_offer_change_free)

/* The what-if of flipping each purpose the shopper can switch (every purpose but
 * contract and legal obligation), in config order: GhOfferChange*. Parses the
 * items once for all of them, where calling gh_offers_what_if() per purpose
 * parses them once per call. */
GPtrArray *gh_offers_what_if_each_at  (GhCatalog   *catalog,
                                       GPtrArray   *items,
                                       GPtrArray   *consents,
                                       gint64       now);

/* For reports over many shoppers. @reached has one entry per purpose of
 * @catalog, in config order. For each purpose whose entry is FALSE and which is
 * in force for this shopper, evaluates its offers and sets the entry when one
 * of them matches. Returns how many entries it set. Purposes already reached
 * cost nothing, so a scan gets cheaper as it goes. */
guint      gh_offers_mark_reached     (GhCatalog   *catalog,
                                       GPtrArray   *items,
                                       GPtrArray   *consents,
                                       gint64       now,
                                       gboolean    *reached);

G_END_DECLS
