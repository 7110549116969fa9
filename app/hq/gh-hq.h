/* The link to HQ: consent events from the kiosk's outbox to HQ's PostgreSQL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

/* Events a push sends in one HQ transaction unless told otherwise. HQ plans the arrival
 * trigger's statements and the pusher's checks once a batch: with 500, 50 kiosks catching up
 * 2,000 events each took 2.9-3.1 s on two cores, with 2,000 2.5-2.7 s
 * (tests/perf/bench-hq-fleet). A batch of 2,000 events is some 2 MB. */
#define GH_HQ_DEFAULT_BATCH 2000

#define GH_HQ_ERROR (gh_hq_error_quark ())
GQuark gh_hq_error_quark (void);

/* glasshouse-ctl exits 3 ("HQ refused / not set up") for every one of these except
 * GH_HQ_ERROR_CONNINFO (2, usage); a problem with the kiosk's own store stays in
 * GH_STORE_ERROR and exits 4. The pusher never acks an event on any of them. */
typedef enum {
  GH_HQ_ERROR_CONNINFO,     /* CONNINFO does not parse */
  GH_HQ_ERROR_UNREACHABLE,  /* no server answers there (down, refused, timed out, lost mid-push) */
  GH_HQ_ERROR_AUTH,         /* the server wanted a password and rejected or did not get it */
  GH_HQ_ERROR_REFUSED,      /* the server answered but will not have us: no such database or
                             * role, pg_hba, permission denied */
  GH_HQ_ERROR_NO_SCHEMA,    /* connected, but `glasshouse-ctl hq init` never ran there */
  GH_HQ_ERROR_CONFLICT,     /* HQ holds a different event under this kiosk id and seq */
  GH_HQ_ERROR_FAILED,       /* any other error the server reported */
} GhHqError;

#define GH_TYPE_HQ (gh_hq_get_type ())
G_DECLARE_FINAL_TYPE (GhHq, gh_hq, GH, HQ, GObject)

/* Connects to HQ. @conninfo is a libpq connection string or URI; it may carry a
 * password, so no message ever repeats it: errors name "user@host:port/dbname". */
GhHq       *gh_hq_connect          (const char  *conninfo,
                                    GError     **error);
/* "user@host:port/dbname": where this connection goes, safe to print. */
const char *gh_hq_get_target       (GhHq        *self);

/* A text[] literal ("{\"a\",\"b\"}") for a query parameter: every element quoted, so
 * no store id can be read as NULL or split in two. For HQ's and the portal's queries. */
char       *gh_hq_text_array_literal (const char * const *values);

/* The HQ schema (data/hq/schema.sql, compiled in) as SQL text. */
GBytes     *gh_hq_schema_sql       (void);
/* Creates or extends the HQ schema in one transaction; safe to run again. */
gboolean    gh_hq_init_schema      (GhHq        *self,
                                    GError     **error);

/* Where a push is, for progress reports and for tests that crash it on purpose. */
typedef enum {
  GH_HQ_STAGE_BATCH_LOCKED,  /* HQ transaction open, the kiosk's row locked */
  GH_HQ_STAGE_COPYING,       /* half of the batch's rows sent to the server */
  GH_HQ_STAGE_INSERTED,      /* the batch is in HQ's tables, not yet committed */
  GH_HQ_STAGE_COMMITTED,     /* HQ committed; the kiosk has not acked yet */
  GH_HQ_STAGE_ACKED,         /* the kiosk acked the batch */
} GhHqStage;

typedef void (*GhHqProgressFunc) (GhHqStage  stage,
                                  gint64     batch_last_seq,
                                  gpointer   user_data);

typedef struct {
  gint64 sent;      /* events HQ took in this push */
  gint64 skipped;   /* events HQ already had (a push that died after HQ committed) */
  guint  batches;   /* HQ transactions committed */
  gint64 last_seq;  /* the last event acked, 0 when none */
} GhHqPushResult;

/* Sends every pending outbox event of @store, oldest first, in batches of at most
 * @batch_size, each batch one HQ transaction; acks a batch in the store only after
 * HQ committed it, and then records meta hq_last_push_at. A push killed at any
 * point leaves nothing lost or doubled: the next one resends what was not acked
 * and HQ drops what it already has. @result may be NULL. */
gboolean    gh_hq_push             (GhHq              *self,
                                    GhStore           *store,
                                    int                batch_size,
                                    GhHqProgressFunc   progress,
                                    gpointer           user_data,
                                    GhHqPushResult    *result,
                                    GError           **error);

/* For the staff health page: what waits for HQ, and since when. No network. */
typedef struct {
  gint64  backlog;            /* events not acknowledged by HQ */
  char   *oldest_pending_at;  /* ISO 8601 of the oldest of them, NULL when none */
  char   *last_push_at;       /* ISO 8601 of the last successful push, NULL if never */
} GhHqStatus;

GhHqStatus *gh_hq_status           (GhStore     *store,
                                    GError     **error);
void        gh_hq_status_free      (GhHqStatus  *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhHqStatus, gh_hq_status_free)

G_END_DECLS
