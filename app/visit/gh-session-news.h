/* What a visit tells the shopper about changes they have not seen: the consents a
 * changed privacy notice asks them to give again (answered with
 * gh_session_set_consent_async, which records the choice under the new notice),
 * and "What's new since your last visit": notice changes that ask nothing, data
 * held since then, offers gained or lost. The last visit is remembered per
 * shopper in the store's meta table when a visit ends (gone with an erasure).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "visit/gh-session.h"

G_BEGIN_DECLS

/* meta key prefix; the shopper's pseudonymous ref follows. */
#define GH_SESSION_LAST_VISIT_PREFIX "last_visit:"

typedef enum {
  GH_NEWS_NOTICE,        /* purpose: its notice changed, nothing to answer */
  GH_NEWS_NEW_ITEM,      /* item: data held since the last visit */
  GH_NEWS_OFFER_GAINED,  /* offer */
  GH_NEWS_OFFER_LOST,    /* offer */
} GhNewsKind;

/* Borrowed from the session's catalog and items; valid until the visit ends. */
typedef struct {
  GhNewsKind        kind;
  GhPurpose        *purpose;
  GhOffer          *offer;
  const GhDataItem *item;
} GhNews;

/* The purposes whose changed notice asks this shopper again (GhPurpose*, borrowed,
 * in catalog order); shrinks as they answer. Empty once the visit has ended. */
GPtrArray *gh_session_list_notices_to_answer (GhSession *self);
/* "What's new since your last visit" (GhNews*), as it was at sign-in; empty on a
 * first visit (but for notice changes since a choice) and once the visit ended. */
GPtrArray *gh_session_get_news               (GhSession *self);
/* When the last visit ended, unix seconds; 0 when none is known. */
gint64     gh_session_get_last_visit         (GhSession *self);

G_END_DECLS
