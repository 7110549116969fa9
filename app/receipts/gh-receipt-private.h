/* What a receipt's object (gh-receipt.c) and its JSON (gh-receipt-body.c) share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "receipts/gh-receipt.h"
#include "store/gh-store-private.h"

G_BEGIN_DECLS

/* Who, when and what a receipt body is about, besides the catalog and the rows. */
typedef struct {
  const char    *receipt_id;
  GhReceiptKind  kind;
  const char    *kiosk_id;
  const char    *public_key;
  gint64         now;
  gint64         expires_at;
  const char    *customer_ref;
  const char    *staff_id;
  const char    *actor;
  const char    *language;
} GhReceiptBodyInfo;

/* The Kantara v1.1 body of a receipt for @consents after @changes (GhSessionChange*). */
JsonNode *_gh_receipt_build_body       (const GhReceiptBodyInfo *info,
                                        GhCatalog               *catalog,
                                        GPtrArray               *consents,
                                        GPtrArray               *changes);

/* "Send me a copy of my data": everything held about @customer. */
JsonNode *_gh_receipt_build_export     (GhCatalog               *catalog,
                                        const GhCustomer        *customer,
                                        GPtrArray               *items,
                                        GPtrArray               *consents,
                                        const char              *language,
                                        gint64                   now);

/* The receipt.issued event's body: @receipt's fields, @body, and the hash of
 * @export_text (the data copy, which travels outside the chain) if not NULL. */
JsonNode *_gh_receipt_build_event_body (GhReceipt               *receipt,
                                        JsonNode                *body,
                                        const char              *export_text);

G_END_DECLS
