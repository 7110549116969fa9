/* The fleet report benchmark (issue 17): the whole report (every figure, the HTML page
 * and the JSON) over 1,000,000 members HQ holds, set against a floor measured in the
 * same run: evaluating every member's offers once with the engine, on the same two
 * workers reading the same rows from HQ (docs/hq-report.md "Speed"). The members are
 * made with set-based SQL in the documented shape (hq import's own speed is not what
 * is measured). GLASSHOUSE_BENCH_MEMBERS=N changes the size. Exit status 1 when the
 * report takes more than 1.5 times the floor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "hq/gh-hq-report-private.h"
#include "gh-test-bundle.h"
#include "gh-test-hq.h"

#define TARGET 1.5

static void
populate (GhTestPg *pg,
          GhTestHq *hq,
          gint64    members)
{
  g_autoptr(PGconn) db = gh_test_pg_admin (pg, hq->dbname);
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO glasshouse.member (ref, loyalty_id, display_name, member_since, stores)"
      " SELECT 'm' || lpad (i::text, 8, '0'), (7000000000 + i)::text, 'Member ' || i,"
      "  timestamptz '2025-01-01' + (i %% 600) * interval '1 day', ARRAY['s-' || (i %% 20)]"
      " FROM generate_series (1, %" G_GINT64_FORMAT ") i;"
      /* Everyone: sizes; 4 in 5: an email address; purchases 0 to 5, three departments. */
      "INSERT INTO glasshouse.member_item (ref, item_id, category, source, attributes,"
      " collected_at, retained_until)"
      " SELECT 'm' || lpad (i::text, 8, '0'), 'sz', 'user.preference.sizes', 'provided',"
      "  jsonb_build_object ('shoe', 36 + i %% 10), timestamptz '2026-06-01', '2099-01-01'"
      " FROM generate_series (1, %" G_GINT64_FORMAT ") i;"
      "INSERT INTO glasshouse.member_item SELECT 'm' || lpad (i::text, 8, '0'), 'em',"
      "  'user.contact.email', 'provided', '{}', timestamptz '2026-06-01', '2099-01-01'"
      " FROM generate_series (1, %" G_GINT64_FORMAT ") i WHERE i %% 5 <> 0;"
      "INSERT INTO glasshouse.member_item SELECT 'm' || lpad (i::text, 8, '0'), 'p' || k,"
      "  'user.behavior.purchase_history', 'observed',"
      "  jsonb_build_object ('department', (ARRAY['running','tennis','outdoor'])[1 + (i + k) %% 3],"
      "                      'amount', 10 + (i * k) %% 90),"
      "  timestamptz '2026-01-01' + ((i + k) %% 330) * interval '1 day', '2099-01-01'"
      " FROM generate_series (1, %" G_GINT64_FORMAT ") i, generate_series (1, 5) k"
      " WHERE k <= i %% 6;"
      /* Decisions: a third of members chose on email, some switched twice. */
      "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at, received_at, origin)"
      " SELECT 'm' || lpad (i::text, 8, '0'), 'marketing.email',"
      "  CASE WHEN i %% 2 = 0 THEN 'granted' ELSE 'revoked' END, t, t,"
      "  (ARRAY['kiosk','portal','crm'])[1 + i %% 3]"
      " FROM generate_series (1, %" G_GINT64_FORMAT ", 3) i,"
      "  LATERAL (SELECT timestamptz '2026-09-01' + (i %% 90) * interval '1 day' AS t) x;"
      "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at, received_at, origin)"
      " SELECT 'm' || lpad (i::text, 8, '0'), 'personalize.offers', 'revoked', t, t, 'portal'"
      " FROM generate_series (1, %" G_GINT64_FORMAT ", 7) i,"
      "  LATERAL (SELECT timestamptz '2026-10-01' + (i %% 60) * interval '1 day' AS t) x;"
      "INSERT INTO glasshouse.erasure (ref, requested_at, received_at, origin)"
      " SELECT 'gone-' || i, timestamptz '2026-10-01' + i * interval '1 hour',"
      "  timestamptz '2026-10-01' + i * interval '1 hour' + (i %% 48) * interval '1 hour', 'kiosk'"
      " FROM generate_series (1, 1500) i;"
      "INSERT INTO glasshouse.preview_daily SELECT 'k-' || k, date '2026-09-15' + d, p, 20, 12"
      " FROM generate_series (1, 40) k, generate_series (0, 80) d,"
      "  unnest (ARRAY['marketing.email', 'personalize.offers']) p;", members, members, members, members, members, members);

  gh_test_pg_exec (db, sql);
  gh_test_pg_exec (db, "VACUUM ANALYZE");
}

