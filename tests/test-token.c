/* Follow-up tokens: a token verifies only as signed, and every way of getting
 * it wrong (a changed byte or character, an expired one, another kiosk's key,
 * an unknown kiosk, garbage) is refused with the check that refused it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "receipts/gh-token.h"

#include "gh-test-utils.h"

#define NOW      G_GINT64_CONSTANT (1767225600)  /* 2026-01-01 */
#define KIOSK_ID "kiosk-1a2b3c4d"

static const guint8 seed_a[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const guint8 seed_b[32] = { 42 };

static GhTokenClaims *
sample_claims (void)
{
  GhTokenClaims *claims = g_new0 (GhTokenClaims, 1);

  g_assert_true (gh_token_parse_receipt_id ("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", claims->receipt_id));
  claims->kiosk_id = g_strdup (KIOSK_ID);
  claims->kind = GH_RECEIPT_KIND_CONSENT;
  claims->expires_at = NOW + 30 * 86400;
  return claims;
}

static GhTokenTrust *
trust_for (const char  *kiosk_id,
           GhKioskKeys *keys)
{
  GhTokenTrust *trust = gh_token_trust_new ();

  gh_token_trust_add (trust, kiosk_id, gh_kiosk_keys_get_public_key (keys));
  return trust;
}

static char *
sample_token (GhKioskKeys *keys)
{
  g_autoptr(GhTokenClaims) claims = sample_claims ();
  g_autoptr(GError) error = NULL;
  char *token = gh_token_encode (claims, keys, &error);

  g_assert_no_error (error);
  return token;
}

static void
test_round_trip (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autoptr(GhTokenTrust) trust = trust_for (KIOSK_ID, keys);
  g_autoptr(GhTokenClaims) claims = sample_claims ();
  g_autoptr(GhTokenClaims) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = sample_token (keys);
  g_autofree char *again = sample_token (keys);
  g_autofree char *id = NULL;

  /* Compact: 1 + 16 + 4 + 1 + 14 + 64 = 100 bytes, 134 base64url characters. */
  g_assert_cmpuint (strlen (token), ==, 134);
  g_assert_cmpuint (strspn (token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                    ==, strlen (token));
  g_test_message ("token for kiosk \"%s\": %zu characters", KIOSK_ID, strlen (token));
  /* Ed25519 is deterministic: a stored receipt gives back the same token. */
  g_assert_cmpstr (token, ==, again);

  back = gh_token_verify (token, trust, NOW, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpmem (back->receipt_id, 16, claims->receipt_id, 16);
  g_assert_cmpstr (back->kiosk_id, ==, KIOSK_ID);
  g_assert_cmpint (back->kind, ==, GH_RECEIPT_KIND_CONSENT);
  g_assert_cmpint (back->expires_at, ==, NOW + 30 * 86400);
  id = gh_token_format_receipt_id (back->receipt_id);
  g_assert_cmpstr (id, ==, "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
}

static void
test_every_kind (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autoptr(GhTokenTrust) trust = trust_for (KIOSK_ID, keys);

  for (GhReceiptKind kind = GH_RECEIPT_KIND_CONSENT; kind <= GH_RECEIPT_KIND_ACCESS; kind++)
    {
      g_autoptr(GhTokenClaims) claims = sample_claims ();
      g_autoptr(GhTokenClaims) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *token = NULL;
      GhReceiptKind parsed;

      claims->kind = kind;
      token = gh_token_encode (claims, keys, &error);
      g_assert_no_error (error);
      back = gh_token_verify (token, trust, NOW, &error);
      g_assert_no_error (error);
      g_assert_cmpint (back->kind, ==, kind);
      g_assert_true (gh_receipt_kind_from_string (gh_receipt_kind_to_string (kind), &parsed));
      g_assert_cmpint (parsed, ==, kind);
    }
}

/* Any single changed byte of the packed token, re-encoded canonically, is refused. */
static void
test_tamper_every_byte (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autoptr(GhTokenTrust) trust = trust_for (KIOSK_ID, keys);
  g_autofree char *token = sample_token (keys);
  g_autofree char *padded = NULL;
  g_autofree guint8 *bytes = NULL;
  gsize length = 0;
  guint refused_as[6] = { 0 };

  /* Decode by hand (the test must not trust the code under test to do it). */
  padded = g_strdup_printf ("%s%s", token, strlen (token) % 4 == 2 ? "==" : strlen (token) % 4 == 3 ? "=" : "");
  g_strdelimit (padded, "-", '+');
  g_strdelimit (padded, "_", '/');
  bytes = g_base64_decode (padded, &length);
  g_assert_cmpuint (length, ==, 100);

  for (gsize i = 0; i < length; i++)
    for (guint flip = 0; flip < 3; flip++)
      {
        static const guint8 masks[] = { 0x01, 0x80, 0xff };
        g_autofree guint8 *copy = g_memdup2 (bytes, length);
        g_autofree char *text = NULL;
        g_autoptr(GhTokenClaims) claims = NULL;
        g_autoptr(GError) error = NULL;

        copy[i] ^= masks[flip];
        text = g_base64_encode (copy, length);
        g_strdelimit (text, "+", '-');
        g_strdelimit (text, "/", '_');
        *strchrnul (text, '=') = '\0';

        claims = gh_token_verify (text, trust, NOW, &error);
        if (claims != NULL)
          gh_test_fail ("byte %zu ^ 0x%02x was accepted", i, masks[flip]);
        g_assert_true (error->domain == GH_TOKEN_ERROR);
        g_assert_cmpint (error->code, !=, GH_TOKEN_ERROR_EXPIRED);
        refused_as[error->code]++;
      }
  /* The signature check does most of the work; the header checks the rest. */
  g_assert_cmpuint (refused_as[GH_TOKEN_ERROR_TAMPERED], >, 0);
  g_assert_cmpuint (refused_as[GH_TOKEN_ERROR_MALFORMED], >, 0);
  g_assert_cmpuint (refused_as[GH_TOKEN_ERROR_UNKNOWN_KEY], >, 0);
}

/* Any single changed character of the text is refused too, including the
 * spare bits of the last character (which a lax decoder would ignore). */
static void
test_tamper_every_character (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autoptr(GhTokenTrust) trust = trust_for (KIOSK_ID, keys);
  g_autofree char *token = sample_token (keys);
  guint tried = 0;

  for (gsize i = 0; token[i] != '\0'; i++)
    for (guint k = 0; k < 64; k++)
      {
        g_autofree char *copy = g_strdup (token);
        g_autoptr(GhTokenClaims) claims = NULL;
        g_autoptr(GError) error = NULL;

        if (alphabet[k] == token[i])
          continue;
        copy[i] = alphabet[k];
        claims = gh_token_verify (copy, trust, NOW, &error);
        if (claims != NULL)
          gh_test_fail ("character %zu changed to '%c' was accepted", i, alphabet[k]);
        g_assert_error (error, GH_TOKEN_ERROR, error->code);
        tried++;
      }
  g_assert_cmpuint (tried, ==, strlen (token) * 63);
}

static void
test_expired (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autoptr(GhTokenTrust) trust = trust_for (KIOSK_ID, keys);
  g_autofree char *token = sample_token (keys);
  g_autoptr(GhTokenClaims) last_second = NULL;
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autoptr(GError) error = NULL;

  last_second = gh_token_verify (token, trust, NOW + 30 * 86400 - 1, &error);
  g_assert_no_error (error);
  claims = gh_token_verify (token, trust, NOW + 30 * 86400, &error);
  g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_EXPIRED);
  g_assert_null (claims);
  g_assert_nonnull (strstr (error->message, "expired at 2026-01-31T00:00:00Z"));
}

static void
test_other_kiosk_key (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autoptr(GhKioskKeys) other = gh_kiosk_keys_new_from_seed (seed_b);
  g_autofree char *token = sample_token (other);
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhTokenTrust) trust = trust_for (KIOSK_ID, keys);
  g_autoptr(GhTokenTrust) only_others = trust_for ("kiosk-other", other);

  /* Signed by another kiosk's key under this kiosk's name: a forgery. */
  claims = gh_token_verify (token, trust, NOW, &error);
  g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_TAMPERED);
  g_assert_null (claims);
  g_clear_error (&error);

  /* A kiosk the trust file does not list. */
  claims = gh_token_verify (token, only_others, NOW, &error);
  g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_UNKNOWN_KEY);
  g_assert_nonnull (strstr (error->message, KIOSK_ID));
  g_clear_error (&error);

  /* A kiosk whose key was replaced: both lines in the trust file, both verify. */
  gh_token_trust_add (trust, KIOSK_ID, gh_kiosk_keys_get_public_key (other));
  claims = gh_token_verify (token, trust, NOW, &error);
  g_assert_no_error (error);
  g_assert_nonnull (claims);
}

