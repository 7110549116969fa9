/* HQ staff who may read the fleet report in the portal (issue 17): their names
 * and argon2id hashes from the key file's hq-staff-file, and their sessions,
 * kept apart from the shoppers' (another cookie, another table, a shorter life)
 * so that a shopper's session can never open an HQ page nor the other way round.
 * A session holds no name: nothing here needs to know who, only that someone on
 * the list signed in, and a name that is not kept cannot leak.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "auth/gh-auth.h"
#include "portal/gh-portal-config.h"
#include "portal/gh-portal-private.h"

/* Idle minutes before a staff session ends: the report is read, not worked in. */
#define STAFF_IDLE_SECONDS (15 * 60)
#define MAX_NAME_LENGTH 64

typedef struct {
  gint64 created;    /* monotonic seconds */
  gint64 last_seen;
} StaffSession;

struct _GhPortalStaff {
  GHashTable *hashes;    /* name -> argon2id hash; read-only after loading */
  GMutex      lock;
  GHashTable *sessions;  /* cookie value -> StaffSession */
};

static void
wipe_free (gpointer data)
{
  char *text = data;

  gh_string_wipe (&text);
}

void
_gh_portal_staff_free (GhPortalStaff *staff)
{
  if (staff == NULL)
    return;
  g_hash_table_unref (staff->hashes);
  g_hash_table_unref (staff->sessions);
  g_mutex_clear (&staff->lock);
  g_free (staff);
}

static gboolean
name_is_valid (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > MAX_NAME_LENGTH)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (name[i]) && strchr ("._@-", name[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
hash_is_valid (const char *hash)
{
  /* What gh_auth_hash_pin writes: libsodium's argon2id string, which
   * crypto_pwhash_str_needs_rehash parses (-1: not one at all). */
  return g_str_has_prefix (hash, "$argon2id$") && strlen (hash) < crypto_pwhash_STRBYTES &&
         crypto_pwhash_str_needs_rehash (hash, crypto_pwhash_OPSLIMIT_MIN,
                                         crypto_pwhash_MEMLIMIT_MIN) != -1;
}

static gboolean
refuse_line (GError     **error,
             const char  *path,
             guint        line,
             const char  *reason)
{
  /* The reason never quotes the line: it may hold a hash. */
  g_set_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID,
               "%s:%u: %s", path, line, reason);
  return FALSE;
}

static gboolean
parse_line (GhPortalStaff  *staff,
            const char     *path,
            guint           number,
            char           *line,
            GError        **error)
{
  g_auto(GStrv) fields = NULL;
  guint n = 0;

  g_strstrip (line);
  if (*line == '\0' || *line == '#')
    return TRUE;
  fields = g_strsplit_set (line, " \t", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    if (*fields[i] != '\0')
      {
        char *kept = fields[i];
        fields[i] = fields[n];
        fields[n++] = kept;
      }
  if (n != 2)
    return refuse_line (error, path, number, "expected NAME ARGON2ID-HASH");
  if (!name_is_valid (fields[0]))
    return refuse_line (error, path, number, "a name is 1-64 of A-Z a-z 0-9 . _ @ -");
  if (!hash_is_valid (fields[1]))
    return refuse_line (error, path, number,
                        "not an argon2id hash (make one with: glasshouse-ctl pin hash --passphrase)");
  if (g_hash_table_contains (staff->hashes, fields[0]))
    return refuse_line (error, path, number, "this name is already listed above");
  g_hash_table_replace (staff->hashes, g_strdup (fields[0]), g_strdup (fields[1]));
  return TRUE;
}

GhPortalStaff *
_gh_portal_staff_load (const char  *path,
                       GError     **error)
{
  GhPortalStaff *staff = g_new0 (GhPortalStaff, 1);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local = NULL;

  g_mutex_init (&staff->lock);
  staff->hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
  staff->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, wipe_free, g_free);
  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      g_set_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID,
                   "hq-staff-file: %s", local->message);
      goto fail;
    }
  lines = g_strsplit (contents, "\n", -1);
  sodium_memzero (contents, strlen (contents));
  for (guint i = 0; lines[i] != NULL; i++)
    if (!parse_line (staff, path, i + 1, lines[i], error))
      goto fail;
  if (g_hash_table_size (staff->hashes) == 0)
    {
      g_set_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID,
                   "%s: names nobody (leave hq-staff-file out to have no HQ pages)", path);
      goto fail;
    }
  for (guint i = 0; lines[i] != NULL; i++)
    sodium_memzero (lines[i], strlen (lines[i]));
  return staff;

fail:
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    sodium_memzero (lines[i], strlen (lines[i]));
  _gh_portal_staff_free (staff);
  return NULL;
}

char *
_gh_portal_staff_hash (GhPortalStaff *staff,
                       const char    *name)
{
  return g_strdup (g_hash_table_lookup (staff->hashes, name));
}

char *
_gh_portal_staff_session_start (GhPortalStaff *staff)
{
  guint8 bytes[32];
  char id[sodium_base64_ENCODED_LEN (sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  StaffSession *session = g_new0 (StaffSession, 1);

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (id, sizeof id, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  session->created = session->last_seen = g_get_monotonic_time () / G_USEC_PER_SEC;
  g_mutex_lock (&staff->lock);
  g_hash_table_replace (staff->sessions, g_strdup (id), session);
  g_mutex_unlock (&staff->lock);
  return g_strdup (id);
}

gboolean
_gh_portal_staff_signed_in (GhPortalRequest *req)
{
  GhPortalStaff *staff = req->portal->staff;
  const char *id = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_HQ);
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  StaffSession *session;
  gboolean live = FALSE;

  if (staff == NULL || id == NULL || *id == '\0')
    return FALSE;
  g_mutex_lock (&staff->lock);
  session = g_hash_table_lookup (staff->sessions, id);
  if (session != NULL && (now - session->last_seen > STAFF_IDLE_SECONDS ||
                          now - session->created > GH_PORTAL_STAFF_MAX_SECONDS))
    g_hash_table_remove (staff->sessions, id);
  else if (session != NULL)
    {
      session->last_seen = now;
      live = TRUE;
    }
  g_mutex_unlock (&staff->lock);
  return live;
}

void
_gh_portal_staff_session_end (GhPortalRequest *req)
{
  GhPortalStaff *staff = req->portal->staff;
  const char *id = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_HQ);

  if (staff != NULL && id != NULL)
    {
      g_mutex_lock (&staff->lock);
      g_hash_table_remove (staff->sessions, id);
      g_mutex_unlock (&staff->lock);
    }
  _gh_portal_set_cookie (req, GH_PORTAL_COOKIE_HQ, "", 0);
}
