/* The fleet report's set-based figures, computed by PostgreSQL while the workers run
 * the offer engine: members per store and week, each purpose's share over the weeks
 * (from the switches each decision makes, in change_no order, against the purpose's
 * default), switches by week and origin, data copies and erasures per week with the
 * time erasures took, and the preview's daily counts. Definitions: docs/hq-report.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include <string.h>

#include "hq/gh-hq-report-private.h"

#include "offers/gh-offers.h"

/* Monday 00:00 UTC of the week holding a timestamptz, by integer arithmetic on the
 * epoch (1970-01-05 was a Monday): date_trunc goes through the time zone machinery,
 * which costs a second per million rows. */
#define SQL_WEEK(column) \
  "((date_part ('epoch', " column ")::bigint - 345600) / 604800 * 604800 + 345600)"

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

/* The elements of a text[] in PostgreSQL's output form: {a,b} or {"a b","c\\"d"}. */
static GPtrArray *
parse_text_array (const char *text)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  if (*p++ != '{')
    return items;
  while (*p != '\0' && *p != '}')
    {
      GString *item = g_string_new (NULL);

      if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
              g_string_append_c (item, *p);
            }
          if (*p == '"')
            p++;
        }
      else
        for (; *p != '\0' && *p != ',' && *p != '}'; p++)
          g_string_append_c (item, *p);
      g_ptr_array_add (items, g_string_free (item, FALSE));
      if (*p == ',')
        p++;
    }
  return items;
}

/* The row of each store in the per-store arrays: its index + 1 (row 0 is all members). */
static GHashTable *
store_rows (GhHqReport *report)
{
  GHashTable *rows = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint s = 0; s < report->stores->len; s++)
    g_hash_table_insert (rows, g_ptr_array_index (report->stores, s), GUINT_TO_POINTER (s + 1));
  return rows;
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
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) rows = NULL;
  guint n_weeks = report->n_weeks;
  gint64 *members;

  /* One pass over the members, grouped by their whole list of stores: a member of two
   * stores is one member for the fleet and one in each store (counted in C below). */
  result = query (hq,
      "SELECT stores, " SQL_WEEK ("member_since") ", count (*) FROM glasshouse.member"
      " GROUP BY 1, 2", "counting members by store and week", 0, NULL, error);
  if (result == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (result); r++)
    {
      g_autoptr(GPtrArray) stores = parse_text_array (PQgetvalue (result, r, 0));

      for (guint i = 0; i < stores->len; i++)
        if (g_hash_table_add (seen, g_strdup (g_ptr_array_index (stores, i))))
          g_ptr_array_add (report->stores, g_strdup (g_ptr_array_index (stores, i)));
    }
  g_ptr_array_sort (report->stores, compare_strings);
  rows = store_rows (report);
  members = g_new0 (gint64, (report->stores->len + 1) * n_weeks);
  for (int r = 0; r < PQntuples (result); r++)
    {
      g_autoptr(GPtrArray) stores = parse_text_array (PQgetvalue (result, r, 0));
      int week = MAX (week_index (report, int_at (result, r, 1)), 0);
      gint64 count = int_at (result, r, 2);

      for (guint w = week; w < n_weeks; w++)
        members[w] += count;
      for (guint i = 0; i < stores->len; i++)
        {
          guint row = GPOINTER_TO_UINT (g_hash_table_lookup (rows, g_ptr_array_index (stores, i)));
          for (guint w = week; w < n_weeks; w++)
            members[row * n_weeks + w] += count;
        }
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
  g_autoptr(GHashTable) rows = NULL;
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
      /* Refs are compared byte by byte: the order of a member's decisions is change_no,
       * and a collation's rules only cost time here. */
      " d AS (SELECT d.ref, d.purpose_id, d.origin, " SQL_WEEK ("d.received_at") " AS week,"
      "   CASE WHEN d.state = coalesce (lag (d.state) OVER w,"
      "                                 CASE WHEN p.default_on THEN 'granted' ELSE 'revoked' END)"
      "        THEN 0 WHEN d.state = 'granted' THEN 1 ELSE -1 END AS effect"
      "   FROM glasshouse.decision d JOIN p USING (purpose_id)"
      "   WINDOW w AS (PARTITION BY d.ref COLLATE \"C\", d.purpose_id ORDER BY d.change_no))"
      " SELECT m.stores, d.purpose_id, d.week, d.origin, sum (d.effect),"
      "   count (*) FILTER (WHERE d.effect > 0), count (*) FILTER (WHERE d.effect < 0)"
      " FROM d JOIN glasshouse.member m ON m.ref = d.ref WHERE d.effect <> 0"
      " GROUP BY 1, 2, 3, 4",
      "following the decisions week by week", 2, params, error);
  if (result == NULL)
    return FALSE;

  effect = g_new0 (gint64, n_purposes * n_rows * n_weeks);
  rows = store_rows (report);
  for (int r = 0; r < PQntuples (result); r++)
    {
      g_autoptr(GPtrArray) stores = parse_text_array (PQgetvalue (result, r, 0));
      const char *purpose_id = PQgetvalue (result, r, 1);
      int week = week_index (report, int_at (result, r, 2));
      gint64 sum = int_at (result, r, 4);
      guint p;
      GhHqPurposeFigures *figures;

      for (p = 0; p < n_purposes; p++)
        {
          g_autoptr(GhPurpose) candidate = g_list_model_get_item (purposes, p);
          if (g_str_equal (gh_purpose_get_id (candidate), purpose_id))
            break;
        }
      if (p == n_purposes)
        continue;  /* a purpose the config no longer has */
      figures = &report->purposes[p];
      /* A switch before the range counts in the shares it starts with; a member of two
       * stores counts once for the fleet and once in each store. */
      for (guint w = MAX (week, 0); w < n_weeks; w++)
        {
          effect[(p * n_rows) * n_weeks + w] += sum;
          for (guint i = 0; i < stores->len; i++)
            {
              guint row = GPOINTER_TO_UINT (g_hash_table_lookup (rows, g_ptr_array_index (stores, i)));
              if (row > 0)
                effect[(p * n_rows + row) * n_weeks + w] += sum;
            }
        }
      if (week >= 0 && (guint) week < n_weeks)
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
