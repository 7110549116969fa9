/* The signed-in member's page: what HQ holds about them by category (source,
 * the purposes that use it, when it is deleted, inferred data marked), the
 * offers they get with the data that produced each ("because…", from the same
 * offer engine as the kiosk), and a switch per purpose. Every page here is
 * personal: no-store, and only behind a session.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "offers/gh-format.h"
#include "offers/gh-item-text.h"
#include "offers/gh-offers.h"
#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-member.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"

GhPortalMember *
_gh_portal_member_for_request (GhPortalRequest   *req,
                               GhPortalSignedIn **who_out)
{
  g_autoptr(GhPortalSignedIn) who = _gh_portal_session_get (req);
  g_autoptr(GError) error = NULL;
  GhPortalMember *member;

  req->personal = TRUE;
  if (who == NULL)
    {
      _gh_portal_redirect (req, "/sign-in");
      return NULL;
    }
  member = _gh_portal_member_load (req, who->ref, &error);
  if (member == NULL && error != NULL)
    {
      _gh_portal_page_unavailable (req, error);
      return NULL;
    }
  if (member == NULL)
    {
      /* Forgotten since they signed in. */
      _gh_portal_sessions_end_for (req->portal, who->ref);
      _gh_portal_session_end (req);
      _gh_portal_redirect (req, "/sign-in");
      return NULL;
    }
  if (who_out != NULL)
    *who_out = g_steal_pointer (&who);
  return member;
}

const char *
_gh_portal_source_text (GhPortalRequest *req,
                        GhSource         source)
{
  switch (source)
    {
    case GH_SOURCE_PROVIDED:
      return T (req, NC_("portal", "You gave it to us"));
    case GH_SOURCE_OBSERVED:
      return T (req, NC_("portal", "We saw it (purchases, visits)"));
    case GH_SOURCE_INFERRED:
      return T (req, NC_("portal", "We worked it out (inferred)"));
    case GH_SOURCE_THIRD_PARTY:
    default:
      return T (req, NC_("portal", "A partner gave it to us"));
    }
}

static char *
purposes_using (GhPortalRequest *req,
                GhCatalog       *catalog,
                const char      *category)
{
  GListModel *purposes = gh_catalog_get_purposes (catalog);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      if (g_strv_contains (gh_purpose_get_categories (purpose), category))
        {
          if (out->len > 0)
            g_string_append (out, ", ");
          g_string_append (out, gh_purpose_get_title (purpose, req->lang));
        }
    }
  if (out->len == 0)
    g_string_append (out, T (req, NC_("portal", "no purpose")));
  return g_string_free (out, FALSE);
}

static guint
count_in_category (GPtrArray  *items,
                   guint       from,
                   const char *category)
{
  guint n = 0;

  while (from + n < items->len && g_strcmp0 (((GhDataItem *) items->pdata[from + n])->category, category) == 0)
    n++;
  return n;
}