static void
test_malformed (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autoptr(GhTokenTrust) trust = trust_for (KIOSK_ID, keys);
  g_autofree char *token = sample_token (keys);
  g_autofree char *padded = g_strconcat (token, "==", NULL);
  g_autofree char *std64 = g_strdup (token);
  g_autofree char *longer = g_strconcat (token, "AAAA", NULL);
  g_autofree char *shorter = g_strndup (token, strlen (token) - 4);
  g_autofree char *huge = g_strnfill (4096, 'A');
  const char *bad[] = {
    "", "A", "AAAA", "not a token", "!!!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    padded, longer, shorter, huge, NULL,
  };

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GhTokenClaims) claims = NULL;
      g_autoptr(GError) error = NULL;

      claims = gh_token_verify (bad[i], trust, NOW, &error);
      g_assert_null (claims);
      g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_MALFORMED);
    }

  /* Standard base64's '+' and '/' are not base64url. */
  g_strdelimit (std64, "-", '+');
  g_strdelimit (std64, "_", '/');
  if (!g_str_equal (std64, token))
    {
      g_autoptr(GError) error = NULL;
      g_assert_null (gh_token_verify (std64, trust, NOW, &error));
      g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_MALFORMED);
    }
}

static void
test_encode_refuses (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  const char *bad_ids[] = { "", "has space", "kiosk/1", "ünïcode", "a-kiosk-id-that-is-far-too-long-for-a-token", NULL };

  for (guint i = 0; bad_ids[i] != NULL; i++)
    {
      g_autoptr(GhTokenClaims) claims = sample_claims ();
      g_autoptr(GError) error = NULL;
      g_autofree char *token = NULL;

      g_free (claims->kiosk_id);
      claims->kiosk_id = g_strdup (bad_ids[i]);
      token = gh_token_encode (claims, keys, &error);
      g_assert_null (token);
      g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_INVALID);
    }

  {
    g_autoptr(GhTokenClaims) claims = sample_claims ();
    g_autoptr(GError) error = NULL;
    claims->expires_at = G_GINT64_CONSTANT (1) << 33;
    g_assert_null (gh_token_encode (claims, keys, &error));
    g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_INVALID);
  }
  {
    g_autoptr(GhTokenClaims) claims = sample_claims ();
    g_autoptr(GError) error = NULL;
    claims->kind = 7;
    g_assert_null (gh_token_encode (claims, keys, &error));
    g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_INVALID);
  }
}

