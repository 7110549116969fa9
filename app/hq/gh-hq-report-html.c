/* The fleet report as one self-contained HTML page: inline CSS and SVG, no script and
 * nothing fetched, readable on a laptop and printable on A4. Texts come from po/ in
 * the language gettext is set to (glasshouse-ctl sets it from --language); titles of
 * categories, purposes and offers come from the config in @language.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "hq/gh-hq-report-private.h"

/* The page's po/ texts come from the translator gh_hq_report_to_html_translated set
 * for this thread, else from gettext: a server answering each request in its own
 * language cannot switch gettext's process-wide language from its worker threads. */
typedef struct {
  GhHqReportTranslate translate;
  gpointer            user_data;
} Translator;

static GPrivate translator;

static const char *
translate (const char *context,
           const char *msgid,
           const char *plural,
           gulong      n)
{
  Translator *own = g_private_get (&translator);

  if (own != NULL)
    return own->translate (context, msgid, plural, n, own->user_data);
  if (plural != NULL)
    return g_dngettext (GETTEXT_PACKAGE, msgid, plural, n);
  if (context != NULL)
    return g_dpgettext2 (GETTEXT_PACKAGE, context, msgid);
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* Below, the usual marks (which xgettext reads) go through translate(). */
#undef _
#undef C_
#define _(String) translate (NULL, (String), NULL, 1)
#define C_(Context, String) translate ((Context), (String), NULL, 1)
#define g_dngettext(Domain, Msgid, Plural, N) translate (NULL, (Msgid), (Plural), (N))

static const char *palette[] = { "#1a7f5a", "#2f6db5", "#b5542f", "#7a4fb0", "#a08a00",
                                 "#c0306b", "#2b8c9b", "#5c6b78" };

static const char css[] =
  "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#1d2329;background:#f4f6f7;margin:0}"
  "main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}"
  "h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:32px 0 8px;padding-top:12px;"
  "border-top:2px solid #1a7f5a}h3{font-size:16px;margin:20px 0 6px}"
  "p.lead{font-size:15px;color:#3d4852;margin:4px 0 16px}"
  ".facts{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}"
  ".fact{border:1px solid #d0d5d9;border-radius:6px;padding:8px 14px;min-width:150px}"
  ".fact b{display:block;font-size:22px}"
  "table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 16px}"
  "th,td{border-bottom:1px solid #e1e5e8;padding:5px 8px;text-align:left;vertical-align:top}"
  "th{background:#eef1f3}th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}"
  ".flag{color:#a32a17;font-weight:bold}.ok{color:#1a6b4c}"
  ".verdict{font-size:13px}svg.chart{width:100%;max-width:880px;height:auto;display:block;margin:6px 0}"
  ".purpose{break-inside:avoid;page-break-inside:avoid}"
  "footer{font-size:12px;color:#5c6b78;margin-top:32px}"
  "@media print{body{background:#fff}main{padding:0;max-width:none}"
  "h2{break-after:avoid}section,.purpose,table,svg{break-inside:avoid}}"
  "@page{size:A4;margin:14mm}";

static void
text (GString    *out,
      const char *value)
{
  g_autofree char *escaped = g_markup_escape_text (value != NULL ? value : "", -1);
  g_string_append (out, escaped);
}

char *
_gh_report_format_count (gint64 value)
{
  /* Translators: groups thousands in big numbers ("." in German, a narrow space in French) */
  const char *group = C_("thousands separator", ",");
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (value));
  GString *out = g_string_new (value < 0 ? "-" : "");
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (out, group);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
_gh_report_format_percent (double share)
{
  /* Translators: the decimal separator of your language ("," in German) */
  const char *point = C_("decimal separator", ".");
  double percent = share * 100;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (percent == floor (percent))
    return g_strdup_printf ("%d %%", (int) percent);
  g_ascii_formatd (buffer, sizeof buffer, "%.1f", percent);
  return g_strdelimit (g_strdup_printf ("%s %%", buffer), ".", point[0]);
}

static char *
day (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);
  return g_date_time_format (time, "%Y-%m-%d");
}

