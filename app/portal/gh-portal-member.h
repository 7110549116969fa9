/* Helpers the signed-in pages share (gh-portal-member.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "offers/gh-offers.h"
#include "portal/gh-portal-private.h"

G_BEGIN_DECLS

/* The member of @req's session with everything the pages show, or NULL after
 * answering (a redirect to sign in, or the unavailable page). */
GhPortalMember *_gh_portal_member_for_request (GhPortalRequest   *req,
                                               GhPortalSignedIn **who);
const char     *_gh_portal_source_text        (GhPortalRequest   *req,
                                               GhSource           source);
void            _gh_portal_append_items       (GhPortalRequest   *req,
                                               GString           *out,
                                               GhPortalMember    *member,
                                               gboolean           open);
void            _gh_portal_append_offer       (GhPortalRequest   *req,
                                               GhCatalog         *catalog,
                                               GString           *out,
                                               GhOfferMatch      *match);
/* @item in one line in @req's language: money and dates as the language writes them and
 * HQ's words for attribute values (the config's value_labels), as on the kiosk. */
char           *_gh_portal_item_summary       (GhPortalRequest   *req,
                                               GhCatalog         *catalog,
                                               const GhDataItem  *item);

G_END_DECLS