static void
test_trust_file (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autofree char *b64 = gh_kiosk_keys_get_public_base64 (keys);
  g_autofree char *good = g_strdup_printf ("# HQ portal trust\n\n  %s \t %s  \nkiosk-other %s\n",
                                           KIOSK_ID, b64, b64);
  g_autofree char *token = sample_token (keys);
  g_autoptr(GhTokenTrust) trust = gh_token_trust_new ();
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = {
    "kiosk-1 \n",
    "kiosk-1 AAAA\n",
    "kiosk-1 not*base64*at*all\n",
    "kiosk-1 a b\n",
  };

  g_assert_true (gh_token_trust_parse (trust, good, "good.pub", &error));
  g_assert_no_error (error);
  claims = gh_token_verify (token, trust, NOW, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GhTokenTrust) t = gh_token_trust_new ();
      g_autoptr(GError) e = NULL;
      g_autofree char *text = g_strconcat ("# ok\n", bad[i], NULL);

      g_assert_false (gh_token_trust_parse (t, text, "bad.pub", &e));
      g_assert_error (e, GH_TOKEN_ERROR, GH_TOKEN_ERROR_TRUST);
      g_assert_true (g_str_has_prefix (e->message, "bad.pub:2: "));
    }

  {
    g_autoptr(GhTokenTrust) missing = gh_token_trust_load ("/nonexistent/trust.pub", &error);
    g_assert_null (missing);
    g_assert_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_TRUST);
  }
}