static char *
week_label (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);
  return g_date_time_format (time, "%d.%m.");
}

static void
fact (GString    *out,
      const char *label,
      const char *value)
{
  g_string_append (out, "<div class=\"fact\"><b>");
  text (out, value);
  g_string_append (out, "</b>");
  text (out, label);
  g_string_append (out, "</div>");
}

static char *
verdict_text (GhHqReport *report,
              guint       c,
              GhVerdict   verdict)
{
  g_autofree char *held = _gh_report_format_count (report->scan.category_held[c]);
  g_autofree char *share = NULL;

  switch (verdict)
    {
    case GH_VERDICT_NO_OFFER:
      /* Translators: %s is a number of members */
      return g_strdup_printf (_("Held for %s members, used by no offer: stop collecting it or give "
                                "it a use."), held);
    case GH_VERDICT_IDLE:
      return g_strdup_printf (_("Held for %s members; offers read it, but it made none of them "
                                "true for anyone today."), held);
    case GH_VERDICT_RARELY:
      share = _gh_report_format_percent ((double) report->scan.category_earns[c] /
                                         report->scan.category_held[c]);
      /* Translators: the first %s is a number of members, the second a percentage */
      return g_strdup_printf (_("Held for %s members, but it makes an offer true for only %s of "
                                "them: check it is worth keeping."), held, share);
    case GH_VERDICT_NOT_HELD:
      return g_strdup (_("Held for nobody."));
    case GH_VERDICT_EARNS:
    default:
      share = _gh_report_format_percent ((double) report->scan.category_earns[c] /
                                         report->scan.category_held[c]);
      return g_strdup_printf (_("Earns its keep: makes an offer true for %s of the %s members it "
                                "is held for."), share, held);
    }
}

static void
write_categories (GString    *out,
                  GhHqReport *report,
                  const char *language)
{
  GListModel *categories = gh_catalog_get_data_categories (report->catalog);
  guint n = g_list_model_get_n_items (categories);
  g_autofree const char **labels = g_new0 (const char *, n + 1);
  g_autofree double *earns = g_new0 (double, n + 1);
  g_autofree double *idle = g_new0 (double, n + 1);
  g_autofree char *chart = NULL;

  g_string_append (out, "<section id=\"categories\"><h2>");
  text (out, _("Data categories: does each one earn its keep?"));
  g_string_append (out, "</h2><p class=\"lead\">");
  text (out, _("For each kind of data we hold: how many members we hold it for, and for how many "
               "of them it makes at least one offer true today."));
  g_string_append (out, "</p>");
  for (guint c = 0; c < n; c++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, c);

      labels[c] = gh_data_category_get_title (category, language);
      earns[c] = report->scan.category_earns[c];
      idle[c] = report->scan.category_held[c] - report->scan.category_earns[c];
    }
  chart = _gh_svg_bar_chart (_("Members each category is held for"), labels, earns, idle, n,
                             _("makes an offer true"), _("does nothing"));
  g_string_append (out, chart);

  g_string_append (out, "<table><thead><tr><th>");
  text (out, _("Category"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Held for"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Earns its keep"));
  g_string_append (out, "</th><th>");
  text (out, _("Read by"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Kept for"));
  g_string_append (out, "</th><th>");
  text (out, _("Verdict"));
  g_string_append (out, "</th></tr></thead><tbody>");
  for (guint c = 0; c < n; c++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, c);
      g_autoptr(GPtrArray) purposes = NULL;
      g_autoptr(GPtrArray) readers = _gh_hq_report_readers (report, gh_data_category_get_id (category),
                                                            &purposes);
      GhVerdict verdict = _gh_hq_report_verdict (report, c);
      g_autofree char *held = _gh_report_format_count (report->scan.category_held[c]);
      g_autofree char *share = report->scan.category_held[c] > 0
          ? _gh_report_format_percent ((double) report->scan.category_earns[c] /
                                       report->scan.category_held[c])
          : g_strdup ("–");
      g_autofree char *verdict_words = verdict_text (report, c, verdict);
      g_autofree char *days = NULL;

      g_string_append (out, "<tr><td>");
      text (out, gh_data_category_get_title (category, language));
      g_string_append (out, "<br><small>");
      text (out, gh_data_category_get_id (category));
      g_string_append (out, "</small></td><td class=\"n\">");
      text (out, held);
      g_string_append (out, "</td><td class=\"n\">");
      text (out, share);
      g_string_append (out, "</td><td>");
      for (guint p = 0; p < purposes->len; p++)
        {
          g_string_append (out, p ? ", " : "");
          text (out, gh_purpose_get_title (g_ptr_array_index (purposes, p), language));
        }
      if (readers->len > 0)
        {
          g_string_append (out, "<br><small>");
          /* Translators: followed by a list of offers */
          text (out, _("Offers:"));
          for (guint r = 0; r < readers->len; r++)
            {
              g_string_append (out, r ? ", " : " ");
              text (out, gh_offer_get_title (g_ptr_array_index (readers, r), language));
            }
          g_string_append (out, "</small>");
        }
      else
        {
          g_string_append (out, "<br><small>");
          text (out, _("No offer reads it"));
          g_string_append (out, "</small>");
        }
      /* Translators: a retention period; %d is a number of days */
      days = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days",
                                           gh_data_category_get_retention_days (category)),
                              gh_data_category_get_retention_days (category));
      g_string_append (out, "</td><td class=\"n\">");
      text (out, days);
      g_string_append_printf (out, "</td><td class=\"verdict %s\" data-verdict=\"%s\">",
                              _gh_verdict_is_flagged (verdict) ? "flag" : "ok",
                              _gh_verdict_to_string (verdict));
      text (out, _gh_verdict_is_flagged (verdict) ? "⚑ " : "✓ ");
      text (out, verdict_words);
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</tbody></table></section>");
}

