/* GhBundle: the signed envelope HQ wraps a config in (docs/config-format.md).
 * Nothing here trusts the envelope: it is size-checked, parsed with limits and
 * strictly decoded before the signature is checked, and the config inside is
 * only handed on once the signature holds. The keys on both sides are in
 * gh-bundle-keys.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "config/gh-bundle.h"
#include "config/gh-bundle-private.h"
#include "config/gh-base64.h"
#include "config/gh-json-limits.h"

G_DEFINE_QUARK (gh-bundle-error-quark, gh_bundle_error)

gboolean
_gh_bundle_ensure_sodium (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY, "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

/* Strict base64 (gh-base64.c): g_base64_decode skips what it does not
 * understand, which would let two different envelopes mean one payload. */
GBytes *
_gh_bundle_decode_base64 (const char *text,
                          gsize       max_bytes)
{
  gsize length = 0;
  guint8 *bin = gh_base64_decode (text, strlen (text), GH_BASE64_STANDARD, max_bytes, &length);

  return bin != NULL ? g_bytes_new_take (bin, length) : NULL;
}

/* ---- GhBundle ------------------------------------------------------------------- */

struct _GhBundle
{
  GObject  parent_instance;
  char    *key_id;
  GBytes  *payload;
  char    *signature;
};

G_DEFINE_FINAL_TYPE (GhBundle, gh_bundle, G_TYPE_OBJECT)

static void
gh_bundle_finalize (GObject *object)
{
  GhBundle *self = GH_BUNDLE (object);

  g_free (self->key_id);
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_free (self->signature);
  G_OBJECT_CLASS (gh_bundle_parent_class)->finalize (object);
}

static void
gh_bundle_class_init (GhBundleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_bundle_finalize;
}

static void
gh_bundle_init (GhBundle *self)
{
}

GBytes *
gh_bundle_read_file (const char       *path,
                     GhFileReadFlags   flags,
                     GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes = gh_file_read_bounded (path, GH_BUNDLE_MAX_BYTES, flags, &local_error);

  /* Too large is a refusal of the bundle ("bundle: ...", recorded like any other);
   * the rest are about the file. */
  if (bytes == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TOO_LARGE,
                 "bundle: more than the limit of %d bytes", GH_BUNDLE_MAX_BYTES);
  else if (bytes == NULL)
    g_set_error_literal (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_IO, local_error->message);
  return bytes;
}

/* The envelope is one flat object of four strings, one of them the whole config
 * in base64. json-glib's scanner builds such a string a character at a time,
 * which made reading the envelope cost half as much as parsing the config
 * itself; this reader copies spans instead. It is strict JSON for what an
 * envelope may hold, and refuses the rest: anything but a string value, unknown
 * or repeated members, trailing data. gh_json_check_text has already checked
 * size, UTF-8, depth and the \u escapes. */
typedef struct {
  const char  *start;
  const char  *p;
  const char  *end;
  char        *values[4];   /* format, key_id, payload, signature */
} Envelope;

static const char * const envelope_fields[] = { "format", "key_id", "payload", "signature", NULL };

static void
envelope_clear (Envelope *envelope)
{
  for (guint i = 0; i < G_N_ELEMENTS (envelope->values); i++)
    g_clear_pointer (&envelope->values[i], g_free);
}

static void
skip_space (Envelope *envelope)
{
  while (envelope->p < envelope->end
         && (*envelope->p == ' ' || *envelope->p == '\t' || *envelope->p == '\n' || *envelope->p == '\r'))
    envelope->p++;
}

static gboolean
syntax_error (Envelope    *envelope,
              const char  *what,
              GError     **error)
{
  g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE, "bundle: not valid JSON: %s at byte %"
               G_GSIZE_FORMAT, what, (gsize) (envelope->p - envelope->start));
  return FALSE;
}

