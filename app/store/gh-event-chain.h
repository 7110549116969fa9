/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/gh-types.h"

G_BEGIN_DECLS

/* prev_hash of the first event */
#define GH_EVENT_CHAIN_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Hex SHA-256 over the canonical form of @event (every field but hash). */
char *gh_event_chain_hash         (const GhEvent  *event);
/* Compact JSON body of a consent.granted / consent.revoked event. */
char *gh_event_chain_consent_body (const char     *purpose_id,
                                   GhConsentState  state,
                                   const char     *notice_version);

G_END_DECLS
