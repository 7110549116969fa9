/* Signed-in sessions, CSRF tokens, the short-code rate limit and the lockout
 * of loyalty numbers HQ does not know: the portal's small amount of state, in
 * memory behind one mutex (worker threads share it). Sessions are short and die
 * with the process; a restart signs everyone out, which is the safe direction.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "auth/gh-auth.h"
#include "portal/gh-portal-private.h"

/* Tries before a lock, as on the kiosk (app/auth/gh-auth.c). */
#define PHANTOM_MAX_FAILED 5
#define PHANTOM_MAX_ROWS   4096

typedef struct {
  char   *ref;
  char   *first_name;
  gint64  created;
  gint64  last_seen;
} Session;

typedef struct {
  int    failed;
  int    lock_count;
  gint64 locked_until;
  gint64 last_failed;
} Phantom;

typedef struct {
  gint64 window;  /* the minute it counts */
  int    tries;
} CodeTries;

struct _GhPortalSessions {
  GMutex      lock;
  GHashTable *sessions;  /* cookie value -> Session */
  GHashTable *phantoms;  /* keyed hash of a number -> Phantom */
  GHashTable *code_tries;/* client address -> CodeTries */
  guint8      phantom_key[crypto_generichash_KEYBYTES];
  int         idle_seconds;
  int         max_seconds;
  int         code_attempts;
};

static void
session_free (Session *session)
{
  gh_string_wipe (&session->ref);
  gh_string_wipe (&session->first_name);
  g_free (session);
}

void
_gh_portal_signed_in_free (GhPortalSignedIn *who)
{
  if (who == NULL)
    return;
  gh_string_wipe (&who->ref);
  gh_string_wipe (&who->first_name);
  g_free (who);
}

GhPortalSessions *
_gh_portal_sessions_new (int minutes,
                         int max_minutes,
                         int code_attempts)
{
  GhPortalSessions *sessions = g_new0 (GhPortalSessions, 1);

  g_mutex_init (&sessions->lock);
  sessions->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) session_free);
  sessions->phantoms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sessions->code_tries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  randombytes_buf (sessions->phantom_key, sizeof sessions->phantom_key);
  sessions->idle_seconds = minutes * 60;
  sessions->max_seconds = max_minutes * 60;
  sessions->code_attempts = code_attempts;
  return sessions;
}

void
_gh_portal_sessions_free (GhPortalSessions *sessions)
{
  if (sessions == NULL)
    return;
  g_hash_table_unref (sessions->sessions);
  g_hash_table_unref (sessions->phantoms);
  g_hash_table_unref (sessions->code_tries);
  g_mutex_clear (&sessions->lock);
  g_free (sessions);
}

