/* The signed envelope HQ wraps a config in, and the keys on both sides. HQ holds
 * an Ed25519 secret key (PREFIX.key) and signs the config's exact bytes; a kiosk
 * holds a trust file of HQ public keys, several at once so HQ can rotate keys
 * without a flag day. Nothing here trusts the envelope: it is size-checked,
 * parsed with limits and strictly decoded before the signature is checked, and
 * the config inside is only handed on once the signature holds.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/gh-bundle.h"
#include "config/gh-base64.h"
#include "config/gh-json-limits.h"

#define MAX_KEY_ID_BYTES   64
#define MAX_KEY_FILE_BYTES (64 * 1024)

G_DEFINE_QUARK (gh-bundle-error-quark, gh_bundle_error)

static gboolean
ensure_sodium (GError **error)
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
static GBytes *
decode_base64 (const char *text,
               gsize       max_bytes)
{
  gsize length = 0;
  guint8 *bin = gh_base64_decode (text, strlen (text), GH_BASE64_STANDARD, max_bytes, &length);

  return bin != NULL ? g_bytes_new_take (bin, length) : NULL;
}

static gboolean
is_key_id (const char *text)
{
  gsize n = 0;

  if (!g_ascii_isalnum (*text))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++, n++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return n <= MAX_KEY_ID_BYTES;
}

/* A key line: "KEY_ID BASE64". Returns FALSE for a comment or blank line. */
static gboolean
split_key_line (char   *line,
                char  **key_id,
                char  **key_text,
                char  **extra)
{
  char *hash = strchr (line, '#');

  if (hash != NULL)
    *hash = '\0';
  g_strstrip (line);
  if (*line == '\0')
    return FALSE;
  *key_id = strtok (line, " \t");
  *key_text = strtok (NULL, " \t");
  *extra = strtok (NULL, " \t");
  return TRUE;
}

/* ---- GhTrust ---------------------------------------------------------------- */

struct _GhTrust
{
  GObject     parent_instance;
  GHashTable *keys;   /* key id -> 32-byte public key */
};

G_DEFINE_FINAL_TYPE (GhTrust, gh_trust, G_TYPE_OBJECT)

static void
gh_trust_finalize (GObject *object)
{
  GhTrust *self = GH_TRUST (object);

  g_clear_pointer (&self->keys, g_hash_table_unref);
  G_OBJECT_CLASS (gh_trust_parent_class)->finalize (object);
}

static void
gh_trust_class_init (GhTrustClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_trust_finalize;
}

static void
gh_trust_init (GhTrust *self)
{
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GhTrust *
gh_trust_new (void)
{
  return g_object_new (GH_TYPE_TRUST, NULL);
}

gboolean
gh_trust_add_key (GhTrust       *self,
                  const char    *key_id,
                  const guint8  *public_key,
                  GError       **error)
{
  g_return_val_if_fail (GH_IS_TRUST (self), FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);

  if (key_id == NULL || !is_key_id (key_id))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST,
                   "key id \"%s\" is not valid (letters, digits and . _ - only, at most %d)",
                   key_id != NULL ? key_id : "", MAX_KEY_ID_BYTES);
      return FALSE;
    }
  if (g_hash_table_contains (self->keys, key_id))
    {
      /* Two keys under one id would make which one verifies a matter of order. */
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST,
                   "key id \"%s\" is trusted twice", key_id);
      return FALSE;
    }
  g_hash_table_insert (self->keys, g_strdup (key_id),
                       g_memdup2 (public_key, crypto_sign_PUBLICKEYBYTES));
  return TRUE;
}

gboolean
gh_trust_load_file (GhTrust     *self,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  guint added = 0;

  g_return_val_if_fail (GH_IS_TRUST (self), FALSE);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST, "trust file %s: %s", path,
                   local_error->message);
      return FALSE;
    }
  if (length > MAX_KEY_FILE_BYTES || !g_utf8_validate_len (contents, length, NULL))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST,
                   "trust file %s: not a trust file (too large, or not text)", path);
      return FALSE;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *key_id, *key_text, *extra;
      g_autoptr(GBytes) key = NULL;

      if (!split_key_line (lines[i], &key_id, &key_text, &extra))
        continue;
      if (key_text == NULL || extra != NULL)
        {
          g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST,
                       "trust file %s:%u: expected \"KEY_ID BASE64_PUBLIC_KEY\"", path, i + 1);
          return FALSE;
        }
      key = decode_base64 (key_text, crypto_sign_PUBLICKEYBYTES);
      if (key == NULL || g_bytes_get_size (key) != crypto_sign_PUBLICKEYBYTES)
        {
          g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST,
                       "trust file %s:%u: the key is not %d bytes of base64", path, i + 1,
                       crypto_sign_PUBLICKEYBYTES);
          return FALSE;
        }
      if (!gh_trust_add_key (self, key_id, g_bytes_get_data (key, NULL), &local_error))
        {
          g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST, "trust file %s:%u: %s",
                       path, i + 1, local_error->message);
          return FALSE;
        }
      added++;
    }
  if (added == 0)
    {
      /* An empty trust file would refuse every bundle with a confusing message. */
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST, "trust file %s: holds no keys", path);
      return FALSE;
    }
  return TRUE;
}

