/* HQ's pages in the portal (issue 17): /hq, a sign-in for the staff named in
 * hq-staff-file; /hq/report, the fleet report of `glasshouse-ctl hq report`
 * computed with the library on hq-report-postgres (an analyst login: the report
 * reads tables the portal's own role must not) against the newest bundle that
 * verifies with the portal's bundle-trust. Sign-in follows the shoppers' rules:
 * argon2id in this worker thread, a name the file does not list checked against
 * the dummy hash so it answers the same in the same time, and the same lockout,
 * kept in memory for every name alike. Nothing here logs a name or a passphrase.
 * Without hq-staff-file every HQ page answers 404, as for any unknown path.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "auth/gh-auth-private.h"
#include "hq/gh-hq-import.h"
#include "hq/gh-hq-report.h"
#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"

#define MAX_PASSPHRASE_LENGTH 256

/* One report at a time: each one opens several connections and walks every
 * member through the offer engine; a second staff member waits a minute rather
 * than the shoppers' pages waiting for threads. */
static GMutex report_lock;

static gboolean
hq_enabled (GhPortalRequest *req)
{
  if (req->portal->staff != NULL)
    return TRUE;
  _gh_portal_page_invalid (req, 404);
  return FALSE;
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
  const char *heading = T (req, NC_("portal", "HQ staff sign-in"));
  g_autofree char *main = gh_portal_template (
      "hq-sign-in.html",
      "heading", heading,
      "intro", T (req, NC_("portal", "The fleet report is for head office staff. Sign in with your "
                       "name and passphrase.")),
      "error", error,
      "name_label", T (req, NC_("portal", "Name")),
      "passphrase_label", T (req, NC_("portal", "Passphrase")),
      "submit", T (req, NC_("portal", "Sign in")),
      "csrf", csrf,
      NULL);
  _gh_portal_page (req, status, heading, main);
}

static void
signed_in_page (GhPortalRequest *req)
{
  g_autofree char *csrf = _gh_portal_csrf_field (req);
  const char *heading = T (req, NC_("portal", "The fleet report"));
  g_autofree char *main = gh_portal_template (
      "hq-home.html",
      "heading", heading,
      "intro", T (req, NC_("portal", "You are signed in as HQ staff. The report is computed when "
                       "you open it, from what HQ holds now.")),
      "open", T (req, NC_("portal", "Open the fleet report")),
      "lang", req->lang,
      "sign_out", T (req, NC_("portal", "Sign out")),
      "csrf", csrf,
      NULL);
  _gh_portal_page (req, 200, heading, main);
}

void
_gh_portal_handle_hq (GhPortalRequest *req)
{
  if (!hq_enabled (req))
    return;
  if (_gh_portal_staff_signed_in (req))
    signed_in_page (req);
  else
    sign_in_form (req, 200, NULL);
}

static void
refuse_locked (GhPortalRequest *req,
               gint64           seconds)
{
  g_autofree char *text = NULL;
  gint64 minutes = MAX ((seconds + 59) / 60, 1);

  req->retry_after = (guint) seconds;
  /* Translators: %d is a number of minutes */
  text = g_strdup_printf (T (req, NC_("portal", "Too many wrong passphrases. Try again in %d minutes.")),
                          (int) minutes);
  sign_in_form (req, 429, text);
}