static char *
random_token (void)
{
  guint8 bytes[32];
  char out[sodium_base64_ENCODED_LEN (sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strdup (out);
}

void
_gh_portal_set_cookie (GhPortalRequest *req,
                       const char      *name,
                       const char      *value,
                       int              max_age)
{
  /* Secure even on a plain listener: behind a TLS proxy the browser sees https,
   * and a portal without TLS anywhere should not keep sessions at all. */
  char *cookie = max_age >= 0
    ? g_strdup_printf ("%s=%s; Path=/; Max-Age=%d; HttpOnly; Secure; SameSite=Strict", name, value, max_age)
    : g_strdup_printf ("%s=%s; Path=/; HttpOnly; Secure; SameSite=Strict", name, value);
  g_ptr_array_add (req->set_cookies, cookie);
}

char *
_gh_portal_session_start (GhPortal   *portal,
                          const char *ref,
                          const char *first_name)
{
  GhPortalSessions *sessions = portal->sessions;
  Session *session = g_new0 (Session, 1);
  char *id = random_token ();
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  session->ref = g_strdup (ref);
  session->first_name = g_strdup (first_name);
  session->created = session->last_seen = now;
  g_mutex_lock (&sessions->lock);
  g_hash_table_replace (sessions->sessions, g_strdup (id), session);
  g_mutex_unlock (&sessions->lock);
  return id;
}

GhPortalSignedIn *
_gh_portal_session_get (GhPortalRequest *req)
{
  GhPortalSessions *sessions = req->portal->sessions;
  const char *id = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_SESSION);
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  GhPortalSignedIn *who = NULL;
  Session *session;

  if (id == NULL)
    return NULL;
  g_mutex_lock (&sessions->lock);
  session = g_hash_table_lookup (sessions->sessions, id);
  if (session != NULL && (now - session->last_seen > sessions->idle_seconds ||
                          now - session->created > sessions->max_seconds))
    {
      g_hash_table_remove (sessions->sessions, id);
      session = NULL;
    }
  if (session != NULL)
    {
      session->last_seen = now;
      who = g_new0 (GhPortalSignedIn, 1);
      who->ref = g_strdup (session->ref);
      who->first_name = g_strdup (session->first_name);
      who->created = session->created;
    }
  g_mutex_unlock (&sessions->lock);
  return who;
}

void
_gh_portal_session_end (GhPortalRequest *req)
{
  const char *id = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_SESSION);

  if (id != NULL)
    {
      g_mutex_lock (&req->portal->sessions->lock);
      g_hash_table_remove (req->portal->sessions->sessions, id);
      g_mutex_unlock (&req->portal->sessions->lock);
    }
  _gh_portal_set_cookie (req, GH_PORTAL_COOKIE_SESSION, "", 0);
}

void
_gh_portal_sessions_end_for (GhPortal   *portal,
                             const char *ref)
{
  GHashTableIter iter;
  Session *session;

  g_mutex_lock (&portal->sessions->lock);
  g_hash_table_iter_init (&iter, portal->sessions->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
    if (g_strcmp0 (session->ref, ref) == 0)
      g_hash_table_iter_remove (&iter);
  g_mutex_unlock (&portal->sessions->lock);
}

/* HMAC of "csrf/1:<binding>" with the portal's secret, base64url. */
static char *
csrf_for (GhPortal   *portal,
          const char *kind,
          const char *binding)
{
  g_autofree char *message = g_strconcat ("csrf/1:", kind, ":", binding, NULL);
  guint8 mac[crypto_auth_BYTES];
  char out[sodium_base64_ENCODED_LEN (crypto_auth_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  crypto_auth (mac, (const guint8 *) message, strlen (message), portal->secret);
  sodium_bin2base64 (out, sizeof out, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strdup (out);
}

char *
_gh_portal_csrf_token (GhPortalRequest *req)
{
  const char *session = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_SESSION);
  const char *pre = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_PRE);

  if (session != NULL && *session != '\0')
    return csrf_for (req->portal, "session", session);
  if (pre == NULL || *pre == '\0')
    {
      char *fresh = random_token ();
      _gh_portal_set_cookie (req, GH_PORTAL_COOKIE_PRE, fresh, -1);
      /* Later forms of this same request see it too. */
      g_hash_table_replace (req->cookies, g_strdup (GH_PORTAL_COOKIE_PRE), fresh);
      pre = fresh;
    }
  return csrf_for (req->portal, "pre", pre);
}

gboolean
_gh_portal_csrf_check (GhPortalRequest *req)
{
  const char *given = g_hash_table_lookup (req->form, "csrf");
  const char *session = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_SESSION);
  const char *pre = g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_PRE);
  g_autofree char *expected = NULL;

  if (given == NULL)
    return FALSE;
  if (session != NULL && *session != '\0')
    expected = csrf_for (req->portal, "session", session);
  else if (pre != NULL && *pre != '\0')
    expected = csrf_for (req->portal, "pre", pre);
  else
    return FALSE;
  return strlen (given) == strlen (expected) &&
         sodium_memcmp (given, expected, strlen (expected)) == 0;
}

