/* The fleet report as JSON (format glasshouse-fleet-report/1): every figure with ids,
 * for the tests and for HQ's other tools; and the verdicts both outputs share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "config/gh-json-build.h"
#include "hq/gh-hq-report-private.h"

#include "offers/gh-offers.h"

GPtrArray *
_gh_hq_report_readers (GhHqReport  *report,
                       const char  *category_id,
                       GPtrArray  **purposes_out)
{
  GListModel *offers = gh_catalog_get_offers (report->catalog);
  GListModel *purposes = gh_catalog_get_purposes (report->catalog);
  GPtrArray *readers = g_ptr_array_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new ();

  for (guint o = 0; o < g_list_model_get_n_items (offers); o++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);
      const char * const *read = gh_rule_get_categories (gh_offer_get_rule (offer));

      if (g_strv_contains (read, category_id))
        g_ptr_array_add (readers, offer);
    }
  for (guint p = 0; p < g_list_model_get_n_items (purposes); p++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, p);
      gboolean uses = g_strv_contains (gh_purpose_get_categories (purpose), category_id);

      for (guint r = 0; r < readers->len && !uses; r++)
        uses = g_str_equal (gh_offer_get_purpose_id (g_ptr_array_index (readers, r)),
                            gh_purpose_get_id (purpose));
      if (uses)
        g_ptr_array_add (users, purpose);
    }
  if (purposes_out != NULL)
    *purposes_out = g_steal_pointer (&users);
  return readers;
}

GhVerdict
_gh_hq_report_verdict (GhHqReport *report,
                       guint       category)
{
  g_autoptr(GhDataCategory) item = g_list_model_get_item (
      gh_catalog_get_data_categories (report->catalog), category);
  g_autoptr(GPtrArray) readers = _gh_hq_report_readers (report, gh_data_category_get_id (item),
                                                        NULL);
  gint64 held = report->scan.category_held[category];
  gint64 earns = report->scan.category_earns[category];

  if (held == 0)
    return GH_VERDICT_NOT_HELD;
  if (readers->len == 0)
    return GH_VERDICT_NO_OFFER;
  if (earns == 0)
    return GH_VERDICT_IDLE;
  if ((double) earns / held < GH_VERDICT_RARELY_BELOW)
    return GH_VERDICT_RARELY;
  return GH_VERDICT_EARNS;
}

const char *
_gh_verdict_to_string (GhVerdict verdict)
{
  static const char * const names[] = { "earns", "rarely", "idle", "no_offer", "not_held" };
  return names[verdict];
}

gboolean
_gh_verdict_is_flagged (GhVerdict verdict)
{
  return verdict == GH_VERDICT_RARELY || verdict == GH_VERDICT_IDLE ||
         verdict == GH_VERDICT_NO_OFFER;
}

static char *
day_text (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);
  return g_date_time_format (time, "%Y-%m-%d");
}

static void
add_share (JsonBuilder *builder,
           const char  *name,
           gint64       part,
           gint64       whole)
{
  json_builder_set_member_name (builder, name);
  if (whole > 0)
    json_builder_add_double_value (builder, (double) part / whole);
  else
    json_builder_add_null_value (builder);
}

static void
add_int_array (JsonBuilder  *builder,
               const char   *name,
               const gint64 *values,
               guint         n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_double_array (JsonBuilder  *builder,
                  const char   *name,
                  const double *values,
                  guint         n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_double_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_categories (JsonBuilder *builder,
                GhHqReport  *report)
{
  GListModel *categories = gh_catalog_get_data_categories (report->catalog);

  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint c = 0; c < g_list_model_get_n_items (categories); c++)
    {
      g_autoptr(GhDataCategory) category = g_list_model_get_item (categories, c);
      g_autoptr(GPtrArray) purposes = NULL;
      g_autoptr(GPtrArray) readers = _gh_hq_report_readers (report,
                                                            gh_data_category_get_id (category),
                                                            &purposes);
      GhVerdict verdict = _gh_hq_report_verdict (report, c);
      gint64 held = report->scan.category_held[c], earns = report->scan.category_earns[c];

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "id", gh_data_category_get_id (category));
      gh_json_add_int (builder, "retention_days", gh_data_category_get_retention_days (category));
      gh_json_add_int (builder, "held", held);
      gh_json_add_int (builder, "earns", earns);
      gh_json_add_int (builder, "does_nothing", held - earns);
      add_share (builder, "earns_share", earns, held);
      json_builder_set_member_name (builder, "offers");
      json_builder_begin_array (builder);
      for (guint r = 0; r < readers->len; r++)
        json_builder_add_string_value (builder, gh_offer_get_id (g_ptr_array_index (readers, r)));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "purposes");
      json_builder_begin_array (builder);
      for (guint p = 0; p < purposes->len; p++)
        json_builder_add_string_value (builder, gh_purpose_get_id (g_ptr_array_index (purposes, p)));
      json_builder_end_array (builder);
      gh_json_add_string (builder, "verdict", _gh_verdict_to_string (verdict));
      json_builder_set_member_name (builder, "flagged");
      json_builder_add_boolean_value (builder, _gh_verdict_is_flagged (verdict));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_purposes (JsonBuilder *builder,
              GhHqReport  *report)
{
  static const char * const origins[GH_N_ORIGINS] = { "kiosk", "portal", "crm" };
  GListModel *purposes = gh_catalog_get_purposes (report->catalog);

  json_builder_set_member_name (builder, "purposes");
  json_builder_begin_array (builder);
  for (guint p = 0; p < g_list_model_get_n_items (purposes); p++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, p);
      GhHqPurposeFigures *figures = &report->purposes[p];

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "id", gh_purpose_get_id (purpose));
      gh_json_add_string (builder, "legal_basis", gh_legal_basis_to_string (gh_purpose_get_legal_basis (purpose)));
      add_double_array (builder, "share_on", figures->share, report->n_weeks);
      json_builder_set_member_name (builder, "share_on_by_store");
      json_builder_begin_object (builder);
      for (guint s = 0; s < report->stores->len; s++)
        add_double_array (builder, g_ptr_array_index (report->stores, s),
                          figures->store_share + s * report->n_weeks, report->n_weeks);
      json_builder_end_object (builder);
      add_int_array (builder, "switched_on", figures->switched_on, report->n_weeks);
      add_int_array (builder, "switched_off", figures->switched_off, report->n_weeks);
      json_builder_set_member_name (builder, "switched_off_by_origin");
      json_builder_begin_object (builder);
      for (guint o = 0; o < GH_N_ORIGINS; o++)
        gh_json_add_int (builder, origins[o], figures->off_by_origin[o]);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "preview");
      json_builder_begin_object (builder);
      gh_json_add_int (builder, "opened", figures->preview_opened);
      gh_json_add_int (builder, "kept_on", figures->preview_kept_on);
      add_share (builder, "kept_on_share", figures->preview_kept_on, figures->preview_opened);
      add_int_array (builder, "opened_by_week", figures->preview_opened_week, report->n_weeks);
      add_int_array (builder, "kept_on_by_week", figures->preview_kept_week, report->n_weeks);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_offers (JsonBuilder *builder,
            GhHqReport  *report)
{
  GListModel *offers = gh_catalog_get_offers (report->catalog);

  json_builder_set_member_name (builder, "offers");
  json_builder_begin_array (builder);
  for (guint o = 0; o < g_list_model_get_n_items (offers); o++)
    {
      g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "id", gh_offer_get_id (offer));
      gh_json_add_string (builder, "purpose", gh_offer_get_purpose_id (offer));
      gh_json_add_int (builder, "reach", report->scan.offer_reach[o]);
      add_share (builder, "reach_share", report->scan.offer_reach[o], report->members);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "offers_reaching_nobody");
  json_builder_begin_array (builder);
  for (guint o = 0; o < g_list_model_get_n_items (offers); o++)
    if (report->scan.offer_reach[o] == 0)
      {
        g_autoptr(GhOffer) offer = g_list_model_get_item (offers, o);
        json_builder_add_string_value (builder, gh_offer_get_id (offer));
      }
  json_builder_end_array (builder);
}

static void
add_requests (JsonBuilder *builder,
              GhHqReport  *report)
{
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  for (guint w = 0; w < report->n_weeks; w++)
    {
      g_autofree char *week = day_text (report->first_week + (gint64) w * GH_WEEK_SECONDS);

      json_builder_begin_object (builder);
      gh_json_add_string (builder, "week", week);
      gh_json_add_int (builder, "copies", report->copies[w]);
      gh_json_add_int (builder, "erasures", report->erasures[w]);
      json_builder_set_member_name (builder, "erasure_median_hours");
      if (report->erasure_median_hours[w] >= 0)
        json_builder_add_double_value (builder, report->erasure_median_hours[w]);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "erasure_max_hours");
      if (report->erasure_max_hours[w] >= 0)
        json_builder_add_double_value (builder, report->erasure_max_hours[w]);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

JsonNode *
gh_hq_report_to_json (GhHqReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *from = day_text (report->first_week);
  g_autofree char *to = day_text (report->now);

  json_builder_begin_object (builder);
  gh_json_add_string (builder, "format", "glasshouse-fleet-report/1");
  gh_json_add_string (builder, "from", from);
  gh_json_add_string (builder, "to", to);
  gh_json_add_int (builder, "config_version", gh_catalog_get_version (report->catalog));
  gh_json_add_int (builder, "members", report->members);
  gh_json_add_int (builder, "members_with_data", report->scan.members_scanned);
  json_builder_set_member_name (builder, "weeks");
  json_builder_begin_array (builder);
  for (guint w = 0; w < report->n_weeks; w++)
    {
      g_autofree char *week = day_text (report->first_week + (gint64) w * GH_WEEK_SECONDS);
      json_builder_add_string_value (builder, week);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "stores");
  json_builder_begin_array (builder);
  for (guint s = 0; s < report->stores->len; s++)
    json_builder_add_string_value (builder, g_ptr_array_index (report->stores, s));
  json_builder_end_array (builder);
  add_categories (builder, report);
  add_purposes (builder, report);
  add_offers (builder, report);
  add_requests (builder, report);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