void
_gh_portal_handle_hq_sign_in (GhPortalRequest *req)
{
  const char *name = g_hash_table_lookup (req->form, "name");
  const char *passphrase = g_hash_table_lookup (req->form, "passphrase");
  g_autofree char *lock_key = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *session = NULL;
  gint64 now = _gh_auth_now ();
  gint64 locked;
  gboolean ok;

  if (!hq_enabled (req) || !_gh_portal_form_fresh (req))
    return;
  if (name == NULL || *name == '\0' || strlen (name) > 64 ||
      passphrase == NULL || *passphrase == '\0' || strlen (passphrase) > MAX_PASSPHRASE_LENGTH)
    {
      sign_in_form (req, 400, T (req, NC_("portal", "Type your name and your passphrase.")));
      return;
    }
  /* Names share the in-memory lockout with unknown loyalty numbers; the prefix
   * keeps the two apart (a loyalty number is digits only). */
  lock_key = g_strconcat ("hq-staff\n", name, NULL);
  locked = _gh_portal_phantom_locked (req->portal, lock_key, now);
  if (locked > 0)
    {
      refuse_locked (req, locked);
      return;
    }
  hash = _gh_portal_staff_hash (req->portal->staff, name);
  _gh_portal_check_begin ();
  /* A name the file does not list is checked against the dummy hash: the same
   * work, the same time, the same answer. */
  ok = _gh_auth_verify_constant_cost (hash, passphrase);
  _gh_portal_check_end ();
  if (hash != NULL)
    sodium_memzero (hash, strlen (hash));
  if (!ok)
    {
      _gh_portal_phantom_failed (req->portal, lock_key, now);
      locked = _gh_portal_phantom_locked (req->portal, lock_key, now);
      if (locked > 0)
        refuse_locked (req, locked);
      else
        sign_in_form (req, 403, T (req, NC_("portal", "That name and passphrase do not match.")));
      return;
    }
  _gh_portal_phantom_clear (req->portal, lock_key);
  session = _gh_portal_staff_session_start (req->portal->staff);
  _gh_portal_set_cookie (req, GH_PORTAL_COOKIE_HQ, session, GH_PORTAL_STAFF_MAX_SECONDS);
  _gh_portal_redirect (req, "/hq/report");
}

void
_gh_portal_handle_hq_sign_out (GhPortalRequest *req)
{
  if (!hq_enabled (req) || !_gh_portal_form_fresh (req))
    return;
  _gh_portal_staff_session_end (req);
  _gh_portal_redirect (req, "/hq");
}

/* The report's po/ texts from the portal's own catalogues, in the page's language:
 * a worker thread cannot switch gettext's process-wide language. */
static const char *
translate (const char *context,
           const char *msgid,
           const char *plural,
           gulong      n,
           gpointer    user_data)
{
  const char *lang = user_data;

  if (plural != NULL)
    return gh_portal_gettext_plural (lang, msgid, plural, n);
  if (context != NULL)
    return gh_portal_pgettext (lang, context, msgid);
  return gh_portal_gettext (lang, msgid);
}

/* The portal's policy, except that the report's one inline <style> element is
 * allowed by its hash: the report is a single self-contained page (no scripts,
 * nothing fetched, SVG drawn with attributes), so that hash is all it needs, and
 * no other inline style, injected or not, would match it. */
static char *
report_csp (const char *html)
{
  const char *start = strstr (html, "<style>");
  const char *end = start != NULL ? strstr (start, "</style>") : NULL;
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *hash = NULL;

  if (end == NULL)
    return NULL;  /* no inline style: the portal's own policy fits */
  start += strlen ("<style>");
  g_checksum_update (checksum, (const guchar *) start, end - start);
  g_checksum_get_digest (checksum, digest, &length);
  hash = g_base64_encode (digest, length);
  return g_strdup_printf ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                          "form-action 'self'; frame-ancestors 'none'; img-src 'self'; "
                          "style-src 'sha256-%s'", hash);
}

static char *
compute_report (GhPortalRequest  *req,
                GError          **error)
{
  const char *conninfo = req->portal->config->hq_report_postgres;
  g_autoptr(GhHq) hq = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GhHqReport) report = NULL;
  const char *language;

  if ((hq = gh_hq_connect (conninfo, error)) == NULL ||
      (catalog = gh_hq_load_catalog (hq, req->portal->bundle_trust, NULL, error)) == NULL ||
      (report = gh_hq_report_compute (conninfo, catalog, NULL, error)) == NULL)
    return NULL;
  /* The config's own titles in the page's language when the config has it. */
  language = g_strv_contains (gh_catalog_get_languages (catalog), req->lang)
             ? req->lang : gh_catalog_get_default_language (catalog);
  return gh_hq_report_to_html_translated (report, language, translate, req->lang);
}

void
_gh_portal_handle_hq_report (GhPortalRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *html = NULL;

  if (!hq_enabled (req))
    return;
  if (!_gh_portal_staff_signed_in (req))
    {
      _gh_portal_redirect (req, "/hq");
      return;
    }
  if (!g_mutex_trylock (&report_lock))
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_BUSY, "another fleet report is being computed");
      _gh_portal_page_unavailable (req, error);
      return;
    }
  html = compute_report (req, &error);
  g_mutex_unlock (&report_lock);
  if (html == NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  req->csp = report_csp (html);
  req->status = 200;
  g_free (req->content_type);
  req->content_type = g_strdup ("text/html; charset=utf-8");
  g_string_assign (req->body, html);
}
