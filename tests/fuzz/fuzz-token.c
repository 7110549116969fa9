/* libFuzzer target for follow-up tokens, which arrive from anyone's phone: each
 * input is tried as a token (against a trusted kiosk key), as a short code a person
 * typed, and as a trust file; and a token encoded from claims taken from the input
 * must verify and give those claims back. Built with -Dfuzzing=true (clang);
 * tests/fuzz/run-fuzz.sh runs it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-token.h"

#define NOW 1800000000  /* a fixed "now", so expiry is deterministic */

static GhKioskKeys *keys;
static GhTokenTrust *trust;

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  guint8 seed[32] = { 0 };
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 secret_key[crypto_sign_SECRETKEYBYTES];

  if (sodium_init () < 0)
    return 1;
  /* A fixed key, so seed tokens made with it (kiosk "fuzz") verify. */
  keys = gh_kiosk_keys_new_from_seed (seed);
  crypto_sign_seed_keypair (public_key, secret_key, seed);
  trust = gh_token_trust_new ();
  gh_token_trust_add (trust, "fuzz", public_key);
  return 0;
}

static void
round_trip (const uint8_t *data,
            size_t         size)
{
  GhTokenClaims claims = { { 0 } };
  g_autoptr(GhTokenClaims) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (size < GH_TOKEN_RECEIPT_ID_BYTES + 1)
    return;
  memcpy (claims.receipt_id, data, GH_TOKEN_RECEIPT_ID_BYTES);
  claims.kiosk_id = (char *) "fuzz";
  claims.kind = 1 + data[GH_TOKEN_RECEIPT_ID_BYTES] % 3;
  claims.expires_at = NOW + 86400;
  token = gh_token_encode (&claims, keys, &error);
  if (token == NULL)
    return;   /* claims the format cannot carry */
  back = gh_token_verify (token, trust, NOW, &error);
  g_assert (back != NULL);
  g_assert (memcmp (back->receipt_id, claims.receipt_id, GH_TOKEN_RECEIPT_ID_BYTES) == 0);
  g_assert (back->kind == claims.kind && back->expires_at == claims.expires_at);
  g_assert (strcmp (back->kiosk_id, "fuzz") == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autoptr(GhTokenTrust) parsed = gh_token_trust_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *normal = NULL;
  gboolean ok;

  claims = gh_token_verify (text, trust, NOW, &error);
  g_assert ((claims == NULL) == (error != NULL));
  if (claims != NULL)
    g_assert (gh_token_kiosk_id_is_valid (claims->kiosk_id));
  g_clear_error (&error);

  code = gh_token_short_code (text);
  g_assert (code != NULL && strlen (code) == 9);
  normal = gh_token_normalize_short_code (text);
  if (normal != NULL)
    {
      g_autofree char *again = gh_token_normalize_short_code (normal);
      g_assert (again != NULL && strcmp (again, normal) == 0);
    }

  if (g_utf8_validate (text, -1, NULL))
    {
      ok = gh_token_trust_parse (parsed, text, "fuzz.pub", &error);
      g_assert (ok == (error == NULL));
    }
  round_trip (data, size);
  return 0;
}
