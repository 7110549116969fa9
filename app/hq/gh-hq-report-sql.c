/* The fleet report's set-based figures, computed by PostgreSQL while the workers run
 * the offer engine: members per store and week, each purpose's share over the weeks
 * (from the switches each decision makes, in change_no order, against the purpose's
 * default), switches by week and origin, data copies and erasures per week with the
 * time erasures took, and the preview's daily counts. Definitions: docs/hq-report.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "hq/gh-hq-report-private.h"

#include "offers/gh-offers.h"

static PGresult *
query (GhHq        *hq,
       const char  *sql,
       const char  *what,
       int          n_params,
       const char * const *params,
       GError     **error)
{
  PGresult *result = PQexecParams (hq->conn, sql, n_params, NULL, params, NULL, NULL, 0);

  if (!_gh_hq_check_result (hq, result, PGRES_TUPLES_OK, what, error))
    {
      PQclear (result);
      return NULL;
    }
  return result;
}

static gint64
int_at (PGresult *result,
        int       row,
        int       column)
{
  return PQgetisnull (result, row, column) ? 0
         : g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

/* The week's index in the range; -1 before it, n_weeks after it. */
static int
week_index (GhHqReport *report,
            gint64      week_start)
{
  if (week_start < report->first_week)
    return -1;
  return (int) MIN ((week_start - report->first_week) / GH_WEEK_SECONDS, (gint64) report->n_weeks);
}

