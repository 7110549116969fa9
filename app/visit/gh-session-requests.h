/* What a shopper asks of the visit besides their choices: a receipt to follow up on
 * the phone (their consent receipt, or a copy of their data), and to be forgotten.
 * Beside gh-session.h because receipts and erasure build on the session.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "receipts/gh-receipt.h"
#include "visit/gh-erasure.h"
#include "visit/gh-session.h"

G_BEGIN_DECLS

/* The follow-up a visit offers: its consent receipt when it changed something,
 * otherwise a copy of the shopper's data (Art. 15). */
GhReceiptKind    gh_session_get_follow_up_kind   (GhSession           *self);

/* TRUE when the visit's consent receipt already covers every change made so far. */
gboolean         gh_session_get_changes_receipted (GhSession         *self);

/* Issues a receipt of @kind for the visit (gh_receipt_issue_for_session_async); asked
 * again, returns the same receipt instead of a new one: the data copy once a visit, the
 * consent receipt until the visit changes something more. */
void             gh_session_issue_receipt_async  (GhSession           *self,
                                                  GhReceiptKind        kind,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GhReceipt       *gh_session_issue_receipt_finish (GhSession           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Erases the shopper (gh_erasure_forget_customer) as the visit's actor and in its
 * language, in a worker on the visit's store connection; if the visit ends first
 * ("Sign out" right after "Yes, forget me"), on a connection of its own: the
 * shopper asked, so the erasure still happens. Not cancellable once started. */
void             gh_session_forget_async         (GhSession           *self,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GhErasureResult *gh_session_forget_finish        (GhSession           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