/* At an opening quote; returns the string's value. */
static char *
read_string (Envelope  *envelope,
             GError   **error)
{
  g_autoptr(GString) out = NULL;
  const char *span;

  envelope->p++;
  span = envelope->p;
  while (envelope->p < envelope->end)
    {
      char c = *envelope->p;
      int unit, low;

      if (c == '"')
        {
          char *value;

          if (out == NULL)
            value = g_strndup (span, envelope->p - span);
          else
            {
              g_string_append_len (out, span, envelope->p - span);
              value = g_string_free (g_steal_pointer (&out), FALSE);
            }
          envelope->p++;
          return value;
        }
      if ((guchar) c < 0x20)
        {
          syntax_error (envelope, "a control character in a string", error);
          return NULL;
        }
      if (c != '\\')
        {
          envelope->p++;
          continue;
        }

      if (out == NULL)
        out = g_string_sized_new (envelope->p - span + 16);
      g_string_append_len (out, span, envelope->p - span);
      if (envelope->end - envelope->p < 2)
        break;
      switch (envelope->p[1])
        {
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/': g_string_append_c (out, '/'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          unit = gh_json_hex4 (envelope->p + 2, envelope->end);
          if (unit < 0)
            {
              syntax_error (envelope, "a bad \\u escape", error);
              return NULL;
            }
          if (unit >= 0xd800 && unit <= 0xdbff)
            {
              /* The pair was checked by gh_json_check_text. */
              low = envelope->end - envelope->p >= 12
                    ? gh_json_hex4 (envelope->p + 8, envelope->end) : -1;
              if (low < 0xdc00 || low > 0xdfff)
                {
                  syntax_error (envelope, "an unpaired surrogate", error);
                  return NULL;
                }
              unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
              envelope->p += 6;
            }
          else if (unit >= 0xdc00 && unit <= 0xdfff)
            {
              syntax_error (envelope, "an unpaired surrogate", error);
              return NULL;
            }
          g_string_append_unichar (out, unit);
          envelope->p += 4;
          break;
        default:
          syntax_error (envelope, "a bad escape", error);
          return NULL;
        }
      envelope->p += 2;
      span = envelope->p;
    }
  syntax_error (envelope, "an unterminated string", error);
  return NULL;
}

static gboolean
read_envelope (Envelope  *envelope,
               GError   **error)
{
  skip_space (envelope);
  if (envelope->p == envelope->end || *envelope->p != '{')
    return FALSE;  /* the caller says what it is instead */
  envelope->p++;
  skip_space (envelope);
  if (envelope->p < envelope->end && *envelope->p == '}')
    envelope->p++;
  else
    for (;;)
      {
        g_autofree char *name = NULL;
        guint field;

        if (envelope->p == envelope->end || *envelope->p != '"')
          return syntax_error (envelope, "expected a member name", error);
        if ((name = read_string (envelope, error)) == NULL)
          return FALSE;
        for (field = 0; envelope_fields[field] != NULL; field++)
          if (g_str_equal (name, envelope_fields[field]))
            break;
        if (envelope_fields[field] == NULL)
          {
            g_autofree char *quoted = gh_json_quote (name);
            g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE, "bundle: unknown field %s", quoted);
            return FALSE;
          }
        if (envelope->values[field] != NULL)
          {
            /* Two readers of one envelope must never see two different bundles. */
            g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE,
                         "bundle.%s: appears twice", envelope_fields[field]);
            return FALSE;
          }
        skip_space (envelope);
        if (envelope->p == envelope->end || *envelope->p != ':')
          return syntax_error (envelope, "expected ':'", error);
        envelope->p++;
        skip_space (envelope);
        if (envelope->p == envelope->end || *envelope->p != '"')
          {
            g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE,
                         "bundle.%s: expected a string", envelope_fields[field]);
            return FALSE;
          }
        if ((envelope->values[field] = read_string (envelope, error)) == NULL)
          return FALSE;
        skip_space (envelope);
        if (envelope->p < envelope->end && *envelope->p == ',')
          {
            envelope->p++;
            skip_space (envelope);
            continue;
          }
        if (envelope->p < envelope->end && *envelope->p == '}')
          {
            envelope->p++;
            break;
          }
        return syntax_error (envelope, "expected ',' or '}'", error);
      }
  skip_space (envelope);
  if (envelope->p != envelope->end)
    return syntax_error (envelope, "trailing data", error);
  return TRUE;
}

static gboolean
envelope_string (Envelope     *envelope,
                 guint         field,
                 const char  **out,
                 GError      **error)
{
  *out = envelope->values[field];
  if (*out == NULL)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE, "bundle.%s: missing (required)",
                   envelope_fields[field]);
      return FALSE;
    }
  return TRUE;
}

