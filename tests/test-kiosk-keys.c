/* The kiosk key pair: created at init as an owner-only file beside the store
 * (never in it), refused when others can read it, when it is damaged or when
 * it belongs to another store; "kiosk pubkey" prints the trust-file line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "receipts/gh-kiosk-keys.h"
#include "gh-test-utils.h"
#include "receipts/gh-token.h"

static GhStore *
new_store (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  GhStore *store = gh_store_open (path, GH_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  return store;
}

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_ensure_creates_owner_only (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = new_store (dir, "store.db");
  g_autofree char *key_path = gh_kiosk_keys_path_for_store (store);
  g_autofree char *db_path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *recorded = NULL;
  g_autofree char *public_b64 = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(GhKioskKeys) again = NULL;
  g_autoptr(GBytes) db_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint files = 0;

  g_assert_true (g_str_has_prefix (key_path, db_path));
  g_assert_cmpstr (key_path + strlen (db_path), ==, ".kiosk.key");
  g_assert_false (g_file_test (key_path, G_FILE_TEST_EXISTS));
  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (key_path), ==, 0600);

  keys = gh_kiosk_keys_load (store, &error);
  g_assert_no_error (error);
  public_b64 = gh_kiosk_keys_get_public_base64 (keys);
  recorded = gh_store_get_meta (store, "kiosk_pubkey");
  g_assert_cmpstr (recorded, ==, public_b64);

  /* The secret is in the file and nowhere in the database. */
  g_assert_true (g_file_get_contents (key_path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "glasshouse-kiosk-key/1 "));
  g_strchomp (contents);
  db_bytes = gh_test_read_bytes (db_path);
  g_assert_false (gh_test_bytes_contain (db_bytes, contents + strlen ("glasshouse-kiosk-key/1 ")));

  /* Running init again keeps the key. */
  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  again = gh_kiosk_keys_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (gh_kiosk_keys_get_public_key (keys), 32, gh_kiosk_keys_get_public_key (again), 32);

  /* No temporary files left behind. */
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_assert_null (strstr (name, ".tmp-"));
      files++;
    }
  g_assert_cmpuint (files, >=, 2);
  gh_test_rmdir (dir);
}

static void
test_refuses_readable_by_others (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = new_store (dir, "store.db");
  g_autofree char *key_path = gh_kiosk_keys_path_for_store (store);
  const guint modes[] = { 0644, 0640, 0604, 0660, 0606 };
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GhKioskKeys) keys = NULL;
      g_autofree char *expect = g_strdup_printf ("(mode %04o)", modes[i]);

      g_assert_cmpint (g_chmod (key_path, modes[i]), ==, 0);
      keys = gh_kiosk_keys_load (store, &error);
      g_assert_null (keys);
      g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_PERMISSIONS);
      g_assert_nonnull (strstr (error->message, expect));
      g_assert_nonnull (strstr (error->message, key_path));
      g_clear_error (&error);
      /* init does not quietly accept it either. */
      g_assert_false (gh_kiosk_keys_ensure (store, &error));
      g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_PERMISSIONS);
      g_clear_error (&error);
    }

  /* 0400 (read-only for the owner) is fine. */
  g_assert_cmpint (g_chmod (key_path, 0400), ==, 0);
  {
    g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_load (store, &error);
    g_assert_no_error (error);
    g_assert_nonnull (keys);
  }
  gh_test_rmdir (dir);
}

