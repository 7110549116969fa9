/* Plain records that travel between the store, the offer engine and the UI.
 * They are copied out of sqlite rows so that callers never hold a statement open.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a piece of personal data came from (DESIGN.md: data_item.source). */
typedef enum {
  GH_SOURCE_PROVIDED,    /* the shopper gave it to us */
  GH_SOURCE_OBSERVED,    /* we saw it: purchases, visits, app browsing */
  GH_SOURCE_INFERRED,    /* we worked it out: segments such as "likely runner" */
  GH_SOURCE_THIRD_PARTY, /* a partner gave it to us */
} GhSource;

const char *gh_source_to_string   (GhSource     source);
gboolean    gh_source_from_string (const char  *text,
                                   GhSource    *out);

typedef enum {
  GH_CONSENT_REVOKED = 0,
  GH_CONSENT_GRANTED = 1,
} GhConsentState;

const char *gh_consent_state_to_string   (GhConsentState  state);
gboolean    gh_consent_state_from_string (const char     *text,
                                          GhConsentState *out);

typedef struct {
  gint64  id;
  char   *loyalty_id;
  char   *ref;            /* pseudonym used in events and by HQ; never the loyalty id */
  char   *display_name;
  char   *pin_hash;
  int     failed_pins;
  gint64  locked_until;   /* unix seconds, 0 when not locked */
  int     lock_count;     /* how many times the account has locked; drives the growing delay */
  gint64  created_at;
} GhCustomer;

void gh_customer_free (GhCustomer *customer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhCustomer, gh_customer_free)
/* A copy for a worker that must outlive the visit's own record; without the PIN
 * hash, which no such worker needs. */
GhCustomer *gh_customer_copy (const GhCustomer *customer);
/* Frees @customer after overwriting the loyalty number, name and ref: they should
 * not linger in freed heap once a visit ends or a shopper is forgotten. */
void gh_customer_wipe (GhCustomer *customer);
/* Overwrites the string, frees it and sets *@text to NULL. */
void gh_string_wipe (char **text);

typedef struct {
  gint64    id;
  char     *category;        /* fideslang-style key, e.g. user.behavior.purchase_history */
  char     *attributes;      /* JSON object as text */
  GhSource  source;
  gint64    collected_at;    /* unix seconds */
  gint64    retained_until;  /* unix seconds */
} GhDataItem;

void gh_data_item_free (GhDataItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhDataItem, gh_data_item_free)

typedef struct {
  char           *purpose_id;
  GhConsentState  state;
  gint64          updated_at;
  char           *notice_version;
} GhConsent;

void gh_consent_free (GhConsent *consent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhConsent, gh_consent_free)
/* The consent of @purpose_id in @consents (GhConsent*, may be NULL), or NULL. */
GhConsent *gh_consent_find (GPtrArray  *consents,
                            const char *purpose_id);

/* One link of the audit chain. */
typedef struct {
  gint64  seq;
  char   *at;            /* ISO 8601 UTC with microseconds */
  char   *kiosk_id;
  char   *actor;         /* "shopper", "staff:<id>", "hq", "system", "cli" */
  char   *customer_ref;  /* may be NULL */
  char   *kind;          /* consent.granted, config.applied, ... */
  char   *body;          /* canonical JSON text */
  char   *prev_hash;     /* hex SHA-256 */
  char   *hash;          /* hex SHA-256 */
  char   *attachment;    /* JSON text kept outside the chain (see event_attachment), or NULL */
} GhEvent;

void gh_event_free (GhEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhEvent, gh_event_free)

G_END_DECLS
