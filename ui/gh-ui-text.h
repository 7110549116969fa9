/* Words a shopper reads for values that come from the store: a data item in one
 * line, where it came from, a legal basis, a date. One place, so every screen
 * says the same thing the same way.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "config/gh-catalog.h"
#include "store/gh-types.h"
#include "visit/gh-session.h"

G_BEGIN_DECLS

/* "We inferred it", "You gave it", ... */
const char *gh_ui_source_label        (GhSource          source);
/* A symbolic icon name for the source, so it is not told by colour alone. */
const char *gh_ui_source_icon         (GhSource          source);
/* What the legal basis means for the shopper, in one or two sentences. */
const char *gh_ui_legal_basis_label   (GhLegalBasis      basis);
const char *gh_ui_legal_basis_explain (GhLegalBasis      basis);
/* The item's content in one line, e.g. "Trail shoes · running · 89.00 EUR", with
 * HQ's words for attribute values in the visit's language. */
char       *gh_ui_item_summary        (GhSession        *session,
                                       const GhDataItem *item);
/* A date in words for the visit's locale, e.g. "3 March 2026". */
char       *gh_ui_format_date         (gint64            unix_seconds);
/* A catalog category's title, or its id when the catalog does not know it. */
const char *gh_ui_category_title      (GhCatalog        *catalog,
                                       const char       *category_id,
                                       const char       *language);
/* How long the record of each choice is kept, from the config's
 * controller.consent_proof_days, in years, months or days as the number allows: a shopper
 * is told the period before switching anything. NULL when @days is 0 (not said). */
char       *gh_ui_record_period       (int               days);

G_END_DECLS
