/* The consent store: one sqlite database per kiosk.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "store/gh-actor.h"
#include "store/gh-types.h"

G_BEGIN_DECLS

#define GH_STORE_ERROR (gh_store_error_quark ())
GQuark gh_store_error_quark (void);

/* The CLI maps these to its exit codes (DESIGN.md): the first two are
 * "input rejected" (3), the rest are "store problem" (4). */
typedef enum {
  GH_STORE_ERROR_NOT_FOUND,   /* no such customer, purpose, event ... */
  GH_STORE_ERROR_INVALID,     /* an argument the store cannot accept */
  GH_STORE_ERROR_CORRUPT,     /* not a database, truncated, malformed, broken audit chain */
  GH_STORE_ERROR_READONLY,    /* the file or its folder cannot be written */
  GH_STORE_ERROR_BUSY,        /* another writer held the lock beyond the busy timeout */
  GH_STORE_ERROR_FULL,        /* disk full */
  GH_STORE_ERROR_IO,          /* anything else from the file system or sqlite */
  GH_STORE_ERROR_TOO_NEW,     /* written by a newer Glasshouse: never downgrade a schema */
} GhStoreError;

typedef enum {
  GH_STORE_OPEN_DEFAULT = 0,
  GH_STORE_OPEN_CREATE  = 1 << 0,  /* create the file and migrate it; otherwise it must exist */
  /* Read only, for checks and evidence (audit verify, customer show): works on a copy
   * on read-only media or in a folder the caller may not write, where a read-write
   * open would fail. Never migrates; every write fails with GH_STORE_ERROR_READONLY. */
  GH_STORE_OPEN_READ_ONLY = 1 << 1,
} GhStoreOpenFlags;

#define GH_TYPE_STORE (gh_store_get_type ())
G_DECLARE_FINAL_TYPE (GhStore, gh_store, GH, STORE, GObject)

GhStore    *gh_store_open                (const char        *path,
                                          GhStoreOpenFlags   flags,
                                          GError           **error);
const char *gh_store_get_path            (GhStore           *self);
const char *gh_store_get_kiosk_id        (GhStore           *self);
int         gh_store_get_schema_version  (GhStore           *self);
void        gh_store_set_busy_timeout    (GhStore           *self,
                                          int                milliseconds);

/* Customers and what is held about them. */
GhCustomer *gh_store_find_customer       (GhStore           *self,
                                          const char        *loyalty_id,
                                          GError           **error);
GhCustomer *gh_store_find_customer_by_ref (GhStore          *self,
                                           const char       *ref,
                                           GError          **error);
/* Import from the retailer's CRM (and the demo generator). Refuses a @ref on
 * the suppression list: an erased shopper is not brought back by an import. */
gint64      gh_store_add_customer        (GhStore           *self,
                                          const char        *loyalty_id,
                                          const char        *ref,
                                          const char        *display_name,
                                          const char        *pin_hash,
                                          GError           **error);
gint64      gh_store_add_data_item       (GhStore           *self,
                                          gint64             customer_id,
                                          const char        *category,
                                          const char        *attributes_json,
                                          GhSource           source,
                                          gint64             collected_at,
                                          gint64             retained_until,
                                          GError           **error);
GPtrArray  *gh_store_list_data_items     (GhStore           *self,
                                          gint64             customer_id,
                                          GError           **error);
GPtrArray  *gh_store_list_consents       (GhStore           *self,
                                          gint64             customer_id,
                                          GError           **error);

/* Records the new state, its event and the outbox row in one durable
 * transaction. Returns the event's sequence number, 0 when the state was
 * already @state under the same @notice_version (nothing is written then), or
 * -1 with @error set. */
gint64      gh_store_set_consent         (GhStore           *self,
                                          const GhCustomer  *customer,
                                          const char        *purpose_id,
                                          GhConsentState     state,
                                          const char        *notice_version,
                                          const char        *actor,
                                          GError           **error);

/* The audit chain. Appends inside the caller's transaction when there is one. */
gint64      gh_store_append_event        (GhStore           *self,
                                          const char        *actor,
                                          const char        *customer_ref,
                                          const char        *kind,
                                          const char        *body_json,
                                          GError           **error);
/* As gh_store_append_event, with personal data for HQ that must stay out of
 * the append-only chain: @body_json should name its SHA-256. The attachment is
 * deleted when HQ acknowledges the event, or by gh_store_forget_attachments. */
gint64      gh_store_append_event_with_attachment (GhStore  *self,
                                                   const char *actor,
                                                   const char *customer_ref,
                                                   const char *kind,
                                                   const char *body_json,
                                                   const char *attachment_json,
                                                   GError    **error);
/* Erasure: drops every attachment of the shopper's events not yet delivered. */
gboolean    gh_store_forget_attachments  (GhStore           *self,
                                          const char        *customer_ref,
                                          GError           **error);
gint64      gh_store_count_events        (GhStore           *self,
                                          GError           **error);
/* Walks the chain from the first event. On a break, sets @first_bad_seq and
 * returns FALSE with GH_STORE_ERROR_CORRUPT naming that sequence number. */
gboolean    gh_store_verify_chain        (GhStore           *self,
                                          gint64            *checked,
                                          gint64            *first_bad_seq,
                                          GError           **error);

/* The outbox: events HQ has not acknowledged yet, oldest first. */
GPtrArray  *gh_store_outbox_list         (GhStore           *self,
                                          gint64             after_seq,
                                          int                limit,
                                          GError           **error);
gint64      gh_store_outbox_count        (GhStore           *self,
                                          GError           **error);
/* Acknowledges every pending event up to and including @seq. Returns how many. */
gint64      gh_store_outbox_ack          (GhStore           *self,
                                          gint64             seq,
                                          GError           **error);

/* Lets this connection keep up to @mib MiB of the store's pages in memory (sqlite's
 * default is 2 MiB), for the rest of its life: for bulk work such as staging what HQ
 * sends, where the index pages being filled would otherwise be written out and read
 * back again and again. Returns FALSE with @error set if sqlite refused. */
gboolean    gh_store_set_cache_size      (GhStore           *self,
                                          int                mib,
                                          GError           **error);

/* One logical change across modules (bundle apply, erasure) is one transaction. */
gboolean    gh_store_begin               (GhStore           *self,
                                          GError           **error);
gboolean    gh_store_commit              (GhStore           *self,
                                          GError           **error);
void        gh_store_rollback            (GhStore           *self);
/* Like gh_store_begin, for a transaction whose commit does not wait for the disk:
 * only for a change that is safe to lose in a power cut because it is redone, such
 * as HQ's acknowledgement (lost, the batch is pushed again and HQ skips it). The
 * write-ahead log keeps it in order: any later ordinary commit makes it durable too.
 * End it with gh_store_commit or gh_store_rollback as usual. */
gboolean    gh_store_begin_redoable      (GhStore           *self,
                                          GError           **error);

/* The configuration bundle in force: its version and the config JSON bytes.
 * Returns NULL without an error when none has been applied yet. */
GBytes     *gh_store_get_active_config   (GhStore           *self,
                                          gint64            *version,
                                          GError           **error);

/* Small key/value settings of this kiosk (kiosk_id, created_at, ...). */
char       *gh_store_get_meta            (GhStore           *self,
                                          const char        *key);
gboolean    gh_store_set_meta            (GhStore           *self,
                                          const char        *key,
                                          const char        *value,
                                          GError           **error);

G_END_DECLS