static double
run_floor (GhTestHq  *hq,
           GhCatalog *catalog,
           gint64     now)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (_gh_hq_report_scan (hq->conninfo, catalog, now, 2, NULL, &error));
  g_assert_no_error (error);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* The set-based figures alone, for the reader of the figures (not part of the ratio). */
static double
run_sql (GhTestHq  *hq,
         GhCatalog *catalog,
         gint64     now)
{
  g_autoptr(GError) error = NULL;
  GhHqReportOptions options = { .now = now };
  g_autoptr(GhHqReport) report = _gh_hq_report_new (catalog, &options);
  g_autoptr(GhHq) link = gh_hq_connect (hq->conninfo, &error);
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  g_assert_true (_gh_hq_report_sql (link, report, &error));
  g_assert_no_error (error);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
run_report (GhTestHq  *hq,
            GhCatalog *catalog,
            gint64     now,
            gint64    *members)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhHqReport) report = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *html = NULL;
  GhHqReportOptions options = { .now = now, .n_workers = 2 };
  gint64 start = g_get_monotonic_time ();
  double seconds;

  report = gh_hq_report_compute (hq->conninfo, catalog, &options, &error);
  g_assert_no_error (error);
  html = gh_hq_report_to_html (report, "en");
  json = gh_hq_report_to_json (report);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  *members = json_object_get_int_member (json_node_get_object (json), "members");
  g_assert_nonnull (strstr (html, "</html>"));
  return seconds;
}

int
main (int    argc,
      char **argv)
{
  const char *size = g_getenv ("GLASSHOUSE_BENCH_MEMBERS");
  gint64 n = size != NULL ? g_ascii_strtoll (size, NULL, 10) : 1000000, members = 0;
  g_autofree char *skip = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GhTestHq) hq = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GhTestPg *pg;
  double floor_s = G_MAXDOUBLE, report_s = G_MAXDOUBLE, sql_s = G_MAXDOUBLE, ratio;
  gint64 now = 1765195200;  /* 2026-12-08T12:00:00Z */
  gint64 start;

  g_test_init (&argc, &argv, NULL);
  pg = gh_test_pg_start (TRUE, &skip);
  if (pg == NULL)
    {
      printf ("1..0 # SKIP %s\n", skip);
      return 0;
    }
  config = gh_test_bundle_config (1);
  bytes = g_bytes_new (config, strlen (config));
  catalog = gh_catalog_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  hq = gh_test_hq_new (pg, config, TRUE);
  start = g_get_monotonic_time ();
  populate (pg, hq, n);
  printf ("# %" G_GINT64_FORMAT " members made in %.1f s\n", n,
          (g_get_monotonic_time () - start) / 1e6);

  run_floor (hq, catalog, now);  /* warms PostgreSQL's cache for both */
  /* Three rounds, the best of each: the machine is shared, and a round another process
   * slowed down says nothing about the report. */
  for (int round = 0; round < 3; round++)
    {
      double f = run_floor (hq, catalog, now);
      double r = run_report (hq, catalog, now, &members);
      double q = run_sql (hq, catalog, now);

      printf ("# round %d: floor %.2f s, report %.2f s (its set-based figures alone: %.2f s)\n",
              round + 1, f, r, q);
      floor_s = MIN (floor_s, f);
      report_s = MIN (report_s, r);
      sql_s = MIN (sql_s, q);
    }
  g_assert_cmpint (members, ==, n);
  ratio = report_s / floor_s;
  printf ("# fleet report over %" G_GINT64_FORMAT " members: %.2f s (%.0f members/s); floor "
          "(every member's offers evaluated once, two workers): %.2f s; ratio %.2f (target <= %.1f)"
          "; the set-based figures alone: %.2f s\n", n, report_s, n / report_s, floor_s, ratio, TARGET,
          sql_s);
  printf ("1..1\n%s 1 - report within %.1fx of the floor\n", ratio <= TARGET ? "ok" : "not ok",
          TARGET);
  gh_test_pg_stop (pg);
  return ratio <= TARGET ? 0 : 1;
}