static void
test_refuses_symlink_damaged_and_foreign (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autoptr(GhStore) store = new_store (dir, "store.db");
  g_autoptr(GhStore) other = new_store (dir, "other.db");
  g_autofree char *key_path = gh_kiosk_keys_path_for_store (store);
  g_autofree char *other_key = gh_kiosk_keys_path_for_store (other);
  g_autofree char *moved = g_build_filename (dir, "moved.key", NULL);
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(GError) error = NULL;
  const char *damaged[] = {
    "",
    "glasshouse-kiosk-key/1\n",
    "glasshouse-kiosk-key/1 AAAA\n",
    "glasshouse-kiosk-key/1 !!!!not-base64!!!!\n",
    "-----BEGIN PRIVATE KEY-----\n",
  };

  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  g_assert_true (gh_kiosk_keys_ensure (other, &error));
  g_assert_no_error (error);

  /* Another store's key file put beside this store. */
  g_assert_cmpint (g_rename (key_path, moved), ==, 0);
  g_assert_cmpint (link (other_key, key_path), ==, 0);
  keys = gh_kiosk_keys_load (store, &error);
  g_assert_null (keys);
  g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (key_path), ==, 0);

  /* A symbolic link is not followed. */
  g_assert_cmpint (symlink (moved, key_path), ==, 0);
  keys = gh_kiosk_keys_load (store, &error);
  g_assert_null (keys);
  g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_PERMISSIONS);
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (key_path), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_assert_true (g_file_set_contents_full (key_path, damaged[i], -1,
                                               G_FILE_SET_CONTENTS_NONE, 0600, NULL));
      keys = gh_kiosk_keys_load (store, &error);
      g_assert_null (keys);
      g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_DAMAGED);
      g_clear_error (&error);
      g_assert_false (gh_kiosk_keys_ensure (store, &error));
      g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_DAMAGED);
      g_clear_error (&error);
    }

  /* A lost key file: load says so; init makes a new key and records it. */
  g_assert_cmpint (g_unlink (key_path), ==, 0);
  keys = gh_kiosk_keys_load (store, &error);
  g_assert_null (keys);
  g_assert_error (error, GH_KIOSK_KEYS_ERROR, GH_KIOSK_KEYS_ERROR_MISSING);
  g_clear_error (&error);
  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  g_assert_no_error (error);
  keys = gh_kiosk_keys_load (store, &error);
  g_assert_no_error (error);
  {
    g_autofree char *recorded = gh_store_get_meta (store, "kiosk_pubkey");
    g_autofree char *now = gh_kiosk_keys_get_public_base64 (keys);
    g_assert_cmpstr (recorded, ==, now);
  }
  gh_test_rmdir (dir);
}

static void
test_ctl_init_and_pubkey (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "kiosk.db", NULL);
  g_autofree char *key_path = g_strconcat (db, ".kiosk.key", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GhTokenTrust) trust = gh_token_trust_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "init", "--db", db, "--kiosk-id", "riverside-01", NULL), ==, 0);
  g_assert_cmpuint (file_mode (key_path), ==, 0600);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "kiosk", "pubkey", "--db", db, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "riverside-01 "));
  g_assert_true (g_str_has_suffix (out, "=\n"));
  g_assert_cmpuint (strlen (out), ==, strlen ("riverside-01 ") + 44 + 1);
  /* The line is what a trust file takes. */
  g_assert_true (gh_token_trust_parse (trust, out, "pubkey", &error));
  g_assert_no_error (error);
  line = g_strdup (out);

  /* The printed key is the public half, never the secret. */
  g_assert_true (g_file_get_contents (key_path, &secret, NULL, NULL));
  g_strchomp (secret);
  g_assert_null (strstr (out, secret + strlen ("glasshouse-kiosk-key/1 ")));

  /* init again: same key. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "init", "--db", db, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "kiosk", "pubkey", "--db", db, NULL), ==, 0);
  g_assert_cmpstr (out, ==, line);

  /* World-readable: refused, one line, exit 3, the secret not repeated. */
  g_assert_cmpint (g_chmod (key_path, 0644), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "kiosk", "pubkey", "--db", db, NULL), ==, 3);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_nonnull (strstr (err, "mode 0644"));
  g_assert_cmpuint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  g_assert_null (strstr (err, secret + strlen ("glasshouse-kiosk-key/1 ")));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "init", "--db", db, NULL), ==, 3);

  /* A kiosk id that cannot go in a token is refused at init. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "init", "--db", db, "--kiosk-id", "front desk", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--kiosk-id"));
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk-keys/ensure-creates-owner-only", test_ensure_creates_owner_only);
  g_test_add_func ("/kiosk-keys/refuses-readable-by-others", test_refuses_readable_by_others);
  g_test_add_func ("/kiosk-keys/refuses-symlink-damaged-foreign", test_refuses_symlink_damaged_and_foreign);
  g_test_add_func ("/kiosk-keys/ctl-init-and-pubkey", test_ctl_init_and_pubkey);
  return g_test_run ();
}
