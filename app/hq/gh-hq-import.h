/* HQ's side of the member feed: `glasshouse-ctl hq import` reads the same
 * glasshouse-members/1 feed as a kiosk's import, with the same reader, parser thread
 * and checks (app/members/), and writes HQ's member tables (docs/hq-schema.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-bundle.h"
#include "config/gh-catalog.h"
#include "hq/gh-hq.h"
#include "members/gh-member-import.h"

G_BEGIN_DECLS

/* The config the feed's categories and purposes are checked against (and the report
 * evaluates offers with): the bundle file @bundle_path when given, else the newest
 * bundle in glasshouse.bundle; either way verified with @trust as a kiosk would
 * (gh_bundle_open) and its config validated (gh_catalog_new_from_bytes). A bundle HQ
 * does not hold, or one that fails a check, is GH_HQ_ERROR_FAILED / the bundle's or
 * catalog's error, saying which. */
GhCatalog *gh_hq_load_catalog   (GhHq                         *hq,
                                 GhTrust                      *trust,
                                 const char                   *bundle_path,
                                 GError                      **error);

/* Reads the feed from @input and writes every valid line to HQ, @options->catalog
 * (required) being the config lines are checked against. Per batch of
 * @options->batch_lines lines (0: 5,000), one HQ transaction: a COPY into temporary
 * tables, then set-based statements. A member's line is their whole record: an
 * unchanged member writes nothing, a new or changed one is upserted with their items
 * and gets one glasshouse.member_change row (the normalised line, always with its
 * ref); the feed's decisions go to glasshouse.decision (origin crm) when they change
 * the member's current state; a tombstone calls glasshouse.erase_member; a ref in
 * glasshouse.erasure is never brought back. A kill loses at most the batch in flight;
 * running the feed again reaches the same end state. The summary counts as the
 * kiosk's import does (consents_changed: decisions recorded). */
gboolean   gh_hq_import_members (GhHq                         *hq,
                                 GInputStream                 *input,
                                 const GhMemberImportOptions  *options,
                                 GhMemberImportSummary        *summary,
                                 GCancellable                 *cancellable,
                                 GError                      **error);

G_END_DECLS
