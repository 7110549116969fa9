/* The fleet report (gh-hq-report.h): the range of weeks, then the members' pass through
 * the offer engine on its workers while this thread has PostgreSQL compute the
 * set-based figures, so the two overlap.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "hq/gh-hq-report-private.h"

#define DEFAULT_WEEKS 12
#define DEFAULT_WORKERS 2
#define DAY_SECONDS (24 * 3600)

typedef struct {
  const char *conninfo;
  GhCatalog  *catalog;
  gint64      now;
  guint       n_workers;
  GhHqScan   *scan;
  GError     *error;
  gboolean    ok;
} ScanJob;

static gpointer
scan_thread (gpointer data)
{
  ScanJob *job = data;

  job->ok = _gh_hq_report_scan (job->conninfo, job->catalog, job->now, job->n_workers, job->scan,
                                &job->error);
  return NULL;
}

/* Monday 00:00 UTC of the week holding @t (1 January 1970 was a Thursday). */
static gint64
week_start (gint64 t)
{
  gint64 days = t >= 0 ? t / DAY_SECONDS : (t - DAY_SECONDS + 1) / DAY_SECONDS;
  gint64 weekday = ((days + 3) % 7 + 7) % 7;

  return (days - weekday) * DAY_SECONDS;
}

GhHqReport *
_gh_hq_report_new (GhCatalog               *catalog,
                   const GhHqReportOptions *options)
{
  GhHqReport *report = g_new0 (GhHqReport, 1);
  guint n_purposes = g_list_model_get_n_items (gh_catalog_get_purposes (catalog));

  report->catalog = g_object_ref (catalog);
  report->now = options->now != 0 ? options->now : g_get_real_time () / G_USEC_PER_SEC;
  report->n_weeks = options->weeks > 0 ? options->weeks : DEFAULT_WEEKS;
  report->first_week = week_start (report->now) - (gint64) (report->n_weeks - 1) * GH_WEEK_SECONDS;
  report->stores = g_ptr_array_new_with_free_func (g_free);
  report->purposes = g_new0 (GhHqPurposeFigures, MAX (n_purposes, 1));
  for (guint p = 0; p < n_purposes; p++)
    {
      GhHqPurposeFigures *figures = &report->purposes[p];

      figures->share = g_new0 (double, report->n_weeks);
      figures->switched_on = g_new0 (gint64, report->n_weeks);
      figures->switched_off = g_new0 (gint64, report->n_weeks);
      figures->preview_opened_week = g_new0 (gint64, report->n_weeks);
      figures->preview_kept_week = g_new0 (gint64, report->n_weeks);
    }
  report->copies = g_new0 (gint64, report->n_weeks);
  report->erasures = g_new0 (gint64, report->n_weeks);
  report->erasure_median_hours = g_new0 (double, report->n_weeks);
  report->erasure_max_hours = g_new0 (double, report->n_weeks);
  for (guint w = 0; w < report->n_weeks; w++)
    report->erasure_median_hours[w] = report->erasure_max_hours[w] = -1;
  return report;
}

GhHqReport *
gh_hq_report_compute (const char               *conninfo,
                      GhCatalog                *catalog,
                      const GhHqReportOptions  *options,
                      GError                  **error)
{
  static const GhHqReportOptions defaults = { 0 };
  g_autoptr(GhHqReport) report = NULL;
  g_autoptr(GhHq) hq = NULL;
  ScanJob job = { 0 };
  GThread *thread;
  gboolean ok;

  g_return_val_if_fail (GH_IS_CATALOG (catalog), NULL);
  if (options == NULL)
    options = &defaults;
  report = _gh_hq_report_new (catalog, options);

  if ((hq = gh_hq_connect (conninfo, error)) == NULL)
    return NULL;
  job.conninfo = conninfo;
  job.catalog = catalog;
  job.now = report->now;
  job.n_workers = options->n_workers > 0 ? options->n_workers : DEFAULT_WORKERS;
  job.scan = &report->scan;
  thread = g_thread_new ("gh-report", scan_thread, &job);
  ok = _gh_hq_report_sql (hq, report, error);
  g_thread_join (thread);
  if (ok && !job.ok)
    g_propagate_error (error, g_steal_pointer (&job.error));
  g_clear_error (&job.error);
  if (!ok || !job.ok)
    return NULL;
  return g_steal_pointer (&report);
}

void
gh_hq_report_free (GhHqReport *report)
{
  guint n_purposes;

  if (report == NULL)
    return;
  n_purposes = g_list_model_get_n_items (gh_catalog_get_purposes (report->catalog));
  for (guint p = 0; p < n_purposes; p++)
    {
      GhHqPurposeFigures *figures = &report->purposes[p];

      g_free (figures->share);
      g_free (figures->store_share);
      g_free (figures->switched_on);
      g_free (figures->switched_off);
      g_free (figures->preview_opened_week);
      g_free (figures->preview_kept_week);
    }
  g_free (report->purposes);
  _gh_hq_scan_clear (&report->scan);
  g_clear_pointer (&report->stores, g_ptr_array_unref);
  g_free (report->copies);
  g_free (report->erasures);
  g_free (report->erasure_median_hours);
  g_free (report->erasure_max_hours);
  g_clear_object (&report->catalog);
  g_free (report);
}
