/* Pages: templates from the GResource filled with {{name}} (escaped) and
 * {{{name}}} (HTML the caller built and escaped), the layout with the language
 * switcher, and the few pages every handler shares (not valid, a message,
 * a redirect). Dates are written in the page's language without relying on
 * the machine's locales, which Debian does not install by default.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-portal"
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"

char *
_gh_portal_escape (const char *text)
{
  return g_markup_escape_text (text != NULL ? text : "", -1);
}

void
_gh_portal_append_escaped (GString    *out,
                           const char *text)
{
  g_autofree char *escaped = _gh_portal_escape (text);
  g_string_append (out, escaped);
}

char *
gh_portal_template_fill (const char  *name,
                         GHashTable  *values)
{
  g_autofree char *path = g_strconcat ("/org/glasshouse/Portal/", name, NULL);
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
  GString *out = g_string_new (NULL);
  const char *text, *end, *p;

  g_assert (bytes != NULL);  /* compiled in: missing is a build bug */
  text = g_bytes_get_data (bytes, NULL);
  end = text + g_bytes_get_size (bytes);
  p = text;
  while (p < end)
    {
      const char *open = g_strstr_len (p, end - p, "{{");
      gboolean raw;
      const char *close;
      g_autofree char *key = NULL;
      const char *value;

      if (open == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, open - p);
      raw = open + 2 < end && open[2] == '{';
      close = g_strstr_len (open, end - open, raw ? "}}}" : "}}");
      g_assert (close != NULL);
      key = g_strndup (open + (raw ? 3 : 2), close - open - (raw ? 3 : 2));
      value = g_hash_table_lookup (values, g_strstrip (key));
      if (raw)
        g_string_append (out, value != NULL ? value : "");
      else
        _gh_portal_append_escaped (out, value);
      p = close + (raw ? 3 : 2);
    }
  return g_string_free (out, FALSE);
}

char *
gh_portal_template (const char *name,
                    ...)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  va_list args;
  const char *key;

  va_start (args, name);
  while ((key = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (values, (gpointer) key, va_arg (args, char *));
  va_end (args);
  return gh_portal_template_fill (name, values);
}

static char *
switcher (GhPortalRequest *req)
{
  const char * const *languages = gh_portal_i18n_languages ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; languages[i] != NULL; i++)
    {
      const char *code = languages[i];
      if (g_str_equal (code, req->lang))
        g_string_append_printf (out, "<span class=\"lang current\" lang=\"%s\">%s</span>", code,
                                gh_portal_i18n_name (code));
      else
        {
          /* The same page in the other language; a form's answer goes back to the start. */
          g_autofree char *path = _gh_portal_escape (g_str_equal (req->method, "GET") ? req->path : "/");
          g_string_append_printf (out, "<a class=\"lang\" lang=\"%s\" hreflang=\"%s\" href=\"%s?lang=%s\">%s</a>",
                                  code, code, path, code, gh_portal_i18n_name (code));
        }
    }
  return g_string_free (out, FALSE);
}

void
_gh_portal_page (GhPortalRequest *req,
                 guint            status,
                 const char      *title,
                 const char      *main)
{
  g_autofree char *langs = switcher (req);
  g_autofree char *page = NULL;

  page = gh_portal_template ("layout.html",
                             "lang", req->lang,
                             "title", title,
                             /* Translators: the portal's name, in every page's title bar */
                             "site", T (req, NC_("portal", "Your privacy")),
                             "languages_label", T (req, NC_("portal", "Language")),
                             "switcher", langs,
                             "main", main,
                             NULL);
  req->status = status;
  g_free (req->content_type);
  req->content_type = g_strdup ("text/html; charset=utf-8");
  g_string_assign (req->body, page);
}

void
_gh_portal_page_message (GhPortalRequest *req,
                         guint            status,
                         const char      *heading,
                         const char      *text)
{
  g_autofree char *main = gh_portal_template ("message.html",
                                              "heading", heading,
                                              "text", text,
                                              "home", T (req, NC_("portal", "Start again")),
                                              NULL);
  _gh_portal_page (req, status, heading, main);
}

void
_gh_portal_page_invalid (GhPortalRequest *req,
                         guint            status)
{
  /* No detail: which check failed would help someone forging tokens, not a shopper. */
  _gh_portal_page_message (req, status, T (req, NC_("portal", "This link is not valid")),
                           T (req, NC_("portal", "Check that you scanned the whole code, or type the code "
                                   "shown under it on the kiosk's screen.")));
}

void
_gh_portal_redirect (GhPortalRequest *req,
                     const char      *location)
{
  req->status = 303;
  g_free (req->location);
  req->location = g_strdup (location);
  g_string_truncate (req->body, 0);
}

char *
_gh_portal_csrf_field (GhPortalRequest *req)
{
  g_autofree char *token = _gh_portal_csrf_token (req);
  return g_strdup_printf ("<input type=\"hidden\" name=\"csrf\" value=\"%s\">", token);
}

char *
_gh_portal_format_time (GhPortalRequest *req,
                        gint64           unix_seconds,
                        gboolean         with_time)
{
  static const char * const months[] = {
    NC_("portal", "January"), NC_("portal", "February"), NC_("portal", "March"), NC_("portal", "April"), NC_("portal", "May"), NC_("portal", "June"),
    NC_("portal", "July"), NC_("portal", "August"), NC_("portal", "September"), NC_("portal", "October"), NC_("portal", "November"), NC_("portal", "December"),
  };
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (unix_seconds);
  const char *month;

  if (when == NULL)
    return g_strdup ("?");
  month = T (req, months[g_date_time_get_month (when) - 1]);
  if (!with_time)
    /* Translators: a date: %1$d the day, %2$s the month's name, %3$d the year */
    return g_strdup_printf (T (req, NC_("portal", "%1$d %2$s %3$d")), g_date_time_get_day_of_month (when), month,
                            g_date_time_get_year (when));
  /* Translators: a date and time: day, month's name, year, hours, minutes (UTC) */
  return g_strdup_printf (T (req, NC_("portal", "%1$d %2$s %3$d, %4$02d:%5$02d UTC")),
                          g_date_time_get_day_of_month (when), month, g_date_time_get_year (when),
                          g_date_time_get_hour (when), g_date_time_get_minute (when));
}

gboolean
_gh_portal_form_fresh (GhPortalRequest *req)
{
  if (_gh_portal_csrf_check (req))
    return TRUE;
  _gh_portal_page_message (req, 403, T (req, NC_("portal", "This form has expired")),
                           T (req, NC_("portal", "Please open the page again and send the form from there.")));
  return FALSE;
}
