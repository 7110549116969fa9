/* Follow-up tokens: packing, signing and verifying the reference a QR code
 * carries. Every byte counts because the token ends up in a QR code a shopper
 * scans at arm's length, so it is binary (kind, 16-byte receipt id, 4-byte
 * expiry, the kiosk id, a 64-byte Ed25519 signature) in base64url, about 100
 * bytes in all. Verification is strict: one canonical encoding, one known
 * layout, the kiosk's trusted key, then the expiry, so a changed byte anywhere
 * is refused and the error says which check refused it. docs/receipts.md has
 * the layout for HQ's portal.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-receipts"
#include "config.h"

#include "receipts/gh-token.h"

#include "config/gh-base64.h"
#include "store/gh-file-read.h"

#include <sodium.h>
#include <string.h>

#define TOKEN_FORMAT      1
/* Signed before the token bytes so a kiosk signature can never pass for
 * anything else the same key might sign one day. */
#define SIGNING_CONTEXT   "glasshouse-receipt-token/1"
#define HEADER_BYTES      (1 + GH_TOKEN_RECEIPT_ID_BYTES + 4 + 1)
#define MIN_TOKEN_BYTES   (HEADER_BYTES + 1 + crypto_sign_BYTES)
#define MAX_TOKEN_BYTES   (HEADER_BYTES + GH_TOKEN_KIOSK_ID_MAX + crypto_sign_BYTES)
#define TOKEN_TRUST_MAX_BYTES (1024 * 1024)  /* one line per kiosk of a large fleet */

G_DEFINE_QUARK (gh-token-error-quark, gh_token_error)

static const char *kind_names[] = { NULL, "consent", "erasure", "access" };

const char *
gh_receipt_kind_to_string (GhReceiptKind kind)
{
  g_return_val_if_fail (kind >= GH_RECEIPT_KIND_CONSENT && kind <= GH_RECEIPT_KIND_ACCESS, NULL);
  return kind_names[kind];
}

gboolean
gh_receipt_kind_from_string (const char    *text,
                             GhReceiptKind *out)
{
  for (guint i = GH_RECEIPT_KIND_CONSENT; text != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (text, kind_names[i]))
      {
        *out = (GhReceiptKind) i;
        return TRUE;
      }
  return FALSE;
}

void
gh_token_claims_free (GhTokenClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->kiosk_id);
  g_free (claims);
}

char *
gh_token_format_receipt_id (const guint8 id[GH_TOKEN_RECEIPT_ID_BYTES])
{
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7],
                          id[8], id[9], id[10], id[11], id[12], id[13], id[14], id[15]);
}

gboolean
gh_token_parse_receipt_id (const char *text,
                           guint8      id[GH_TOKEN_RECEIPT_ID_BYTES])
{
  guint8 out[GH_TOKEN_RECEIPT_ID_BYTES];
  guint n = 0;

  if (text == NULL || !g_uuid_string_is_valid (text))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '-')
        continue;
      if (n % 2 == 0)
        out[n / 2] = g_ascii_xdigit_value (*p) << 4;
      else
        out[n / 2] |= g_ascii_xdigit_value (*p);
      n++;
    }
  memcpy (id, out, sizeof out);
  return TRUE;
}

gboolean
gh_token_kiosk_id_is_valid (const char *kiosk_id)
{
  gsize length;

  if (kiosk_id == NULL)
    return FALSE;
  length = strlen (kiosk_id);
  if (length < 1 || length > GH_TOKEN_KIOSK_ID_MAX)
    return FALSE;
  for (const char *p = kiosk_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* ---- encode ------------------------------------------------------------- */

static void
signed_message (GByteArray   *out,
                const guint8 *token,
                gsize         length)
{
  g_byte_array_append (out, (const guint8 *) SIGNING_CONTEXT, strlen (SIGNING_CONTEXT));
  g_byte_array_append (out, token, length);
}

char *
gh_token_encode (const GhTokenClaims  *claims,
                 GhKioskKeys          *keys,
                 GError              **error)
{
  g_autoptr(GByteArray) token = g_byte_array_new ();
  g_autoptr(GByteArray) message = g_byte_array_new ();
  guint8 header[HEADER_BYTES];
  guint8 signature[crypto_sign_BYTES];
  guint32 expiry;

  g_return_val_if_fail (claims != NULL && keys != NULL, NULL);

  if (claims->kind < GH_RECEIPT_KIND_CONSENT || claims->kind > GH_RECEIPT_KIND_ACCESS)
    {
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_INVALID,
                   "token: receipt kind %d is not consent, erasure or access", claims->kind);
      return NULL;
    }
  if (!gh_token_kiosk_id_is_valid (claims->kiosk_id))
    {
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_INVALID,
                   "token: kiosk id \"%s\" cannot go in a token (1-%d of A-Z a-z 0-9 . _ -)",
                   claims->kiosk_id != NULL ? claims->kiosk_id : "", GH_TOKEN_KIOSK_ID_MAX);
      return NULL;
    }
  if (claims->expires_at <= 0 || claims->expires_at > G_MAXUINT32)
    {
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_INVALID,
                   "token: expiry %" G_GINT64_FORMAT " is outside 1970-2106", claims->expires_at);
      return NULL;
    }

  expiry = (guint32) claims->expires_at;
  header[0] = (TOKEN_FORMAT << 4) | claims->kind;
  memcpy (header + 1, claims->receipt_id, GH_TOKEN_RECEIPT_ID_BYTES);
  header[17] = expiry >> 24;
  header[18] = expiry >> 16;
  header[19] = expiry >> 8;
  header[20] = expiry;
  header[21] = strlen (claims->kiosk_id);
  g_byte_array_append (token, header, sizeof header);
  g_byte_array_append (token, (const guint8 *) claims->kiosk_id, header[21]);

  signed_message (message, token->data, token->len);
  gh_kiosk_keys_sign (keys, message->data, message->len, signature);
  g_byte_array_append (token, signature, sizeof signature);
  return gh_base64_encode (token->data, token->len, GH_BASE64_URL);
}

