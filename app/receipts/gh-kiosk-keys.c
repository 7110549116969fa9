/* The kiosk's receipt-signing key pair: created once at init, kept in an
 * owner-only file beside the store, loaded into libsodium's guarded memory
 * when a token is signed. The database records only the public key, so a
 * backup of the store can never sign, and a key file that does not match the
 * store it sits beside (a restore gone wrong, a copied kiosk) is refused
 * rather than silently signing under the wrong name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-receipts"
#include "config.h"

#include "receipts/gh-kiosk-keys.h"

#include "config/gh-base64.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE_MAGIC  "glasshouse-kiosk-key/1"
#define KEY_FILE_SUFFIX ".kiosk.key"
#define META_PUBKEY     "kiosk_pubkey"
#define SEED_BYTES      crypto_sign_SEEDBYTES

struct _GhKioskKeys
{
  guint8 *secret;  /* sodium_malloc'd, crypto_sign_SECRETKEYBYTES */
  guint8  public_key[crypto_sign_PUBLICKEYBYTES];
};

G_STATIC_ASSERT (crypto_sign_PUBLICKEYBYTES == GH_KIOSK_PUBLIC_KEY_BYTES);
G_STATIC_ASSERT (crypto_sign_BYTES == GH_KIOSK_SIGNATURE_BYTES);

G_DEFINE_QUARK (gh-kiosk-keys-error-quark, gh_kiosk_keys_error)

static void
ensure_sodium (void)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}

GhKioskKeys *
gh_kiosk_keys_new_from_seed (const guint8 seed[32])
{
  GhKioskKeys *keys = g_new0 (GhKioskKeys, 1);

  ensure_sodium ();
  keys->secret = sodium_malloc (crypto_sign_SECRETKEYBYTES);
  g_assert (keys->secret != NULL);
  crypto_sign_seed_keypair (keys->public_key, keys->secret, seed);
  return keys;
}

void
gh_kiosk_keys_free (GhKioskKeys *keys)
{
  if (keys == NULL)
    return;
  sodium_free (keys->secret);  /* wipes it */
  g_free (keys);
}

const guint8 *
gh_kiosk_keys_get_public_key (GhKioskKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);
  return keys->public_key;
}

char *
gh_kiosk_keys_get_public_base64 (GhKioskKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);
  return gh_base64_encode (keys->public_key, sizeof keys->public_key, GH_BASE64_STANDARD);
}

void
gh_kiosk_keys_sign (GhKioskKeys  *keys,
                    const guint8 *message,
                    gsize         length,
                    guint8        signature[GH_KIOSK_SIGNATURE_BYTES])
{
  g_return_if_fail (keys != NULL);
  crypto_sign_detached (signature, NULL, message, length, keys->secret);
}

char *
gh_kiosk_keys_path_for_store (GhStore *store)
{
  g_return_val_if_fail (GH_IS_STORE (store), NULL);
  return g_strconcat (gh_store_get_path (store), KEY_FILE_SUFFIX, NULL);
}

/* ---- the key file ------------------------------------------------------- */

/* Reads the seed out of an open key file after checking who may read it. */
static gboolean
read_seed (int          fd,
           const char  *path,
           guint8       seed[SEED_BYTES],
           GError     **error)
{
  struct stat st;
  char text[256];
  ssize_t got;
  g_autofree guint8 *decoded = NULL;
  gsize decoded_len = 0;
  char *b64;

  if (fstat (fd, &st) != 0)
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_IO,
                   "%s: cannot inspect the kiosk key: %s", path, g_strerror (errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_DAMAGED,
                   "%s: the kiosk key is not a regular file", path);
      return FALSE;
    }
  if (st.st_uid != geteuid ())
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_PERMISSIONS,
                   "%s: the kiosk key belongs to user %u, not to this user (%u); refusing to use it",
                   path, (guint) st.st_uid, (guint) geteuid ());
      return FALSE;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_PERMISSIONS,
                   "%s: the kiosk key is readable by others (mode %04o); refusing to use it "
                   "(it must be 0600: chmod 600 %s)", path, (guint) (st.st_mode & 07777), path);
      return FALSE;
    }

  got = read (fd, text, sizeof text - 1);
  if (got < 0)
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_IO,
                   "%s: cannot read the kiosk key: %s", path, g_strerror (errno));
      return FALSE;
    }
  text[got] = '\0';
  g_strchomp (text);

  if (!g_str_has_prefix (text, KEY_FILE_MAGIC " "))
    {
      sodium_memzero (text, sizeof text);
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_DAMAGED,
                   "%s: not a Glasshouse kiosk key (expected a \"%s\" line)", path, KEY_FILE_MAGIC);
      return FALSE;
    }
  b64 = text + strlen (KEY_FILE_MAGIC " ");
  decoded = gh_base64_decode (b64, strlen (b64), GH_BASE64_STANDARD, SEED_BYTES, &decoded_len);
  sodium_memzero (text, sizeof text);
  if (decoded == NULL || decoded_len != SEED_BYTES)
    {
      if (decoded != NULL)
        sodium_memzero (decoded, decoded_len);
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_DAMAGED,
                   "%s: the kiosk key is damaged (not %d bytes of base64)", path, SEED_BYTES);
      return FALSE;
    }
  memcpy (seed, decoded, SEED_BYTES);
  sodium_memzero (decoded, decoded_len);
  return TRUE;
}

