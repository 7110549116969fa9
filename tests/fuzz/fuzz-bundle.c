/* libFuzzer target for what a kiosk reads from HQ: each input is tried as a
 * bundle envelope (against a trusted key), as a config on its own, and as the
 * config inside a correctly signed bundle, so the fuzzer reaches the validator
 * through the same path a real bundle takes. Built with -Dfuzzing=true (clang);
 * tests/fuzz/run-fuzz.sh runs it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sodium.h>
#include <stdint.h>

#include "config/gh-bundle.h"
#include "config/gh-catalog.h"

static GhTrust *trust;
static guint8 secret_key[crypto_sign_SECRETKEYBYTES];

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 seed[crypto_sign_SEEDBYTES] = { 0 };

  if (sodium_init () < 0)
    return 1;
  /* A fixed key, so seed bundles made with it (key id "fuzz") verify. */
  crypto_sign_seed_keypair (public_key, secret_key, seed);
  trust = gh_trust_new ();
  gh_trust_add_key (trust, "fuzz", public_key, NULL);
  return 0;
}

/* Reads everything a UI would, so accessors run on whatever validated. */
static void
touch (GhCatalog *catalog)
{
  GListModel *offers = gh_catalog_get_offers (catalog);

  for (guint i = 0; i < g_list_model_get_n_items (offers); i++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, i);
      GhPurpose *purpose = gh_catalog_find_purpose (catalog, gh_offer_get_purpose_id (offer));

      g_assert (purpose != NULL);
      g_assert (gh_offer_get_title (offer, "xx-YY") != NULL);
      g_assert (gh_rule_get_categories (gh_offer_get_rule (offer))[0] != NULL);
    }
  g_assert (gh_catalog_get_promise (catalog, NULL) != NULL);
  g_assert (gh_catalog_get_default_language (catalog) != NULL);
}

static void
try_config (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCatalog) catalog = gh_catalog_new_from_bytes (bytes, &error);

  g_assert ((catalog == NULL) == (error != NULL));
  if (catalog != NULL)
    touch (catalog);
  else
    g_assert (g_error_matches (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhBundle) bundle = NULL;
  g_autoptr(GBytes) signed_bundle = NULL;

  /* As an envelope. */
  bundle = gh_bundle_open (bytes, trust, &error);
  g_assert ((bundle == NULL) == (error != NULL));
  if (bundle != NULL)
    try_config (gh_bundle_get_payload (bundle));
  g_clear_object (&bundle);
  g_clear_error (&error);

  /* As a config, bare and inside a correctly signed bundle. */
  try_config (bytes);
  if (size > 0)
    {
      signed_bundle = gh_bundle_sign_with_key (bytes, "fuzz", secret_key, &error);
      g_assert (signed_bundle != NULL);
      bundle = gh_bundle_open (signed_bundle, trust, &error);
      g_assert (bundle != NULL);
      g_assert (g_bytes_equal (gh_bundle_get_payload (bundle), bytes));
    }
  return 0;
}
