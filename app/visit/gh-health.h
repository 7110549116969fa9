/* Kiosk health for the staff page: the config in force and its age, the last
 * refused bundle and why, events waiting for HQ, the link to HQ (the last sync round,
 * why it failed, whether HQ approved the kiosk), store size, audit chain state.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

/* What the sync round (app/hq/gh-hq-sync.c) notes in the store's meta for this page. */
#define GH_HEALTH_META_SYNC_AT    "hq_last_sync_at"    /* ISO 8601: the last round that went well */
#define GH_HEALTH_META_SYNC_ERROR "hq_last_sync_error" /* "ISO 8601: what went wrong" */
#define GH_HEALTH_META_APPROVAL   "hq_approval"        /* "approved" or "waiting" */

typedef enum {
  GH_HQ_APPROVAL_UNKNOWN,  /* no round has registered the kiosk at HQ yet */
  GH_HQ_APPROVAL_WAITING,  /* registered; phones cannot open its receipts until HQ approves */
  GH_HQ_APPROVAL_APPROVED,
} GhHqApproval;

typedef struct {
  gint64    config_version;      /* 0 when no config has been applied */
  char     *config_issued_at;    /* RFC 3339, or NULL */
  char     *config_applied_at;   /* ISO 8601, or NULL */
  gint64    config_age_seconds;  /* since HQ issued it; -1 when unknown */
  char     *rejected_at;         /* the last refused bundle, all NULL when none */
  char     *rejected_path;
  char     *rejected_reason;
  char     *rejected_source;
  gint64    outbox_pending;      /* events HQ has not acknowledged */
  gint64    hq_push_age_seconds; /* since the last successful push to HQ; -1 when never */
  gint64    hq_sync_age_seconds; /* since the last sync round that went well; -1 when never */
  char     *hq_error;            /* why the last round failed; NULL once a later one went well */
  gint64    hq_error_age_seconds;/* since that failure; -1 when hq_error is NULL */
  GhHqApproval hq_approval;
  gint64    store_bytes;         /* the database file and its WAL */
  gboolean  chain_ok;
  gint64    chain_events;        /* events checked */
  char     *chain_problem;       /* what broke, when !chain_ok (for logs: names the file) */
  gint64    chain_first_bad;     /* the first event that does not match, 0 if unknown */
} GhHealth;

void      gh_health_free           (GhHealth     *health);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhHealth, gh_health_free)

/* Reads everything; walking the chain makes this worth a worker thread. */
GhHealth *gh_health_collect        (GhStore      *store,
                                    GError      **error);
void      gh_health_collect_async  (const char          *db_path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
GhHealth *gh_health_collect_finish (GAsyncResult  *result,
                                    GError       **error);

G_END_DECLS