static const char *
origin_label (guint origin)
{
  switch (origin)
    {
    case GH_ORIGIN_KIOSK: return _("at a kiosk");
    case GH_ORIGIN_PORTAL: return _("on a phone");
    default: return _("by the CRM");
    }
}

/* More lines than this and the chart cannot be read: the extremes stand for the rest. */
#define MAX_STORE_LINES 6

static int
compare_by_share (gconstpointer a,
                  gconstpointer b,
                  gpointer      shares)
{
  double x = ((const double *) shares)[*(const guint *) a];
  double y = ((const double *) shares)[*(const guint *) b];

  return x < y ? -1 : x > y ? 1 : 0;
}

/* The stores the chart draws: all of them when they fit, else the three with the
 * highest and the three with the lowest share in the last week, highest first. */
static guint *
shown_stores (GhHqReport         *report,
              GhHqPurposeFigures *figures)
{
  guint n = report->stores->len;
  g_autofree guint *order = g_new0 (guint, n + 1);
  g_autofree double *last = g_new0 (double, n + 1);
  guint *shown = g_new0 (guint, MAX_STORE_LINES + 1);

  for (guint s = 0; s < n; s++)
    {
      order[s] = s;
      last[s] = figures->store_share[s * report->n_weeks + report->n_weeks - 1];
    }
  if (n <= MAX_STORE_LINES)
    {
      memcpy (shown, order, n * sizeof (guint));
      return shown;
    }
  g_qsort_with_data (order, n, sizeof (guint), compare_by_share, last);
  for (guint i = 0; i < MAX_STORE_LINES / 2; i++)
    {
      shown[i] = order[n - 1 - i];
      shown[MAX_STORE_LINES / 2 + i] = order[MAX_STORE_LINES / 2 - 1 - i];
    }
  return shown;
}

