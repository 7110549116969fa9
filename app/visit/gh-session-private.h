/* GhSession's insides, shared by gh-session.c (the object, loading, reading, the
 * end), gh-session-consent.c (what-if, changing a consent) and gh-session-requests.c
 * (receipts, erasure).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "visit/gh-session.h"

G_BEGIN_DECLS

struct _GhSession
{
  GObject       parent_instance;

  GMutex        store_lock;
  GhStore      *store;       /* touched only by workers holding store_lock */
  char         *db_path;
  GhCatalog    *catalog;
  GhCustomer   *customer;
  char         *language;
  char         *actor;

  GPtrArray    *items;       /* GhDataItem*, never changes during a visit */
  GPtrArray    *consents;    /* GhConsent*, replaced on change */
  GPtrArray    *offers;      /* GhOfferMatch*, replaced on change */
  GPtrArray    *unused;      /* GhDataItem*, borrowed from items */
  GPtrArray    *changes;     /* GhSessionChange* */
  GListStore   *offer_list;  /* GhOffer, following offers */
  GPtrArray    *news;        /* GhNews*, since the last visit (gh-session-news.c) */
  gint64        last_visit;
  /* The visit's follow-up receipts, so a repeated tap shows the same code again instead
   * of issuing another: the data copy once a visit, the consent receipt once per set of
   * changes (consent_receipt_changes is changes->len when it was issued). */
  GObject      *access_receipt;
  GObject      *consent_receipt;
  guint         consent_receipt_changes;

  GCancellable *cancellable;
  guint         ended : 1;
};

enum {
  PROP_0,
  PROP_CATALOG,
  PROP_LANGUAGE,
  PROP_ACTOR,
  PROP_ITEMS,
  PROP_CONSENTS,
  PROP_OFFERS,
  PROP_UNUSED_ITEMS,
  PROP_CHANGES,
  PROP_ENDED,
  N_PROPS
};

extern GParamSpec *_gh_session_properties[N_PROPS];

/* A task on @self; NULL, with the task already answered, when the visit has ended. */
GTask     *_gh_session_task_new        (GhSession           *self,
                                        gpointer             source_tag,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
void       _gh_session_return_ended    (GTask               *task);
/* The offers @consents bring, owned by the caller. */
GPtrArray *_gh_session_evaluate_offers (GhCatalog           *catalog,
                                        GPtrArray           *items,
                                        GPtrArray           *consents);

/* gh-session-news.c: reads the last visit's record and fills news (in the worker
 * that loads the visit); builds the record of this visit (on the main thread,
 * before the visit's data go); writes it (in a worker holding the store). */
void       _gh_session_read_news       (GhSession           *self,
                                        GhStore             *store);
char      *_gh_session_last_visit_record (GhSession         *self);
gboolean   _gh_session_write_last_visit (GhStore            *store,
                                         const char         *customer_ref,
                                         const char         *record,
                                         GError            **error);

/* Brings offer_list in line with offers: removes what went, inserts what came. */
void       _gh_session_sync_offer_list (GhSession           *self);

G_END_DECLS
