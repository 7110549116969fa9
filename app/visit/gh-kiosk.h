/* GhKiosk: the kiosk between visits, without GTK. Owns the store's path, reads the
 * active configuration in a worker, watches HQ's inbox with the trust file (and the
 * demo key in --demo mode), and says when the catalog in force changes. The window
 * only shows what it says.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-catalog.h"
#include "config/gh-inbox.h"

G_BEGIN_DECLS

#define GH_TYPE_KIOSK (gh_kiosk_get_type ())
G_DECLARE_FINAL_TYPE (GhKiosk, gh_kiosk, GH, KIOSK, GObject)

/* @inbox_dir and @trust_file may be NULL. Nothing is read until gh_kiosk_load(). */
GhKiosk    *gh_kiosk_new          (const char *db_path,
                                   const char *inbox_dir,
                                   const char *trust_file,
                                   gboolean    demo);

const char *gh_kiosk_get_db_path  (GhKiosk    *self);
/* The catalog in force, NULL until one is read or when none is applied.
 * "catalog-changed" (GhCatalog *catalog) and notify::catalog when it is replaced. */
GhCatalog  *gh_kiosk_get_catalog  (GhKiosk    *self);

/* Reads the store's active config in a worker (opening the store the first time
 * starts the inbox too). A read that started before the inbox handed over a newer
 * config is discarded when it finishes. Outside a visit the worker first carries
 * out retention when something is due (gh-retention.h): at start and after each
 * visit, never during one. */
void        gh_kiosk_load         (GhKiosk    *self);
/* TRUE while a read started by gh_kiosk_load() has not finished. */
gboolean    gh_kiosk_get_loading  (GhKiosk    *self);

/* During a visit the configuration does not change: the inbox holds bundles and
 * reads do not replace the catalog. Ending a visit reads the store again, so a
 * config that arrived meanwhile applies. Nothing `glasshouse-ctl sync` pulls from HQ
 * (decisions made elsewhere, erasures, member changes) is applied during a visit: the
 * kiosk holds the visit lock (gh-fleet-apply.h), and applies what was staged meanwhile
 * in the worker that ends the visit, before the next sign-in. */
void        gh_kiosk_begin_visit  (GhKiosk    *self);
void        gh_kiosk_end_visit    (GhKiosk    *self);
gboolean    gh_kiosk_get_in_visit (GhKiosk    *self);

/* HQ's inbox, NULL until the store is open or without a key to trust. */
GhInbox    *gh_kiosk_get_inbox    (GhKiosk    *self);

G_END_DECLS