GhBundle *
gh_bundle_open (GBytes   *bytes,
                GhTrust  *trust,
                GError  **error)
{
  g_autoptr(GhBundle) self = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) local_error = NULL;
  Envelope envelope = { NULL };
  const char *format, *key_id, *payload_text, *signature_text;
  const guint8 *public_key;
  const char *data;
  gsize length;
  gboolean ok;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (GH_IS_TRUST (trust), NULL);
  if (!_gh_bundle_ensure_sodium (error))
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  if (length > GH_BUNDLE_MAX_BYTES)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TOO_LARGE,
                   "bundle: %" G_GSIZE_FORMAT " bytes, more than the limit of %d", length,
                   GH_BUNDLE_MAX_BYTES);
      return NULL;
    }
  /* The envelope is one flat object: anything nested deeper is not one. */
  if (!gh_json_check_text (data, length, GH_BUNDLE_MAX_BYTES, 2, "bundle",
                           GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE, error))
    return NULL;

  envelope.start = envelope.p = data;
  envelope.end = data + length;
  ok = read_envelope (&envelope, &local_error);
  if (!ok && local_error == NULL)
    {
      /* Not an object at all: let json-glib say whether it is JSON. */
      g_autoptr(JsonNode) root = gh_json_parse (data, length, GH_BUNDLE_MAX_BYTES, 2, "bundle",
                                                GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE, error);
      if (root != NULL)
        g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE,
                     "bundle: expected a JSON object (a " GH_BUNDLE_FORMAT " envelope)");
      return NULL;
    }
  if (!ok)
    {
      envelope_clear (&envelope);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!envelope_string (&envelope, 0, &format, error))
    goto fail;
  if (!g_str_equal (format, GH_BUNDLE_FORMAT))
    {
      g_autofree char *quoted = gh_json_quote (format);
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE,
                   "bundle.format: expected \"" GH_BUNDLE_FORMAT "\", got %s", quoted);
      goto fail;
    }
  if (!envelope_string (&envelope, 1, &key_id, error)
      || !envelope_string (&envelope, 2, &payload_text, error)
      || !envelope_string (&envelope, 3, &signature_text, error))
    goto fail;

  self = g_object_new (GH_TYPE_BUNDLE, NULL);
  self->payload = _gh_bundle_decode_base64 (payload_text, GH_BUNDLE_MAX_BYTES);
  if (self->payload == NULL || g_bytes_get_size (self->payload) == 0)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE,
                   "bundle.payload: not base64 of a config (standard alphabet, padded)");
      goto fail;
    }
  signature = _gh_bundle_decode_base64 (signature_text, crypto_sign_BYTES);
  if (signature == NULL || g_bytes_get_size (signature) != crypto_sign_BYTES)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE,
                   "bundle.signature: not a base64 Ed25519 signature (%d bytes)", crypto_sign_BYTES);
      goto fail;
    }

  public_key = gh_trust_lookup (trust, key_id);
  if (public_key == NULL)
    {
      g_autofree char *quoted = gh_json_quote (key_id);
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_UNKNOWN_KEY,
                   "bundle.key_id: key %s is not in the trust file", quoted);
      goto fail;
    }
  if (crypto_sign_verify_detached (g_bytes_get_data (signature, NULL),
                                   g_bytes_get_data (self->payload, NULL),
                                   g_bytes_get_size (self->payload), public_key) != 0)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_SIGNATURE,
                   "bundle.signature: does not match the payload for key \"%s\" "
                   "(altered, or signed with another key)", key_id);
      goto fail;
    }

  self->key_id = g_steal_pointer (&envelope.values[1]);
  self->signature = g_steal_pointer (&envelope.values[3]);
  envelope_clear (&envelope);
  return g_steal_pointer (&self);

fail:
  envelope_clear (&envelope);
  return NULL;
}

const char *
gh_bundle_get_key_id (GhBundle *self)
{
  g_return_val_if_fail (GH_IS_BUNDLE (self), NULL);
  return self->key_id;
}

GBytes *
gh_bundle_get_payload (GhBundle *self)
{
  g_return_val_if_fail (GH_IS_BUNDLE (self), NULL);
  return self->payload;
}

const char *
gh_bundle_get_signature (GhBundle *self)
{
  g_return_val_if_fail (GH_IS_BUNDLE (self), NULL);
  return self->signature;
}