static int
store_index (GhHqReport *report,
             const char *store)
{
  for (guint s = 0; s < report->stores->len; s++)
    if (g_str_equal (g_ptr_array_index (report->stores, s), store))
      return (int) s;
  return -1;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static int
origin_index (const char *origin)
{
  if (g_strcmp0 (origin, "kiosk") == 0)
    return GH_ORIGIN_KIOSK;
  if (g_strcmp0 (origin, "portal") == 0)
    return GH_ORIGIN_PORTAL;
  return GH_ORIGIN_CRM;
}

/* Members by store (NULL: all) and the week they joined, cumulated into [store+1][week]:
 * members at each week's end. */
static gint64 *
members_by_week (GhHq        *hq,
                 GhHqReport  *report,
                 GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  guint n_rows = report->stores->len + 1, n_weeks = report->n_weeks;
  gint64 *members;

  /* Per store, and for all members apart: a member of two stores is one member. */
  result = query (hq,
      "SELECT s.store, extract (epoch FROM date_trunc ('week', m.member_since))::bigint AS week,"
      " count (*) FROM glasshouse.member m CROSS JOIN LATERAL unnest (m.stores) AS s (store)"
      " GROUP BY 1, 2"
      " UNION ALL SELECT NULL, extract (epoch FROM date_trunc ('week', member_since))::bigint,"
      " count (*) FROM glasshouse.member GROUP BY 2", "counting members by store and week",
      0, NULL, error);
  if (result == NULL)
    return NULL;
  /* Stores first: every store any member belongs to. */
  for (int r = 0; r < PQntuples (result); r++)
    if (!PQgetisnull (result, r, 0) && store_index (report, PQgetvalue (result, r, 0)) < 0)
      g_ptr_array_add (report->stores, g_strdup (PQgetvalue (result, r, 0)));
  g_ptr_array_sort (report->stores, compare_strings);
  n_rows = report->stores->len + 1;
  members = g_new0 (gint64, n_rows * n_weeks);
  for (int r = 0; r < PQntuples (result); r++)
    {
      int row = PQgetisnull (result, r, 0) ? 0 : store_index (report, PQgetvalue (result, r, 0)) + 1;
      int week = MAX (week_index (report, int_at (result, r, 1)), 0);

      for (guint w = week; w < n_weeks; w++)
        members[row * n_weeks + w] += int_at (result, r, 2);
    }
  return members;
}

/* Each decision's switch: +1 revoked -> granted, -1 granted -> revoked, against the
 * member's previous decision for the purpose (change_no order) or the default. */
static gboolean
purposes_by_week (GhHq        *hq,
                  GhHqReport  *report,
                  const gint64 *members,
                  GError     **error)
{
  GListModel *purposes = gh_catalog_get_purposes (report->catalog);
  guint n_purposes = g_list_model_get_n_items (purposes), n_weeks = report->n_weeks;
  guint n_rows = report->stores->len + 1;
  g_autoptr(GString) ids = g_string_new ("{");
  g_autoptr(GString) defaults = g_string_new ("{");
  g_autoptr(PGresult) result = NULL;
  g_autofree gint64 *effect = NULL;   /* [purpose][row][week], cumulated below */
  const char *params[2];

  for (guint p = 0; p < n_purposes; p++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, p);

      g_string_append_printf (ids, "%s\"%s\"", p ? "," : "", gh_purpose_get_id (purpose));
      g_string_append_printf (defaults, "%s%s", p ? "," : "",
                              gh_offers_purpose_state (purpose, NULL) == GH_CONSENT_GRANTED
                              ? "true" : "false");
    }
  g_string_append_c (ids, '}');
  g_string_append_c (defaults, '}');
  params[0] = ids->str;
  params[1] = defaults->str;
  result = query (hq,
      "WITH p AS (SELECT * FROM unnest ($1::text[], $2::boolean[]) AS p (purpose_id, default_on)),"
      " d AS (SELECT d.purpose_id, d.origin, m.stores,"
      "   extract (epoch FROM date_trunc ('week', d.received_at))::bigint AS week,"
      "   CASE WHEN d.state = coalesce (lag (d.state) OVER w,"
      "                                 CASE WHEN p.default_on THEN 'granted' ELSE 'revoked' END)"
      "        THEN 0 WHEN d.state = 'granted' THEN 1 ELSE -1 END AS effect"
      "   FROM glasshouse.decision d JOIN p USING (purpose_id)"
      "   JOIN glasshouse.member m ON m.ref = d.ref"
      "   WINDOW w AS (PARTITION BY d.ref, d.purpose_id ORDER BY d.change_no)),"
      /* Only the decisions that switch something count; they are read twice below. */
      " s AS MATERIALIZED (SELECT * FROM d WHERE effect <> 0)"
      " SELECT st.store, s.purpose_id, s.week, s.origin, sum (s.effect),"
      "   count (*) FILTER (WHERE s.effect > 0), count (*) FILTER (WHERE s.effect < 0)"
      " FROM s CROSS JOIN LATERAL unnest (s.stores) AS st (store) GROUP BY 1, 2, 3, 4"
      " UNION ALL SELECT NULL, purpose_id, week, origin, sum (effect),"
      "   count (*) FILTER (WHERE effect > 0), count (*) FILTER (WHERE effect < 0)"
      " FROM s GROUP BY 2, 3, 4",
      "following the decisions week by week", 2, params, error);
  if (result == NULL)
    return FALSE;

  effect = g_new0 (gint64, n_purposes * n_rows * n_weeks);
  for (int r = 0; r < PQntuples (result); r++)
    {
      GhPurpose *purpose = gh_catalog_find_purpose (report->catalog, PQgetvalue (result, r, 1));
      gboolean all = PQgetisnull (result, r, 0);
      int row = all ? 0 : store_index (report, PQgetvalue (result, r, 0)) + 1;
      int week = week_index (report, int_at (result, r, 2));
      guint p;
      GhHqPurposeFigures *figures;

      if (purpose == NULL || row < 0)
        continue;
      for (p = 0; p < n_purposes; p++)
        {
          g_autoptr(GhPurpose) candidate = g_list_model_get_item (purposes, p);
          if (g_str_equal (gh_purpose_get_id (candidate), gh_purpose_get_id (purpose)))
            break;
        }
      figures = &report->purposes[p];
      /* A switch before the range counts in the shares it starts with. */
      for (guint w = MAX (week, 0); w < n_weeks; w++)
        effect[(p * n_rows + row) * n_weeks + w] += int_at (result, r, 4);
      if (all && week >= 0 && (guint) week < n_weeks)
        {
          figures->switched_on[week] += int_at (result, r, 5);
          figures->switched_off[week] += int_at (result, r, 6);
          figures->off_by_origin[origin_index (PQgetvalue (result, r, 3))] += int_at (result, r, 6);
        }
    }

  for (guint p = 0; p < n_purposes; p++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, p);
      gboolean default_on = gh_offers_purpose_state (purpose, NULL) == GH_CONSENT_GRANTED;

      for (guint row = 0; row < n_rows; row++)
        for (guint w = 0; w < n_weeks; w++)
          {
            gint64 held = members[row * n_weeks + w];
            gint64 on = (default_on ? held : 0) + effect[(p * n_rows + row) * n_weeks + w];
            double share = held > 0 ? CLAMP ((double) on / held, 0.0, 1.0) : 0.0;

            if (row == 0)
              report->purposes[p].share[w] = share;
            else
              report->purposes[p].store_share[(row - 1) * n_weeks + w] = share;
          }
    }
  return TRUE;
}