gboolean
_gh_portal_code_try (GhPortalRequest *req,
                     guint           *retry_after)
{
  GhPortalSessions *sessions = req->portal->sessions;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gint64 window = now / 60;
  CodeTries *tries;
  gboolean allowed;

  g_mutex_lock (&sessions->lock);
  /* A table that grows without bound is itself a way in: forget old minutes. */
  if (g_hash_table_size (sessions->code_tries) > 10000)
    g_hash_table_remove_all (sessions->code_tries);
  tries = g_hash_table_lookup (sessions->code_tries, req->client);
  if (tries == NULL)
    {
      tries = g_new0 (CodeTries, 1);
      g_hash_table_replace (sessions->code_tries, g_strdup (req->client), tries);
    }
  if (tries->window != window)
    {
      tries->window = window;
      tries->tries = 0;
    }
  allowed = ++tries->tries <= sessions->code_attempts;
  g_mutex_unlock (&sessions->lock);
  if (!allowed && retry_after != NULL)
    *retry_after = (guint) (60 - now % 60);
  return allowed;
}

static char *
phantom_key (GhPortalSessions *sessions,
             const char       *loyalty_id)
{
  guint8 hash[16];
  char hex[sizeof hash * 2 + 1];

  crypto_generichash (hash, sizeof hash, (const guint8 *) loyalty_id, strlen (loyalty_id),
                      sessions->phantom_key, sizeof sessions->phantom_key);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strdup (hex);
}

gint64
_gh_portal_phantom_locked (GhPortal   *portal,
                           const char *loyalty_id,
                           gint64      now)
{
  g_autofree char *key = phantom_key (portal->sessions, loyalty_id);
  Phantom *phantom;
  gint64 left = 0;

  g_mutex_lock (&portal->sessions->lock);
  phantom = g_hash_table_lookup (portal->sessions->phantoms, key);
  if (phantom != NULL && phantom->locked_until > now)
    left = phantom->locked_until - now;
  g_mutex_unlock (&portal->sessions->lock);
  return left;
}

void
_gh_portal_phantom_failed (GhPortal   *portal,
                           const char *loyalty_id,
                           gint64      now)
{
  g_autofree char *key = phantom_key (portal->sessions, loyalty_id);
  Phantom *phantom;

  g_mutex_lock (&portal->sessions->lock);
  if (g_hash_table_size (portal->sessions->phantoms) >= PHANTOM_MAX_ROWS)
    {
      /* Drop the rows whose lock is over; if none, start again. */
      GHashTableIter iter;
      Phantom *old;
      g_hash_table_iter_init (&iter, portal->sessions->phantoms);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &old))
        if (old->locked_until <= now)
          g_hash_table_iter_remove (&iter);
      if (g_hash_table_size (portal->sessions->phantoms) >= PHANTOM_MAX_ROWS)
        g_hash_table_remove_all (portal->sessions->phantoms);
    }
  phantom = g_hash_table_lookup (portal->sessions->phantoms, key);
  if (phantom == NULL)
    {
      phantom = g_new0 (Phantom, 1);
      g_hash_table_replace (portal->sessions->phantoms, g_steal_pointer (&key), phantom);
    }
  phantom->last_failed = now;
  if (++phantom->failed >= PHANTOM_MAX_FAILED)
    {
      phantom->failed = 0;
      phantom->lock_count++;
      phantom->locked_until = now + gh_auth_lock_seconds_for (phantom->lock_count);
    }
  g_mutex_unlock (&portal->sessions->lock);
}

void
_gh_portal_phantom_clear (GhPortal   *portal,
                          const char *key)
{
  g_autofree char *hashed = phantom_key (portal->sessions, key);

  g_mutex_lock (&portal->sessions->lock);
  g_hash_table_remove (portal->sessions->phantoms, hashed);
  g_mutex_unlock (&portal->sessions->lock);
}