static void
write_purposes (GString            *out,
                GhHqReport         *report,
                const char         *language,
                const char * const *weeks)
{
  GListModel *purposes = gh_catalog_get_purposes (report->catalog);
  guint n_stores = MIN (report->stores->len, MAX_STORE_LINES);

  g_string_append (out, "<section id=\"purposes\"><h2>");
  text (out, _("Purposes: who has them on"));
  g_string_append (out, "</h2><p class=\"lead\">");
  text (out, _("The share of members with each purpose on at the end of each week, for all "
               "members and per store; switches per week and where purposes were switched off."));
  g_string_append (out, "</p>");
  for (guint p = 0; p < g_list_model_get_n_items (purposes); p++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, p);
      GhHqPurposeFigures *figures = &report->purposes[p];
      g_autofree GhSvgSeries *series = g_new0 (GhSvgSeries, n_stores + 1);
      g_autofree char *title = NULL;
      g_autofree char *chart = NULL;
      g_autofree char **labels = g_new0 (char *, n_stores + 1);
      g_autofree guint *shown = shown_stores (report, figures);
      gint64 off_total = 0;

      series[0].label = _("All members");
      series[0].color = palette[0];
      series[0].values = figures->share;
      for (guint s = 0; s < n_stores; s++)
        {
          /* Translators: %s is a store id */
          labels[s] = g_strdup_printf (_("Store %s"),
                                       (const char *) g_ptr_array_index (report->stores, shown[s]));
          series[s + 1].label = labels[s];
          series[s + 1].color = palette[s + 1];
          series[s + 1].values = figures->store_share + shown[s] * report->n_weeks;
          series[s + 1].dashed = TRUE;
        }
      /* Translators: %s is a purpose's title */
      title = g_strdup_printf (_("Members with “%s” on, week by week"),
                               gh_purpose_get_title (purpose, language));
      chart = _gh_svg_line_chart (title, weeks, report->n_weeks, series, n_stores + 1, TRUE);
      for (guint s = 0; s < n_stores; s++)
        g_free (labels[s]);

      g_string_append (out, "<div class=\"purpose\"><h3>");
      text (out, gh_purpose_get_title (purpose, language));
      g_string_append (out, " <small>(");
      text (out, gh_purpose_get_id (purpose));
      g_string_append (out, ")</small></h3>");
      /* A contract or legal obligation cannot be switched off: no chart to read. */
      if (!gh_purpose_get_can_revoke (purpose))
        {
          g_string_append (out, "<p>");
          text (out, _("Always on for every member: its legal basis is a contract or a legal "
                       "obligation, which a member cannot switch off."));
          g_string_append (out, "</p></div>");
          continue;
        }
      g_string_append (out, chart);
      if (report->stores->len > n_stores)
        {
          g_autofree char *count = _gh_report_format_count (report->stores->len);
          /* Translators: %s is a number of stores */
          g_autofree char *note = g_strdup_printf (_("Of %s stores, the chart shows the three "
                                                     "with the highest and the three with the "
                                                     "lowest share in the last week; the JSON "
                                                     "output has every store."), count);
          g_string_append (out, "<p><small>");
          text (out, note);
          g_string_append (out, "</small></p>");
        }
      g_string_append (out, "<table><thead><tr><th>");
      text (out, _("Week of"));
      g_string_append (out, "</th>");
      for (guint w = 0; w < report->n_weeks; w++)
        {
          g_string_append (out, "<th class=\"n\">");
          text (out, weeks[w]);
          g_string_append (out, "</th>");
        }
      g_string_append (out, "</tr></thead><tbody><tr><td>");
      text (out, _("Switched on"));
      g_string_append (out, "</td>");
      for (guint w = 0; w < report->n_weeks; w++)
        g_string_append_printf (out, "<td class=\"n\">%" G_GINT64_FORMAT "</td>",
                                figures->switched_on[w]);
      g_string_append (out, "</tr><tr><td>");
      text (out, _("Switched off"));
      g_string_append (out, "</td>");
      for (guint w = 0; w < report->n_weeks; w++)
        g_string_append_printf (out, "<td class=\"n\">%" G_GINT64_FORMAT "</td>",
                                figures->switched_off[w]);
      g_string_append (out, "</tr></tbody></table><p>");
      text (out, _("Switched off in these weeks:"));
      for (guint o = 0; o < GH_N_ORIGINS; o++)
        {
          g_autofree char *count = _gh_report_format_count (figures->off_by_origin[o]);
          g_string_append (out, o ? ", " : " ");
          text (out, count);
          g_string_append_c (out, ' ');
          text (out, origin_label (o));
          off_total += figures->off_by_origin[o];
        }
      g_string_append (out, off_total == 0 ? "" : ".");
      g_string_append (out, "</p></div>");
    }
  g_string_append (out, "</section>");
}