GhTrust *
gh_trust_new_from_file (const char  *path,
                        GError     **error)
{
  g_autoptr(GhTrust) self = gh_trust_new ();

  if (!gh_trust_load_file (self, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

guint
gh_trust_get_n_keys (GhTrust *self)
{
  g_return_val_if_fail (GH_IS_TRUST (self), 0);
  return g_hash_table_size (self->keys);
}

const guint8 *
gh_trust_lookup (GhTrust    *self,
                 const char *key_id)
{
  g_return_val_if_fail (GH_IS_TRUST (self), NULL);
  return key_id != NULL ? g_hash_table_lookup (self->keys, key_id) : NULL;
}

/* ---- key pairs and signing ---------------------------------------------------- */

static gboolean
write_new_file (const char  *path,
                const char  *contents,
                int          mode,
                GError     **error)
{
  gsize length = strlen (contents);
  int fd;

  /* O_EXCL: a second keygen must not destroy the key HQ signs with. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY, "%s: %s%s", path, g_strerror (saved),
                   saved == EEXIST ? " (not overwriting an existing key)" : "");
      return FALSE;
    }
  if (fchmod (fd, mode) != 0 || write (fd, contents, length) != (ssize_t) length || fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      g_unlink (path);
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY, "%s: cannot write: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
gh_bundle_keygen (const char  *prefix,
                  const char  *key_id,
                  GError     **error)
{
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 secret_key[crypto_sign_SECRETKEYBYTES];
  g_autofree char *base = NULL;
  g_autofree char *key_path = g_strconcat (prefix, ".key", NULL);
  g_autofree char *pub_path = g_strconcat (prefix, ".pub", NULL);
  g_autofree char *secret_text = NULL;
  g_autofree char *public_text = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *pub_file = NULL;

  g_return_val_if_fail (prefix != NULL, FALSE);
  if (!ensure_sodium (error))
    return FALSE;

  if (key_id == NULL)
    key_id = base = g_path_get_basename (prefix);
  if (!is_key_id (key_id))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY,
                   "key id \"%s\" is not valid (letters, digits and . _ - only, at most %d)",
                   key_id, MAX_KEY_ID_BYTES);
      return FALSE;
    }
  if (g_file_test (pub_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY,
                   "%s: already exists (not overwriting an existing key)", pub_path);
      return FALSE;
    }

  crypto_sign_keypair (public_key, secret_key);
  secret_text = gh_base64_encode (secret_key, sizeof secret_key, GH_BASE64_STANDARD);
  public_text = gh_base64_encode (public_key, sizeof public_key, GH_BASE64_STANDARD);
  sodium_memzero (secret_key, sizeof secret_key);

  key_file = g_strdup_printf ("# Glasshouse HQ signing key: SECRET. Keep it at HQ; a kiosk needs only\n"
                              "# the .pub file beside it.\n%s %s\n", key_id, secret_text);
  pub_file = g_strdup_printf ("# Glasshouse HQ public key: add this line to a kiosk's trust file.\n"
                              "%s %s\n", key_id, public_text);
  sodium_memzero (secret_text, strlen (secret_text));
  if (!write_new_file (key_path, key_file, 0600, error))
    {
      sodium_memzero (key_file, strlen (key_file));
      return FALSE;
    }
  sodium_memzero (key_file, strlen (key_file));
  if (!write_new_file (pub_path, pub_file, 0644, error))
    {
      g_unlink (key_path);
      return FALSE;
    }
  return TRUE;
}

gboolean
gh_bundle_read_secret_key (const char  *path,
                           char       **key_id,
                           guint8      *secret_key,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY, "key file %s: %s", path,
                   local_error->message);
      return FALSE;
    }
  lines = g_strsplit (contents, "\n", -1);
  sodium_memzero (contents, length);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *id, *text, *extra;
      g_autoptr(GBytes) key = NULL;

      if (!split_key_line (lines[i], &id, &text, &extra))
        continue;
      if (text != NULL && extra == NULL && is_key_id (id))
        key = decode_base64 (text, crypto_sign_SECRETKEYBYTES);
      if (key == NULL || g_bytes_get_size (key) != crypto_sign_SECRETKEYBYTES)
        break;
      memcpy (secret_key, g_bytes_get_data (key, NULL), crypto_sign_SECRETKEYBYTES);
      sodium_memzero ((gpointer) g_bytes_get_data (key, NULL), crypto_sign_SECRETKEYBYTES);
      *key_id = g_strdup (id);
      for (guint j = 0; lines[j] != NULL; j++)
        sodium_memzero (lines[j], strlen (lines[j]));
      return TRUE;
    }
  for (guint j = 0; lines[j] != NULL; j++)
    sodium_memzero (lines[j], strlen (lines[j]));
  g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY,
               "key file %s: not a Glasshouse secret key (expected \"KEY_ID BASE64_SECRET_KEY\"; "
               "is it the .pub file?)", path);
  return FALSE;
}

GBytes *
gh_bundle_sign_with_key (GBytes        *config,
                         const char    *key_id,
                         const guint8  *secret_key,
                         GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint8 signature[crypto_sign_BYTES];
  g_autofree char *payload_text = NULL;
  g_autofree char *signature_text = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GString) out = NULL;
  gsize length;
  const guint8 *data;

  g_return_val_if_fail (config != NULL && key_id != NULL && secret_key != NULL, NULL);
  if (!ensure_sodium (error))
    return NULL;

  data = g_bytes_get_data (config, &length);
  if (length > GH_BUNDLE_MAX_BYTES / 4 * 3)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TOO_LARGE,
                   "config: %" G_GSIZE_FORMAT " bytes would make a bundle over the limit of %d bytes",
                   length, GH_BUNDLE_MAX_BYTES);
      return NULL;
    }
  crypto_sign_detached (signature, NULL, data, length, secret_key);
  payload_text = gh_base64_encode (data, length, GH_BASE64_STANDARD);
  signature_text = gh_base64_encode (signature, sizeof signature, GH_BASE64_STANDARD);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, GH_BUNDLE_FORMAT);
  json_builder_set_member_name (builder, "key_id");
  json_builder_add_string_value (builder, key_id);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_string_value (builder, payload_text);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature_text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  out = g_string_new (NULL);
  json_generator_to_gstring (generator, out);
  g_string_append_c (out, '\n');
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
gh_bundle_sign (GBytes      *config,
                const char  *key_path,
                GError     **error)
{
  guint8 secret_key[crypto_sign_SECRETKEYBYTES];
  g_autofree char *key_id = NULL;
  GBytes *bundle;

  if (!ensure_sodium (error) || !gh_bundle_read_secret_key (key_path, &key_id, secret_key, error))
    return NULL;
  bundle = gh_bundle_sign_with_key (config, key_id, secret_key, error);
  sodium_memzero (secret_key, sizeof secret_key);
  return bundle;
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
gh_bundle_read_file (const char  *path,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  char *contents = NULL;
  gsize length = 0;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_IO, "%s: %s", path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_IO, "%s: not a regular file", path);
      return NULL;
    }
  /* Checked before reading, so a huge file is never loaded; gh_bundle_open checks again. */
  if (st.st_size > GH_BUNDLE_MAX_BYTES)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TOO_LARGE,
                   "bundle: %" G_GINT64_FORMAT " bytes, more than the limit of %d",
                   (gint64) st.st_size, GH_BUNDLE_MAX_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return g_bytes_new_take (contents, length);
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

static int
hex_value (const char *p,
           const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);
      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
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
          unit = hex_value (envelope->p + 2, envelope->end);
          if (unit < 0)
            {
              syntax_error (envelope, "a bad \\u escape", error);
              return NULL;
            }
          if (unit >= 0xd800 && unit <= 0xdbff)
            {
              /* The pair was checked by gh_json_check_text. */
              low = envelope->end - envelope->p >= 12 ? hex_value (envelope->p + 8, envelope->end) : -1;
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
  if (!ensure_sodium (error))
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
  self->payload = decode_base64 (payload_text, GH_BUNDLE_MAX_BYTES);
  if (self->payload == NULL || g_bytes_get_size (self->payload) == 0)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_ENVELOPE,
                   "bundle.payload: not base64 of a config (standard alphabet, padded)");
      goto fail;
    }
  signature = decode_base64 (signature_text, crypto_sign_BYTES);
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
