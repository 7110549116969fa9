/* What the sync round (gh-hq-sync.c) uses of the pull (gh-hq-pull.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hq/gh-hq-sync.h"

G_BEGIN_DECLS

/* The change number every pull of this round reads up to (schema.sql: settled_change_no). */
gboolean _gh_hq_settle        (GhHq                   *self,
                               gint64                 *mark,
                               GError                **error);
/* Member changes, decisions and erasures up to @settled into the store's stage. */
gboolean _gh_hq_pull_streams  (GhHq                   *self,
                               GhStore                *store,
                               gint64                  settled,
                               const GhHqSyncOptions  *options,
                               GhHqSyncResult         *result,
                               GError                **error);
/* Bundles up to @settled: applied with options->trust, or left in the running kiosk's inbox. */
gboolean _gh_hq_pull_bundles  (GhHq                   *self,
                               GhStore                *store,
                               gint64                  settled,
                               const GhHqSyncOptions  *options,
                               GhHqSyncResult         *result,
                               GError                **error);

G_END_DECLS
