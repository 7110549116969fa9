/* Step-up before anything personal: loyalty number and PIN, checked with the
 * kiosk's argon2id code (app/auth) in this worker thread, never on the main
 * loop, at most a few at a time (each check takes 64 MiB). Wrong PINs lock the
 * member with the kiosk's growing delays, kept in HQ's member row; a number HQ
 * does not know gets the same answer in the same time and locks alike, in
 * memory. Success starts a short session in an HttpOnly, Secure, SameSite=Strict
 * cookie. Nothing here logs a number, a PIN or a name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "auth/gh-auth.h"
#include "auth/gh-auth-private.h"
#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"

/* Wrong PINs before a lock, as on the kiosk. */
#define MAX_FAILED_PINS 5
/* PIN checks at once: each holds argon2id's 64 MiB. */
#define MAX_CHECKS 2

static GMutex checks_lock;
static GCond  checks_cond;
static int    checks_running;

void
_gh_portal_check_begin (void)
{
  g_mutex_lock (&checks_lock);
  while (checks_running >= MAX_CHECKS)
    g_cond_wait (&checks_cond, &checks_lock);
  checks_running++;
  g_mutex_unlock (&checks_lock);
}

void
_gh_portal_check_end (void)
{
  g_mutex_lock (&checks_lock);
  checks_running--;
  g_cond_signal (&checks_cond);
  g_mutex_unlock (&checks_lock);
}

static void
sign_in_form (GhPortalRequest *req,
              guint            status,
              const char      *message)
{
  g_autofree char *csrf = _gh_portal_csrf_field (req);
  g_autofree char *escaped = _gh_portal_escape (message);
  g_autofree char *error = message != NULL
    ? g_strdup_printf ("<p class=\"error\" role=\"alert\">%s</p>", escaped) : g_strdup ("");
  g_autofree char *main = gh_portal_template (
      "sign-in.html",
      "heading", T (req, NC_("portal", "Sign in")),
      "intro", T (req, NC_("portal", "To see your data or change a choice, sign in with the loyalty number and "
                       "PIN you use at the kiosk.")),
      "error", error,
      "loyalty_label", T (req, NC_("portal", "Loyalty number")),
      "pin_label", T (req, NC_("portal", "PIN")),
      "submit", T (req, NC_("portal", "Sign in")),
      "csrf", csrf,
      NULL);
  _gh_portal_page (req, status, T (req, NC_("portal", "Sign in")), main);
}

static gboolean
all_digits (const char *text,
            gsize       min,
            gsize       max)
{
  gsize length = text != NULL ? strlen (text) : 0;

  if (length < min || length > max)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static void
refuse_locked (GhPortalRequest *req,
               gint64           seconds)
{
  g_autofree char *text = NULL;
  gint64 minutes = MAX ((seconds + 59) / 60, 1);

  req->retry_after = (guint) seconds;
  /* Translators: %d is a number of minutes */
  text = g_strdup_printf (T (req, NC_("portal", "Too many wrong PINs. Try again in %d minutes, or ask at the "
                                  "kiosk for help.")), (int) minutes);
  sign_in_form (req, 429, text);
}

/* One wrong PIN for @loyalty_id: in the member row at HQ (the schedule of
 * app/auth: a lock after every MAX_FAILED_PINS, each lock twice as long), in
 * one transaction so two phones cannot both get a try for free. Runs the same
 * statements whether or not HQ knows the number; an unknown one is counted in
 * memory. */
static gboolean
count_failure (GhPortalRequest  *req,
               PGconn           *conn,
               const char       *loyalty_id,
               GError          **error)
{
  const char *params[3] = { loyalty_id, NULL, NULL };
  g_autoptr(PGresult) begin = NULL;
  g_autoptr(PGresult) row = NULL;
  g_autoptr(PGresult) update = NULL;
  g_autoptr(PGresult) commit = NULL;
  g_autofree char *failed_text = NULL;
  g_autofree char *lock_text = NULL;
  gint64 now = _gh_auth_now ();
  int failed;

  begin = gh_portal_db_exec (conn, "BEGIN", 0, NULL, error);
  if (begin == NULL)
    return FALSE;
  row = gh_portal_db_exec (conn, "SELECT failed_pins FROM glasshouse.member WHERE loyalty_id = $1"
                                 " FOR UPDATE", 1, params, error);
  if (row == NULL)
    goto rollback;
  failed = PQntuples (row) > 0 ? (int) g_ascii_strtoll (PQgetvalue (row, 0, 0), NULL, 10) + 1 : 1;
  failed_text = g_strdup_printf ("%d", failed);
  /* The member's failures count up until a success; every MAX_FAILED_PINS-th
   * locks, for as long as the (failed / MAX_FAILED_PINS)-th lock lasts. */
  lock_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                               failed % MAX_FAILED_PINS == 0
                               ? now + gh_auth_lock_seconds_for (failed / MAX_FAILED_PINS) : 0);
  params[1] = failed_text;
  params[2] = lock_text;
  update = gh_portal_db_exec (conn,
                              "UPDATE glasshouse.member SET failed_pins = $2::int,"
                              "       locked_until = CASE WHEN $3::bigint > 0"
                              "                           THEN to_timestamp ($3::bigint)"
                              "                           ELSE locked_until END"
                              " WHERE loyalty_id = $1", 3, params, error);
  if (update == NULL)
    goto rollback;
  commit = gh_portal_db_exec (conn, "COMMIT", 0, NULL, error);
  if (commit == NULL)
    goto rollback;
  if (PQntuples (row) == 0)
    _gh_portal_phantom_failed (req->portal, loyalty_id, now);
  return TRUE;

rollback:
  PQclear (PQexec (conn, "ROLLBACK"));
  return FALSE;
}

