/* The deterministic demo-shopper generator: believable European shoppers with
 * purchases, visits, app browsing, sizes, preferences, inferred segments and
 * partner data, written into an empty store in one transaction.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "config/gh-catalog.h"
#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_DEMO_ERROR (gh_demo_error_quark ())
GQuark gh_demo_error_quark (void);

typedef enum {
  GH_DEMO_ERROR_NOT_EMPTY,  /* the store already has shoppers */
  GH_DEMO_ERROR_CONFIG,     /* the config lacks a data category the demo shoppers need */
  GH_DEMO_ERROR_INPUTS,     /* data/demo/shoppers.json is broken (a build problem) */
  GH_DEMO_ERROR_INVALID,    /* an argument out of range */
} GhDemoError;

/* The most shoppers one call makes: loyalty ids stay 10 digits long. */
#define GH_DEMO_MAX_CUSTOMERS 10000000

typedef struct {
  guint   customers;   /* written */
  guint   suppressed;  /* left out: on the suppression list (they asked to be forgotten) */
  guint64 data_items;
  guint64 consents;
  double  seconds;     /* wall clock, from the first check to the durable commit */
} GhDemoSummary;

/* Writes @n_customers demo shoppers into @store, which must have none yet.
 * Everything a shopper holds follows from (@seed, @today, index) only, so the
 * same arguments give the same rows. Retention comes from @catalog's
 * categories; the initial consents cover every purpose of @catalog.
 * @today may be NULL for the current date. */
gboolean gh_demo_generate       (GhStore        *store,
                                 GhCatalog      *catalog,
                                 guint           n_customers,
                                 guint64         seed,
                                 GDateTime      *today,
                                 GError        **error);
gboolean gh_demo_generate_full  (GhStore        *store,
                                 GhCatalog      *catalog,
                                 guint           n_customers,
                                 guint64         seed,
                                 GDateTime      *today,
                                 GhDemoSummary  *summary,
                                 GError        **error);

/* The same shoppers as a member feed (docs/member-feed.md), written to @output:
 * what gh_demo_generate () imports. Each member belongs to @store_id, or, when
 * NULL, to the demo retailer's stores. */
gboolean gh_demo_write_feed     (GhCatalog      *catalog,
                                 guint           n_customers,
                                 guint64         seed,
                                 GDateTime      *today,
                                 const char     *store_id,
                                 GOutputStream  *output,
                                 GhDemoSummary  *summary,
                                 GError        **error);

/* Fails with GH_DEMO_ERROR_NOT_EMPTY when @store already has shoppers, so a
 * caller can refuse before it changes anything (glasshouse-ctl demo). */
gboolean gh_demo_check_empty    (GhStore        *store,
                                 GError        **error);

/* The documented rule (data/demo/README.md): shopper @index (1-based) has the
 * loyalty number 4000000000 + @index and the PIN made of its last four digits. */
char    *gh_demo_loyalty_id     (guint           index);
char    *gh_demo_pin_for        (const char     *loyalty_id);

/* The data categories the demo shoppers hold, NULL-terminated. */
const char * const *gh_demo_get_categories (void);

G_END_DECLS
