/* The receipt pages: GET /r/TOKEN (the QR code's link) and the short-code form.
 * A token is trusted only when it verifies with the key of a kiosk HQ approved
 * and has not expired; then the receipt HQ holds under its id is shown. Nothing
 * personal is on these pages: the token was on a screen in a shop. Refusals
 * are one plain page, "This link is not valid", whatever the reason: 400 for
 * something that is not a token, 410 for an expired one, 404 for the rest.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"

#define MAX_TOKEN_CHARS 256

void
_gh_portal_handle_home (GhPortalRequest *req)
{
  g_autofree char *csrf = _gh_portal_csrf_field (req);
  g_autofree char *main = gh_portal_template (
      "home.html",
      "heading", T (req, NC_("portal", "Your receipt from the kiosk")),
      "intro", T (req, NC_("portal", "Scan the code on the kiosk's screen with your phone's camera, or type the "
                       "code shown under it.")),
      "code_label", T (req, NC_("portal", "Code from the kiosk")),
      "code_hint", T (req, NC_("portal", "8 letters and digits, for example ABCD-2345")),
      "submit", T (req, NC_("portal", "Show my receipt")),
      "csrf", csrf,
      "error", "",
      "sign_in_text", T (req, NC_("portal", "Already a member? See your data and change your choices.")),
      "sign_in", T (req, NC_("portal", "Sign in")),
      NULL);
  _gh_portal_page (req, 200, T (req, NC_("portal", "Your privacy")), main);
}

static void
code_form_again (GhPortalRequest *req,
                 guint            status,
                 const char      *message)
{
  g_autofree char *csrf = _gh_portal_csrf_field (req);
  g_autofree char *escaped = _gh_portal_escape (message);
  g_autofree char *error = g_strdup_printf ("<p class=\"error\" role=\"alert\">%s</p>", escaped);
  g_autofree char *main = gh_portal_template (
      "home.html",
      "heading", T (req, NC_("portal", "Your receipt from the kiosk")),
      "intro", T (req, NC_("portal", "Scan the code on the kiosk's screen with your phone's camera, or type the "
                       "code shown under it.")),
      "code_label", T (req, NC_("portal", "Code from the kiosk")),
      "code_hint", T (req, NC_("portal", "8 letters and digits, for example ABCD-2345")),
      "submit", T (req, NC_("portal", "Show my receipt")),
      "csrf", csrf,
      "error", error,
      "sign_in_text", T (req, NC_("portal", "Already a member? See your data and change your choices.")),
      "sign_in", T (req, NC_("portal", "Sign in")),
      NULL);
  _gh_portal_page (req, status, T (req, NC_("portal", "Your privacy")), main);
}

void
_gh_portal_handle_code (GhPortalRequest *req)
{
  const char *typed = g_hash_table_lookup (req->form, "code");
  g_autofree char *code = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  PGconn *conn;

  if (!_gh_portal_form_fresh (req))
    return;
  /* 40 bits of code: guesses are counted per client before anything is looked up. */
  if (!_gh_portal_code_try (req, &req->retry_after))
    {
      code_form_again (req, 429, T (req, NC_("portal", "Too many tries. Please wait a minute and try again.")));
      return;
    }
  code = typed != NULL && strlen (typed) <= 32 ? gh_token_normalize_short_code (typed) : NULL;
  if (code == NULL)
    {
      code_form_again (req, 400, T (req, NC_("portal", "That is not a code from the kiosk. It has 8 letters and digits.")));
      return;
    }
  /* HQ keeps codes as the kiosk's event has them, without the dash (docs/hq-schema.md). */
  g_strdelimit (code, "-", ' ');
  {
    char *to = code;
    for (const char *from = code; *from != '\0'; from++)
      if (*from != ' ')
        *to++ = *from;
    *to = '\0';
  }
  conn = _gh_portal_conn (req, &error);
  if (conn != NULL)
    {
      const char *params[] = { code };
      result = gh_portal_db_exec (conn,
                                  "SELECT token FROM glasshouse.receipt"
                                  " WHERE short_code = $1 AND expires_at > now () AND token <> ''"
                                  " ORDER BY issued_at DESC LIMIT 1",
                                  1, params, &error);
    }
  if (result == NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  if (PQntuples (result) == 0)
    {
      code_form_again (req, 404, T (req, NC_("portal", "No receipt has this code. Check it on the kiosk's screen.")));
      return;
    }
  location = g_strconcat ("/r/", PQgetvalue (result, 0, 0), NULL);
  _gh_portal_redirect (req, location);
}

