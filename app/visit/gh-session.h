/* GhSession: one shopper's visit at the kiosk. Who signed in, the catalog in force,
 * what is held about them, their consents and offers, who acts (the shopper or
 * "staff:<id>"), the changes made during the visit, and gh_session_end() which
 * drops all of it. No GTK: the UI reads it, never the store.
 *
 * Threading: a GhStore connection is not thread-safe. A session owns one
 * connection, opened by the worker that signs in, and only ever uses it from
 * worker threads, one at a time, under the session's store lock
 * (gh_session_lock_store). The data the UI reads (items, consents, offers) are
 * immutable snapshots: a change builds new arrays in the worker and the task swaps
 * them in on the main thread, before its callback runs, announcing each with a
 * property notification (notify::consents, ::offers, ::unused-items, ::changes);
 * a worker can read a snapshot while the UI does too. _finish () only hands back
 * the outcome. Receipts and erasure: gh-session-requests.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-catalog.h"
#include "offers/gh-offers.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_SESSION_ERROR (gh_session_error_quark ())
GQuark gh_session_error_quark (void);

typedef enum {
  GH_SESSION_ERROR_ENDED,       /* the visit has ended; nothing more can be done in it */
  GH_SESSION_ERROR_NOT_ALLOWED, /* e.g. switching off a contract purpose */
} GhSessionError;

/* One change of consent made during the visit, for the receipt. */
typedef struct {
  char           *purpose_id;
  GhConsentState  from;
  GhConsentState  to;
  gint64          at;         /* unix seconds */
  gint64          event_seq;  /* the store's event for it */
  char           *actor;      /* "shopper" or "staff:<id>" */
} GhSessionChange;

void gh_session_change_free (GhSessionChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhSessionChange, gh_session_change_free)

#define GH_TYPE_SESSION (gh_session_get_type ())
G_DECLARE_FINAL_TYPE (GhSession, gh_session, GH, SESSION, GObject)

/* Signs in and loads the visit in one worker: opens the store at @db_path,
 * checks the PIN (gh_auth_sign_in), reads the shopper's items and consents and
 * evaluates their offers. On a refused PIN returns NULL with GH_AUTH_ERROR_*
 * (and @locked_seconds for a lockout). */
void        gh_session_sign_in_async     (const char          *db_path,
                                          GhCatalog           *catalog,
                                          const char          *loyalty_id,
                                          const char          *pin,
                                          const char          *language,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GhSession  *gh_session_sign_in_finish    (GAsyncResult        *result,
                                          gint64              *locked_seconds,
                                          GError             **error);
/* After a refused PIN (GH_AUTH_ERROR_REJECTED): wrong PINs left before the lock. */
int         gh_session_sign_in_tries_left (GAsyncResult       *result);

/* The same without a PIN, synchronously (call it from a worker), for tests,
 * benchmarks and staff who have checked the shopper's identity. */
GhSession  *gh_session_load              (const char          *db_path,
                                          GhCatalog           *catalog,
                                          const char          *loyalty_id,
                                          const char          *language,
                                          GError             **error);

gboolean    gh_session_get_ended         (GhSession           *self);
GhCatalog  *gh_session_get_catalog       (GhSession           *self);
const char *gh_session_get_db_path       (GhSession           *self);
/* NULL once the visit has ended. */
const GhCustomer *gh_session_get_customer (GhSession          *self);
const char *gh_session_get_display_name  (GhSession           *self);

/* The visit's language for the catalog's texts (falls back to the config's default). */
const char *gh_session_get_language      (GhSession           *self);
void        gh_session_set_language      (GhSession           *self,
                                          const char          *language);
/* "shopper", or "staff:<id>" while staff assist. */
const char *gh_session_get_actor         (GhSession           *self);
void        gh_session_set_actor         (GhSession           *self,
                                          const char          *actor);

/* Snapshots; do not modify. Replaced as a whole when something changes, and
 * emptied when the visit ends (notify::items, ::consents, ::offers, ::unused-items). */
GPtrArray  *gh_session_get_items         (GhSession           *self);  /* GhDataItem* */
GPtrArray  *gh_session_get_consents      (GhSession           *self);  /* GhConsent* */
GPtrArray  *gh_session_get_offers        (GhSession           *self);  /* GhOfferMatch* */
GPtrArray  *gh_session_get_unused_items  (GhSession           *self);  /* GhDataItem*, borrowed */
/* The offers shown, as a list model (GhOffer) that follows "offers": a change removes
 * and inserts only what went and came. Empty once the visit has ended. */
GListModel *gh_session_get_offer_list    (GhSession           *self);
/* The match (with its "because" items) of @offer among the offers now, or NULL. */
const GhOfferMatch *gh_session_find_offer_match (GhSession    *self,
                                                 GhOffer      *offer);
gboolean    gh_session_item_is_unused    (GhSession           *self,
                                          const GhDataItem    *item);

/* The state that counts for @purpose_id: the shopper's choice, else the purpose's default. */
GhConsentState gh_session_get_state      (GhSession           *self,
                                          const char          *purpose_id);
gboolean    gh_session_purpose_in_force  (GhSession           *self,
                                          GhPurpose           *purpose);
/* The purposes in force that read @category_id, in catalog order (GhPurpose*, borrowed). */
GPtrArray  *gh_session_purposes_reading  (GhSession           *self,
                                          const char          *category_id);

/* What setting @purpose_id to @state would remove (returned) and add (@added),
 * computed in a worker. GhOfferMatch* whose items are the session's. */
void        gh_session_what_if_async     (GhSession           *self,
                                          const char          *purpose_id,
                                          GhConsentState       state,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GPtrArray  *gh_session_what_if_finish    (GhSession           *self,
                                          GAsyncResult        *result,
                                          GPtrArray          **added,
                                          GError             **error);

/* Records the choice (state + event + outbox, durable) as the current actor; the
 * task then replaces consents, offers and unused items and appends to the visit's
 * changes (with their notifications) before @callback runs, even when
 * gh_session_set_consent_finish () is never called. */
void        gh_session_set_consent_async (GhSession           *self,
                                          const char          *purpose_id,
                                          GhConsentState       state,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    gh_session_set_consent_finish (GhSession          *self,
                                           GAsyncResult       *result,
                                           GError            **error);

/* Counts the switch-off preview of @purpose_id in the store's daily totals
 * (gh-store-preview.h), in a worker: call it when the preview opens (@kept_on FALSE)
 * and again when the shopper ends it with "Keep it on" (@kept_on TRUE). */
void        gh_session_count_preview     (GhSession           *self,
                                          const char          *purpose_id,
                                          gboolean             kept_on);

/* The changes made in this visit, oldest first (GhSessionChange*; notify::changes). */
GPtrArray  *gh_session_get_changes       (GhSession           *self);

/* For other modules' workers (receipts, erasure): the visit's store connection,
 * held exclusively until gh_session_unlock_store. Never call on the main thread.
 * NULL (and nothing to unlock) once the visit has ended. */
GhStore    *gh_session_lock_store        (GhSession           *self);
void        gh_session_unlock_store      (GhSession           *self);

/* Ends the visit: cancels pending work, closes the store connection and drops
 * every piece of the shopper's data the session holds. Emits "ended" once. */
void        gh_session_end               (GhSession           *self);

G_END_DECLS
