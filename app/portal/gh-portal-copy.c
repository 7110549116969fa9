/* The member's copy of their data (GDPR Art. 15 and 20): the same
 * glasshouse-export/1 JSON the kiosk attaches to an access receipt
 * (docs/receipts.md), as a download and as a page to read; and the request to
 * be forgotten, which runs HQ's glasshouse.erase_member () with origin "portal":
 * every kiosk erases the member on its next sync.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "receipts/gh-receipt-private.h"
#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-member.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"

/* The kiosk's own export (docs/receipts.md), from HQ's rows. */
static char *
export_json (GhPortalRequest *req,
             GhPortalMember  *member)
{
  GhCustomer customer = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  customer.ref = member->ref;
  customer.loyalty_id = member->loyalty_id;
  customer.display_name = member->display_name;
  customer.created_at = member->member_since;
  root = _gh_receipt_build_export (member->catalog, &customer, member->items, member->consents,
                                   req->lang, g_get_real_time () / G_USEC_PER_SEC);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

void
_gh_portal_handle_copy_json (GhPortalRequest *req)
{
  g_autoptr(GhPortalMember) member = _gh_portal_member_for_request (req, NULL);
  g_autofree char *json = NULL;

  if (member == NULL)
    return;
  json = export_json (req, member);
  req->status = 200;
  req->content_type = g_strdup ("application/json; charset=utf-8");
  req->disposition = g_strdup ("attachment; filename=\"my-data.json\"");
  g_string_assign (req->body, json);
}

void
_gh_portal_handle_copy (GhPortalRequest *req)
{
  g_autoptr(GhPortalMember) member = _gh_portal_member_for_request (req, NULL);
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GString) consents = g_string_new ("<ul class=\"consents\">");
  g_autoptr(GString) facts = g_string_new (NULL);
  g_autofree char *since = NULL;
  g_autofree char *main = NULL;

  if (member == NULL)
    return;
  since = _gh_portal_format_time (req, member->member_since, FALSE);
  g_string_append (facts, "<div class=\"fact\"><dt>");
  _gh_portal_append_escaped (facts, T (req, NC_("portal", "Name")));
  g_string_append (facts, "</dt><dd>");
  _gh_portal_append_escaped (facts, member->display_name);
  g_string_append (facts, "</dd></div><div class=\"fact\"><dt>");
  _gh_portal_append_escaped (facts, T (req, NC_("portal", "Member since")));
  g_string_append (facts, "</dt><dd>");
  _gh_portal_append_escaped (facts, since);
  g_string_append (facts, "</dd></div><div class=\"fact\"><dt>");
  _gh_portal_append_escaped (facts, T (req, NC_("portal", "Responsible for your data")));
  g_string_append (facts, "</dt><dd>");
  _gh_portal_append_escaped (facts, gh_catalog_get_controller (member->catalog));
  g_string_append (facts, "</dd></div>");
  _gh_portal_append_items (req, data, member, TRUE);
  for (guint i = 0; i < member->consents->len; i++)
    {
      GhConsent *consent = member->consents->pdata[i];
      GhPurpose *purpose = gh_catalog_find_purpose (member->catalog, consent->purpose_id);
      g_autofree char *when = _gh_portal_format_time (req, consent->updated_at, TRUE);

      g_string_append (consents, "<li><span class=\"purpose-title\">");
      _gh_portal_append_escaped (consents, purpose != NULL ? gh_purpose_get_title (purpose, req->lang)
                                                           : consent->purpose_id);
      g_string_append (consents, "</span> <span class=\"state\">");
      _gh_portal_append_escaped (consents, consent->state == GH_CONSENT_GRANTED ? T (req, NC_("portal", "On"))
                                                                                : T (req, NC_("portal", "Off")));
      g_string_append (consents, "</span> <span class=\"dates\">");
      _gh_portal_append_escaped (consents, when);
      g_string_append (consents, "</span></li>");
    }
  g_string_append (consents, "</ul>");
  main = gh_portal_template (
      "copy.html",
      "heading", T (req, NC_("portal", "Your copy of your data")),
      "intro", T (req, NC_("portal", "Everything we hold about you, as the law gives you the right to see it. "
                       "The download has the same in a form other services can read.")),
      "facts", facts->str,
      "data_heading", T (req, NC_("portal", "Your data")),
      "data", data->str,
      "consents_heading", T (req, NC_("portal", "Choices you made")),
      "consents", member->consents->len > 0 ? consents->str : "",
      "download", T (req, NC_("portal", "Download your data (JSON)")),
      "back", T (req, NC_("portal", "Back to your data and choices")),
      NULL);
  _gh_portal_page (req, 200, T (req, NC_("portal", "Your copy of your data")), main);
}

void
_gh_portal_handle_forget (GhPortalRequest *req)
{
  g_autoptr(GhPortalMember) member = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *main = NULL;

  if (g_str_equal (req->method, "POST") && !_gh_portal_form_fresh (req))
    return;
  member = _gh_portal_member_for_request (req, NULL);
  if (member == NULL)
    return;
  if (g_str_equal (req->method, "GET"))
    {
      csrf = _gh_portal_csrf_field (req);
      main = gh_portal_template (
          "forget.html",
          "heading", T (req, NC_("portal", "Forget me")),
          "text", T (req, NC_("portal", "We delete your membership, the data we hold about you and your "
                          "choices, at HQ now and on every kiosk at its next sync. Your receipts "
                          "stop working. What the law makes us keep (such as tax records) stays "
                          "until its time is up. This cannot be undone.")),
          "confirm", T (req, NC_("portal", "Forget me")),
          "cancel", T (req, NC_("portal", "Keep my membership")),
          "csrf", csrf,
          NULL);
      _gh_portal_page (req, 200, T (req, NC_("portal", "Forget me")), main);
      return;
    }
  {
    const char *params[] = { member->ref };
    result = gh_portal_db_exec (req->conn,
                                "SELECT glasshouse.erase_member ($1, 'portal', now ())",
                                1, params, &error);
  }
  if (result == NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return;
    }
  _gh_portal_sessions_end_for (req->portal, member->ref);
  _gh_portal_session_end (req);
  _gh_portal_page_message (req, 200, T (req, NC_("portal", "We are forgetting you")),
                           T (req, NC_("portal", "Your data is gone from HQ, and every kiosk deletes it at its "
                                   "next sync. Thank you for having been with us.")));
}