/* ---- trust -------------------------------------------------------------- */

struct _GhTokenTrust
{
  GHashTable *keys;  /* kiosk id -> GPtrArray of GBytes (32-byte public keys) */
};

GhTokenTrust *
gh_token_trust_new (void)
{
  GhTokenTrust *trust = g_new0 (GhTokenTrust, 1);

  trust->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_ptr_array_unref);
  return trust;
}

void
gh_token_trust_free (GhTokenTrust *trust)
{
  if (trust == NULL)
    return;
  g_hash_table_unref (trust->keys);
  g_free (trust);
}

void
gh_token_trust_add (GhTokenTrust *trust,
                    const char   *kiosk_id,
                    const guint8  public_key[32])
{
  GPtrArray *list;

  g_return_if_fail (trust != NULL && kiosk_id != NULL && public_key != NULL);
  list = g_hash_table_lookup (trust->keys, kiosk_id);
  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      g_hash_table_insert (trust->keys, g_strdup (kiosk_id), list);
    }
  g_ptr_array_add (list, g_bytes_new (public_key, 32));
}

gboolean
gh_token_trust_parse (GhTokenTrust  *trust,
                      const char    *text,
                      const char    *where,
                      GError       **error)
{
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (trust != NULL && text != NULL, FALSE);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree guint8 *key = NULL;
      gsize key_length = 0;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      fields = g_strsplit_set (line, " \t", -1);
      /* g_strsplit_set leaves empty fields between runs of blanks; squeeze them. */
      {
        guint n = 0;
        for (guint j = 0; fields[j] != NULL; j++)
          if (*fields[j] != '\0')
            fields[n++] = fields[j];
          else
            g_free (fields[j]);
        fields[n] = NULL;
        if (n != 2)
          {
            g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_TRUST,
                         "%s:%u: expected \"KIOSK_ID BASE64_PUBLIC_KEY\"", where, i + 1);
            return FALSE;
          }
      }
      key = gh_base64_decode (fields[1], strlen (fields[1]), GH_BASE64_STANDARD,
                              crypto_sign_PUBLICKEYBYTES, &key_length);
      if (key == NULL || key_length != crypto_sign_PUBLICKEYBYTES)
        {
          g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_TRUST,
                       "%s:%u: the key of \"%s\" is not %d bytes of base64",
                       where, i + 1, fields[0], crypto_sign_PUBLICKEYBYTES);
          return FALSE;
        }
      gh_token_trust_add (trust, fields[0], key);
    }
  return TRUE;
}

GhTokenTrust *
gh_token_trust_load (const char  *path,
                     GError     **error)
{
  g_autoptr(GhTokenTrust) trust = gh_token_trust_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  bytes = gh_file_read_bounded (path, TOKEN_TRUST_MAX_BYTES, GH_FILE_READ_DEFAULT, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_TRUST,
                   "cannot read the trust file %s", local_error->message);
      return NULL;
    }
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!gh_token_trust_parse (trust, text, path, error))
    return NULL;
  return g_steal_pointer (&trust);
}

/* ---- verify ------------------------------------------------------------- */

static gpointer
malformed (GError     **error,
           const char  *why)
{
  g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_MALFORMED,
               "token: not a Glasshouse receipt token (%s)", why);
  return NULL;
}