void
_gh_portal_append_items (GhPortalRequest *req,
                         GString         *out,
                         GhPortalMember  *member,
                         gboolean         open)
{
  const char *current = NULL;

  if (member->items->len == 0)
    {
      g_string_append (out, "<p>");
      _gh_portal_append_escaped (out, T (req, NC_("portal", "We hold no data about you beyond your membership.")));
      g_string_append (out, "</p>");
      return;
    }
  for (guint i = 0; i < member->items->len; i++)
    {
      GhDataItem *item = member->items->pdata[i];
      g_autofree char *summary = _gh_portal_item_summary (req, member->catalog, item);
      g_autofree char *collected = _gh_portal_format_time (req, item->collected_at, FALSE);
      g_autofree char *deleted = _gh_portal_format_time (req, item->retained_until, FALSE);
      g_autofree char *dates = NULL;

      if (g_strcmp0 (current, item->category) != 0)
        {
          GhDataCategory *category = gh_catalog_find_data_category (member->catalog, item->category);
          g_autofree char *used_by = purposes_using (req, member->catalog, item->category);
          g_autofree char *used = NULL;

          if (current != NULL)
            g_string_append (out, "</ul></details>");
          current = item->category;
          /* One line per category until the shopper opens it: a long purchase
           * history should not push everything else off the phone's screen. */
          g_string_append_printf (out, "<details class=\"category\"%s><summary><span class=\"category-title\">",
                                  open ? " open" : "");
          _gh_portal_append_escaped (out, category != NULL
                                          ? gh_data_category_get_title (category, req->lang)
                                          : item->category);
          g_string_append_printf (out, "</span> <span class=\"count\">%u</span></summary><p class=\"used-by\">",
                                  count_in_category (member->items, i, item->category));
          /* Translators: %s lists the purposes that use a kind of data */
          used = g_strdup_printf (T (req, NC_("portal", "Used for: %s")), used_by);
          _gh_portal_append_escaped (out, used);
          g_string_append (out, "</p><ul class=\"items\">");
        }
      g_string_append_printf (out, "<li class=\"item%s\"><span class=\"summary\">",
                              item->source == GH_SOURCE_INFERRED ? " inferred" : "");
      _gh_portal_append_escaped (out, summary);
      g_string_append (out, "</span><span class=\"source\">");
      _gh_portal_append_escaped (out, _gh_portal_source_text (req, item->source));
      g_string_append (out, "</span><span class=\"dates\">");
      /* Translators: when a piece of data was collected, and when it will be deleted */
      dates = g_strdup_printf (T (req, NC_("portal", "From %s · deleted on %s")), collected, deleted);
      _gh_portal_append_escaped (out, dates);
      g_string_append (out, "</span></li>");
    }
  g_string_append (out, "</ul></details>");
}

typedef struct {
  GhPortalRequest *req;
  GhCatalog       *catalog;
} SummaryWords;

static char *
summary_money (double      amount,
               const char *currency,
               gpointer    data)
{
  return gh_format_money (((SummaryWords *) data)->req->lang, amount, currency);
}

static char *
summary_date (GDateTime *date,
              gpointer   data)
{
  return gh_format_date (((SummaryWords *) data)->req->lang, date);
}

static const char *
summary_value_label (const char *attribute,
                     const char *value,
                     gpointer    data)
{
  SummaryWords *words = data;

  return gh_catalog_get_value_label (words->catalog, attribute, value, words->req->lang);
}

char *
_gh_portal_item_summary (GhPortalRequest  *req,
                         GhCatalog        *catalog,
                         const GhDataItem *item)
{
  SummaryWords words = { req, catalog };
  GhItemTextFormat format = { summary_money, summary_date, &words, summary_value_label };

  return gh_item_text_summary (item, &format);
}

void
_gh_portal_append_offer (GhPortalRequest *req,
                         GhCatalog       *catalog,
                         GString         *out,
                         GhOfferMatch    *match)
{
  g_string_append (out, "<li class=\"offer\"><span class=\"offer-title\">");
  _gh_portal_append_escaped (out, gh_offer_get_title (match->offer, req->lang));
  g_string_append (out, "</span><span class=\"offer-text\">");
  _gh_portal_append_escaped (out, gh_offer_get_description (match->offer, req->lang));
  g_string_append (out, "</span><span class=\"because\"><strong>");
  _gh_portal_append_escaped (out, T (req, NC_("portal", "Because…")));
  g_string_append (out, "</strong><ul>");
  for (guint i = 0; match->because != NULL && i < match->because->len && i < 5; i++)
    {
      g_autofree char *summary = _gh_portal_item_summary (req, catalog, match->because->pdata[i]);
      g_string_append (out, "<li>");
      _gh_portal_append_escaped (out, summary);
      g_string_append (out, "</li>");
    }
  g_string_append (out, "</ul></span></li>");
}

