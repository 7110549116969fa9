/* GhReceipt: a consent receipt after the Kantara Consent Receipt v1.1, issued
 * per visit with changes, per erasure request and per "send me a copy of my
 * data", stored in the receipt table and queued for HQ as a receipt.issued
 * event, with the signed follow-up token the QR code carries.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-catalog.h"
#include "visit/gh-session.h"
#include "store/gh-store.h"
#include "receipts/gh-token.h"

G_BEGIN_DECLS

#define GH_RECEIPT_ERROR (gh_receipt_error_quark ())
GQuark gh_receipt_error_quark (void);

typedef enum {
  GH_RECEIPT_ERROR_INVALID,    /* e.g. a consent receipt without changes, a bad staff id */
  GH_RECEIPT_ERROR_NOT_FOUND,  /* no receipt with that id in this store */
  GH_RECEIPT_ERROR_WITHDRAWN,  /* its shopper was forgotten: the receipt and its token are void */
} GhReceiptError;

/* The Kantara specification version the body follows. */
#define GH_RECEIPT_KANTARA_VERSION "KI-CR-v1.1.0"

#define GH_TYPE_RECEIPT (gh_receipt_get_type ())
G_DECLARE_FINAL_TYPE (GhReceipt, gh_receipt, GH, RECEIPT, GObject)

/* Issues a receipt for @customer: builds the Kantara body from @catalog (in
 * @language, falling back to the config's default) and the current consents,
 * signs its token with the kiosk key, stores it and appends the receipt.issued
 * event (customer_ref = the shopper's pseudonym) in one transaction, or inside
 * the caller's when one is open (erasure does that).
 *
 * @changes: GhSessionChange* of the visit; required (non-empty) for
 *   GH_RECEIPT_KIND_CONSENT, recorded when given for the other kinds.
 * @staff_id: the assisting staff member's id (without "staff:"), or NULL.
 * For GH_RECEIPT_KIND_ACCESS the event also carries the shopper's data as a
 * structured export (see docs/receipts.md) for HQ's portal to serve. */
GhReceipt     *gh_receipt_issue               (GhStore            *store,
                                               GhCatalog          *catalog,
                                               const GhCustomer   *customer,
                                               GhReceiptKind       kind,
                                               GPtrArray          *changes,
                                               const char         *staff_id,
                                               const char         *language,
                                               GError            **error);
/* The same, for whoever recorded it: @actor is the event's actor, "shopper", "cli"
 * (glasshouse-ctl, e.g. an erasure asked for by phone) or "staff:<id>". */
GhReceipt     *gh_receipt_issue_as            (GhStore            *store,
                                               GhCatalog          *catalog,
                                               const GhCustomer   *customer,
                                               GhReceiptKind       kind,
                                               GPtrArray          *changes,
                                               const char         *actor,
                                               const char         *language,
                                               GError            **error);

/* Withdraws every receipt of @customer_ref but @keep_id (the erasure's own receipt,
 * which proves the erasure): the body is cut down to the kiosk id and the erasure
 * id, so nothing the shopper was told stays, and gh_receipt_load refuses it
 * (GH_RECEIPT_ERROR_WITHDRAWN), so its token no longer opens anything. Call inside
 * the erasure's transaction. */
gboolean       gh_receipt_withdraw_for        (GhStore            *store,
                                               const char         *customer_ref,
                                               const char         *keep_id,
                                               gint64              erasure_id,
                                               GError            **error);

/* The same for a visit, in a worker holding the session's store lock: the
 * customer, changes, language and assisting staff come from @session. */
void           gh_receipt_issue_for_session_async  (GhSession           *session,
                                                    GhReceiptKind        kind,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GhReceipt     *gh_receipt_issue_for_session_finish (GAsyncResult        *result,
                                                    GError             **error);

/* A stored receipt, its token signed again with the kiosk key (Ed25519 is
 * deterministic: the same token as at issue while the key is the same). */
GhReceipt     *gh_receipt_load                (GhStore            *store,
                                               const char         *receipt_id,
                                               GError            **error);

const char    *gh_receipt_get_id              (GhReceipt          *self);
GhReceiptKind  gh_receipt_get_kind            (GhReceipt          *self);
const char    *gh_receipt_get_created_at      (GhReceipt          *self);  /* ISO 8601 UTC */
gint64         gh_receipt_get_expires_at      (GhReceipt          *self);  /* unix seconds */
const char    *gh_receipt_get_customer_ref    (GhReceipt          *self);
/* The Kantara receipt as JSON text. */
const char    *gh_receipt_get_body            (GhReceipt          *self);
const char    *gh_receipt_get_token           (GhReceipt          *self);
/* "ABCD-2345", what to type when the camera fails (gh_token_short_code). */
const char    *gh_receipt_get_short_code      (GhReceipt          *self);

/* portal_url + "/r/" + token: the only thing the QR code carries. */
char          *gh_receipt_get_follow_up_url   (GhReceipt          *self,
                                               GhCatalog          *catalog);
char          *gh_receipt_build_follow_up_url (const char         *portal_url,
                                               const char         *token);

G_END_DECLS
