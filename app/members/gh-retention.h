/* Retention carried out: what is past its date is deleted, not hidden.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

typedef struct {
  GHashTable *items_by_category;  /* category id -> GUINT_TO_POINTER (items deleted) */
  guint64     items;              /* data items deleted */
  guint64     legal_holds;        /* legal-hold records past their hold deleted */
  gboolean    log_pending;        /* committed, but a reader kept the WAL from being emptied */
} GhRetentionResult;

void gh_retention_result_free (GhRetentionResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhRetentionResult, gh_retention_result_free)

/* Deletes every data item whose retained_until is at or before @now (unix seconds)
 * and every legal-hold record past its hold, with one retention.purged event
 * (counts per category, no personal data) in the same transaction; then
 * checkpoints the WAL so the deleted bytes leave the -wal file too. A member whose
 * last item goes stays a member. Writes no event when nothing was due. */
GhRetentionResult *gh_retention_run    (GhStore  *store,
                                        gint64    now,
                                        GError  **error);

/* Whether anything is due at @now, without scanning the items (meta.retention_due_at):
 * the kiosk asks between visits before it runs the job. */
gboolean           gh_retention_is_due (GhStore  *store,
                                        gint64    now,
                                        gboolean *due,
                                        GError  **error);

G_END_DECLS