/* ---- the receipt page --------------------------------------------------------- */

static const char *
kind_heading (GhPortalRequest *req,
              const char      *kind)
{
  if (g_strcmp0 (kind, "erasure") == 0)
    return T (req, NC_("portal", "Your request to be forgotten"));
  if (g_strcmp0 (kind, "access") == 0)
    return T (req, NC_("portal", "Your request for a copy of your data"));
  return T (req, NC_("portal", "The choices you made"));
}

static void
append_row (GString    *out,
            const char *label,
            const char *value)
{
  g_string_append (out, "<div class=\"fact\"><dt>");
  _gh_portal_append_escaped (out, label);
  g_string_append (out, "</dt><dd>");
  _gh_portal_append_escaped (out, value);
  g_string_append (out, "</dd></div>");
}

static char *
purposes_html (GhPortalRequest *req,
               JsonObject      *body)
{
  GString *out = g_string_new ("<ul class=\"purposes\">");
  JsonArray *services = json_object_has_member (body, "services")
                        ? json_object_get_array_member (body, "services") : NULL;
  JsonObject *service = services != NULL && json_array_get_length (services) > 0
                        ? json_array_get_object_element (services, 0) : NULL;
  JsonArray *purposes = service != NULL && json_object_has_member (service, "purposes")
                        ? json_object_get_array_member (service, "purposes") : NULL;

  for (guint i = 0; purposes != NULL && i < json_array_get_length (purposes); i++)
    {
      JsonObject *purpose = json_array_get_object_element (purposes, i);
      const char *title = json_object_get_string_member_with_default (purpose, "purpose", "");
      const char *state = json_object_get_string_member_with_default (purpose, "state", "");
      gboolean changed = json_object_get_boolean_member_with_default (purpose, "changedInThisVisit", FALSE);
      gboolean on = g_str_equal (state, "granted");

      g_string_append_printf (out, "<li class=\"purpose %s\"><span class=\"purpose-title\">", on ? "on" : "off");
      _gh_portal_append_escaped (out, title);
      g_string_append (out, "</span> <span class=\"state\">");
      _gh_portal_append_escaped (out, on ? T (req, NC_("portal", "On")) : T (req, NC_("portal", "Off")));
      g_string_append (out, "</span>");
      if (changed)
        {
          g_string_append (out, " <span class=\"changed\">");
          _gh_portal_append_escaped (out, T (req, NC_("portal", "changed on this visit")));
          g_string_append (out, "</span>");
        }
      g_string_append (out, "</li>");
    }
  g_string_append (out, "</ul>");
  return g_string_free (out, FALSE);
}

