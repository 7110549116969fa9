/* GhInbox: the folder HQ drops bundles into. Applies each *.bundle that appears
 * (written elsewhere and renamed in), files it under applied/ or rejected/ (with
 * NAME.reason), holds off while a shopper's visit is on, and tells the UI when a
 * new configuration is in force.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-bundle.h"
#include "config/gh-catalog.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_TYPE_INBOX (gh_inbox_get_type ())
G_DECLARE_FINAL_TYPE (GhInbox, gh_inbox, GH, INBOX, GObject)

/* The default inbox: "inbox" beside the store's file. */
char       *gh_inbox_default_directory (GhStore     *store);

/* Bundles are applied in a worker thread with its own connection to @store's
 * file; signals are emitted in the thread-default main context of the caller
 * of gh_inbox_start().
 *
 * Signals:
 *   config-changed (GhCatalog *catalog): a new config is in force (never
 *     during a hold: it waits for the release).
 *   bundle-rejected (const char *name, const char *reason): a bundle was
 *     refused and moved to rejected/. */
GhInbox    *gh_inbox_new               (GhStore     *store,
                                        const char  *directory,
                                        GhTrust     *trust);
/* Creates the folders, starts watching, and applies what arrived while the
 * kiosk was off. */
gboolean    gh_inbox_start             (GhInbox     *self,
                                        GError     **error);
const char *gh_inbox_get_directory     (GhInbox     *self);

/* TRUE during a shopper's visit: bundles wait (a bundle already being applied
 * finishes, but its config-changed waits too); FALSE applies what waited. */
void        gh_inbox_set_hold          (GhInbox     *self,
                                        gboolean     hold);
gboolean    gh_inbox_get_hold          (GhInbox     *self);

/* Looks at the folder again now (the monitor normally does this). */
void        gh_inbox_rescan            (GhInbox     *self);

G_END_DECLS