static GhKioskKeys *
load_file (const char  *path,
           GError     **error)
{
  guint8 seed[SEED_BYTES];
  GhKioskKeys *keys;
  gboolean ok;
  int fd;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == ENOENT)
        g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_MISSING,
                     "%s: there is no kiosk key (create it with: glasshouse-ctl init)", path);
      else if (saved == ELOOP)
        g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_PERMISSIONS,
                     "%s: the kiosk key is a symbolic link; refusing to follow it", path);
      else
        g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_IO,
                     "%s: cannot open the kiosk key: %s", path, g_strerror (saved));
      return NULL;
    }
  ok = read_seed (fd, path, seed, error);
  close (fd);
  if (!ok)
    return NULL;
  keys = gh_kiosk_keys_new_from_seed (seed);
  sodium_memzero (seed, sizeof seed);
  return keys;
}

/* Writes a new key file without ever exposing it: a 0600 temporary file,
 * synced, then hard-linked into place so an existing key is never replaced
 * (two inits racing keep the first key). Returns FALSE with EEXIST semantics
 * reported through @exists. */
static gboolean
write_new_file (const char  *path,
                gboolean    *exists,
                GError     **error)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  guint8 seed[SEED_BYTES];
  g_autofree char *b64 = NULL;
  g_autofree char *line = NULL;
  gsize length, written = 0;
  int fd, dir_fd, saved;

  *exists = FALSE;
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_IO,
                   "%s: cannot create the kiosk key: %s", path, g_strerror (errno));
      return FALSE;
    }

  ensure_sodium ();
  randombytes_buf (seed, sizeof seed);
  b64 = gh_base64_encode (seed, sizeof seed, GH_BASE64_STANDARD);
  sodium_memzero (seed, sizeof seed);
  line = g_strconcat (KEY_FILE_MAGIC " ", b64, "\n", NULL);
  sodium_memzero (b64, strlen (b64));
  length = strlen (line);

  while (written < length)
    {
      ssize_t n = write (fd, line + written, length - written);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      written += n;
    }
  sodium_memzero (line, length);
  if (written < length || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_IO,
                   "%s: cannot write the kiosk key: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  if (link (tmp, path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      if (saved == EEXIST)
        {
          *exists = TRUE;
          return FALSE;
        }
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_IO,
                   "%s: cannot put the kiosk key in place: %s", path, g_strerror (saved));
      return FALSE;
    }
  g_unlink (tmp);

  /* The new name must survive a power cut as the key it names does. */
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  return TRUE;
}

static gboolean
check_against_store (GhStore      *store,
                     GhKioskKeys  *keys,
                     const char   *path,
                     GError      **error)
{
  g_autofree char *recorded = gh_store_get_meta (store, META_PUBKEY);
  g_autofree char *actual = gh_kiosk_keys_get_public_base64 (keys);

  if (recorded == NULL)
    return gh_store_set_meta (store, META_PUBKEY, actual, error);
  if (!g_str_equal (recorded, actual))
    {
      g_set_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_MISMATCH,
                   "%s: the kiosk key is not the one the store %s was set up with "
                   "(a key file from another kiosk?); refusing to sign with it",
                   path, gh_store_get_path (store));
      return FALSE;
    }
  return TRUE;
}

GhKioskKeys *
gh_kiosk_keys_load (GhStore  *store,
                    GError  **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  path = gh_kiosk_keys_path_for_store (store);
  keys = load_file (path, error);
  if (keys == NULL || !check_against_store (store, keys, path, error))
    return NULL;
  return g_steal_pointer (&keys);
}

gboolean
gh_kiosk_keys_ensure (GhStore  *store,
                      GError  **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean exists = FALSE;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);

  path = gh_kiosk_keys_path_for_store (store);
  keys = load_file (path, &local_error);
  if (keys == NULL)
    {
      if (!g_error_matches (local_error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_MISSING))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_error (&local_error);
      if (!write_new_file (path, &exists, error) && !exists)
        return FALSE;
      keys = load_file (path, error);
      if (keys == NULL)
        return FALSE;
      if (!exists)
        {
          /* A new key replaces whatever the store knew: the old key file is
           * gone, so the old public key can no longer sign anything here.
           * HQ keeps the old line to verify tokens issued before. */
          g_autofree char *b64 = gh_kiosk_keys_get_public_base64 (keys);
          return gh_store_set_meta (store, META_PUBKEY, b64, error);
        }
    }
  return check_against_store (store, keys, path, error);
}
