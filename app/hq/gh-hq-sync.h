/* One sync round between a kiosk and HQ: push the outbox, register, pull what HQ has for
 * this kiosk (bundles, member changes, decisions made elsewhere, erasures), apply it when
 * no visit is on, send a heartbeat. HQ's side of the fleet too: publish, approve, status.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-bundle.h"
#include "hq/gh-hq.h"
#include "visit/gh-fleet-apply.h"

G_BEGIN_DECLS

/* Where a round is, for progress and for tests that kill it on purpose. */
typedef enum {
  GH_HQ_SYNC_PUSHED,        /* the outbox is at HQ */
  GH_HQ_SYNC_REGISTERED,    /* HQ knows the kiosk, its store and key */
  GH_HQ_SYNC_SETTLED,       /* the change number to pull up to is known */
  GH_HQ_SYNC_STAGED_PAGE,   /* one page of a stream and its cursor are in the store */
  GH_HQ_SYNC_BUNDLE,        /* one bundle applied (or refused, or left in the inbox) */
  GH_HQ_SYNC_APPLIED_ONE,   /* one staged change applied */
  GH_HQ_SYNC_HEARTBEAT,     /* HQ has this round's heartbeat */
} GhHqSyncStage;

typedef void (*GhHqSyncProgressFunc) (GhHqSyncStage  stage,
                                      gint64         change_no,
                                      gpointer       user_data);

typedef struct {
  GhTrust               *trust;       /* the kiosk's trust file; NULL: bundles are not pulled */
  const char            *inbox_dir;   /* NULL: "inbox" beside the store */
  int                    batch;       /* push batch; 0: GH_HQ_DEFAULT_BATCH */
  int                    page;        /* rows per pulled page; 0: 20,000 */
  GhHqSyncProgressFunc   progress;
  gpointer               user_data;
} GhHqSyncOptions;

typedef struct {
  GhHqPushResult  push;
  gboolean        approved;          /* HQ staff approved the kiosk's key */
  gint64          settled;           /* pulled up to this change number */
  gint64          staged;            /* changes staged this round */
  guint           bundles_applied;
  guint           bundles_refused;
  guint           bundles_to_inbox;  /* the kiosk program runs: its inbox applies them */
  gboolean        deferred;          /* a visit is on: the kiosk applies after it */
  GhFleetApplied  applied;
} GhHqSyncResult;

/* The round. Each step is idempotent and resumable: a round killed anywhere loses nothing,
 * and the next one carries on (cursors are in the store's meta, staged with the rows).
 * On an error after connecting, a heartbeat naming it is still attempted. */
gboolean    gh_hq_sync            (GhHq                   *self,
                                   GhStore                *store,
                                   const GhHqSyncOptions  *options,
                                   GhHqSyncResult         *result,
                                   GError                **error);

/* Remembers @failure (with the time) for the next heartbeat's last_error. */
void        gh_hq_sync_note_error (GhStore                *store,
                                   const GError           *failure);

/* Pulls member changes of @store's store (and nothing else) into the stage, without
 * applying them: what the pull benchmark measures. */
gboolean    gh_hq_pull_members    (GhHq                   *self,
                                   GhStore                *store,
                                   int                     page,
                                   gint64                 *staged,
                                   GError                **error);

/* ---- HQ's side ---------------------------------------------------------------------- */

/* Publishes a signed bundle for @stores (NULL: every store). HQ only checks that it is a
 * bundle envelope with a config version; kiosks verify it. Returns its change number. */
gint64      gh_hq_publish_bundle  (GhHq                   *self,
                                   GBytes                 *bundle,
                                   const char * const     *stores,
                                   gint64                 *config_version,
                                   GError                **error);
/* Approves every key kiosk @kiosk_id registered; the number approved (0: none waiting). */
int         gh_hq_approve_kiosk   (GhHq                   *self,
                                   const char             *kiosk_id,
                                   GError                **error);

typedef struct {
  char    *kiosk_id;
  char    *store_id;
  char    *last_heartbeat;      /* ISO 8601, NULL: never */
  gint64   silent_minutes;      /* -1: never heard from */
  gboolean approved;
  char    *software_version;
  gint64   config_version;
  gint64   outbox_backlog;
  char    *last_refused_bundle;
  char    *last_error;
} GhHqKioskHealth;

void        gh_hq_kiosk_health_free (GhHqKioskHealth *health);

/* Drops the monthly event partitions that end more than @keep_months months ago, but none
 * within the consent proof period of the configs HQ published (controller.consent_proof_days,
 * the longest; *@proof_days, 0 when none says); the names dropped. Decisions, erasures and
 * receipts are other tables and stay. */
GPtrArray  *gh_hq_drop_event_partitions (GhHq          *self,
                                         int            keep_months,
                                         int           *proof_days,
                                         GError       **error);

/* Every kiosk HQ knows, the longest silent first. */
GPtrArray  *gh_hq_fleet_status    (GhHq                   *self,
                                   GError                **error);

G_END_DECLS
