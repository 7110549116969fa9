/* The right to be forgotten: erase a shopper, keep only what the law requires.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "config/gh-catalog.h"
#include "receipts/gh-receipt.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_ERASURE_ERROR (gh_erasure_error_quark ())
GQuark gh_erasure_error_quark (void);

typedef enum {
  GH_ERASURE_ERROR_NO_CONFIG,  /* no configuration applied: cannot tell what the law requires */
  GH_ERASURE_ERROR_INVALID,    /* an argument that cannot be accepted (e.g. the actor) */
} GhErasureError;

/* One category kept through the erasure, because of a legal hold in the config. */
typedef struct {
  char  *category;
  char  *reason;     /* the config's legal_hold text, default language */
  guint  items;
} GhErasureKept;

typedef struct {
  gint64     erasure_id;     /* the erasure table's row */
  char      *customer_ref;   /* the pseudonym now on the suppression list */
  char      *receipt_id;     /* the erasure receipt (kind erasure) */
  GhReceipt *receipt;        /* the same, with its follow-up token for the QR code */
  guint      deleted_items;
  GPtrArray *kept;           /* GhErasureKept*, in config order; only categories with items */
  /* The erasure is committed, but a reader kept the checkpoint from completing in
   * time: deleted bytes may stay in the database file and its -wal until
   * gh_erasure_finish_pending succeeds (the erasure row says 'log_pending'). */
  gboolean   log_pending;
} GhErasureResult;

void gh_erasure_result_free (GhErasureResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhErasureResult, gh_erasure_result_free)

/* Adds "kept": [{"category", "items", "reason"}, ...] to @builder's open object,
 * as the audit log and glasshouse-ctl show it. */
void gh_erasure_result_add_kept (const GhErasureResult *result,
                                 JsonBuilder           *builder);

/* Erases the shopper: the items of categories under a legal hold (and still
 * within their retention) move to the legal_hold table under the shopper's
 * pseudonymous ref with the reason; the customer row, every other item and
 * every consent are deleted (secure_delete), the ref goes on the suppression
 * list, the erasure row and the erasure.requested / erasure.completed events
 * are written, all in one transaction; then the WAL is checkpointed and
 * truncated so no deleted byte survives in the database or its -wal file.
 * An erasure receipt (gh_receipt_issue, kind erasure, in the same
 * transaction) records it; the erasure row names it.
 * @catalog may be NULL: the store's active configuration is loaded.
 * @actor is who asked: "shopper", "staff:<id>" (also the receipt's assisting
 * staff), "cli", ... @language is the receipt's (NULL: the config's default). */
GhErasureResult *gh_erasure_forget          (GhStore             *store,
                                             GhCatalog           *catalog,
                                             const char          *loyalty_id,
                                             const char          *actor,
                                             GError             **error);
GhErasureResult *gh_erasure_forget_customer (GhStore             *store,
                                             GhCatalog           *catalog,
                                             const GhCustomer    *customer,
                                             const char          *actor,
                                             const char          *language,
                                             GError             **error);

/* The same in a worker with its own connection to @db_path. */
void             gh_erasure_forget_async    (const char          *db_path,
                                             GhCatalog           *catalog,
                                             const char          *loyalty_id,
                                             const char          *actor,
                                             const char          *language,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GhErasureResult *gh_erasure_forget_finish   (GAsyncResult        *result,
                                             GError             **error);

/* Folds the WAL into the database file and truncates it to nothing, waiting
 * (about 5 s in all, in steps) for readers that still hold old pages. A failure
 * is remembered in the store (meta.wipe_pending), so gh_erasure_finish_pending
 * retries it. */
gboolean         gh_erasure_checkpoint      (GhStore             *store,
                                             GError             **error);
/* Finishes what an earlier erasure or retention run could not: when a wipe is
 * pending (a reader kept the checkpoint from completing), checkpoints again, waiting
 * at most about a second; on success each erasure left in status 'log_pending'
 * becomes 'completed' with an erasure.log_emptied event, and the flag goes. Cheap
 * when nothing is pending (one read). Returns FALSE with an error only when the store
 * fails; @still_pending (may be NULL) says whether bytes may still be in the files.
 * glasshouse-ctl calls it on every store it opens for writing; the kiosk at start and
 * after each visit (gh-kiosk.c). Not inside a transaction. */
gboolean         gh_erasure_finish_pending  (GhStore             *store,
                                             gboolean            *still_pending,
                                             GError             **error);

G_END_DECLS
