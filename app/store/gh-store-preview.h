/* The switch-off preview's daily counters (store migration 7): per UTC day and purpose,
 * previews opened at this kiosk and how many of those the shopper ended with "Keep it
 * on". Totals only, never per shopper; the heartbeat sends them to HQ's
 * glasshouse.preview_daily, where the fleet report reads them (docs/hq-report.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/gh-store.h"

G_BEGIN_DECLS

typedef struct {
  char   *day;          /* YYYY-MM-DD, UTC */
  char   *purpose_id;
  gint64  opened;
  gint64  kept_on;
} GhPreviewDaily;

void gh_preview_daily_free (GhPreviewDaily *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhPreviewDaily, gh_preview_daily_free)

/* Adds @opened and @kept_on to @purpose_id's totals of the UTC day holding @at
 * (unix seconds; 0: now). */
gboolean   gh_store_preview_daily_count (GhStore     *store,
                                         const char  *purpose_id,
                                         guint        opened,
                                         guint        kept_on,
                                         gint64       at,
                                         GError     **error);
/* The totals of @since_day (YYYY-MM-DD) and later (NULL: every day), by day then
 * purpose: GhPreviewDaily*. */
GPtrArray *gh_store_preview_daily_list  (GhStore     *store,
                                         const char  *since_day,
                                         GError     **error);
/* Deletes the totals of the days before @before_day (those HQ has). */
gboolean   gh_store_preview_daily_prune (GhStore     *store,
                                         const char  *before_day,
                                         GError     **error);

G_END_DECLS