static void
test_short_code (void)
{
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed_a);
  g_autofree char *token = sample_token (keys);
  g_autofree char *code = gh_token_short_code (token);
  g_autofree char *again = gh_token_short_code (token);
  g_autofree char *other = NULL;
  g_autofree char *lower = g_ascii_strdown (code, -1);
  g_autofree char *typed = NULL;
  g_autofree char *no_dash = NULL;

  g_assert_cmpuint (strlen (code), ==, 9);
  g_assert_cmpint (code[4], ==, '-');
  g_assert_cmpuint (strspn (code, "0123456789ABCDEFGHJKMNPQRSTVWXYZ-"), ==, 9);
  g_assert_cmpstr (code, ==, again);

  token[10] = token[10] == 'A' ? 'B' : 'A';
  other = gh_token_short_code (token);
  g_assert_cmpstr (code, !=, other);

  /* What a person types: any case, no dash, O for 0, I or L for 1. */
  typed = gh_token_normalize_short_code (lower);
  g_assert_cmpstr (typed, ==, code);
  no_dash = g_strdup_printf ("%.4s %s", code, code + 5);
  g_free (typed);
  typed = gh_token_normalize_short_code (no_dash);
  g_assert_cmpstr (typed, ==, code);
  g_free (typed);
  typed = gh_token_normalize_short_code ("o1il-2345");
  g_assert_cmpstr (typed, ==, "0111-2345");
  g_assert_null (gh_token_normalize_short_code ("ABCD-EFG"));
  g_assert_null (gh_token_normalize_short_code ("ABCD-EFGHJ"));
  g_assert_null (gh_token_normalize_short_code ("ABCD-EFGU"));  /* U is not Crockford */
  g_assert_null (gh_token_normalize_short_code (""));
}

static void
test_receipt_id (void)
{
  guint8 id[16];

  g_assert_false (gh_token_parse_receipt_id ("", id));
  g_assert_false (gh_token_parse_receipt_id ("0f1e2d3c4b5a49688776a5b4c3d2e1f0", id));
  g_assert_false (gh_token_parse_receipt_id ("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1fz", id));
  g_assert_true (gh_token_parse_receipt_id ("0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0", id));
  g_assert_cmpint (id[0], ==, 0x0f);
  g_assert_cmpint (id[15], ==, 0xf0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/token/round-trip", test_round_trip);
  g_test_add_func ("/token/every-kind", test_every_kind);
  g_test_add_func ("/token/tamper/every-byte", test_tamper_every_byte);
  g_test_add_func ("/token/tamper/every-character", test_tamper_every_character);
  g_test_add_func ("/token/expired", test_expired);
  g_test_add_func ("/token/other-kiosk-key", test_other_kiosk_key);
  g_test_add_func ("/token/malformed", test_malformed);
  g_test_add_func ("/token/encode-refuses", test_encode_refuses);
  g_test_add_func ("/token/trust-file", test_trust_file);
  g_test_add_func ("/token/short-code", test_short_code);
  g_test_add_func ("/token/receipt-id", test_receipt_id);
  return g_test_run ();
}