static void
show_receipt (GhPortalRequest *req,
              const char      *json,
              const char      *store,
              gint64           issued_at,
              gint64           expires_at)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) facts = g_string_new (NULL);
  g_autofree char *when = NULL;
  g_autofree char *until = NULL;
  g_autofree char *purposes = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *main = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GhPortalSignedIn) who = _gh_portal_session_get (req);
  JsonObject *body;
  JsonArray *controllers;
  const char *controller = NULL;
  const char *staff;
  const char *kind;
  const char *language;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      _gh_portal_page_invalid (req, 404);
      return;
    }
  body = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_boolean_member_with_default (body, "withdrawn", FALSE))
    {
      _gh_portal_page_invalid (req, 404);  /* its shopper was forgotten */
      return;
    }
  /* The receipt's own language, unless the shopper chose one here. */
  language = json_object_get_string_member_with_default (body, "language", NULL);
  if (g_hash_table_lookup (req->query, "lang") == NULL &&
      g_hash_table_lookup (req->cookies, GH_PORTAL_COOKIE_LANG) == NULL &&
      gh_portal_i18n_supports (language))
    {
      g_free (req->lang);
      req->lang = g_strdup (language);
    }
  kind = json_object_get_string_member_with_default (body, "receiptKind", "consent");
  controllers = json_object_has_member (body, "piiControllers")
                ? json_object_get_array_member (body, "piiControllers") : NULL;
  if (controllers != NULL && json_array_get_length (controllers) > 0)
    controller = json_object_get_string_member_with_default (
        json_array_get_object_element (controllers, 0), "piiController", NULL);
  staff = json_object_get_string_member_with_default (body, "assistingStaffId", NULL);

  when = _gh_portal_format_time (req, issued_at, TRUE);
  until = _gh_portal_format_time (req, expires_at, FALSE);
  append_row (facts, T (req, NC_("portal", "When")), when);
  /* A receipt the portal issued was made here, not in a store. */
  append_row (facts, T (req, NC_("portal", "Where")),
              g_strcmp0 (json_object_get_string_member_with_default (body, "kioskId", ""),
                         req->portal->config->portal_id) == 0
              ? T (req, NC_("portal", "Online, on this site")) : store);
  if (staff != NULL)
    append_row (facts, T (req, NC_("portal", "Helped by staff member")), staff);
  if (controller != NULL)
    append_row (facts, T (req, NC_("portal", "Responsible for your data")), controller);
  append_row (facts, T (req, NC_("portal", "This link works until")), until);
  purposes = purposes_html (req, body);
  policy = _gh_portal_escape (json_object_get_string_member_with_default (body, "policyUrl", ""));

  if (who != NULL && g_hash_table_contains (req->query, "saved"))
    {
      g_autofree char *text = _gh_portal_escape (
          T (req, NC_("portal", "Saved. Every kiosk applies your choice the next time it syncs with us.")));
      notice = g_strdup_printf ("<p class=\"notice\" role=\"status\">%s</p>", text);
    }
  main = gh_portal_template (
      "receipt.html",
      "notice", notice != NULL ? notice : "",
      "heading", kind_heading (req, kind),
      "intro", T (req, NC_("portal", "This is your receipt from the kiosk. It names no one: keep the link to "
                       "come back to it.")),
      "facts", facts->str,
      "purposes_heading", T (req, NC_("portal", "What each purpose is set to")),
      "purposes", purposes,
      "policy_url", policy,
      "policy", T (req, NC_("portal", "Read the privacy policy")),
      "next_heading", who != NULL ? T (req, NC_("portal", "Your copy and your rights"))
                                  : T (req, NC_("portal", "See your data or change a choice")),
      "next_text", who != NULL
                   ? T (req, NC_("portal", "You can switch any purpose off or on, download a copy of your "
                                           "data, or ask us to forget you."))
                   : T (req, NC_("portal", "Sign in with your loyalty number and PIN. You can switch any purpose "
                           "off or on, download a copy of your data, or ask us to forget you.")),
      "sign_in", who != NULL ? T (req, NC_("portal", "Back to your data and choices"))
                             : T (req, NC_("portal", "Sign in")),
      "next_href", who != NULL ? "/me" : "/sign-in",
      NULL);
  _gh_portal_page (req, 200, kind_heading (req, kind), main);
}

void
_gh_portal_handle_receipt (GhPortalRequest *req)
{
  const char *token = req->path + strlen ("/r/");
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *receipt_id = NULL;
  const char *params[2];

  if (*token == '\0' || strlen (token) > MAX_TOKEN_CHARS)
    {
      _gh_portal_page_invalid (req, 400);
      return;
    }
  claims = _gh_portal_verify_token (req, token, &error);
  if (claims == NULL)
    {
      if (error->domain != GH_TOKEN_ERROR)
        _gh_portal_page_unavailable (req, error);
      else if (error->code == GH_TOKEN_ERROR_MALFORMED)
        _gh_portal_page_invalid (req, 400);
      else if (error->code == GH_TOKEN_ERROR_EXPIRED)
        _gh_portal_page_invalid (req, 410);
      else
        _gh_portal_page_invalid (req, 404);
      return;
    }
  receipt_id = gh_token_format_receipt_id (claims->receipt_id);
  params[0] = receipt_id;
  params[1] = claims->kiosk_id;
  if (_gh_portal_conn (req, &error) == NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  result = gh_portal_db_exec (req->conn,
                              "SELECT r.body::text, coalesce (k.store_id, r.kiosk_id),"
                              "       extract (epoch FROM r.issued_at)::bigint,"
                              "       extract (epoch FROM r.expires_at)::bigint"
                              "  FROM glasshouse.receipt r"
                              "  LEFT JOIN glasshouse.kiosk k ON k.kiosk_id = r.kiosk_id"
                              " WHERE r.receipt_id = $1::uuid AND r.kiosk_id = $2 AND r.token <> ''",
                              2, params, &error);
  if (result == NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  if (PQntuples (result) == 0)
    {
      _gh_portal_page_invalid (req, 404);
      return;
    }
  show_receipt (req, PQgetvalue (result, 0, 0), PQgetvalue (result, 0, 1),
                g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10),
                g_ascii_strtoll (PQgetvalue (result, 0, 3), NULL, 10));
}
