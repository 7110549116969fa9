/* The keys on both sides of a bundle. HQ holds an Ed25519 secret key
 * (PREFIX.key) and signs the config's exact bytes; a kiosk holds a trust file
 * (GhTrust) of HQ public keys, several at once so HQ can rotate keys without a
 * flag day. The envelope itself is in gh-bundle.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
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
#include "config/gh-bundle-private.h"
#include "config/gh-base64.h"
#include "config/gh-json-limits.h"

#define MAX_KEY_ID_BYTES   64
#define MAX_KEY_FILE_BYTES (64 * 1024)

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
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  guint added = 0;

  g_return_val_if_fail (GH_IS_TRUST (self), FALSE);

  bytes = gh_file_read_bounded (path, MAX_KEY_FILE_BYTES, GH_FILE_READ_DEFAULT, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST, "trust file %s",
                   local_error->message);
      return FALSE;
    }
  contents = g_strndup (g_bytes_get_data (bytes, &length), g_bytes_get_size (bytes));
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_TRUST,
                   "trust file %s: not a trust file (not text)", path);
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
      key = _gh_bundle_decode_base64 (key_text, crypto_sign_PUBLICKEYBYTES);
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
  if (!_gh_bundle_ensure_sodium (error))
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
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;

  /* A secret key behind a link would be a surprise: whoever planted it chose the key. */
  bytes = gh_file_read_bounded (path, MAX_KEY_FILE_BYTES, GH_FILE_READ_NO_FOLLOW, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, GH_BUNDLE_ERROR, GH_BUNDLE_ERROR_KEY, "key file %s",
                   local_error->message);
      return FALSE;
    }
  contents = g_strndup (g_bytes_get_data (bytes, &length), g_bytes_get_size (bytes));
  sodium_memzero ((gpointer) g_bytes_get_data (bytes, NULL), length);
  lines = g_strsplit (contents, "\n", -1);
  sodium_memzero (contents, length);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *id, *text, *extra;
      g_autoptr(GBytes) key = NULL;

      if (!split_key_line (lines[i], &id, &text, &extra))
        continue;
      if (text != NULL && extra == NULL && is_key_id (id))
        key = _gh_bundle_decode_base64 (text, crypto_sign_SECRETKEYBYTES);
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
  if (!_gh_bundle_ensure_sodium (error))
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

  if (!_gh_bundle_ensure_sodium (error)
      || !gh_bundle_read_secret_key (key_path, &key_id, secret_key, error))
    return NULL;
  bundle = gh_bundle_sign_with_key (config, key_id, secret_key, error);
  sodium_memzero (secret_key, sizeof secret_key);
  return bundle;
}