static void
append_choices (GhPortalRequest *req,
                GString         *out,
                GhPortalMember  *member)
{
  GListModel *purposes = gh_catalog_get_purposes (member->catalog);

  g_string_append (out, "<ul class=\"choices\">");
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      gboolean on = gh_offers_purpose_state (purpose, member->consents) == GH_CONSENT_GRANTED;
      g_autofree char *id = _gh_portal_escape (gh_purpose_get_id (purpose));

      g_string_append_printf (out, "<li class=\"choice %s\"><span class=\"purpose-title\">", on ? "on" : "off");
      _gh_portal_append_escaped (out, gh_purpose_get_title (purpose, req->lang));
      g_string_append (out, "</span><span class=\"purpose-text\">");
      _gh_portal_append_escaped (out, gh_purpose_get_description (purpose, req->lang));
      g_string_append (out, "</span><span class=\"state\">");
      _gh_portal_append_escaped (out, on ? T (req, NC_("portal", "On")) : T (req, NC_("portal", "Off")));
      g_string_append (out, "</span>");
      if (gh_purpose_get_can_revoke (purpose))
        {
          g_string_append_printf (out, "<a class=\"button\" href=\"/me/choice?purpose=%s\">", id);
          _gh_portal_append_escaped (out, on ? T (req, NC_("portal", "Switch off…")) : T (req, NC_("portal", "Switch on…")));
          g_string_append (out, "</a>");
        }
      else
        {
          g_string_append (out, "<span class=\"fixed\">");
          _gh_portal_append_escaped (out, T (req, NC_("portal", "Needed for your orders or by law: it cannot be "
                                                  "switched off.")));
          g_string_append (out, "</span>");
        }
      g_string_append (out, "</li>");
    }
  g_string_append (out, "</ul>");
}

void
_gh_portal_handle_me (GhPortalRequest *req)
{
  g_autoptr(GhPortalSignedIn) who = NULL;
  g_autoptr(GhPortalMember) member = _gh_portal_member_for_request (req, &who);
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GString) offers = g_string_new (NULL);
  g_autoptr(GString) choices = g_string_new (NULL);
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree char *hello = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *main = NULL;

  if (member == NULL)
    return;
  _gh_portal_append_items (req, data, member, FALSE);
  matches = gh_offers_evaluate (member->catalog, member->items, member->consents);
  if (matches->len == 0)
    {
      g_string_append (offers, "<p>");
      _gh_portal_append_escaped (offers, T (req, NC_("portal", "You get no personalised offers at the moment.")));
      g_string_append (offers, "</p>");
    }
  else
    {
      g_string_append (offers, "<ul class=\"offers\">");
      for (guint i = 0; i < matches->len; i++)
        _gh_portal_append_offer (req, member->catalog, offers, matches->pdata[i]);
      g_string_append (offers, "</ul>");
    }
  append_choices (req, choices, member);
  if (g_hash_table_contains (req->query, "saved"))
    {
      g_autofree char *text = _gh_portal_escape (
          T (req, NC_("portal", "Saved. Every kiosk applies your choice the next time it syncs with us.")));
      notice = g_strdup_printf ("<p class=\"notice\" role=\"status\">%s</p>", text);
    }
  /* Translators: %s is the member's first name */
  hello = g_strdup_printf (T (req, NC_("portal", "Hello, %s")), who->first_name);
  csrf = _gh_portal_csrf_field (req);
  main = gh_portal_template (
      "me.html",
      "hello", hello,
      "notice", notice != NULL ? notice : "",
      "data_heading", T (req, NC_("portal", "What we hold about you")),
      "data", data->str,
      "offers_heading", T (req, NC_("portal", "Your offers")),
      "offers", offers->str,
      "choices_heading", T (req, NC_("portal", "Your choices")),
      "choices", choices->str,
      "copy_heading", T (req, NC_("portal", "Your copy and your rights")),
      "copy_page", T (req, NC_("portal", "Read your copy of your data")),
      "copy_json", T (req, NC_("portal", "Download your data (JSON)")),
      "forget", T (req, NC_("portal", "Ask us to forget you…")),
      "sign_out", T (req, NC_("portal", "Sign out")),
      "csrf", csrf,
      NULL);
  _gh_portal_page (req, 200, T (req, NC_("portal", "Your data and choices")), main);
}
