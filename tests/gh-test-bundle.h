/* Helpers for the bundle, catalog, config and inbox tests (and the fuzz seeds and
 * the benchmark): a valid config to start from, edits by JSON path, a large
 * generated config, HQ key pairs and signing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A valid config: languages en (default) and de; categories user.contact.email,
 * user.behavior.purchase_history, user.preference.sizes; purposes marketing.email
 * (consent), personalize.offers (consent, default granted), service.orders
 * (contract); offers "running-shoes" and "size-alert" (personalize.offers); one
 * staff member "s-1"; stores ["*"]; expires in 2099. */
char   *gh_test_bundle_config        (gint64       version);

/* A config with @n_categories categories, 30 purposes sharing them, and
 * @n_offers offers, each reading one or two of its purpose's categories. */
char   *gh_test_bundle_big_config    (gint64       version,
                                      guint        n_categories,
                                      guint        n_offers);

/* @config with the member at @path ("offers[0].purpose", "kiosk", "stores[0]")
 * replaced by the JSON text @value, or removed when @value is NULL. */
char   *gh_test_bundle_edit          (const char  *config,
                                      const char  *path,
                                      const char  *value);

/* An edit that the catalog must refuse: the JSON text put at the path, and a part
 * of the message the refusal must give. */
typedef struct {
  const char *value;
  const char *message;
} GhTestBundleRefusal;

/* Asserts, case by case, that @config with the member at @path replaced by the case's
 * value (gh_test_bundle_edit) makes no catalog, an invalid-config error that says the
 * case's message; a failure names the case by its index. */
void    gh_test_bundle_assert_refusals (const char                *config,
                                        const char                *path,
                                        const GhTestBundleRefusal *cases,
                                        gsize                      n_cases);

/* Makes DIR/NAME.key and DIR/NAME.pub (key id NAME) in-process; returns the prefix. */
char   *gh_test_bundle_keygen        (const char  *dir,
                                      const char  *name);
/* Signs @config with the secret key at PREFIX.key. */
GBytes *gh_test_bundle_sign          (const char  *config,
                                      const char  *prefix);
/* Writes @bytes to DIR/NAME and returns the path. */
char   *gh_test_bundle_write         (const char  *dir,
                                      const char  *name,
                                      GBytes      *bytes);

G_END_DECLS
