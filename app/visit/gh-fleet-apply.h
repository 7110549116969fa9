/* What a sync pulled from HQ, applied to the kiosk's store between visits: decisions made
 * elsewhere, erasures, member lines; and the two file locks by which the running kiosk and
 * `glasshouse-ctl sync` share a store.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

/* ---- locks beside the store ------------------------------------------------------ */

typedef enum {
  /* "<db>.running.lock": held by the kiosk program for as long as it runs. A sync that
   * cannot take it leaves bundles in the kiosk's inbox, which applies them itself. */
  GH_FLEET_LOCK_RUNNING,
  /* "<db>.visit.lock": held (shared) by the kiosk during a shopper's visit, and
   * (exclusive) by whoever applies pulled changes: nothing pulled lands mid-visit. */
  GH_FLEET_LOCK_VISIT,
} GhFleetLock;

/* Takes @lock on @store's file without waiting: a file descriptor to give back to
 * gh_fleet_lock_release, or -1 when someone else holds it (or it cannot be made, which
 * @error then says; a busy lock leaves @error unset). Released also when the process dies. */
int      gh_fleet_lock_try        (const char   *db_path,
                                   GhFleetLock   lock,
                                   gboolean      exclusive,
                                   GError      **error);
void     gh_fleet_lock_release    (int           fd);

/* ---- staged changes ---------------------------------------------------------------- */

/* Member lines a staged chunk holds at most (stream "members": gh-fleet-chunk.c). */
#define GH_FLEET_MEMBER_CHUNK_LINES 2000

/* Stages one pulled row inside the caller's transaction; a row already staged is kept.
 * Streams: "decision" and "erasure" (@payload JSON), "members" (a chunk: the rows of HQ's
 * COPY of change_no, ref, line as they came, keyed by the first change number; @ref ""). */
gboolean gh_fleet_stage           (GhStore      *store,
                                   gint64        change_no,
                                   const char   *stream,
                                   const char   *ref,
                                   const char   *payload,
                                   GError      **error);
gint64   gh_fleet_pending_count   (GhStore      *store,
                                   GError      **error);

typedef struct {
  guint decisions;   /* recorded in the chain with actor "hq" */
  guint erasures;    /* members forgotten (or suppressed when not held here) */
  guint members;     /* member lines given to the member import */
  guint refused;     /* member lines the import refused */
  guint ignored;     /* decisions for members not held, in force, or overtaken */
} GhFleetApplied;

typedef void (*GhFleetStepFunc) (gint64    change_no,
                                 gpointer  user_data);

/* Applies every staged row in HQ's change order, each in its own transaction that also
 * removes it from the stage, so a kill at any point resumes where it stopped and a row
 * applied twice changes nothing. The rules (README "One fleet"): a decision is recorded
 * with actor "hq" and a body naming where it was made, unless the member is not held
 * (or forgotten), the state is already in force, a later one is staged, or the kiosk made
 * a later one still waiting for HQ; an erasure runs the same erasure as "Forget me" with actor "hq"; member lines
 * go through the member import (actor "hq"). @step runs after each row (tests crash
 * there). Call it only while holding GH_FLEET_LOCK_VISIT exclusively. */
gboolean gh_fleet_apply_pending   (GhStore         *store,
                                   GhFleetApplied  *applied,
                                   GhFleetStepFunc  step,
                                   gpointer         user_data,
                                   GError         **error);

G_END_DECLS