GhTokenClaims *
gh_token_verify (const char    *token,
                 GhTokenTrust  *trust,
                 gint64         now,
                 GError       **error)
{
  g_autofree guint8 *data = NULL;
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autoptr(GByteArray) message = NULL;
  GPtrArray *candidates;
  gsize length = 0, kiosk_length, signed_length;
  gboolean verified = FALSE;
  int format, kind;

  g_return_val_if_fail (token != NULL && trust != NULL, NULL);

  if (strlen (token) > 4 * ((MAX_TOKEN_BYTES + 2) / 3))
    return malformed (error, "too long");
  /* Strict: the URL-safe alphabet only, no padding, and the one canonical
   * encoding of the bytes (a last character whose spare bits differ would
   * otherwise decode to the same token). */
  if (*token != '\0')
    data = gh_base64_decode (token, strlen (token), GH_BASE64_URL, MAX_TOKEN_BYTES + 2,
                             &length);
  if (data == NULL)
    return malformed (error, "not base64url");
  if (length < MIN_TOKEN_BYTES)
    return malformed (error, "too short");

  format = data[0] >> 4;
  kind = data[0] & 0x0f;
  if (format != TOKEN_FORMAT)
    {
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_MALFORMED,
                   "token: format %d is not one this verifier knows (it knows %d)",
                   format, TOKEN_FORMAT);
      return NULL;
    }
  if (kind < GH_RECEIPT_KIND_CONSENT || kind > GH_RECEIPT_KIND_ACCESS)
    return malformed (error, "unknown receipt kind");
  kiosk_length = data[21];
  if (kiosk_length < 1 || kiosk_length > GH_TOKEN_KIOSK_ID_MAX)
    return malformed (error, "bad kiosk id length");
  if (length != HEADER_BYTES + kiosk_length + crypto_sign_BYTES)
    return malformed (error, "its length does not match its kiosk id");

  claims = g_new0 (GhTokenClaims, 1);
  claims->kind = kind;
  memcpy (claims->receipt_id, data + 1, GH_TOKEN_RECEIPT_ID_BYTES);
  claims->expires_at = ((guint32) data[17] << 24) | ((guint32) data[18] << 16)
                     | ((guint32) data[19] << 8) | data[20];
  claims->kiosk_id = g_strndup ((const char *) data + HEADER_BYTES, kiosk_length);
  if (!gh_token_kiosk_id_is_valid (claims->kiosk_id) || strlen (claims->kiosk_id) != kiosk_length)
    return malformed (error, "bad kiosk id");

  candidates = g_hash_table_lookup (trust->keys, claims->kiosk_id);
  if (candidates == NULL)
    {
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_UNKNOWN_KEY,
                   "token: signed by kiosk \"%s\", which the trust file does not list",
                   claims->kiosk_id);
      return NULL;
    }

  signed_length = HEADER_BYTES + kiosk_length;
  message = g_byte_array_new ();
  signed_message (message, data, signed_length);
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  for (guint i = 0; i < candidates->len && !verified; i++)
    verified = crypto_sign_verify_detached (data + signed_length, message->data, message->len,
                                            g_bytes_get_data (candidates->pdata[i], NULL)) == 0;
  if (!verified)
    {
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_TAMPERED,
                   "token: the signature does not match kiosk \"%s\"'s key "
                   "(the token was altered, or signed with another key)", claims->kiosk_id);
      return NULL;
    }

  if (now >= claims->expires_at)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (claims->expires_at);
      g_autofree char *text = g_date_time_format_iso8601 (when);
      g_set_error (error, GH_TOKEN_ERROR, GH_TOKEN_ERROR_EXPIRED,
                   "token: expired at %s", text);
      return NULL;
    }
  return g_steal_pointer (&claims);
}

/* ---- the short code ----------------------------------------------------- */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

char *
gh_token_short_code (const char *token)
{
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 bits = 0;
  char code[10];

  g_return_val_if_fail (token != NULL, NULL);
  g_checksum_update (checksum, (const guint8 *) token, strlen (token));
  g_checksum_get_digest (checksum, digest, &digest_length);

  /* 40 bits: 8 characters of 5 bits. */
  for (int i = 0; i < 5; i++)
    bits = (bits << 8) | digest[i];
  for (int i = 0, out = 0; i < 8; i++)
    {
      if (i == 4)
        code[out++] = '-';
      code[out++] = crockford[(bits >> (35 - 5 * i)) & 0x1f];
    }
  code[9] = '\0';
  return g_strdup (code);
}

char *
gh_token_normalize_short_code (const char *typed)
{
  GString *code = g_string_new (NULL);

  g_return_val_if_fail (typed != NULL, NULL);
  for (const char *p = typed; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '-')
        continue;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      if (strchr (crockford, c) == NULL || code->len == 9)
        {
          g_string_free (code, TRUE);
          return NULL;
        }
      if (code->len == 4)
        g_string_append_c (code, '-');
      g_string_append_c (code, c);
    }
  if (code->len != 9)
    {
      g_string_free (code, TRUE);
      return NULL;
    }
  return g_string_free (code, FALSE);
}
