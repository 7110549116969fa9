/* The fleet report (issue 17, docs/hq-report.md): does the data HQ holds earn its
 * keep? Computed over every member HQ holds with the kiosk's own offer engine, plus
 * set-based figures on decisions, requests and the preview's daily counts; written
 * as JSON and as one self-contained, printable HTML page with SVG charts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "config/gh-catalog.h"
#include "hq/gh-hq.h"

G_BEGIN_DECLS

typedef struct {
  gint64 now;        /* unix seconds: "today" for the offers and the range; 0: the clock */
  guint  weeks;      /* weeks the range covers, ending with the week of @now; 0: 12 */
  guint  n_workers;  /* threads evaluating offers, each over a range of refs; 0: 2 */
} GhHqReportOptions;

typedef struct _GhHqReport GhHqReport;

/* Reads HQ at @conninfo (one connection per worker, one for the aggregates) and
 * computes every figure against @catalog. */
GhHqReport *gh_hq_report_compute (const char               *conninfo,
                                  GhCatalog                *catalog,
                                  const GhHqReportOptions  *options,
                                  GError                  **error);
void        gh_hq_report_free    (GhHqReport               *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhHqReport, gh_hq_report_free)

/* Every figure, with ids (not titles): what the test and other tools read. */
JsonNode   *gh_hq_report_to_json (GhHqReport               *report);
/* The page in @language (a config language; NULL: the config's default), texts
 * from po/ and the config's own titles. */
char       *gh_hq_report_to_html (GhHqReport               *report,
                                  const char               *language);

/* Finds the page's text @msgid (with @context, or NULL; with @plural, or NULL, for
 * the number @n) in the caller's language; returns it untranslated when unknown. */
typedef const char *(*GhHqReportTranslate) (const char *context,
                                            const char *msgid,
                                            const char *plural,
                                            gulong      n,
                                            gpointer    user_data);
/* The same page with its po/ texts from @translate rather than gettext's process-wide
 * language: for a server whose threads each answer in their own language. */
char       *gh_hq_report_to_html_translated (GhHqReport          *report,
                                             const char          *language,
                                             GhHqReportTranslate  translate,
                                             gpointer             user_data);

G_END_DECLS