static void
write_offers (GString    *out,
              GhHqReport *report,
              const char *language)
{
  GListModel *offers = gh_catalog_get_offers (report->catalog);
  guint n = g_list_model_get_n_items (offers);
  g_autofree const char **labels = g_new0 (const char *, n + 1);
  g_autofree double *reach = g_new0 (double, n + 1);
  g_autofree char *chart = NULL;
  gboolean any_nobody = FALSE;

  g_string_append (out, "<section id=\"offers\"><h2>");
  text (out, _("Offers: how many members each one reaches"));
  g_string_append (out, "</h2>");
  for (guint o = 0; o < n; o++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);
      labels[o] = gh_offer_get_title (offer, language);
      reach[o] = report->scan.offer_reach[o];
    }
  chart = _gh_svg_bar_chart (_("Members each offer reaches today"), labels, reach, NULL, n,
                             _("members reached"), NULL);
  g_string_append (out, chart);
  g_string_append (out, "<p>");
  for (guint o = 0; o < n; o++)
    if (report->scan.offer_reach[o] == 0)
      {
        g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);
        if (!any_nobody)
          {
            g_string_append (out, "<span class=\"flag\">⚑ ");
            text (out, _("Offers that reach nobody:"));
            g_string_append (out, "</span>");
          }
        g_string_append (out, any_nobody ? ", " : " ");
        text (out, gh_offer_get_title (offer, language));
        any_nobody = TRUE;
      }
  if (!any_nobody)
    text (out, _("Every offer reaches at least one member."));
  g_string_append (out, "</p></section>");
}

static char *
hours_text (double hours)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (hours < 0)
    return g_strdup ("–");
  /* Translators: a duration; %s is a number of hours */
  return g_strdup_printf (_("%s h"), g_ascii_formatd (buffer, sizeof buffer, "%.1f", hours));
}

