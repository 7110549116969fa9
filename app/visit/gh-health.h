/* Kiosk health for the staff page: the config in force and its age, the last
 * refused bundle and why, events waiting for HQ, store size, audit chain state.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

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