static gboolean
count_success (PGconn      *conn,
               const char  *ref,
               GError     **error)
{
  const char *params[] = { ref };
  g_autoptr(PGresult) update = gh_portal_db_exec (
      conn, "UPDATE glasshouse.member SET failed_pins = 0, locked_until = NULL WHERE ref = $1",
      1, params, error);
  return update != NULL;
}

static void
sign_in (GhPortalRequest *req)
{
  const char *loyalty_id = g_hash_table_lookup (req->form, "loyalty");
  const char *pin = g_hash_table_lookup (req->form, "pin");
  const char *params[] = { loyalty_id };
  g_autoptr(PGresult) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *session = NULL;
  gint64 now = _gh_auth_now ();
  gint64 locked = 0;
  gboolean known, ok;
  PGconn *conn;

  if (!_gh_portal_form_fresh (req))
    return;
  if (!all_digits (loyalty_id, 4, 20) || !all_digits (pin, 4, 8))
    {
      sign_in_form (req, 400, T (req, NC_("portal", "Type your loyalty number and your PIN, digits only.")));
      return;
    }
  conn = _gh_portal_conn (req, &error);
  if (conn != NULL)
    row = gh_portal_db_exec (conn,
                             "SELECT ref, display_name, pin_hash,"
                             "       coalesce (extract (epoch FROM locked_until)::bigint, 0)"
                             "  FROM glasshouse.member m WHERE loyalty_id = $1"
                             "   AND NOT EXISTS (SELECT 1 FROM glasshouse.erasure e WHERE e.ref = m.ref)",
                             1, params, &error);
  if (row == NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  known = PQntuples (row) > 0;
  if (known)
    locked = MAX (g_ascii_strtoll (PQgetvalue (row, 0, 3), NULL, 10) - now, 0);
  else
    locked = _gh_portal_phantom_locked (req->portal, loyalty_id, now);
  if (locked > 0)
    {
      refuse_locked (req, locked);
      return;
    }

  _gh_portal_check_begin ();
  /* An unknown number, or one without a PIN, is checked against a dummy hash:
   * the same work, the same time, the same answer. */
  ok = _gh_auth_verify_constant_cost (known && !PQgetisnull (row, 0, 2) ? PQgetvalue (row, 0, 2) : NULL,
                                      pin);
  _gh_portal_check_end ();
  ok = ok && known;

  if (!ok)
    {
      if (!count_failure (req, conn, loyalty_id, &error))
        {
          _gh_portal_page_unavailable (req, error);
          return;
        }
      locked = known ? 0 : _gh_portal_phantom_locked (req->portal, loyalty_id, now);
      if (known)
        {
          g_autoptr(PGresult) again = gh_portal_db_exec (
              conn, "SELECT coalesce (extract (epoch FROM locked_until)::bigint, 0)"
                    "  FROM glasshouse.member WHERE loyalty_id = $1", 1, params, NULL);
          if (again != NULL && PQntuples (again) > 0)
            locked = MAX (g_ascii_strtoll (PQgetvalue (again, 0, 0), NULL, 10) - now, 0);
        }
      if (locked > 0)
        refuse_locked (req, locked);
      else
        sign_in_form (req, 403, T (req, NC_("portal", "That loyalty number and PIN do not match.")));
      return;
    }
  if (!count_success (conn, PQgetvalue (row, 0, 0), &error))
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  first_name = g_strndup (PQgetvalue (row, 0, 1), strcspn (PQgetvalue (row, 0, 1), " "));
  session = _gh_portal_session_start (req->portal, PQgetvalue (row, 0, 0), first_name);
  /* A new session drops the pre-session cookie: its CSRF tokens end here. */
  _gh_portal_set_cookie (req, GH_PORTAL_COOKIE_SESSION, session, -1);
  _gh_portal_set_cookie (req, GH_PORTAL_COOKIE_PRE, "", 0);
  _gh_portal_redirect (req, "/me");
}

void
_gh_portal_handle_sign_in (GhPortalRequest *req)
{
  if (g_str_equal (req->method, "POST"))
    sign_in (req);
  else
    sign_in_form (req, 200, NULL);
}

void
_gh_portal_handle_sign_out (GhPortalRequest *req)
{
  if (!_gh_portal_form_fresh (req))
    return;
  _gh_portal_session_end (req);
  _gh_portal_page_message (req, 200, T (req, NC_("portal", "You are signed out")),
                           T (req, NC_("portal", "Nothing of yours stays on this phone.")));
}