static void
write_requests (GString            *out,
                GhHqReport         *report,
                const char * const *weeks)
{
  g_autofree double *copies = g_new0 (double, report->n_weeks);
  g_autofree double *erasures = g_new0 (double, report->n_weeks);
  GhSvgSeries series[2] = {
    { _("Copies of data"), "#2f6db5", copies, FALSE },
    { _("Erasures"), "#b5542f", erasures, FALSE },
  };
  g_autofree char *chart = NULL;

  for (guint w = 0; w < report->n_weeks; w++)
    {
      copies[w] = report->copies[w];
      erasures[w] = report->erasures[w];
    }
  chart = _gh_svg_line_chart (_("Requests per week"), weeks, report->n_weeks, series, 2, FALSE);
  g_string_append (out, "<section id=\"requests\"><h2>");
  text (out, _("Requests: copies of data and erasures"));
  g_string_append (out, "</h2>");
  g_string_append (out, chart);
  g_string_append (out, "<table><thead><tr><th>");
  text (out, _("Week of"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Copies of data"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Erasures"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Erasure took (median)"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Erasure took (longest)"));
  g_string_append (out, "</th></tr></thead><tbody>");
  for (guint w = 0; w < report->n_weeks; w++)
    {
      g_autofree char *median = hours_text (report->erasure_median_hours[w]);
      g_autofree char *longest = hours_text (report->erasure_max_hours[w]);

      g_string_append (out, "<tr><td>");
      text (out, weeks[w]);
      g_string_append_printf (out, "</td><td class=\"n\">%" G_GINT64_FORMAT "</td>"
                              "<td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\">",
                              report->copies[w], report->erasures[w]);
      text (out, median);
      g_string_append (out, "</td><td class=\"n\">");
      text (out, longest);
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</tbody></table><p><small>");
  text (out, _("A copy of data is made and handed over during the visit that asks for it, so it "
               "is complete when issued. An erasure is complete when HQ has erased the member."));
  g_string_append (out, "</small></p></section>");
}

static void
write_preview (GString    *out,
               GhHqReport *report,
               const char *language)
{
  GListModel *purposes = gh_catalog_get_purposes (report->catalog);

  g_string_append (out, "<section id=\"preview\"><h2>");
  text (out, _("The preview's effect"));
  g_string_append (out, "</h2><p class=\"lead\">");
  text (out, _("Of the shoppers who opened a switch-off preview, the share who kept the purpose "
               "on. Kiosks count daily totals only, never per shopper."));
  g_string_append (out, "</p><table><thead><tr><th>");
  text (out, _("Purpose"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Previews opened"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Kept on"));
  g_string_append (out, "</th><th class=\"n\">");
  text (out, _("Share kept on"));
  g_string_append (out, "</th></tr></thead><tbody>");
  for (guint p = 0; p < g_list_model_get_n_items (purposes); p++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, p);
      GhHqPurposeFigures *figures = &report->purposes[p];
      g_autofree char *opened = _gh_report_format_count (figures->preview_opened);
      g_autofree char *kept = _gh_report_format_count (figures->preview_kept_on);
      g_autofree char *share = figures->preview_opened > 0
          ? _gh_report_format_percent ((double) figures->preview_kept_on / figures->preview_opened)
          : g_strdup ("–");

      if (!gh_purpose_get_can_revoke (purpose))
        continue;
      g_string_append (out, "<tr><td>");
      text (out, gh_purpose_get_title (purpose, language));
      g_string_append (out, "</td><td class=\"n\">");
      text (out, opened);
      g_string_append (out, "</td><td class=\"n\">");
      text (out, kept);
      g_string_append (out, "</td><td class=\"n\">");
      text (out, share);
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</tbody></table></section>");
}

char *
gh_hq_report_to_html (GhHqReport *report,
                      const char *language)
{
  GString *out = g_string_sized_new (64 * 1024);
  g_autofree char *from = day (report->first_week);
  g_autofree char *to = day (report->now);
  g_autofree char *members = _gh_report_format_count (report->members);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              gh_catalog_get_version (report->catalog));
  g_autofree char *range = NULL;
  g_autofree char **weeks = g_new0 (char *, report->n_weeks + 1);

  if (language == NULL)
    language = gh_catalog_get_default_language (report->catalog);
  for (guint w = 0; w < report->n_weeks; w++)
    weeks[w] = week_label (report->first_week + (gint64) w * GH_WEEK_SECONDS);
  /* Translators: a date range, e.g. "2026-09-14 to 2026-12-07" */
  range = g_strdup_printf (_("%s to %s"), from, to);

  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                          "<title>", language);
  text (out, _("Does our data earn its keep? The fleet report"));
  g_string_append_printf (out, "</title><style>%s</style></head><body><main><header><h1>", css);
  text (out, _("Does our data earn its keep?"));
  g_string_append (out, "</h1><p class=\"lead\">");
  text (out, _("Only keep data that makes customers' lives better. This report shows, for the "
               "whole fleet, what each piece of data does for the members we hold it for."));
  g_string_append (out, "</p><div class=\"facts\">");
  fact (out, _("Dates covered"), range);
  fact (out, _("Configuration version"), version);
  fact (out, _("Members the report is based on"), members);
  g_string_append (out, "</div></header>");

  write_categories (out, report, language);
  write_purposes (out, report, language, (const char * const *) weeks);
  write_offers (out, report, language);
  write_requests (out, report, (const char * const *) weeks);
  write_preview (out, report, language);

  g_string_append (out, "<footer>");
  text (out, _("Computed by glasshouse-ctl hq report with the kiosks' own offer engine. Definitions "
               "of every figure: docs/hq-report.md."));
  g_string_append (out, "</footer></main></body></html>\n");
  g_strfreev (g_steal_pointer (&weeks));
  return g_string_free (out, FALSE);
}

char *
gh_hq_report_to_html_translated (GhHqReport          *report,
                                 const char          *language,
                                 GhHqReportTranslate  translate_text,
                                 gpointer             user_data)
{
  Translator own = { translate_text, user_data };
  char *html;

  g_return_val_if_fail (translate_text != NULL, NULL);
  g_private_set (&translator, &own);
  html = gh_hq_report_to_html (report, language);
  g_private_set (&translator, NULL);
  return html;
}
