/* Switching a purpose from the phone, the kiosk's rule: first the preview of
 * the offers the change removes (and adds), computed by the same offer engine,
 * then the decision, written at HQ as a row of glasshouse.decision with origin
 * "portal", with a new receipt (gh-portal-issue.c). HQ's arrival order decides which decision wins, and every kiosk
 * takes it on its next sync.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>

#include "offers/gh-offers.h"
#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-member.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"

static void
append_offer_list (GhPortalRequest *req,
                   GhCatalog       *catalog,
                   GString         *out,
                   const char      *heading,
                   GPtrArray       *matches)
{
  if (matches == NULL || matches->len == 0)
    return;
  g_string_append (out, "<h3>");
  _gh_portal_append_escaped (out, heading);
  g_string_append (out, "</h3><ul class=\"offers\">");
  for (guint i = 0; i < matches->len; i++)
    _gh_portal_append_offer (req, catalog, out, matches->pdata[i]);
  g_string_append (out, "</ul>");
}

static void
preview (GhPortalRequest *req,
         GhPortalMember  *member,
         GhPurpose       *purpose,
         GhConsentState   state)
{
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = gh_offers_what_if (member->catalog, member->items, member->consents,
                                                    gh_purpose_get_id (purpose), state, &added);
  g_autoptr(GString) effects = g_string_new (NULL);
  g_autofree char *csrf = _gh_portal_csrf_field (req);
  g_autofree char *id = _gh_portal_escape (gh_purpose_get_id (purpose));
  g_autofree char *main = NULL;
  gboolean off = state == GH_CONSENT_REVOKED;

  append_offer_list (req, member->catalog, effects, T (req, NC_("portal", "You would no longer get these offers:")), removed);
  append_offer_list (req, member->catalog, effects, T (req, NC_("portal", "You would get these offers:")), added);
  if (effects->len == 0)
    {
      g_string_append (effects, "<p>");
      _gh_portal_append_escaped (effects, T (req, NC_("portal", "None of your current offers change.")));
      g_string_append (effects, "</p>");
    }
  main = gh_portal_template (
      "choice.html",
      "heading", gh_purpose_get_title (purpose, req->lang),
      "description", gh_purpose_get_description (purpose, req->lang),
      "question", off ? T (req, NC_("portal", "Switch this purpose off?")) : T (req, NC_("portal", "Switch this purpose on?")),
      "effects", effects->str,
      "purpose", id,
      "state", off ? "revoked" : "granted",
      "confirm", off ? T (req, NC_("portal", "Switch off")) : T (req, NC_("portal", "Switch on")),
      "cancel", T (req, NC_("portal", "Keep it as it is")),
      "csrf", csrf,
      NULL);
  _gh_portal_page (req, 200, gh_purpose_get_title (purpose, req->lang), main);
}

/* The decision and, when the portal has a receipt key, its receipt, in one
 * transaction. Returns the receipt's token ("" without a key), or NULL with @error. */
static char *
record_decision (GhPortalRequest  *req,
                 GhPortalMember   *member,
                 GhPurpose        *purpose,
                 GhConsentState    from,
                 GhConsentState    to,
                 GError          **error)
{
  const char *params[] = {
    member->ref, gh_purpose_get_id (purpose), gh_consent_state_to_string (to),
    gh_purpose_get_notice_version (purpose),
  };
  g_autoptr(PGresult) begin = NULL;
  g_autoptr(PGresult) inserted = NULL;
  g_autoptr(PGresult) commit = NULL;
  g_autofree char *token = NULL;

  begin = gh_portal_db_exec (req->conn, "BEGIN", 0, NULL, error);
  if (begin == NULL)
    return NULL;
  inserted = gh_portal_db_exec (
      req->conn,
      "INSERT INTO glasshouse.decision (ref, purpose_id, state, notice_version, decided_at, origin)"
      " VALUES ($1, $2, $3, $4, now (), 'portal') RETURNING change_no", 4, params, error);
  if (inserted == NULL)
    goto rollback;
  if (req->portal->receipt_keys != NULL)
    {
      token = _gh_portal_issue_receipt (req, member, gh_purpose_get_id (purpose), from, to,
                                        g_ascii_strtoll (PQgetvalue (inserted, 0, 0), NULL, 10), error);
      if (token == NULL)
        goto rollback;
    }
  commit = gh_portal_db_exec (req->conn, "COMMIT", 0, NULL, error);
  if (commit == NULL)
    goto rollback;
  return token != NULL ? g_steal_pointer (&token) : g_strdup ("");

rollback:
  PQclear (PQexec (req->conn, "ROLLBACK"));
  return NULL;
}

void
_gh_portal_handle_choice (GhPortalRequest *req)
{
  GHashTable *fields = g_str_equal (req->method, "POST") ? req->form : req->query;
  const char *purpose_id = g_hash_table_lookup (fields, "purpose");
  const char *state_text = g_hash_table_lookup (req->form, "state");
  g_autoptr(GhPortalMember) member = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  GhPurpose *purpose;
  GhConsentState current, wanted;

  if (g_str_equal (req->method, "POST") && !_gh_portal_form_fresh (req))
    return;
  member = _gh_portal_member_for_request (req, NULL);
  if (member == NULL)
    return;
  purpose = purpose_id != NULL ? gh_catalog_find_purpose (member->catalog, purpose_id) : NULL;
  if (purpose == NULL || !gh_purpose_get_can_revoke (purpose))
    {
      _gh_portal_page_message (req, 404, T (req, NC_("portal", "There is no such choice")),
                               T (req, NC_("portal", "Go back to your choices and pick one from the list.")));
      return;
    }
  current = gh_offers_purpose_state (purpose, member->consents);
  if (g_str_equal (req->method, "GET"))
    {
      preview (req, member, purpose,
               current == GH_CONSENT_GRANTED ? GH_CONSENT_REVOKED : GH_CONSENT_GRANTED);
      return;
    }
  if (state_text == NULL || !gh_consent_state_from_string (state_text, &wanted))
    {
      _gh_portal_page_message (req, 400, T (req, NC_("portal", "There is no such choice")),
                               T (req, NC_("portal", "Go back to your choices and pick one from the list.")));
      return;
    }
  /* Sent twice (a double tap, the back button): the second changes nothing. */
  if (wanted == current)
    {
      _gh_portal_redirect (req, "/me?saved=1#choices");
      return;
    }
  token = record_decision (req, member, purpose, current, wanted, &error);
  if (token == NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  if (*token != '\0')
    {
      /* The new receipt, as the kiosk shows one after a change. */
      g_autofree char *location = g_strconcat ("/r/", token, "?saved=1", NULL);
      _gh_portal_redirect (req, location);
    }
  else
    _gh_portal_redirect (req, "/me?saved=1#choices");
}