static gboolean
requests_by_week (GhHq        *hq,
                  GhHqReport  *report,
                  GError     **error)
{
  g_autoptr(PGresult) copies = NULL;
  g_autoptr(PGresult) erasures = NULL;

  copies = query (hq,
      "SELECT extract (epoch FROM date_trunc ('week', issued_at))::bigint, count (*)"
      " FROM glasshouse.receipt WHERE kind = 'access' GROUP BY 1",
      "counting data copies", 0, NULL, error);
  if (copies == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (copies); r++)
    {
      int week = week_index (report, int_at (copies, r, 0));
      if (week >= 0 && (guint) week < report->n_weeks)
        report->copies[week] += int_at (copies, r, 1);
    }
  /* An erasure is complete at HQ when erase_member ran: received_at. */
  erasures = query (hq,
      "SELECT extract (epoch FROM date_trunc ('week', requested_at))::bigint, count (*),"
      " percentile_cont (0.5) WITHIN GROUP (ORDER BY extract (epoch FROM received_at - requested_at)),"
      " max (extract (epoch FROM received_at - requested_at))"
      " FROM glasshouse.erasure GROUP BY 1",
      "counting erasures", 0, NULL, error);
  if (erasures == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (erasures); r++)
    {
      int week = week_index (report, int_at (erasures, r, 0));
      if (week < 0 || (guint) week >= report->n_weeks)
        continue;
      report->erasures[week] += int_at (erasures, r, 1);
      report->erasure_median_hours[week] = MAX (g_ascii_strtod (PQgetvalue (erasures, r, 2), NULL),
                                                0.0) / 3600.0;
      report->erasure_max_hours[week] = MAX (g_ascii_strtod (PQgetvalue (erasures, r, 3), NULL),
                                             0.0) / 3600.0;
    }
  return TRUE;
}

static gboolean
previews_by_week (GhHq        *hq,
                  GhHqReport  *report,
                  GError     **error)
{
  g_autoptr(PGresult) result = query (hq,
      "SELECT purpose_id, extract (epoch FROM date_trunc ('week', day::timestamp AT TIME ZONE 'UTC'))::bigint,"
      " sum (opened), sum (kept_on) FROM glasshouse.preview_daily GROUP BY 1, 2",
      "reading the preview counts", 0, NULL, error);
  GListModel *purposes = gh_catalog_get_purposes (report->catalog);

  if (result == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (result); r++)
    {
      int week = week_index (report, int_at (result, r, 1));

      if (week < 0 || (guint) week >= report->n_weeks)
        continue;
      for (guint p = 0; p < g_list_model_get_n_items (purposes); p++)
        {
          g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, p);
          GhHqPurposeFigures *figures = &report->purposes[p];

          if (!g_str_equal (gh_purpose_get_id (purpose), PQgetvalue (result, r, 0)))
            continue;
          figures->preview_opened += int_at (result, r, 2);
          figures->preview_kept_on += int_at (result, r, 3);
          figures->preview_opened_week[week] += int_at (result, r, 2);
          figures->preview_kept_week[week] += int_at (result, r, 3);
        }
    }
  return TRUE;
}

gboolean
_gh_hq_report_sql (GhHq        *hq,
                   GhHqReport  *report,
                   GError     **error)
{
  g_autofree gint64 *members = NULL;
  g_autoptr(PGresult) count = NULL;
  guint n_purposes = g_list_model_get_n_items (gh_catalog_get_purposes (report->catalog));

  /* Weeks are ISO weeks in UTC, whatever the server's zone; and room for the sorts and
   * hashes over every member and decision, which spill to disk at the default 4 MB. */
  if (!_gh_hq_exec_command (hq, "SET TIME ZONE 'UTC'; SET work_mem = '128MB'",
                            "setting up the report's session", error))
    return FALSE;
  count = query (hq, "SELECT count (*) FROM glasshouse.member", "counting members", 0, NULL,
                 error);
  if (count == NULL || (members = members_by_week (hq, report, error)) == NULL)
    return FALSE;
  report->members = int_at (count, 0, 0);
  for (guint p = 0; p < n_purposes; p++)
    report->purposes[p].store_share = g_new0 (double, MAX (report->stores->len, 1) * report->n_weeks);
  return purposes_by_week (hq, report, members, error) &&
         requests_by_week (hq, report, error) &&
         previews_by_week (hq, report, error);
}
